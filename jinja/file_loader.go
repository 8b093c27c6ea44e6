package jinja

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
)

// Options are the Jinja2 environment settings a template file is rendered
// with (the template module's options). Empty delimiters keep Jinja's.
type Options struct {
	TrimBlocks      bool
	LstripBlocks    bool
	NewlineSequence string // "\n" (default), "\r" or "\r\n"
	BlockStart      string
	BlockEnd        string
	VariableStart   string
	VariableEnd     string
	CommentStart    string
	CommentEnd      string
}

// FileOptions are Ansible's settings for template files: trim_blocks on.
func FileOptions() Options { return Options{TrimBlocks: true} }

// FileError is an error in a template file that the rendered template
// includes, imports or extends: Path names it.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("in template %s: %v", e.Path, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// RenderFile renders a template file's text as Ansible's template module
// and lookup do: with opts (which a `#jinja2:` first line overrides and which
// is not part of the output), `{% include %}`, `{% import %}` and
// `{% extends %}` naming files found in searchPath, in order, and the
// template's trailing newlines kept.
func RenderFile(text string, searchPath []string, opts Options, vars map[string]any) (string, error) {
	body, fe, err := newFileEnv(text, searchPath, opts)
	if err != nil {
		return "", err
	}
	out, err := newScope(vars).renderFile(body, fe)
	if err != nil {
		return "", err
	}
	// Jinja drops one trailing newline; Ansible adds back those the template has.
	if missing := trailingNewlines(body) - trailingNewlines(out); missing > 0 {
		out += strings.Repeat(fe.cfg.NewlineSequence, missing)
	}
	return out, nil
}

// CheckFile parses a template file's text as RenderFile would, and the
// files it includes, imports or extends by a literal name found in
// searchPath, so that syntax errors are found before any host is contacted.
// An error in another file is a *FileError.
func CheckFile(text string, searchPath []string, opts Options) error {
	body, fe, err := newFileEnv(text, searchPath, opts)
	if err != nil {
		return err
	}
	return fe.check(body, map[string]bool{})
}

func (fe *fileEnv) check(text string, seen map[string]bool) error {
	c, err := compileFile(text, fe)
	if err != nil {
		return err
	}
	for _, name := range c.includes {
		path, err := fe.resolve(name)
		if err != nil || seen[path] {
			continue // a missing file may be created by an earlier task, or be "ignore missing"
		}
		seen[path] = true
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if err := fe.check(string(data), seen); err != nil {
			var inner *FileError
			if errors.As(err, &inner) {
				return err
			}
			return &FileError{Path: path, Err: err}
		}
	}
	return nil
}

// trailingNewlines counts the "\n" that end s (Ansible's _count_newlines_from_end).
func trailingNewlines(s string) int {
	return len(s) - len(strings.TrimRight(s, "\n"))
}

// fileEnv is how one template file and the files it names are parsed.
type fileEnv struct {
	cfg        *config.Config
	searchPath []string
	key        string // the options and search path, for the parse cache
}

// newFileEnv applies the text's `#jinja2:` header to opts and returns the
// text without it.
func newFileEnv(text string, searchPath []string, opts Options) (string, *fileEnv, error) {
	text, err := applyHeader(text, &opts)
	if err != nil {
		return "", nil, err
	}
	c := cfg.Inherit()
	// Jinja's keep_trailing_newline=False (RenderFile restores the
	// template's own newlines): an included file ends without its newline.
	c.KeepTrailingNewline = false
	c.TrimBlocks, c.LeftStripBlocks = opts.TrimBlocks, opts.LstripBlocks
	for _, o := range []struct {
		dst *string
		val string
	}{
		{&c.NewlineSequence, opts.NewlineSequence},
		{&c.BlockStartString, opts.BlockStart}, {&c.BlockEndString, opts.BlockEnd},
		{&c.VariableStartString, opts.VariableStart}, {&c.VariableEndString, opts.VariableEnd},
		{&c.CommentStartString, opts.CommentStart}, {&c.CommentEndString, opts.CommentEnd},
	} {
		if o.val != "" {
			*o.dst = o.val
		}
	}
	switch c.NewlineSequence {
	case "\n", "\r", "\r\n":
	default:
		return "", nil, fmt.Errorf("newline_sequence needs to be one of: \\n, \\r or \\r\\n, not %q", c.NewlineSequence)
	}
	key := fmt.Sprintf("%v\x00%q", *c, searchPath)
	return text, &fileEnv{cfg: c, searchPath: searchPath, key: key}, nil
}

// resolve finds name in the search path, like Jinja's FileSystemLoader:
// relative to the search path, never to the including template.
func (fe *fileEnv) resolve(name string) (string, error) {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("template not found: %s", name)
		}
		return name, nil
	}
	for _, dir := range fe.searchPath {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("template not found: %s (searched in %s)", name, strings.Join(fe.searchPath, ", "))
}

// fileLoader is the gonja loader of a template file: it serves the file
// itself under templateName, and the files it extends from the search path.
// When rendering it also carries what the include and import tags need to
// give the files they load their variables.
type fileLoader struct {
	env *fileEnv
	top string

	// parsing: the variable names and literal include names of extended files.
	names    []string
	includes []string
	// fileErr is the error of an extended file, which gonja reports
	// without its type.
	fileErr error

	// rendering: the variables, the render's outermost context (names
	// defined there never hide loop variables) and the names defined in it.
	scope   *scope
	root    *exec.Context
	defined map[string]bool
	depth   int
}

// Read serves the template being parsed, or a file it extends, prepared like
// any template (see scan).
func (l *fileLoader) Read(name string) (io.Reader, error) {
	if name == templateName {
		return strings.NewReader(l.top), nil
	}
	path, err := l.Resolve(name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parent, err := compileFile(string(data), l.env)
	if err != nil {
		l.fileErr = &FileError{Path: path, Err: err}
		var inner *FileError
		if errors.As(err, &inner) {
			l.fileErr = err
		}
		return nil, err
	}
	l.names = append(l.names, parent.names...)
	l.includes = append(l.includes, parent.includes...)
	return strings.NewReader(parent.source), nil
}

func (l *fileLoader) Resolve(name string) (string, error) { return l.env.resolve(name) }

// Inherit keeps the search path: Jinja resolves every name against it.
func (l *fileLoader) Inherit(string) (loaders.Loader, error) { return l, nil }

// define gives the render's variables named in an included or imported file.
func (l *fileLoader) define(names []string) {
	var fresh []string
	for _, n := range names {
		if !l.defined[n] {
			l.defined[n] = true
			fresh = append(fresh, n)
		}
	}
	l.scope.define(l.root, fresh)
}

// forRender is the loader of one render of c in ctx.
func (fe *fileEnv) forRender(c *compiled, sc *scope, ctx *exec.Context) *fileLoader {
	defined := make(map[string]bool, len(c.names))
	for _, n := range c.names {
		defined[n] = true
	}
	return &fileLoader{env: fe, top: c.source, scope: sc, root: ctx, defined: defined}
}

// renderFile renders a template file's text (without its header).
func (sc *scope) renderFile(text string, fe *fileEnv) (string, error) {
	c, err := compileFile(text, fe)
	if err != nil {
		return "", err
	}
	ctx := sc.context(c)
	var out strings.Builder
	if err := sc.execute(c, fe.forRender(c, sc, ctx), ctx, &out, text); err != nil {
		return "", err
	}
	return out.String(), nil
}
