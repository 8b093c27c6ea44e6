package jinja

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"unsafe"

	"github.com/nikolalohinski/gonja/v2/builtins"
	gonjatags "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// controlStructures are gonja's, with include, import and from replaced:
// gonja's parse the files they load without the engine's preparation (see
// scan and rewriteOperators) and render them in the including template's
// variables, which only hold the names that template mentions. for is
// wrapped to walk dicts in insertion order (see parseFor).
var controlStructures = func() *exec.ControlStructureSet {
	set := exec.NewControlStructureSet(map[string]parser.ControlStructureParser{}).Update(builtins.ControlStructures)
	for name, p := range map[string]parser.ControlStructureParser{
		"include": parseInclude,
		"import":  parseImport,
		"from":    parseFromImport,
		"for":     parseFor,
	} {
		if err := set.Replace(name, p); err != nil {
			panic(err)
		}
	}
	return set
}()

// maxIncludeDepth stops a template that includes itself.
const maxIncludeDepth = 64

// fileTag is what include, import and from share: the file named, and
// whether it sees the including template's variables.
type fileTag struct {
	at          *tokens.Token
	name        nodes.Expression
	withContext bool
}

func (t *fileTag) Position() *tokens.Token { return t.at }

// parseName parses the file name and records a literal one for CheckFile.
func (t *fileTag) parseName(p, args *parser.Parser) error {
	t.at = p.Current()
	name, err := args.ParseExpression()
	if err != nil {
		return err
	}
	t.name = name
	if l, ok := p.Loader.(*fileLoader); ok {
		switch n := name.(type) {
		case *nodes.String:
			l.includes = append(l.includes, n.Val)
		case *nodes.List:
			for _, e := range n.Val {
				if s, ok := e.(*nodes.String); ok {
					l.includes = append(l.includes, s.Val)
				}
			}
		}
	}
	return nil
}

// parseContext parses an optional "with context" / "without context".
func (t *fileTag) parseContext(args *parser.Parser) {
	if tok := args.MatchName("with", "without"); tok != nil {
		if args.MatchName("context") != nil {
			t.withContext = tok.Val == "with"
		} else {
			args.Stream().Backup()
		}
	}
}

// loaded is a file an include or import tag names, parsed.
type loaded struct {
	loader *fileLoader
	path   string
	tmpl   *compiled
}

// load finds and parses the first of the names the tag's expression gives
// (a string or a list of them, as Jinja's select_template); a
// *NotFoundError says none exists.
func (t *fileTag) load(r *exec.Renderer) (*loaded, error) {
	l, ok := r.Loader.(*fileLoader)
	if !ok {
		return nil, errors.New("include/import/extends are not supported in strings, only in template files (the template module and lookup)")
	}
	if l.depth >= maxIncludeDepth {
		return nil, fmt.Errorf("templates include each other more than %d deep: does one include itself?", maxIncludeDepth)
	}
	v := r.Eval(t.name)
	if v.IsError() {
		return nil, v
	}
	var names []string
	if v.IsList() {
		for i := range v.Len() {
			names = append(names, v.Index(i).String())
		}
	} else {
		names = []string{v.String()}
	}
	for _, name := range names {
		path, err := l.Resolve(name)
		if err != nil {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &FileError{Path: path, Err: err}
		}
		c, err := compileFile(string(data), l.env)
		var inner *FileError
		if err != nil && !errors.As(err, &inner) {
			err = &FileError{Path: path, Err: err}
		}
		return &loaded{loader: l, path: path, tmpl: c}, err
	}
	return nil, &NotFoundError{Names: names}
}

// NotFoundError is a template file that include or import names and the
// search path does not have (Jinja's TemplateNotFound).
type NotFoundError struct{ Names []string }

func (e *NotFoundError) Error() string {
	if len(e.Names) == 1 {
		return e.Names[0]
	}
	return fmt.Sprintf("none of the templates given were found: %q", e.Names)
}

// enter is the renderer and loader c runs with: the including render's
// variables with context, only the globals without.
func (t *fileTag) enter(r *exec.Renderer, f *loaded) *exec.Renderer {
	sub := *f.loader
	sub.depth++
	ctx := r.Environment.Context.Inherit()
	if !t.withContext {
		ctx = globals.Inherit()
		sub.scope, sub.root, sub.defined = newScope(nil), ctx, map[string]bool{}
	}
	sub.define(f.tmpl.names)
	return exec.NewRenderer(environmentWith(ctx), r.Output, f.tmpl.config, &sub, f.tmpl.template)
}

// includeTag is {% include name [ignore missing] [with|without context] %}.
type includeTag struct {
	fileTag
	ignoreMissing bool
}

func (t *includeTag) String() string { return fmt.Sprintf("include(%s)", t.name) }

func parseInclude(p, args *parser.Parser) (nodes.ControlStructure, error) {
	t := &includeTag{fileTag: fileTag{withContext: true}}
	if err := t.parseName(p, args); err != nil {
		return nil, err
	}
	if args.MatchName("ignore") != nil {
		if args.MatchName("missing") == nil {
			return nil, args.Error("expected 'missing' after 'ignore'", args.Current())
		}
		t.ignoreMissing = true
	}
	t.parseContext(args)
	if !args.End() {
		return nil, args.Error("malformed include tag: write {% include 'file' [ignore missing] [with|without context] %}", args.Current())
	}
	return t, nil
}

