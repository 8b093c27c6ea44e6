package playbooks

import (
	"errors"
	"maps"
	"play/jinja"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/diag"
	"play/modules"
)

// builtinActions are task actions the parser and runner handle themselves
// rather than a registered module.
var builtinActions = []string{"import_tasks", "include_tasks", "include_vars", "include_role", "import_role", "include", "add_host", "group_by"}

// rawParamActions accept free-form text (_raw_params) without being
// free-form modules: `meta: flush_handlers`, `include_tasks: x.yml`.
var rawParamActions = []string{"add_host", "group_by", "set_fact", "meta", "include_vars", "include_tasks", "import_tasks", "include_role", "import_role", "include"}

// shortName drops the ansible.builtin. or ansible.legacy. prefix.
func shortName(name string) string {
	for _, prefix := range []string{"ansible.builtin.", "ansible.legacy."} {
		if s, ok := strings.CutPrefix(name, prefix); ok {
			return s
		}
	}
	return name
}

// isAction says whether name is a module or a builtin action.
func isAction(name string) bool {
	_, ok := modules.Lookup(name)
	return ok || slices.Contains(builtinActions, shortName(name))
}

// isFreeForm says whether the module takes a command line (check_raw).
func isFreeForm(name string) bool {
	info, ok := modules.Lookup(name)
	return ok && info.FreeForm
}

