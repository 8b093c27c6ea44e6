package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

func init() {
	Register(Info{Name: "blockinfile", New: func() Module { return &Blockinfile{} }})
}

// Blockinfile inserts, updates or removes a block of lines between two
// marker lines.
type Blockinfile struct {
	EditArgs
	// State says whether the block should be there.
	State string `arg:"state" choices:"present,absent"`
	// Marker is the marker lines' template; {mark} becomes marker_begin or marker_end.
	Marker string `arg:"marker"`
	// Block is the text between the markers.
	Block string `arg:"block" aliases:"content"`
	// InsertAfter is EOF or a regexp: a new block goes after its last match.
	InsertAfter string `arg:"insertafter"`
	// InsertBefore is BOF or a regexp: a new block goes before its last match.
	InsertBefore string `arg:"insertbefore"`
	// Create creates the file when it is missing.
	Create bool `arg:"create"`
	// MarkerBegin replaces {mark} in the first marker.
	MarkerBegin string `arg:"marker_begin"`
	// MarkerEnd replaces {mark} in the last marker.
	MarkerEnd string `arg:"marker_end"`
	// AppendNewline adds a blank line after the block unless there is one.
	AppendNewline bool `arg:"append_newline"`
	// PrependNewline adds a blank line before the block unless there is one.
	PrependNewline bool `arg:"prepend_newline"`
}

// Validate checks the argument combinations Ansible rejects.
func (b *Blockinfile) Validate() error {
	if b.InsertAfter != "" && b.InsertBefore != "" {
		return errors.New("parameters are mutually exclusive: insertafter|insertbefore")
	}
	return checkValidate(b.ValidateCmd)
}

// Plan implements Module.
func (b *Blockinfile) Plan(ctx context.Context, env *Env) (*Plan, error) {
	pr, st, err := b.probeEdit(ctx, env)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &Failure{Msg: fmt.Sprintf("Path %s is a directory !", b.Path), Result: map[string]any{"rc": 256}}
	}
	present := b.State != "absent"
	if !st.Exists {
		if !b.Create {
			return nil, &Failure{Msg: fmt.Sprintf("Path %s does not exist !", b.Path), Result: map[string]any{"rc": 257}}
		}
		if !present {
			return &Plan{Msg: fmt.Sprintf("File %s not present", b.Path)}, nil
		}
	}
	before := string(st.Content)
	after, err := b.edit(before, present)
	if err != nil {
		return nil, err
	}
	msg := "Block inserted"
	switch {
	case !st.Exists:
		msg = "File created"
	case !present || b.Block == "":
		msg = "Block removed"
	}
	edit := &textEdit{args: &b.EditArgs, st: st, umask: pr.Umask, before: before, after: after, msg: msg,
		diffHeader: b.Path + " (content)", attrDiff: true, backupKey: "backup_file"}
	return edit.plan()
}

// edit is Ansible's blockinfile main(), on text.
func (b *Blockinfile) edit(original string, present bool) (string, error) {
	marker := b.Marker
	if marker == "" {
		marker = "# {mark} ANSIBLE MANAGED BLOCK"
	}
	begin, end := b.MarkerBegin, b.MarkerEnd
	if begin == "" {
		begin = "BEGIN"
	}
	if end == "" {
		end = "END"
	}
	marker0 := strings.ReplaceAll(marker, "{mark}", begin) + "\n"
	marker1 := strings.ReplaceAll(marker, "{mark}", end) + "\n"
	var blockLines []string
	if present && b.Block != "" {
		block := b.Block
		if !strings.HasSuffix(block, "\n") {
			block += "\n"
		}
		blockLines = append(append([]string{marker0}, splitLines(block)...), marker1)
	}
	lines := splitLines(original)
	n0, n1 := -1, -1
	for i, l := range lines {
		if l == marker0 {
			n0 = i
		}
		if l == marker1 {
			n1 = i
		}
	}
	if n0 < 0 || n1 < 0 {
		var err error
		if n0, err = b.insertAt(original, lines); err != nil {
			return "", err
		}
	} else if n0 < n1 {
		lines = append(lines[:n0:n0], lines[n1+1:]...)
	} else {
		lines = append(lines[:n1:n1], lines[n0+1:]...)
		n0 = n1
	}
	if n0 > 0 && !strings.HasSuffix(lines[n0-1], "\n") {
		lines[n0-1] += "\n"
	}
	if present && b.PrependNewline && n0 != 0 && lines[n0-1] != "\n" {
		lines = insertLines(lines, n0, "\n")
		n0++
	}
	lines = insertLines(lines, n0, blockLines...)
	if after := n0 + len(blockLines); present && b.AppendNewline && after < len(lines) && lines[after] != "\n" {
		lines = insertLines(lines, after, "\n")
	}
	return strings.Join(lines, ""), nil
}

// insertAt is where a block without markers goes: after the last line
// insertafter matches, before the last line insertbefore matches, at the
// start (BOF) or at the end (EOF, or no match).
func (b *Blockinfile) insertAt(original string, lines []string) (int, error) {
	pattern := b.InsertAfter
	if pattern == "" && b.InsertBefore != "BOF" {
		pattern = b.InsertBefore
	}
	switch {
	case b.InsertBefore == "BOF":
		return 0, nil
	case pattern == "" || pattern == "EOF":
		return len(lines), nil
	}
	re, err := pyRegexp(pattern)
	if err != nil {
		return 0, err
	}
	n0 := -1
	if strings.HasPrefix(pattern, "(?m") {
		// A multiline pattern is searched in the whole text, as Ansible does.
		if m := re.FindStringIndex(original); m != nil {
			at := m[0]
			if b.InsertAfter != "" {
				at = m[1]
			}
			n0 = strings.Count(original[:at], "\n")
		}
	} else {
		for i, l := range lines {
			if re.MatchString(strings.TrimSuffix(l, "\n")) {
				n0 = i
			}
		}
	}
	switch {
	case n0 < 0:
		return len(lines), nil
	case b.InsertAfter != "":
		return min(n0+1, len(lines)), nil
	}
	return min(n0, len(lines)), nil
}

// insertLines returns lines with add inserted at index at.
func insertLines(lines []string, at int, add ...string) []string {
	return append(append(append([]string{}, lines[:at]...), add...), lines[at:]...)
}
