package playbooks

import (
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/diag"
)

// taskContext is what a task inherits from where it is written.
type taskContext struct {
	tags    []string // of the play, enclosing blocks and imports
	handler bool     // in a handlers section: listen is allowed
	// moduleDefaults: the play or an enclosing block sets module_defaults,
	// which may supply required arguments.
	moduleDefaults bool
	// dynamic: in a file include_tasks reads at run time, where an old-style
	// include cannot be static.
	dynamic bool
}

func (c taskContext) handlers() taskContext {
	c.handler = true
	return c
}

func (c taskContext) withTags(tags []string) taskContext {
	c.tags = union(c.tags, tags)
	return c
}

// taskSetter reads one task keyword into the task.
type taskSetter func(s *source, t *Task, e entry)

// taskKeywords are Ansible's task keywords (action, local_action and args
// are read with the module; with_<lookup> by loopKeyword).
var taskKeywords = map[string]taskSetter{
	"name":               func(s *source, t *Task, e entry) { t.Name = s.text(e.key, e.v) },
	"when":               func(s *source, t *Task, e entry) { t.When = s.conditions(e.key, e.v) },
	"changed_when":       func(s *source, t *Task, e entry) { t.ChangedWhen = s.conditions(e.key, e.v) },
	"failed_when":        func(s *source, t *Task, e entry) { t.FailedWhen = s.conditions(e.key, e.v) },
	"until":              func(s *source, t *Task, e entry) { t.Until = allOf(s.conditions(e.key, e.v)) },
	"loop":               loopKeyword,
	"loop_control":       func(s *source, t *Task, e entry) { t.LoopControl = s.loopControl(e.v) },
	"register":           func(s *source, t *Task, e entry) { t.Register = s.register(e.v) },
	"ignore_errors":      func(s *source, t *Task, e entry) { t.IgnoreErrors = s.boolish(e.key, e.v) },
	"ignore_unreachable": func(s *source, t *Task, e entry) { t.IgnoreUnreachable = s.boolish(e.key, e.v) },
	"notify":             func(s *source, t *Task, e entry) { t.Notify = s.stringList(e.key, e.v) },
	"listen":             func(s *source, t *Task, e entry) { t.Listen = s.stringList(e.key, e.v) },
	"vars":               func(s *source, t *Task, e entry) { t.Vars = s.vars("Task", e.v) },
	"tags":               func(s *source, t *Task, e entry) { t.Tags = s.tags(e.v) },
	"no_log":             func(s *source, t *Task, e entry) { t.NoLog = s.boolish(e.key, e.v) },
	"become":             func(s *source, t *Task, e entry) { t.Become = s.boolish(e.key, e.v) },
	"become_user":        func(s *source, t *Task, e entry) { t.BecomeUser = s.text(e.key, e.v) },
	"become_method":      func(s *source, t *Task, e entry) { t.BecomeMethod = s.text(e.key, e.v) },
	"become_flags":       func(s *source, t *Task, e entry) { t.BecomeFlags = s.text(e.key, e.v) },
	"become_exe":         func(*source, *Task, entry) {},
	"check_mode":         func(s *source, t *Task, e entry) { t.CheckMode = s.boolish(e.key, e.v) },
	"diff":               func(s *source, t *Task, e entry) { t.Diff = s.boolish(e.key, e.v) },
	"environment":        func(s *source, t *Task, e entry) { t.Environment = s.value(e.v) },
	"delegate_to":        func(s *source, t *Task, e entry) { t.DelegateTo = s.text(e.key, e.v) },
	"delegate_facts":     func(s *source, t *Task, e entry) { t.DelegateFacts = s.boolish(e.key, e.v) },
	"run_once":           func(s *source, t *Task, e entry) { t.RunOnce = s.boolish(e.key, e.v) },
	"retries":            func(s *source, t *Task, e entry) { t.Retries = s.value(e.v) },
	"delay":              func(s *source, t *Task, e entry) { t.Delay = s.value(e.v) },
	"any_errors_fatal":   func(s *source, t *Task, e entry) { t.AnyErrorsFatal = s.boolish(e.key, e.v) },
	"throttle":           func(s *source, t *Task, e entry) { t.Throttle = s.value(e.v) },
	"timeout":            func(s *source, t *Task, e entry) { t.Timeout = s.value(e.v) },
	"async":              func(s *source, t *Task, e entry) { t.Async = s.value(e.v) },
	"poll":               func(s *source, t *Task, e entry) { t.Poll = s.value(e.v) },
	"debugger":           func(s *source, t *Task, e entry) { t.Debugger = s.text(e.key, e.v) },
	"module_defaults":    func(s *source, t *Task, e entry) { t.ModuleDefaults = s.value(e.v) },
	"collections":        func(s *source, t *Task, e entry) { t.Collections = s.stringList(e.key, e.v) },
	"connection":         func(s *source, t *Task, e entry) { t.Connection = s.text(e.key, e.v) },
	"remote_user":        func(s *source, t *Task, e entry) { t.RemoteUser = s.text(e.key, e.v) },
	"port":               func(s *source, t *Task, e entry) { t.Port = s.value(e.v) },
	"action":             nil,
	"local_action":       nil,
	"args":               nil,
}

