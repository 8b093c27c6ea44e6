package modules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

func init() {
	Register(Info{Name: "lineinfile", New: func() Module { return &Lineinfile{} }})
}

// Lineinfile ensures a line is in a file (replacing the line a regexp or a
// search string matches) or is absent from it.
type Lineinfile struct {
	EditArgs
	// Regexp finds the line to replace or remove (Python syntax; the last match wins).
	Regexp *string `arg:"regexp" aliases:"regex"`
	// SearchString finds the line to replace or remove literally.
	SearchString *string `arg:"search_string"`
	// State says whether the line should be there.
	State string `arg:"state" choices:"present,absent"`
	// Line is the line to put in the file.
	Line *string `arg:"line" aliases:"value"`
	// Backrefs expands \1 in line from regexp's groups, and leaves the file alone when it does not match.
	Backrefs bool `arg:"backrefs"`
	// InsertAfter is EOF or a regexp: the line goes after its last match.
	InsertAfter string `arg:"insertafter"`
	// InsertBefore is BOF or a regexp: the line goes before its last match.
	InsertBefore string `arg:"insertbefore"`
	// Create creates the file when it is missing.
	Create bool `arg:"create"`
	// FirstMatch uses the first match of regexp or insertafter/insertbefore instead of the last.
	FirstMatch bool `arg:"firstmatch"`
}

// Validate checks the argument combinations Ansible rejects.
func (l *Lineinfile) Validate() error {
	switch {
	case l.InsertAfter != "" && l.InsertBefore != "":
		return errors.New("parameters are mutually exclusive: insertafter|insertbefore")
	case l.Regexp != nil && l.SearchString != nil:
		return errors.New("parameters are mutually exclusive: regexp|search_string")
	case l.Backrefs && l.Regexp == nil:
		return errors.New("regexp is required with backrefs=true")
	case l.State != "absent" && l.Line == nil:
		return errors.New("line is required with state=present")
	case l.State == "absent" && l.Regexp == nil && l.SearchString == nil && l.Line == nil:
		return errors.New("one of line, search_string, or regexp is required with state=absent")
	}
	return checkValidate(l.ValidateCmd)
}

// Plan implements Module.
func (l *Lineinfile) Plan(ctx context.Context, env *Env) (*Plan, error) {
	pr, st, err := l.probeEdit(ctx, env)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &Failure{Msg: fmt.Sprintf("Path %s is a directory !", l.Path), Result: map[string]any{"rc": 256}}
	}
	before := string(st.Content)
	edit := &textEdit{args: &l.EditArgs, st: st, umask: pr.Umask, before: before,
		diffHeader: l.Path + " (content)", attrDiff: true, backupKey: "backup"}
	var result map[string]any
	if l.State == "absent" {
		if !st.Exists {
			return &Plan{Msg: "file not present", Result: map[string]any{"backup": ""}}, nil
		}
		lines, found, err := l.remove(splitLines(before))
		if err != nil {
			return nil, err
		}
		edit.after = strings.Join(lines, "")
		if found > 0 {
			edit.msg = fmt.Sprintf("%d line(s) removed", found)
		}
		result = map[string]any{"found": found}
	} else {
		if !st.Exists && !l.Create {
			return nil, &Failure{Msg: fmt.Sprintf("Destination %s does not exist !", l.Path), Result: map[string]any{"rc": 257}}
		}
		lines, msg, err := l.present(splitLines(before))
		if err != nil {
			return nil, err
		}
		edit.after, edit.msg = strings.Join(lines, ""), msg
	}
	p, err := edit.plan()
	if err != nil {
		return nil, err
	}
	p.Result["backup"] = ""
	for k, v := range result {
		p.Result[k] = v
	}
	return p, nil
}

