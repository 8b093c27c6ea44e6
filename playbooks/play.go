package playbooks

import (
	"maps"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// playSetter reads one play keyword into the play.
type playSetter func(src *source, p *Play, v *yaml.Node)

// playKeywords are Ansible's play keywords. Sections holding tasks are read
// by play() itself, after the others, so they see the play's settings.
var playKeywords = map[string]playSetter{
	"name":                func(s *source, p *Play, v *yaml.Node) { p.Name = s.text("name", v) },
	"hosts":               func(s *source, p *Play, v *yaml.Node) { p.Hosts = s.hosts(v) },
	"vars":                func(s *source, p *Play, v *yaml.Node) { p.Vars = s.vars("Play", v) },
	"vars_files":          func(s *source, p *Play, v *yaml.Node) { p.VarsFiles = s.varsFiles(v) },
	"gather_facts":        func(s *source, p *Play, v *yaml.Node) { p.GatherFacts = s.strictBool("gather_facts", v) },
	"become":              func(s *source, p *Play, v *yaml.Node) { p.Become = s.boolish("become", v) },
	"become_user":         func(s *source, p *Play, v *yaml.Node) { p.BecomeUser = s.text("become_user", v) },
	"become_method":       func(s *source, p *Play, v *yaml.Node) { p.BecomeMethod = s.text("become_method", v) },
	"become_flags":        func(s *source, p *Play, v *yaml.Node) { p.BecomeFlags = s.text("become_flags", v) },
	"remote_user":         func(s *source, p *Play, v *yaml.Node) { p.RemoteUser = s.text("remote_user", v) },
	"environment":         func(s *source, p *Play, v *yaml.Node) { p.Environment = s.value(v) },
	"tags":                func(s *source, p *Play, v *yaml.Node) { p.Tags = s.tags(v) },
	"check_mode":          func(s *source, p *Play, v *yaml.Node) { p.CheckMode = s.boolish("check_mode", v) },
	"diff":                func(s *source, p *Play, v *yaml.Node) { p.Diff = s.boolish("diff", v) },
	"ignore_errors":       func(s *source, p *Play, v *yaml.Node) { p.IgnoreErrors = s.boolish("ignore_errors", v) },
	"no_log":              func(s *source, p *Play, v *yaml.Node) { p.NoLog = s.boolish("no_log", v) },
	"serial":              func(s *source, p *Play, v *yaml.Node) { p.Serial = s.value(v) },
	"connection":          func(s *source, p *Play, v *yaml.Node) { p.Connection = s.text("connection", v) },
	"any_errors_fatal":    func(s *source, p *Play, v *yaml.Node) { p.AnyErrorsFatal = s.boolish("any_errors_fatal", v) },
	"max_fail_percentage": func(s *source, p *Play, v *yaml.Node) { p.MaxFailPercentage = s.value(v) },
	"order":               func(s *source, p *Play, v *yaml.Node) { p.Order = s.choice("order", v, playOrders) },
	"strategy":            func(s *source, p *Play, v *yaml.Node) { p.Strategy = s.text("strategy", v) },
	"force_handlers":      func(s *source, p *Play, v *yaml.Node) { p.ForceHandlers = s.boolish("force_handlers", v) },
	"module_defaults":     func(s *source, p *Play, v *yaml.Node) { p.ModuleDefaults = s.value(v) },
	"collections":         func(s *source, p *Play, v *yaml.Node) { p.Collections = s.stringList("collections", v) },
	"vars_prompt":         func(s *source, p *Play, v *yaml.Node) { p.VarsPrompt = s.value(v) },
	"run_once":            func(s *source, p *Play, v *yaml.Node) { p.RunOnce = s.boolish("run_once", v) },
	"throttle":            func(s *source, p *Play, v *yaml.Node) { p.Throttle = s.value(v) },
	"timeout":             func(s *source, p *Play, v *yaml.Node) { p.Timeout = s.value(v) },
	"port":                func(s *source, p *Play, v *yaml.Node) { p.Port = s.value(v) },
	"ignore_unreachable":  func(s *source, p *Play, v *yaml.Node) { p.IgnoreUnreachable = s.boolish("ignore_unreachable", v) },
	"fact_path":           func(s *source, p *Play, v *yaml.Node) { p.FactPath = s.text("fact_path", v) },
	"gather_subset":       func(s *source, p *Play, v *yaml.Node) { p.GatherSubset = s.value(v) },
	"gather_timeout":      func(s *source, p *Play, v *yaml.Node) { p.GatherTimeout = s.value(v) },
	"debugger":            func(*source, *Play, *yaml.Node) {},
	"become_exe":          func(*source, *Play, *yaml.Node) {},
	"roles":               nil,
	"pre_tasks":           nil,
	"tasks":               nil,
	"post_tasks":          nil,
	"handlers":            nil,
}

// playOrders are the orders Ansible's inventory accepts ("default" is not one).
var playOrders = []string{"inventory", "sorted", "reverse_sorted", "reverse_inventory", "shuffle"}

// playKeywordNames lists the play keywords for "did you mean".
var playKeywordNames = slices.Sorted(maps.Keys(playKeywords))

// play reads one play, then its task sections, then checks what spans
// sections (notify targets).
func (ld *loader) play(src *source, n *yaml.Node) *Play {
	p := &Play{Pos: src.pos(n), Dir: src.dir}
	sections := map[string]*yaml.Node{}
	for _, e := range entries(n) {
		set, ok := playKeywords[e.key]
		switch {
		case !ok:
			src.unknownKeyword(e, "a Play", playKeywordNames)
		case set == nil:
			sections[e.key] = e.v
		default:
			set(src, p, e.v)
		}
	}
	if p.Hosts == "" {
		src.fail(n, "the field 'hosts' is required but was not set").
			WithHint("add e.g. `hosts: all` to the play")
	}
	src.checkVarsFiles(n, p.VarsFiles)
	ctx := taskContext{tags: p.Tags, moduleDefaults: p.ModuleDefaults != nil}
	ld.cur = &playRoles{baseDir: src.dir}
	roles := ld.roles(src, sections["roles"], ctx)
	roleHandlers := ld.cur.handlers
	ld.cur.handlers = nil
	p.PreTasks = ld.taskList(src, sections["pre_tasks"], "pre_tasks", ctx)
	// Ansible runs the roles' tasks after pre_tasks, as the start of tasks.
	p.Tasks = append(roles, ld.taskList(src, sections["tasks"], "tasks", ctx)...)
	p.PostTasks = ld.taskList(src, sections["post_tasks"], "post_tasks", ctx)
	p.Handlers = ld.taskList(src, sections["handlers"], "handlers", ctx.handlers())
	p.Handlers = append(append(roleHandlers, p.Handlers...), ld.cur.handlers...)
	p.Roles = ld.cur.public
	checkTemplateFiles(src, p)
	return p
}

// hosts reads a host pattern: a string, or a list joined with ",".
func (s *source) hosts(v *yaml.Node) string {
	v = deref(v)
	if v.Kind == yaml.SequenceNode {
		var parts []string
		for _, c := range v.Content {
			parts = append(parts, s.text("hosts", c))
		}
		return strings.Join(parts, ",")
	}
	return s.text("hosts", v)
}

// varsFiles reads vars_files: each entry a path or a list of candidate paths.
func (s *source) varsFiles(v *yaml.Node) []any {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return []any{s.text("vars_files", v)}
	}
	var out []any
	for _, c := range v.Content {
		if c = deref(c); c.Kind == yaml.SequenceNode {
			out = append(out, s.value(c))
			continue
		}
		out = append(out, s.text("vars_files", c))
	}
	return out
}

// checkVarsFiles reports vars_files entries written literally whose file
// does not exist (for a list of candidates: when none exists).
func (s *source) checkVarsFiles(play *yaml.Node, files []any) {
	var node *yaml.Node
	for _, e := range entries(play) {
		if e.key == "vars_files" {
			node = e.v
		}
	}
	for i, f := range files {
		candidates := toStrings(f)
		missing := candidates != nil
		for _, c := range candidates {
			if isTemplate(c) {
				missing = false
				break
			}
			if _, err := os.Stat(s.resolve(c)); err == nil {
				missing = false
			}
		}
		if !missing {
			continue
		}
		at := node
		if node.Kind == yaml.SequenceNode && i < len(node.Content) {
			at = node.Content[i]
		}
		s.fail(at, "vars file not found: %s", s.abs(candidates[0])).
			WithHint(relativePathHint).Err = os.ErrNotExist
	}
}

// toStrings lists the strings of a vars_files entry.
func toStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