var taskKeywordNames = slices.Sorted(maps.Keys(taskKeywords))

// blockKeywords are the keywords a block accepts besides block, rescue
// and always.
var blockKeywords = []string{
	"any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user",
	"check_mode", "collections", "connection", "debugger", "delegate_facts", "delegate_to", "diff",
	"environment", "ignore_errors", "ignore_unreachable", "module_defaults", "name", "no_log", "notify",
	"port", "remote_user", "run_once", "tags", "throttle", "timeout", "vars", "when",
}

var blockSections = []string{"block", "rescue", "always"}

// loopLookups are the lookups a with_<lookup> loop may name.
var loopLookups = []string{
	"items", "list", "dict", "fileglob", "sequence", "nested", "together", "subelements",
	"indexed_items", "flattened", "random_choice", "first_found", "lines", "file", "env",
	"cartesian", "template", "inventory_hostnames", "pipe", "password", "url", "csvfile",
	"ini", "varnames", "vars", "config", "unvault",
}

// loopKeyword reads loop or with_<lookup>; only one of them per task.
func loopKeyword(s *source, t *Task, e entry) {
	if t.LoopKind != "" {
		s.fail(e.k, "duplicate loop in task: %s", strings.TrimPrefix(e.key, "with_")).
			WithHint("use only one of loop and with_*: %s is already set", t.LoopKind)
		return
	}
	t.LoopKind, t.Loop = e.key, s.value(e.v)
}

// taskList reads a list of tasks (a section, a block part or a file).
func (ld *loader) taskList(src *source, n *yaml.Node, what string, ctx taskContext) []*Task {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		src.fail(n, "%s should be a list of tasks, got %s", what, kindName(n)).
			WithHint("start each task with '- ', e.g. '- name: ...'")
		return nil
	}
	tasks := []*Task{}
	for _, c := range n.Content {
		tasks = append(tasks, ld.task(src, c, ctx)...)
	}
	return tasks
}

// tasksFile reads a file holding a list of tasks.
func (ld *loader) tasksFile(src *source, ref *diag.Pos, ctx taskContext) []*Task {
	if !ld.enter(src, ref) {
		return nil
	}
	defer ld.leave()
	root := src.read(ref)
	if root == nil {
		return nil
	}
	return ld.taskList(src, root, "a tasks file", ctx)
}

// task reads one task or block; an import_tasks yields the imported tasks.
func (ld *loader) task(src *source, n *yaml.Node, ctx taskContext) []*Task {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		err := src.fail(n, "a task must be a mapping (module: args, name: ...), got %s", kindName(n))
		if word, _, _ := strings.Cut(strings.TrimSpace(n.Value), " "); n.Kind == yaml.ScalarNode && isAction(word) {
			err.WithHint("add a colon after the module name: `%s: ...`", word)
		}
		return nil
	}
	t := &Task{Pos: src.pos(n), Dir: src.dir, KeyPos: map[string]diag.Pos{}}
	es := entries(n)
	if slices.ContainsFunc(es, func(e entry) bool { return slices.Contains(blockSections, e.key) }) {
		ld.block(src, t, es, ctx)
		return []*Task{t}
	}
	var candidates []entry
	for _, e := range es {
		set, ok := taskKeywords[e.key]
		switch {
		case e.key == "listen" && !ctx.handler:
			src.fail(e.k, "'listen' is not a valid attribute for a Task").WithHint("listen is for handlers; move this task under handlers:")
		case ok && set != nil:
			t.KeyPos[e.key] = src.pos(e.v)
			set(src, t, e)
		case ok:
			// action, local_action, args: read with the module below.
		case strings.HasPrefix(e.key, "with_"):
			t.KeyPos[e.key] = src.pos(e.v)
			src.withLoop(t, e)
		default:
			candidates = append(candidates, e)
		}
	}
	t.Tags = union(t.Tags, ctx.tags)
	if !src.action(t, n, es, candidates, ctx.moduleDefaults || t.ModuleDefaults != nil) {
		return nil
	}
	if shortName(t.Module) == "include" && staticInclude(t, ctx) {
		t.Module = strings.TrimSuffix(t.Module, "include") + "import_tasks"
	}
	switch shortName(t.Module) {
	case "import_tasks":
		return ld.importTasks(src, t, ctx)
	case "import_role":
		return ld.importRole(src, t, ctx)
	case "include_role":
		ld.checkIncludeRole(src, t)
	}
	return []*Task{t}
}

