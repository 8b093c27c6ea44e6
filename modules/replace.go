package modules

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	Register(Info{Name: "replace", New: func() Module { return &Replace{} }})
}

// Replace replaces every match of a regexp in a file (optionally only
// between the after and before patterns).
type Replace struct {
	EditArgs
	// Regexp is what to replace (Python syntax, multiline: ^ and $ match at each line).
	Regexp string `arg:"regexp,required"`
	// Replace is the replacement; \1 and \g<name> refer to regexp's groups.
	Replace string `arg:"replace"`
	// After limits the replacement to the text after this pattern's first match.
	After string `arg:"after"`
	// Before limits the replacement to the text before this pattern's last match.
	Before string `arg:"before"`
	// Encoding is accepted for compatibility; play edits bytes as UTF-8.
	Encoding string `arg:"encoding"`
}

// Validate checks the validate command.
func (r *Replace) Validate() error { return checkValidate(r.ValidateCmd) }

// Plan implements Module.
func (r *Replace) Plan(ctx context.Context, env *Env) (*Plan, error) {
	pr, st, err := r.probeEdit(ctx, env)
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, &Failure{Msg: fmt.Sprintf("Path %s is a directory !", r.Path), Result: map[string]any{"rc": 256}}
	case !st.Exists:
		return nil, &Failure{Msg: fmt.Sprintf("Path %s does not exist !", r.Path), Result: map[string]any{"rc": 257}}
	}
	contents := string(st.Content)
	start, end := 0, len(contents)
	if pattern := r.sectionPattern(); pattern != "" {
		re, err := pyRegexp("(?s)" + pattern)
		if err != nil {
			return nil, err
		}
		m := re.FindStringSubmatchIndex(contents)
		if m == nil {
			return &Plan{Msg: "Pattern for before/after params did not match the given file: " + pattern,
				Result: map[string]any{"rc": 0}}, nil
		}
		i := re.SubexpIndex("subsection")
		start, end = m[2*i], m[2*i+1]
	}
	section, n, err := r.substitute(contents[start:end])
	if err != nil {
		return nil, err
	}
	after := contents[:start] + section + contents[end:]
	edit := &textEdit{args: &r.EditArgs, st: st, umask: pr.Umask, before: contents, after: after,
		msg: fmt.Sprintf("%d replacements made", n), diffHeader: r.Path, backupKey: "backup_file"}
	p, err := edit.plan()
	if err != nil {
		return nil, err
	}
	p.Result["rc"] = 0
	return p, nil
}

// sectionPattern is Ansible's pattern for the after/before section.
func (r *Replace) sectionPattern() string {
	switch {
	case r.After != "" && r.Before != "":
		return r.After + "(?P<subsection>.*?)" + r.Before
	case r.After != "":
		return r.After + "(?P<subsection>.*)"
	case r.Before != "":
		return "(?P<subsection>.*)" + r.Before
	}
	return ""
}

// substitute is Python's re.subn with re.MULTILINE.
func (r *Replace) substitute(text string) (string, int, error) {
	re, err := pyRegexp("(?m)" + r.Regexp)
	if err != nil {
		return "", 0, err
	}
	tmpl, err := pyTemplate(re, r.Replace)
	if err != nil {
		return "", 0, err
	}
	var b strings.Builder
	last, n := 0, 0
	for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(text[last:m[0]])
		b.Write(re.ExpandString(nil, tmpl, text, m))
		last = m[1]
		n++
	}
	b.WriteString(text[last:])
	return b.String(), n, nil
}