// rawParamNames lists the actions that accept free-form text, for messages.
func rawParamNames() []string {
	names := slices.Clone(rawParamActions)
	for _, n := range modules.Names() {
		if isFreeForm(n) && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// action finds the task's module and its arguments (module key, action or
// local_action, plus args). It returns false when the task has no usable
// action; the problems are recorded. defaulted says module_defaults may
// supply arguments.
func (s *source) action(t *Task, task *yaml.Node, es []entry, candidates []entry, defaulted bool) bool {
	var old, argsKw *entry
	ok := true
	for i, e := range es {
		switch e.key {
		case "action", "local_action":
			if old != nil {
				s.fail(task, "action and local_action are mutually exclusive").WithHint("keep only one of them")
				ok = false
			}
			old = &es[i]
		case "args":
			argsKw = &es[i]
		}
	}
	args, argPos := map[string]any{}, map[string]diag.Pos{}
	if argsKw != nil && !s.complexArgs(argsKw.v, args, argPos) {
		ok = false
	}
	var name string
	var thing *yaml.Node
	if old != nil {
		if name, thing = s.oldStyleAction(old.v, args, argPos); name == "" {
			ok = false
		}
		if old.key == "local_action" {
			t.DelegateTo = "localhost"
		}
	}
	for _, c := range candidates {
		switch {
		case !isAction(c.key):
			s.unknownAction(c)
			ok = false
		case name != "":
			s.fail(task, "conflicting action statements: %s, %s", name, c.key).
				WithHint("a task runs one module: split it into two tasks")
			ok = false
		default:
			name, thing = c.key, c.v
			if !s.moduleArgs(name, thing, args, argPos) {
				ok = false
			}
		}
	}
	if !ok {
		return false
	}
	if name == "" {
		s.fail(task, "no module/action detected in task.").
			WithHint("a task needs a module (e.g. `ansible.builtin.debug: msg=hi`) or a `block:`")
		return false
	}
	if !s.rawParams(name, thing, args) {
		return false
	}
	t.Module, t.Args, t.ArgPos = name, args, argPos
	s.checkArgs(t, thing, defaulted)
	return true
}

// oldStyleAction reads `action: copy src=a` or `action: {module: copy, ...}`
// and returns the module name ("" after recording a problem) and the node
// its arguments were written at.
func (s *source) oldStyleAction(v *yaml.Node, args map[string]any, argPos map[string]diag.Pos) (string, *yaml.Node) {
	v = deref(v)
	var line string
	switch {
	case v.Kind == yaml.MappingNode:
		for _, e := range entries(v) {
			switch e.key {
			case "module":
				line = s.text(e.key, e.v)
			case "args":
				if !s.complexArgs(e.v, args, argPos) {
					return "", nil
				}
			default:
				args[e.key], argPos[e.key] = s.value(e.v), s.pos(e.k)
			}
		}
	case v.Kind == yaml.ScalarNode && !isNull(v):
		line = s.text("action", v)
	default:
		s.fail(v, "unexpected parameter type in action: %s", strings.TrimPrefix(kindName(v), "a ")).
			WithHint("write `action: copy src=a dest=b` or `action: {module: copy, src: a, dest: b}`")
		return "", nil
	}
	words, err := splitArgs(line)
	if err != nil {
		s.fail(v, "%v", err)
		return "", nil
	}
	if len(words) == 0 {
		s.fail(v, "no module/action detected in task.").WithHint("name the module first: `action: copy src=a dest=b`")
		return "", nil
	}
	name := strings.TrimSpace(words[0])
	if !isAction(name) {
		s.unknownAction(entry{key: name, k: v, v: v})
		return "", nil
	}
	if !s.kvArgs(name, strings.Join(words[1:], " "), v, args, argPos) {
		return "", nil
	}
	return name, v
}

// moduleArgs reads the value of a module key into args; they override the
// args keyword, as in Ansible. False when they cannot be read.
func (s *source) moduleArgs(name string, v *yaml.Node, args map[string]any, argPos map[string]diag.Pos) bool {
	v = deref(v)
	switch {
	case isNull(v):
	case v.Kind == yaml.MappingNode:
		for _, e := range entries(v) {
			args[e.key], argPos[e.key] = s.value(e.v), s.pos(e.k)
		}
	case v.Kind == yaml.ScalarNode:
		if str, isString := s.scalar(v).(string); isString {
			return s.kvArgs(name, str, v, args, argPos)
		}
		s.fail(v, "unexpected parameter type in action: %s", strings.TrimPrefix(v.ShortTag(), "!!")).
			WithHint("write the arguments as a mapping or as key=value pairs")
		return false
	default:
		s.fail(v, "unexpected parameter type in action: list").
			WithHint("write the arguments as a mapping or as key=value pairs")
		return false
	}
	return true
}

// kvArgs parses "k=v ..." text written at v into args.
func (s *source) kvArgs(name, text string, v *yaml.Node, args map[string]any, argPos map[string]diag.Pos) bool {
	kv, err := SplitKV(text, isFreeForm(name))
	if err != nil {
		s.fail(v, "%v", err).WithHint("close every quote and {{ }}, or quote the entire value")
		return false
	}
	for k, val := range kv {
		args[k], argPos[k] = val, s.pos(v)
	}
	return true
}

// complexArgs reads the args keyword: a mapping, or a template producing
// one. False when it is neither.
func (s *source) complexArgs(v *yaml.Node, args map[string]any, argPos map[string]diag.Pos) bool {
	v = deref(v)
	switch {
	case isNull(v):
	case v.Kind == yaml.MappingNode:
		for _, e := range entries(v) {
			args[e.key], argPos[e.key] = s.value(e.v), s.pos(e.k)
		}
	case v.Kind == yaml.ScalarNode && isTemplate(v.Value):
		args["_variable_params"], argPos["_variable_params"] = v.Value, s.pos(v)
	case v.Kind == yaml.ScalarNode:
		s.fail(v, "Complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')").
			WithHint(`write args: "{{ %s }}" or a mapping`, v.Value)
		return false
	default:
		s.fail(v, `Complex args must be a dictionary or variable string ("{{var}}").`)
		return false
	}
	return true
}

// rawParams checks free-form text is given only to actions that take it; a
// template there is kept as _variable_params (a dict built at run time).
func (s *source) rawParams(name string, at *yaml.Node, args map[string]any) bool {
	raw, _ := args["_raw_params"].(string)
	if raw == "" || isFreeForm(name) || slices.Contains(rawParamActions, shortName(name)) {
		return true
	}
	if isTemplate(raw) {
		delete(args, "_raw_params")
		args["_variable_params"] = raw
		return true
	}
	s.fail(at, "this task '%s' has extra params, which is only allowed in the following modules: %s", name, strings.Join(rawParamNames(), ", ")).
		WithHint("%s takes named arguments: write `%s: a=1 b=2` or a mapping", name, name)
	return false
}

// checkArgs validates the arguments of a registered module; with defaulted,
// a missing required argument waits for run time (module_defaults).
func (s *source) checkArgs(t *Task, at *yaml.Node, defaulted bool) {
	if _, ok := modules.Lookup(t.Module); !ok {
		return
	}
	s.checkTemplates(t, at)
	if _, dynamic := t.Args["_variable_params"]; dynamic {
		return
	}
	err := modules.Check(t.Module, t.Args)
	if err == nil {
		return
	}
	e := &diag.Error{Pos: s.pos(at), Msg: err.Error(), Err: err}
	var ae *modules.ArgError
	if errors.As(err, &ae) {
		if p, ok := t.ArgPos[ae.Arg]; ok {
			e.Pos = p
		}
		switch {
		case len(ae.Unknown) > 0:
			if sug := suggest(ae.Unknown[0], ae.Supported); sug != "" {
				e.Hint = "did you mean `" + sug + "`?"
			}
		case strings.HasPrefix(ae.Msg, "missing required arguments") && defaulted:
			return
		case strings.HasPrefix(ae.Msg, "missing required arguments"):
			e.Hint = "add `" + ae.Arg + ":` to the arguments of " + t.Module
		}
	}
	s.add(e)
}

// checkTemplates finds Jinja2 syntax errors in a task's arguments and
// conditions at load time, where Ansible finds them only when the task runs.
func (s *source) checkTemplates(t *Task, at *yaml.Node) {
	report := func(pos diag.Pos, err error) {
		e := &diag.Error{Pos: pos, Msg: "template error: " + err.Error(), Err: err}
		if e.Pos.File == "" {
			e.Pos = s.pos(at)
		}
		s.add(e.WithHint("check the braces and quotes of the expression"))
	}
	for _, k := range slices.Sorted(maps.Keys(t.Args)) {
		walkStrings(t.Args[k], func(str string) {
			if err := jinja.Check(str); err != nil {
				report(t.ArgPos[k], err)
			}
		})
	}
	for _, cond := range []struct {
		key   string
		exprs []string
	}{{"when", t.When}, {"changed_when", t.ChangedWhen}, {"failed_when", t.FailedWhen}} {
		for _, c := range cond.exprs {
			if err := jinja.CheckExpr(c); err != nil {
				report(t.KeyPos[cond.key], err)
			}
		}
	}
}

// walkStrings calls fn for every string inside v.
func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	}
}