// staticInclude says whether Ansible 2.14 reads a deprecated `include:` of a
// tasks file as an import_tasks: when the file name is not a template, it has
// no loop and it is not itself in a file included at run time. Otherwise it
// runs as an include_tasks that keeps its name.
func staticInclude(t *Task, ctx taskContext) bool {
	file, _ := t.Args["_raw_params"].(string)
	return !isTemplate(file) && t.LoopKind == "" && !ctx.dynamic
}

// withLoop reads a with_<lookup> loop.
func (s *source) withLoop(t *Task, e entry) {
	lookup := strings.TrimPrefix(e.key, "with_")
	if !slices.Contains(loopLookups, lookup) {
		err := s.fail(e.k, "unknown loop '%s': there is no '%s' lookup", e.key, lookup)
		if sug := suggest(lookup, loopLookups); sug != "" {
			err.WithHint("did you mean `with_%s`?", sug)
		}
		return
	}
	loopKeyword(s, t, e)
}

// block reads a block with its rescue and always sections.
func (ld *loader) block(src *source, t *Task, es []entry, ctx taskContext) {
	sections := map[string]*yaml.Node{}
	for _, e := range es {
		switch {
		case slices.Contains(blockSections, e.key):
			sections[e.key] = e.v
		case slices.Contains(blockKeywords, e.key):
			t.KeyPos[e.key] = src.pos(e.v)
			taskKeywords[e.key](src, t, e)
		case e.key == "loop" || strings.HasPrefix(e.key, "with_"):
			src.fail(e.k, "'%s' is not a valid attribute for a Block", e.key).
				WithHint("blocks cannot loop: move the tasks to a file and loop over include_tasks")
		case taskKeywords[e.key] != nil:
			src.fail(e.k, "'%s' is not a valid attribute for a Block", e.key).
				WithHint("`%s` applies to tasks: set it on the tasks inside the block", e.key)
		default:
			src.unknownKeyword(e, "a Block", append(slices.Clone(blockKeywords), blockSections...))
		}
	}
	t.Tags = union(t.Tags, ctx.tags)
	inner := ctx.withTags(t.Tags)
	inner.moduleDefaults = inner.moduleDefaults || t.ModuleDefaults != nil
	t.Block = ld.taskList(src, sections["block"], "block", inner)
	if t.Block == nil {
		t.Block = []*Task{}
	}
	t.Rescue = ld.taskList(src, sections["rescue"], "rescue", inner)
	t.Always = ld.taskList(src, sections["always"], "always", inner)
}

// register reads register: a variable name.
func (s *source) register(v *yaml.Node) string {
	name := s.text("register", v)
	if !identifier.MatchString(name) {
		s.fail(v, "Invalid variable name in 'register' specified: '%s'", name).
			WithHint("variable names contain only letters, digits and underscores, and do not start with a digit")
	}
	return name
}

// loopControlKeywords are the keys of loop_control.
var loopControlKeywords = []string{"loop_var", "index_var", "label", "pause", "extended", "extended_allitems"}

func (s *source) loopControl(v *yaml.Node) *LoopControl {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		s.fail(v, "loop_control must be a mapping (loop_var: ..., label: ...), got %s", kindName(v))
		return nil
	}
	lc := &LoopControl{LoopVar: "item"}
	for _, e := range entries(v) {
		switch e.key {
		case "loop_var":
			lc.LoopVar = s.variableName(e)
		case "index_var":
			lc.IndexVar = s.variableName(e)
		case "label":
			lc.Label = s.text(e.key, e.v)
		case "pause":
			lc.Pause = s.value(e.v)
		case "extended":
			lc.Extended, _ = s.boolish(e.key, e.v).(bool)
		case "extended_allitems":
		default:
			s.unknownKeyword(e, "a LoopControl", loopControlKeywords)
		}
	}
	return lc
}

func (s *source) variableName(e entry) string {
	name := s.text(e.key, e.v)
	if !identifier.MatchString(name) {
		s.fail(e.v, "Invalid variable name in '%s' specified: '%s'", e.key, name).
			WithHint("variable names contain only letters, digits and underscores, and do not start with a digit")
	}
	return name
}

// allOf joins conditions into one expression that holds when all do.
func allOf(conds []string) string {
	if len(conds) <= 1 {
		return strings.Join(conds, "")
	}
	return "(" + strings.Join(conds, ") and (") + ")"
}

// walk calls fn for every task, descending into blocks.
func walk(tasks []*Task, fn func(*Task)) {
	for _, t := range tasks {
		fn(t)
		walk(t.Block, fn)
		walk(t.Rescue, fn)
		walk(t.Always, fn)
	}
}
