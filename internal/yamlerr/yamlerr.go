// Package yamlerr turns go-yaml's syntax errors into diag errors that point
// where PyYAML (and so ansible-playbook) points: the token the parser choked
// on, with its line and column, and a hint for the usual mistakes.
//
// go-yaml only reports the line where the enclosing block or flow collection
// starts. The exact place is found by parsing ever longer prefixes of the
// file: the parser stops at the offending token, so the shortest prefix that
// still fails the same way, even when followed by text that would repair an
// error caused only by the prefix ending early, ends with that token's first
// character.
package yamlerr

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"play/diag"
)

var lineAndProblem = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// repairs are appended to a prefix: an error caused by the prefix ending in
// an open flow collection goes away or changes with at
// least one of them, an error at a token inside the prefix does not. Each
// starts with a line break so that the last character of the prefix is
// followed by a blank, as an indicator (`:`, `-`) needs.
var repairs = []string{"", "\n]]]]]]]]", "\n}}}}}}}}"}

// Error describes err, the error yaml.Unmarshal returned for data read from
// path, at the offending line and column. Msg is the parser's problem
// ("mapping values are not allowed in this context"); callers prefix it.
func Error(path string, data []byte, err error) *diag.Error {
	e := &diag.Error{Pos: diag.Pos{File: path}, Msg: err.Error(), Err: err}
	m := lineAndProblem.FindStringSubmatch(err.Error())
	if m == nil {
		return e
	}
	e.Msg = m[2]
	if m[1] == "" { // not a syntax error (an unknown anchor): no token to point at
		e.Hint = hint(e.Msg, "", 0)
		return e
	}
	reported, _ := strconv.Atoi(m[1])
	off := offset(data, err.Error(), reported)
	e.Pos.Line, e.Pos.Col = lineCol(data, off)
	e.Hint = hint(e.Msg, lineAt(data, e.Pos.Line), e.Pos.Col)
	return e
}

// DuplicateKeys is Ansible's warning for each key a mapping under n
// repeats: YAML forbids it, but Ansible keeps the last value. path is the
// file's absolute path, as Ansible names it.
func DuplicateKeys(path string, n *yaml.Node) []string {
	var warnings []string
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			if seen[k.Value] {
				warnings = append(warnings, fmt.Sprintf("While constructing a mapping from %s, line %d, column %d, found a duplicate dict key (%s). Using last defined value only.",
					path, n.Line, n.Column, k.Value))
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		warnings = append(warnings, DuplicateKeys(path, c)...)
	}
	return warnings
}

// offset is where in data the parser failed: the start of the shortest
// prefix's last character, or the end of data when the error is the end of
// the stream itself (an unclosed quote, a flow collection never closed).
func offset(data []byte, want string, reported int) int {
	if strings.Contains(want, "end of stream") {
		return len(data)
	}
	// The offending token is at or after the line go-yaml names; start one
	// line earlier because scanner errors count lines from 1 and parser
	// errors from 0.
	start := lineStart(data, reported-1)
	fails := func(n int) bool {
		for _, r := range repairs {
			var err error
			doc := append(append([]byte{}, data[:n]...), r...)
			var node yaml.Node
			if err = yaml.Unmarshal(doc, &node); err == nil || err.Error() != want {
				return false
			}
		}
		return true
	}
	// Whole lines first, then characters within the line found.
	lineEnd := start
	for lineEnd < len(data) {
		next := bytes.IndexByte(data[lineEnd:], '\n')
		if next < 0 {
			lineEnd = len(data)
		} else {
			lineEnd += next + 1
		}
		if fails(lineEnd) {
			break
		}
		start = lineEnd
	}
	if start >= len(data) {
		return len(data)
	}
	for n := start; n < lineEnd; {
		_, size := utf8.DecodeRune(data[n:])
		if fails(n + size) {
			return n
		}
		n += size
	}
	return lineEnd
}

// lineStart is the offset of line n (from 1); 0 for n < 1.
func lineStart(data []byte, n int) int {
	off := 0
	for l := 1; l < n; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return off
		}
		off += i + 1
	}
	return off
}

// lineCol is the line and column (from 1, in characters as PyYAML counts
// them, a byte order mark not included) of offset off.
func lineCol(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	lineText := before[bytes.LastIndexByte(before, '\n')+1:]
	if line == 1 {
		lineText = bytes.TrimPrefix(lineText, []byte("\ufeff"))
	}
	return line, utf8.RuneCount(lineText) + 1
}

// lineAt is line n (from 1) of data without its line break, "" past the end.
func lineAt(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}

// hint explains the mistakes behind most YAML errors, judged from the
// problem and the offending line, as ansible-playbook does.
func hint(problem, line string, col int) string {
	value := line
	if i := strings.Index(line, ": "); i >= 0 {
		value = strings.TrimSpace(line[i+2:])
	}
	value = strings.TrimPrefix(strings.TrimSpace(value), "- ")
	at := ""
	if r := []rune(line); col >= 1 && col <= len(r) {
		at = string(r[col-1])
	}
	switch {
	case strings.Contains(line, "\t"):
		return "YAML does not use tabs for indentation: replace the tabs on this line with spaces"
	case strings.HasPrefix(value, "{{"):
		return `a value starting with {{ must be quoted, or YAML reads it as a mapping: write "{{ foo }}"`
	case strings.Contains(problem, "end of stream") && (strings.Count(line, `"`)%2 == 1 || strings.Count(line, "'")%2 == 1):
		return "a quoted value must end with the quote it starts with, on this line or a later one"
	case strings.Contains(problem, "end of stream"):
		return "a quote opened earlier is never closed: close it, or quote the whole value with the other kind of quote"
	case (strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "'")) && problem == "did not find expected key":
		return `a value that starts with a quote must end with it: quote the whole value, e.g. when: '"ok" in result.stdout'`
	case strings.Contains(problem, "did not find expected ',' or"):
		return "a [ or { is not closed: add the closing bracket, or quote the value if it is not a list or mapping"
	case at == ":" && strings.Count(line, ":") > 1:
		return `a value containing ": " must be quoted, e.g. name: "x: y"`
	case at == ":":
		return `a key needs a space after its colon ("key: value"), and a value containing ": " must be quoted`
	case strings.Contains(problem, "did not find expected"), strings.Contains(problem, "could not find expected ':'"):
		return "check the indentation of this line: keys of one mapping line up, and list items start with '- ' at the same column"
	case strings.Contains(problem, "unknown anchor"):
		return "define the anchor (&name) before using the alias (*name)"
	}
	return ""
}