// unknownAction reports a task key that is neither a keyword nor a module,
// suggesting whichever is closer.
func (s *source) unknownAction(e entry) {
	kw := suggest(e.key, taskKeywordNames)
	mod := suggestModule(e.key)
	switch {
	case kw != "" && (mod == "" || diag.Suggest(e.key, []string{kw, mod}) == kw):
		s.fail(e.k, "'%s' is not a valid attribute for a Task", e.key).WithHint("did you mean `%s`?", kw)
	case mod != "":
		s.fail(e.k, "couldn't resolve module/action '%s'", e.key).WithHint("did you mean `%s`?", mod)
	default:
		s.fail(e.k, "couldn't resolve module/action '%s'. This often indicates a misspelling, missing collection, or incorrect module path.", e.key)
	}
}

// suggestModule finds the module name closest to name, keeping its prefix.
func suggestModule(name string) string {
	short := shortName(name)
	sug := suggest(short, append(modules.Names(), builtinActions...))
	if sug == "" {
		return ""
	}
	return strings.TrimSuffix(name, short) + sug
}

// importTasks reads the file an import_tasks names and applies the import's
// keywords to each of its tasks.
func (ld *loader) importTasks(src *source, imp *Task, ctx taskContext) []*Task {
	if imp.LoopKind != "" {
		src.add(diag.Errorf(imp.KeyPos[imp.LoopKind], "You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead."))
		return nil
	}
	file, _ := imp.Args["_raw_params"].(string)
	key := "_raw_params"
	if file == "" {
		file, _ = imp.Args["file"].(string)
		key = "file"
	}
	ref := imp.ArgPos[key]
	switch {
	case file == "":
		src.add(diag.Errorf(imp.Pos, "import_tasks needs the name of a tasks file").WithHint("write `import_tasks: tasks/setup.yml`"))
		return nil
	case isTemplate(file):
		src.add(diag.Errorf(ref, "import_tasks cannot use a template in its file name: %s", file).
			WithHint("imports are read before any variable is known; use include_tasks for a file chosen at run time"))
		return nil
	}
	children := ld.tasksFile(newSource(src.problems, src.resolve(file)), &ref, ctx.withTags(imp.Tags))
	for _, c := range children {
		inherit(c, imp)
	}
	return children
}

// inheritedKeywords are the Task fields an imported task takes from its
// import_tasks when it does not set them itself.
var inheritedKeywords = []string{
	"IgnoreErrors", "IgnoreUnreachable", "NoLog", "Become", "BecomeUser", "BecomeMethod", "BecomeFlags",
	"CheckMode", "Diff", "Environment", "DelegateTo", "DelegateFacts", "RunOnce", "AnyErrorsFatal",
	"Throttle", "Timeout", "Connection", "RemoteUser", "Port", "Debugger", "ModuleDefaults", "Collections",
}

// inherit applies an import's when (first), vars (under the task's own) and
// other keywords to an imported task. Tags are inherited while parsing.
func inherit(t, imp *Task) {
	t.When = append(slices.Clone(imp.When), t.When...)
	t.Vars = mergeUnder(t.Vars, imp.Vars)
	tv, iv := reflect.ValueOf(t).Elem(), reflect.ValueOf(imp).Elem()
	for _, name := range inheritedKeywords {
		if f := tv.FieldByName(name); f.IsZero() {
			f.Set(iv.FieldByName(name))
		}
	}
}
