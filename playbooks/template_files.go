package playbooks

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nikolalohinski/gonja/v2/parser"

	"play/diag"
	"play/jinja"
	"play/modules"
)

// checkTemplateFiles parses the template files the play's template tasks
// name literally (src without {{ }}), found the way the runner finds them
// (the role's or task file's templates/ dir and the dir itself, then the
// play's), so a Jinja2 syntax error stops the run before any host is
// contacted instead of failing the task on every host. Each file is checked
// once; a file not found here is left to the task (it may be created by an
// earlier task).
func checkTemplateFiles(src *source, p *Play) {
	checked := map[string]bool{}
	for _, section := range [][]*Task{p.PreTasks, p.Tasks, p.PostTasks, p.Handlers} {
		walk(section, func(t *Task) {
			name, _ := t.Args["src"].(string)
			if shortName(t.Module) != "template" || name == "" || isTemplate(name) {
				return
			}
			path := findTemplate(name, t.Dir, p.Dir)
			if path == "" || checked[path] {
				return
			}
			checked[path] = true
			if err := checkTemplateFile(path, name, t, t.Dir, p.Dir); err != nil {
				src.add(err)
			}
		})
	}
}

// findTemplate returns the first existing candidate for name, or "".
func findTemplate(name string, dirs ...string) string {
	candidates := []string{name}
	if !filepath.IsAbs(name) {
		candidates = nil
		for _, dir := range dirs {
			if dir != "" {
				candidates = append(candidates, filepath.Join(dir, "templates", name), filepath.Join(dir, name))
			}
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c
		}
	}
	return ""
}

// checkTemplateFile parses one template file with the task's Jinja options,
// and the files it includes, imports or extends, found as the runner finds
// them; the error points at the line (and column, when known) of the file
// that has it and names the task using the template.
func checkTemplateFile(path, name string, t *Task, dirs ...string) *diag.Error {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil // unreadable files are reported by the task, with its search path
	}
	opts := jinja.FileOptions()
	if m, err := modules.New("template", t.Args); err == nil {
		opts = m.(*modules.Template).JinjaOptions()
	}
	var search []string
	for _, dir := range append(dirs, filepath.Dir(path)) {
		if dir != "" {
			search = append(search, filepath.Join(dir, "templates"), dir)
		}
	}
	text := string(data)
	err = jinja.CheckFile(text, search, opts)
	if err == nil {
		return nil
	}
	where, cause := path, err
	var fe *jinja.FileError
	if errors.As(err, &fe) {
		where, cause = fe.Path, fe.Err
		if data, readErr := os.ReadFile(where); readErr == nil {
			text = string(data)
		}
	}
	line, col := templateErrorAt(text, cause)
	msg := "syntax error in template '" + name + "' of the task at " + t.Pos.String() + ": " + syntaxMessage(cause)
	if where != path {
		msg = "syntax error in " + where + ", which template '" + name + "' of the task at " + t.Pos.String() + " uses: " + syntaxMessage(cause)
	}
	return &diag.Error{
		Pos:  diag.Pos{File: where, Line: line, Col: col},
		Msg:  msg,
		Err:  err,
		Hint: templateHint(cause),
	}
}

// templateHint says how to fix the usual causes of a syntax error.
func templateHint(err error) string {
	if strings.Contains(syntaxMessage(err), "EOF") {
		return "the block opened on this line is never closed: add its {% endfor %}, {% endif %}, ... (or the missing }} or #})"
	}
	return "every {{ needs its }} and every {% %} tag a valid expression; write literal braces as {{ '{{' }}"
}

// templateErrorAt finds where a syntax error is. The lexer and the parsers
// of {% %} tags report no position, and an unclosed block is reported at the
// end of the file: both are found by cutting the template after each line.
// A block left open is where the cut template first gives the same "expected
// endfor" message; another error is on the first line whose cut shows an
// error other than an unexpected end. Cuts before that line do not show it
// and cuts after it do, so the search is a bisection.
func templateErrorAt(text string, err error) (line, col int) {
	var se *parser.SyntaxError
	unclosed := strings.Contains(syntaxMessage(err), "EOF")
	if errors.As(err, &se) && se.Line > 0 && !unclosed {
		return se.Line, se.Column
	}
	lines := strings.SplitAfter(text, "\n")
	shows := func(n int) bool {
		cut := jinja.Check(strings.Join(lines[:n], ""))
		switch {
		case cut == nil:
			return false
		case unclosed:
			return syntaxMessage(cut) == syntaxMessage(err)
		}
		return !strings.Contains(syntaxMessage(cut), "EOF")
	}
	return sort.Search(len(lines)-1, func(i int) bool { return shows(i + 1) }) + 1, 0
}

// syntaxMessage is the parser's message without the template text and the
// position that jinja.Error and parser.SyntaxError add to it.
func syntaxMessage(err error) string {
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		return se.Message
	}
	var je *jinja.Error
	if errors.As(err, &je) {
		return je.Err.Error()
	}
	return err.Error()
}
