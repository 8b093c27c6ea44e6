// Package diag formats errors that point into a user's file: file:line:column,
// the offending line with a caret under the column, and a hint saying how to
// fix it.
package diag

import (
	"fmt"
	"os"
	"strings"
)

// Pos is a place in a file (line and column start at 1; 0 means unknown).
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a problem in a user's file (playbook, inventory, vars file).
type Error struct {
	Pos  Pos
	Msg  string
	Hint string // how to fix it, e.g. "did you mean `when`?"
	Err  error  // the cause, if any
}

// Errorf builds an Error at pos.
func Errorf(pos Pos, format string, a ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, a...)}
}

// WithHint returns e with a hint set.
func (e *Error) WithHint(format string, a ...any) *Error {
	e.Hint = fmt.Sprintf(format, a...)
	return e
}

func (e *Error) Unwrap() error { return e.Err }

// Error is the one-line form: "file:line:col: msg (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Detail is the multi-line form printed to the user: the message, the
// offending line with a caret under the column, and the hint.
func (e *Error) Detail() string {
	var b strings.Builder
	b.WriteString(e.Msg)
	if s := e.Pos.String(); s != "" {
		fmt.Fprintf(&b, "\n\nThe error appears to be in '%s'", s)
		if line, ok := sourceLine(e.Pos.File, e.Pos.Line); ok {
			fmt.Fprintf(&b, ", but may\nbe elsewhere in the file depending on the exact syntax problem.\n\nThe offending line appears to be:\n\n%s\n", line)
			if e.Pos.Col > 0 {
				b.WriteString(strings.Repeat(" ", caretIndent(line, e.Pos.Col)))
				b.WriteString("^ here\n")
			}
		} else {
			b.WriteString("\n")
		}
	}
	if e.Hint != "" {
		if !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString("Hint: ")
		b.WriteString(e.Hint)
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// caretIndent keeps tabs so the caret lines up under the column.
func caretIndent(line string, col int) int {
	if col-1 > len(line) {
		return len(line)
	}
	return col - 1
}

func sourceLine(file string, n int) (string, bool) {
	if n <= 0 {
		return "", false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	lines := strings.Split(string(data), "\n")
	if n > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[n-1], "\r"), true
}

// Suggest returns the candidate closest to word (for "did you mean"), or ""
// when nothing is close enough.
func Suggest(word string, candidates []string) string {
	best, bestDist := "", len(word)/2+2
	for _, c := range candidates {
		if d := distance(strings.ToLower(word), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