// matcher finds the line to replace or remove with regexp (returned, for
// backrefs) or search_string; it is nil when neither is given. A line is
// matched without its newline, which gives $ Python's meaning.
func (l *Lineinfile) matcher() (func(line string) []int, *regexp.Regexp, error) {
	switch {
	case l.Regexp != nil:
		re, err := pyRegexp(*l.Regexp)
		if err != nil {
			return nil, nil, err
		}
		return func(line string) []int { return re.FindStringSubmatchIndex(strings.TrimSuffix(line, "\n")) }, re, nil
	case l.SearchString != nil:
		return func(line string) []int {
			if strings.Contains(line, *l.SearchString) {
				return []int{}
			}
			return nil
		}, nil, nil
	}
	return nil, nil, nil
}

// remove drops every matching line, as Ansible's absent().
func (l *Lineinfile) remove(lines []string) ([]string, int, error) {
	match, _, err := l.matcher()
	if err != nil {
		return nil, 0, err
	}
	var kept []string
	found := 0
	for _, cur := range lines {
		hit := false
		if match != nil {
			hit = match(cur) != nil
		} else {
			hit = strings.TrimRight(cur, "\r\n") == *l.Line
		}
		if hit {
			found++
		} else {
			kept = append(kept, cur)
		}
	}
	return kept, found, nil
}

// present is Ansible's lineinfile present(), line for line.
func (l *Lineinfile) present(lines []string) ([]string, string, error) {
	match, re, err := l.matcher()
	if err != nil {
		return nil, "", err
	}
	var ins *regexp.Regexp
	if l.InsertAfter != "" && l.InsertAfter != "BOF" && l.InsertAfter != "EOF" {
		ins, err = pyRegexp(l.InsertAfter)
	} else if l.InsertBefore != "" && l.InsertBefore != "BOF" {
		ins, err = pyRegexp(l.InsertBefore)
	}
	if err != nil {
		return nil, "", err
	}
	line := *l.Line
	index := [2]int{-1, -1}
	var found []int
	var foundLine string
	if match != nil {
		for i, cur := range lines {
			if m := match(cur); m != nil {
				index[0], found, foundLine = i, m, strings.TrimSuffix(cur, "\n")
				if l.FirstMatch {
					break
				}
			}
		}
	}
	if found == nil {
		for i, cur := range lines {
			if line == strings.TrimRight(cur, "\r\n") {
				index[0] = i
			} else if ins != nil && ins.MatchString(strings.TrimSuffix(cur, "\n")) {
				if l.InsertAfter != "" {
					index[1] = i + 1
				} else {
					index[1] = i
				}
				if l.FirstMatch {
					break
				}
			}
		}
	}
	insert := func(at int) ([]string, string, error) {
		out := append(append(append([]string{}, lines[:at]...), line+"\n"), lines[at:]...)
		return out, "line added", nil
	}
	endNewline := func() {
		if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") && !strings.HasSuffix(lines[n-1], "\r") {
			lines[n-1] += "\n"
		}
	}
	switch {
	case index[0] != -1:
		newLine := line
		if l.Backrefs && found != nil {
			tmpl, err := pyTemplate(re, line)
			if err != nil {
				return nil, "", err
			}
			newLine = string(re.ExpandString(nil, tmpl, foundLine, found))
		}
		if !strings.HasSuffix(newLine, "\n") {
			newLine += "\n"
		}
		if lines[index[0]] != newLine {
			out := append([]string{}, lines...)
			out[index[0]] = newLine
			return out, "line replaced", nil
		}
		return lines, "", nil
	case l.Backrefs:
		return lines, "", nil
	case l.InsertBefore == "BOF" || l.InsertAfter == "BOF":
		return insert(0)
	case l.InsertAfter == "EOF" || index[1] == -1:
		endNewline()
		return insert(len(lines))
	case l.InsertAfter != "":
		if len(lines) == index[1] {
			if strings.TrimRight(lines[index[1]-1], "\r\n") != line {
				return insert(index[1])
			}
			return lines, "", nil
		}
		if line != strings.TrimRight(lines[index[1]], "\r\n") {
			return insert(index[1])
		}
		return lines, "", nil
	}
	return insert(index[1])
}

// splitLines splits after each "\n", keeping it, like Python's readlines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