func (t *includeTag) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	f, err := t.load(r)
	var missing *NotFoundError
	if errors.As(err, &missing) && t.ignoreMissing {
		return nil
	}
	if err != nil {
		return err
	}
	return t.enter(r, f).Execute()
}

// importTag is {% import name as alias %} and {% from name import a, b as c %}:
// the file's macros, without the importing template's variables unless
// "with context".
type importTag struct {
	fileTag
	alias string            // import: the name of the macros' namespace
	names map[string]string // from: alias -> macro name
}

func (t *importTag) String() string { return fmt.Sprintf("import(%s)", t.name) }

func parseImport(p, args *parser.Parser) (nodes.ControlStructure, error) {
	t := &importTag{}
	if err := t.parseName(p, args); err != nil {
		return nil, err
	}
	if args.MatchName("as") == nil {
		return nil, args.Error("expected 'as': write {% import 'file' as name %}", args.Current())
	}
	alias := args.Match(tokens.Name)
	if alias == nil {
		return nil, args.Error("expected the name to import the macros as", args.Current())
	}
	t.alias = alias.Val
	t.parseContext(args)
	if !args.End() {
		return nil, args.Error("malformed import tag: write {% import 'file' as name [with context] %}", args.Current())
	}
	return t, nil
}

func parseFromImport(p, args *parser.Parser) (nodes.ControlStructure, error) {
	t := &importTag{names: map[string]string{}}
	if err := t.parseName(p, args); err != nil {
		return nil, err
	}
	if args.MatchName("import") == nil {
		return nil, args.Error("expected 'import': write {% from 'file' import macro %}", args.Current())
	}
	for !args.End() {
		name := args.Match(tokens.Name)
		if name == nil {
			return nil, args.Error("expected a macro name", args.Current())
		}
		alias := name
		if args.MatchName("as") != nil {
			if alias = args.Match(tokens.Name); alias == nil {
				return nil, args.Error("expected the name to import the macro as", args.Current())
			}
		}
		t.names[alias.Val] = name.Val
		t.parseContext(args)
		if !args.End() && args.Match(tokens.Comma) == nil {
			return nil, args.Error("expected ',' between the macros imported", args.Current())
		}
	}
	if len(t.names) == 0 {
		return nil, args.Error("name at least one macro to import", nil)
	}
	return t, nil
}

// Execute runs the imported file as Jinja runs a module (its output
// dropped) and exports its macros and the variables its top level sets.
func (t *importTag) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	f, err := t.load(r)
	if err != nil {
		return err
	}
	sub := t.enter(r, f)
	sub.Output = io.Discard
	if err := sub.Execute(); err != nil {
		return err
	}
	exported := map[string]any{}
	for _, name := range topLevelSets(f.tmpl.template.Root()) {
		if v, ok := sub.Environment.Context.Get(name); ok {
			exported[name] = v
		}
	}
	for name, node := range f.tmpl.template.Macros() {
		if exported[name], err = exec.MacroNodeToFunc(node, sub); err != nil {
			return err
		}
	}
	if t.names == nil {
		r.Environment.Context.Set(t.alias, exported)
		return nil
	}
	for alias, name := range t.names {
		v, ok := exported[name]
		if !ok {
			return fmt.Errorf("the template %s does not export the requested name '%s'", f.path, name)
		}
		r.Environment.Context.Set(alias, v)
	}
	return nil
}

// setTargetField is where gonja keeps a set tag's target (unexported).
var setTargetField, _ = reflect.TypeFor[gonjatags.SetControlStructure]().FieldByName("target")

// topLevelSets are the variables the top level of a template sets
// ({% set x = ... %} outside macros and blocks): what an import exports.
func topLevelSets(root *nodes.Template) []string {
	var names []string
	for _, n := range root.Nodes {
		block, ok := n.(*nodes.ControlStructureBlock)
		if !ok {
			continue
		}
		set, ok := block.ControlStructure.(*gonjatags.SetControlStructure)
		if !ok {
			continue
		}
		field := reflect.ValueOf(set).Elem().FieldByIndex(setTargetField.Index)
		target := reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Interface()
		if name, ok := target.(*nodes.Name); ok {
			names = append(names, name.Name.Val)
		}
	}
	return names
}

// runExtendingStatements runs the imports and sets at the top level of a
// template that extends another (and of those it extends in turn), whose
// blocks use them: Jinja runs them, gonja only renders the base template.
func runExtendingStatements(r *exec.Renderer, root *nodes.Template) error {
	for t := root; t.Parent != nil; t = t.Parent {
		for _, n := range t.Nodes {
			block, ok := n.(*nodes.ControlStructureBlock)
			if !ok {
				continue
			}
			switch tag := block.ControlStructure.(type) {
			case *importTag:
				if err := tag.Execute(r, block); err != nil {
					return err
				}
			case *gonjatags.SetControlStructure:
				if err := tag.Execute(r, block); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
