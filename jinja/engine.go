// Package jinja is the project's one Jinja2 engine (templates, `when:`, and
// `{{ }}` in every string), built on gonja with Ansible's filters and tests.
//
// Variables are resolved lazily, like Ansible: before a template runs, the
// names it mentions are looked up in vars; a value that itself holds a
// template is rendered then (recursively, with cycle detection), and values
// nobody mentions are never touched. The vars map is never copied.
package jinja

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Error is a template that failed to parse or to render. Err is the cause
// (an *UndefinedError for undefined variables, found with errors.As).
type Error struct {
	Template string
	Syntax   bool
	Err      error
}

func (e *Error) Error() string {
	var fe *FilterError
	if errors.As(e.Err, &fe) {
		return fe.Msg
	}
	src := e.Template
	if len(src) > 200 {
		src = src[:200] + "..."
	}
	switch {
	case e.Syntax:
		return fmt.Sprintf("template syntax error: %v. String: %s", e.Err, src)
	case findUndefined(e.Err) != nil:
		return fmt.Sprintf("%v. String: %s", e.Err, src)
	default:
		return fmt.Sprintf("template error while templating string: %v. String: %s", e.Err, src)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// FilterError is a filter's deliberate failure (Ansible's AnsibleFilterError,
// from `mandatory`): its message is the whole error, without the template.
// Filters raise it by panicking, as Python raises: it ends the template
// whatever surrounds the filter (`default` or a test included).
type FilterError struct{ Msg string }

func (e *FilterError) Error() string { return e.Msg }

// ValueError is Python's ValueError from a template's own evaluation (a
// `for k, v in d` whose items do not unpack into two); like FilterError it
// is raised by panicking and its message is Python's.
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// cycleError reports a variable whose value refers back to itself.
type cycleError struct{ template string }

func (e *cycleError) Error() string {
	return "recursive loop detected in template string: " + e.template
}

var (
	cfg = func() *config.Config {
		c := config.New()
		c.StrictUndefined = true
		c.TrimBlocks = true // like Ansible's template module
		c.KeepTrailingNewline = true
		return c
	}()
	globals     = exec.EmptyContext().Update(builtins.GlobalFunctions)
	environment = &exec.Environment{
		Context:           globals,
		Filters:           exec.NewFilterSet(map[string]exec.FilterFunction{}).Update(builtins.Filters),
		Tests:             exec.NewTestSet(map[string]exec.TestFunction{}).Update(builtins.Tests),
		ControlStructures: controlStructures,
		Methods:           methods,
	}
)

// Func is a global function on plain values (the runner's lookup, query...):
// positional and keyword arguments in, one value out.
type Func = func(args []any, kwargs map[string]any) (any, error)

// RegisterGlobal makes fn available to every template under name. A Func
// receives plain values; any other value is passed to gonja as is (functions
// then follow gonja's calling conventions, e.g. func(*exec.VarArgs) (any, error)).
// Functions can also be passed per render as values in vars.
func RegisterGlobal(name string, fn any) {
	if f, ok := fn.(Func); ok {
		fn = Callable(f)
	}
	globals.Set(name, fn)
}

// Callable makes a Func callable from templates when passed in vars (a
// function bound to one render's context, like the runner's lookup).
func Callable(f Func) any {
	return func(params *exec.VarArgs) (any, error) {
		a := newArgs(params)
		positional := make([]any, len(a.pos))
		for i, p := range a.pos {
			positional[i] = toGo(p)
		}
		keywords := make(map[string]any, len(a.kw))
		for k, v := range a.kw {
			keywords[k] = toGo(v)
		}
		out, err := f(positional, keywords)
		return wrap(out), err
	}
}

// hasMarkers reports whether s may hold a template at all.
func hasMarkers(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

// Render renders a string value. Strings with no "{{", "{%" or "{#" are
// returned unchanged without being parsed. A string that is one expression
// "{{ x }}" (whitespace around allowed) returns x's native value; anything
// else returns a string, or, ending in a newline, what Ansible makes of it
// (see renderNative).
func Render(s string, vars map[string]any) (any, error) {
	if !hasMarkers(s) {
		return s, nil
	}
	v, err := newScope(vars).renderNative(s)
	if err != nil {
		return nil, err
	}
	return toGo(v), nil
}

// RenderString renders s to a string, keeping its trailing newline (the
// template module's keep_trailing_newline=True).
func RenderString(s string, vars map[string]any) (string, error) {
	if !hasMarkers(s) {
		return s, nil
	}
	v, err := newScope(vars).render(s, false)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// RenderValue renders every string inside v (maps and lists walked
// recursively) and returns plain values.
func RenderValue(v any, vars map[string]any) (any, error) {
	sc := newScope(vars)
	out, err := convert(v, func(s string) (any, error) {
		if !hasMarkers(s) {
			return s, nil
		}
		return sc.renderNative(s)
	})
	if err != nil {
		return nil, err
	}
	return toGo(out), nil
}

// Eval evaluates a bare expression ("x | default(1)", "item.name").
func Eval(expr string, vars map[string]any) (any, error) {
	return Render("{{ "+expr+" }}", vars)
}

// EvalBool evaluates a condition like Ansible's `when`: a bare expression, or
// one wrapped in {{ }}; the result goes through Truthy.
func EvalBool(expr string, vars map[string]any) (bool, error) {
	trimmed := strings.TrimSpace(expr)
	var v any
	var err error
	if hasMarkers(trimmed) {
		v, err = Render(trimmed, vars)
	} else {
		v, err = evalCondition(trimmed, vars)
	}
	if err != nil {
		return false, err
	}
	return Truthy(v), nil
}

// evalCondition evaluates a bare condition (see compileCondition).
func evalCondition(expr string, vars map[string]any) (any, error) {
	c, err := compileCondition(expr)
	if err != nil {
		return nil, err
	}
	v, err := newScope(vars).renderCompiled(c, "{{ "+expr+" }}", true)
	if err != nil {
		return nil, err
	}
	return toGo(v), nil
}

// compiled is a parsed template with what rendering needs to know about it.
type compiled struct {
	template *exec.Template
	config   *config.Config
	source   string        // the text gonja parsed (see scan)
	names    []string      // identifiers the template may look up as variables
	includes []string      // files included or imported by a literal name
	output   *nodes.Output // set when the template is one {{ expression }}
}

// cache keeps parsed templates: the same strings are rendered for every host
// and loop item. It is emptied when full rather than tracking recency.
var cache = struct {
	sync.Mutex
	m map[string]*compiled
}{m: map[string]*compiled{}}

const (
	cacheLimit   = 4096
	cacheMaxSize = 16 << 10 // large templates (files) are rendered once, not cached
)

// compile parses a string of a playbook, inventory or vars file, whose string
// literals inside {{ }} keep their backslashes (see escapeBackslashes).
func compile(src string) (*compiled, error) { return compileWith(src, nil, true) }

// compileCondition parses a bare condition: Ansible evaluates it inside
// {% if %}, where string literals keep Jinja's escapes ("a\nb" has a newline).
func compileCondition(expr string) (*compiled, error) {
	return compileWith("{{ "+expr+" }}", nil, false)
}

// compileFile parses a template file's text (a string's when fe is nil).
func compileFile(src string, fe *fileEnv) (*compiled, error) { return compileWith(src, fe, fe == nil) }

// compileWith parses src, from the cache when it can. A file that extends
// another is not cached: the other may change.
func compileWith(src string, fe *fileEnv, escape bool) (*compiled, error) {
	key := src
	switch {
	case fe != nil:
		key = fe.key + "\x00" + src
	case !escape:
		key = "\x00condition\x00" + src
	}
	cache.Lock()
	c, ok := cache.m[key]
	cache.Unlock()
	if ok {
		return c, nil
	}
	c, err := parse(src, fe, escape)
	if err != nil {
		return nil, err
	}
	if len(src) > cacheMaxSize || c.template.Root().Parent != nil {
		return c, nil
	}
	cache.Lock()
	if len(cache.m) >= cacheLimit {
		clear(cache.m)
	}
	cache.m[key] = c
	cache.Unlock()
	return c, nil
}

func parse(src string, fe *fileEnv, escape bool) (_ *compiled, err error) {
	// gonja's parser can panic on truncated input ("{{10 is "): an error.
	defer recoverPanic(src, nil, &err)
	// The lexer turns CRLF into LF; doing it first keeps token offsets
	// valid for scan's rewrite.
	normalized := strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	if err := checkNumberDot(normalized); err != nil {
		return nil, &Error{Template: src, Syntax: true, Err: err}
	}
	c := cfg
	if fe != nil {
		c = fe.cfg
	}
	names, rewritten, err := scan(stripCollectionNames(normalized), c, escape)
	if err != nil {
		return nil, &Error{Template: src, Syntax: true, Err: err}
	}
	var loader loaders.Loader = stringLoader(rewritten)
	files := &fileLoader{env: fe, top: rewritten}
	if fe != nil {
		loader = files
	}
	tmpl, err := exec.NewTemplate(templateName, c, loader, environment)
	if err != nil {
		if files.fileErr != nil {
			return nil, files.fileErr
		}
		var syntax *parser.SyntaxError
		if errors.As(err, &syntax) {
			err = syntax
		}
		return nil, &Error{Template: src, Syntax: true, Err: err}
	}
	rewriteOperators(tmpl.Root())
	return &compiled{template: tmpl, config: c, source: rewritten, names: append(names, files.names...),
		includes: files.includes, output: singleOutput(tmpl.Root())}, nil
}

// scan lexes src once for two things gonja's parser needs help with.
//
// It lists the identifiers that may be variables: every name token except
// attributes (after "."), filters (after "|") and tests (after "is" / "is
// not"). Over-approximating is harmless: a name that turns out to be a loop
// variable is merely looked up for nothing.
//
// It rewrites string literals: inside {{ }} of a string (escape set) their
// backslashes are doubled as Ansible does (escapeBackslashes), elsewhere
// escapes Python keeps and Go refuses are doubled (pyLiteralEscapes); and tests called with parentheses, which gonja parses as one tuple
// argument and without keywords: `x is version('2', '>=')` becomes
// `x | __test('version', '2', '>=')`. Filters and tests bind alike in Jinja,
// so the meaning is unchanged.
func scan(src string, cfg *config.Config, escape bool) (names []string, rewritten string, err error) {
	stream := tokens.LexAll(src, cfg)
	var toks []*tokens.Token
	for ; !stream.End(); stream.Next() {
		toks = append(toks, stream.Current())
	}
	if stream.IsError() {
		return nil, "", errors.New(stream.Current().Val)
	}
	seen := map[string]bool{}
	var out strings.Builder
	copied := 0
	inVariable := false
	for i, tok := range toks {
		switch tok.Type {
		case tokens.VariableBegin:
			inVariable = true
		case tokens.VariableEnd:
			inVariable = false
		}
		if tok.Type == tokens.String && tok.Pos >= copied && escape && inVariable {
			if end, literal, ok := escapeBackslashes(src, tok.Pos); ok {
				out.WriteString(src[copied:tok.Pos])
				out.WriteString(literal)
				copied = end
			}
		} else if tok.Type == tokens.String && tok.Pos >= copied {
			if end, literal, ok := pyLiteralEscapes(src, tok.Pos); ok {
				out.WriteString(src[copied:tok.Pos])
				out.WriteString(literal)
				copied = end
			}
		}
		if tok.Type == tokens.Name && !seen[tok.Val] && !isMemberName(toks, i) {
			seen[tok.Val] = true
			names = append(names, tok.Val)
		}
		if tok.Type != tokens.Is {
			continue
		}
		j, filter := i+1, "__test"
		if j < len(toks) && toks[j].Type == tokens.Not {
			j, filter = j+1, "__test_not"
		}
		if j+2 >= len(toks) || toks[j].Type != tokens.Name || toks[j+1].Type != tokens.LeftParenthesis {
			continue
		}
		out.WriteString(src[copied:tok.Pos])
		fmt.Fprintf(&out, "| %s('%s'", filter, toks[j].Val)
		if toks[j+2].Type != tokens.RightParenthesis {
			out.WriteString(", ")
		}
		copied = toks[j+1].Pos + len(toks[j+1].Val)
	}
	if copied == 0 {
		return names, src, nil
	}
	out.WriteString(src[copied:])
	return names, out.String(), nil
}

// isMemberName tells attribute, filter and test names from variables.
func isMemberName(toks []*tokens.Token, i int) bool {
	if i == 0 {
		return false
	}
	switch toks[i-1].Type {
	case tokens.Dot, tokens.Pipe, tokens.Is:
		return true
	case tokens.Not:
		return i >= 2 && toks[i-2].Type == tokens.Is
	}
	return false
}

// singleOutput returns the template's only {{ }} when nothing surrounds it:
// "{{ x }}\n" is text (a file's content keeps its newline), not x.
func singleOutput(root *nodes.Template) *nodes.Output {
	var out *nodes.Output
	for _, n := range root.Nodes {
		switch t := n.(type) {
		case *nodes.Output:
			if out != nil {
				return nil
			}
			out = t
		case *nodes.Data:
			if t.Data.Val != "" {
				return nil
			}
		default:
			return nil
		}
	}
	return out
}

const templateName = "template"

// stringLoader serves one template from memory; include/import/extends
// are for template files.
type stringLoader string

func (s stringLoader) Read(path string) (io.Reader, error) {
	if path != templateName {
		return nil, fmt.Errorf("cannot load %q: include/import/extends are not supported in strings, only in template files (the template module and lookup)", path)
	}
	return strings.NewReader(string(s)), nil
}
func (s stringLoader) Resolve(path string) (string, error) {
	return "", fmt.Errorf("cannot load %q: include/import/extends are not supported in strings, only in template files (the template module and lookup)", path)
}
func (s stringLoader) Inherit(string) (loaders.Loader, error) { return s, nil }

// scope is one top-level render: the caller's vars, the variables resolved
// so far and those being resolved (for cycle detection). Not shared between
// goroutines.
type scope struct {
	vars     map[string]any
	resolved map[string]*exec.Value
	active   map[string]bool
}

func newScope(vars map[string]any) *scope {
	return &scope{vars: vars, resolved: map[string]*exec.Value{}, active: map[string]bool{}}
}

// lookup resolves a variable, rendering templates inside its value. A
// failure is returned as an error value so that it only matters if the
// template actually evaluates the variable.
func (sc *scope) lookup(name string) (*exec.Value, bool) {
	if v, ok := sc.resolved[name]; ok {
		return v, true
	}
	raw, ok := sc.vars[name]
	if !ok {
		return nil, false
	}
	if sc.active[name] {
		s, isString := raw.(string)
		if !isString {
			s = name
		}
		return exec.AsValue(&cycleError{template: s}), true
	}
	sc.active[name] = true
	v, err := convert(raw, func(s string) (any, error) {
		if !hasMarkers(s) {
			return s, nil
		}
		return sc.renderNative(s)
	})
	delete(sc.active, name)
	val := exec.AsValue(v)
	if err != nil {
		val = exec.AsValue(err)
	}
	sc.resolved[name] = val
	return val, true
}

// context builds the variables a compiled template sees: only the names it
// mentions, on top of the globals. Unknown names get an undefined marker so
// `default` and `is defined` can handle them.
func (sc *scope) context(c *compiled) *exec.Context {
	ctx := globals.Inherit()
	sc.define(ctx, c.names)
	return ctx
}

// define sets names in ctx: the variable, or an undefined marker.
func (sc *scope) define(ctx *exec.Context, names []string) {
	for _, name := range names {
		if v, ok := sc.lookup(name); ok {
			ctx.Set(name, v)
		} else if !globals.Has(name) {
			ctx.Set(name, exec.AsValue(undefinedVariable(name)))
		}
	}
}

// render renders src; native returns a lone expression's value as is.
func (sc *scope) render(src string, native bool) (out any, err error) {
	c, err := compile(src)
	if err != nil {
		return nil, err
	}
	return sc.renderCompiled(c, src, native)
}

// renderCompiled renders c, parsed from src.
func (sc *scope) renderCompiled(c *compiled, src string, native bool) (out any, err error) {
	ctx := sc.context(c)
	if native && c.output != nil {
		return sc.evalNative(src, c, ctx)
	}
	var text strings.Builder
	if err := sc.execute(c, stringLoader(src), ctx, &text, src); err != nil {
		return nil, err
	}
	return text.String(), nil
}

// environmentWith is the shared environment with ctx as its variables.
func environmentWith(ctx *exec.Context) *exec.Environment {
	return &exec.Environment{
		Context:           ctx,
		Filters:           environment.Filters,
		Tests:             environment.Tests,
		ControlStructures: environment.ControlStructures,
		Methods:           environment.Methods,
	}
}

// evalNative evaluates a template that is one {{ expression }}.
func (sc *scope) evalNative(src string, c *compiled, ctx *exec.Context) (out any, err error) {
	defer recoverPanic(src, &out, &err)
	v := evalOutput(&exec.Evaluator{Config: cfg, Environment: environmentWith(ctx), Loader: stringLoader(src)}, c.output)
	if v.IsError() {
		return nil, renderError(src, v)
	}
	if err := embeddedError(v.Interface()); err != nil {
		return nil, renderError(src, err)
	}
	out = wrap(v.Interface())
	if t, ok := out.(tuple); ok {
		// Ansible templates to text, then reads back only what looks like a
		// list or dict: a tuple stays its text, "(1, 2)".
		return tupleRepr(t), nil
	}
	return out, nil
}

// execute renders c to w; src names the template in errors.
func (sc *scope) execute(c *compiled, loader loaders.Loader, ctx *exec.Context, w io.Writer, src string) (err error) {
	defer recoverPanic(src, nil, &err)
	r := exec.NewRenderer(environmentWith(ctx), w, c.config, loader, c.template)
	if err := runExtendingStatements(r, c.template.Root()); err != nil {
		return renderError(src, err)
	}
	if err := r.Execute(); err != nil {
		return renderError(src, err)
	}
	return nil
}

// recoverPanic turns gonja's panics on some expressions into errors naming
// the template, never a crash of the run.
func recoverPanic(src string, out *any, err *error) {
	if p := recover(); p != nil {
		if out != nil {
			*out = nil
		}
		switch e := p.(type) {
		case *FilterError:
			*err = &Error{Template: src, Err: e}
			return
		case *ValueError:
			*err = &Error{Template: src, Err: e}
			return
		}
		*err = &Error{Template: src, Err: fmt.Errorf("cannot evaluate this expression: %v", p)}
	}
}

// evalOutput evaluates {{ expr }} or {{ expr if cond else alt }}.
func evalOutput(e *exec.Evaluator, out *nodes.Output) *exec.Value {
	if out.Condition == nil {
		return e.Eval(out.Expression)
	}
	cond := e.Eval(out.Condition)
	switch {
	case cond.IsError():
		return cond
	case cond.IsTrue():
		return e.Eval(out.Expression)
	case out.Alternative != nil:
		return e.Eval(out.Alternative)
	}
	return exec.AsValue("")
}

// renderError keeps the cause that matters out of gonja's wrapping layers
// (and out of the lazy variables rendered on the way).
func renderError(src string, err error) error {
	if ue := findUndefined(err); ue != nil {
		return &Error{Template: src, Err: ue}
	}
	if ue := undefinedInMessage(err.Error()); ue != nil {
		return &Error{Template: src, Err: ue}
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return fe // names the included file, which has the error
	}
	return &Error{Template: src, Err: innermost(err)}
}

// undefinedMessage matches the messages of UndefinedError.
var undefinedMessage = regexp.MustCompile(`'([^']*)' is undefined|'\w+ object' has no attribute '([^']*)'|list object has no element (-?\d+)|No (?:first|last|aggregated) item, sequence was empty\.`)

// undefinedInMessage recovers an UndefinedError from its text: gonja
// re-formats errors returned by filters with %s ("invalid call to filter
// 'upper': 'x' is undefined"), which drops the type from the chain.
func undefinedInMessage(msg string) *UndefinedError {
	m := undefinedMessage.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	return &UndefinedError{Name: m[1] + m[2] + m[3], Msg: m[0]}
}

// Check parses a template without rendering it, so syntax errors are found
// before any host is contacted.
func Check(s string) error {
	if !hasMarkers(s) {
		return nil
	}
	_, err := compile(s)
	return err
}

// CheckExpr parses a bare expression (a `when` condition).
func CheckExpr(expr string) error {
	_, err := compileCondition(expr)
	return err
}
