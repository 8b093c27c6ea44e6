package runner

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// actionName is a task's action without the ansible.builtin./ansible.legacy. prefix.
func actionName(t *playbooks.Task) string {
	for _, prefix := range []string{"ansible.builtin.", "ansible.legacy."} {
		if s, ok := strings.CutPrefix(t.Module, prefix); ok {
			return s
		}
	}
	return t.Module
}

// isIncludeTasks: include_tasks, or the deprecated include where the loader
// did not read it as an import (playbooks.staticInclude).
func isIncludeTasks(t *playbooks.Task) bool {
	name := actionName(t)
	return name == "include_tasks" || name == "include"
}

// inclusion is one tasks file included for a group of hosts: the hosts that
// included the same file with the same loop item run it together.
type inclusion struct {
	path  string
	key   string
	label string // loop item label, "" without a loop
	vars  map[string]any
	hosts []*hostState
	// role and args are set for include_role: the role to read, and the
	// include's rendered arguments.
	role *playbooks.RoleRequest
	args map[string]any
}

// runIncludeTasks runs a dynamic include_tasks: every host evaluates when,
// loop and the file name; then each included file runs, as a block, on the
// hosts that included it. Like Ansible, a host counts one ok per file it
// included.
func (r *Runner) runIncludeTasks(ctx context.Context, pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState) {
	groups := r.includeGroups(pc, sc, t, hosts, (*execution).inclusion)
	for _, g := range groups {
		for _, h := range g.hosts {
			h.count(func(s *HostStats) { s.OK++ })
		}
	}
	for _, g := range groups {
		names := make([]string, len(g.hosts))
		for i, h := range g.hosts {
			names[i] = h.name()
		}
		line := "included: " + g.path + " for " + strings.Join(names, ", ")
		if g.label != "" {
			line += " => (item=" + g.label + ")"
		}
		r.out.line(colorSkip, line)
	}
	for _, g := range groups {
		if ctx.Err() != nil {
			return
		}
		file, err := playbooks.ParseTasksFile(g.path, firstNonEmpty(pc.play.Dir, pc.pb.Dir), t.RoleRef)
		if err != nil {
			r.failHosts(pc, sc, t, g.hosts, map[string]any{"reason": err.Error()})
			continue
		}
		pc.addIncluded(file)
		blk, err := includeBlock(t, g, file.Tasks)
		if err != nil {
			r.failHosts(pc, sc, t, g.hosts, map[string]any{"reason": err.Error()})
			continue
		}
		if t.RoleRef != nil {
			// A role's include_tasks reads tasks of that role, as in Ansible.
			t.RoleRef.Adopt([]*playbooks.Task{blk})
		}
		r.runTasks(ctx, pc, sc.pushInclude(blk, g), blk.Block)
	}
}

// inclusionResolver says what a dynamic include includes on a host, with
// vars (and the loop item's key and label when it loops).
type inclusionResolver func(ex *execution, vars map[string]any, key, label string) (*inclusion, error)

// includeGroups prints the include's banner, evaluates it on every host
// (when, loop, resolve) and groups the hosts that include the same thing,
// in order. Hosts that skip or fail it get their result here.
func (r *Runner) includeGroups(pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState, resolve inclusionResolver) []*inclusion {
	pc.taskBoundary()
	pc.resetHostvars()
	r.taskBanner(pc, t, hosts, "TASK ["+r.hostTaskTitle(pc, sc, t, hosts[0])+"]")
	perHost := make([][]*inclusion, len(hosts))
	results := make([]*taskResult, len(hosts))
	index := map[*hostState]int{}
	for i, h := range hosts {
		index[h] = i
	}
	var mu sync.Mutex
	r.forEachHost(hosts, r.opts.Forks, func(h *hostState) {
		incs, res := r.includesOf(pc, sc, t, h, resolve)
		mu.Lock()
		perHost[index[h]], results[index[h]] = incs, res
		mu.Unlock()
	})
	var groups []*inclusion
	byKey := map[string]*inclusion{}
	for i, h := range hosts {
		if res := results[i]; res != nil {
			r.out.hostResult(res)
			(&execution{r: r, pc: pc, sc: sc, t: t, h: h}).finish(res, nil)
			continue
		}
		for _, inc := range perHost[i] {
			g, ok := byKey[inc.key]
			if !ok {
				g = inc
				byKey[inc.key] = g
				groups = append(groups, g)
			}
			g.hosts = append(g.hosts, h)
		}
	}
	return groups
}

// failHosts records a failed result for hosts, as one task would.
func (r *Runner) failHosts(pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState, result map[string]any) {
	for _, h := range hosts {
		res := &taskResult{host: h.name(), failed: true, result: result}
		r.out.hostResult(res)
		(&execution{r: r, pc: pc, sc: sc, t: t, h: h}).finish(res, nil)
	}
}

// includesOf evaluates a dynamic include on one host: what it includes,
// or a result (skipped, failed) to report instead.
func (r *Runner) includesOf(pc *playCtx, sc *scope, t *playbooks.Task, h *hostState, resolve inclusionResolver) ([]*inclusion, *taskResult) {
	ex := &execution{r: r, pc: pc, sc: sc, t: t, h: h}
	vars := r.taskVars(pc, sc, t, h)
	res := &taskResult{host: h.name()}
	if t.Loop == nil {
		ok, err := ex.when(vars)
		if err != nil {
			return nil, ex.fail(res, err)
		}
		if !ok {
			res.skipped = true
			res.result = map[string]any{"changed": false, "skip_reason": "Conditional result was False", "skipped": true}
			return nil, res
		}
		inc, err := resolve(ex, vars, "", "")
		if err != nil {
			return nil, includeFailure(res, err)
		}
		return []*inclusion{inc}, nil
	}
	items, err := ex.loopItems(vars)
	if err != nil {
		return nil, ex.fail(res, err)
	}
	loopVar := "item"
	if lc := t.LoopControl; lc != nil {
		loopVar = firstNonEmpty(lc.LoopVar, "item")
	}
	var incs []*inclusion
	for i, item := range items {
		iv := maps.Clone(vars)
		iv[loopVar] = item
		if lc := t.LoopControl; lc != nil && lc.IndexVar != "" {
			iv[lc.IndexVar] = i
		}
		ex.r.bindLookups(iv, ex.pc, t) // lookups see the item
		ok, err := ex.when(iv)
		if err != nil {
			return nil, ex.fail(res, err)
		}
		if !ok {
			continue
		}
		label := jinja.PyStr(item)
		if lc := t.LoopControl; lc != nil && lc.Label != "" {
			if l, err := jinja.RenderString(lc.Label, iv); err == nil {
				label = l
			}
		}
		inc, err := resolve(ex, iv, fmt.Sprintf("%d\x00%s", i, label), label)
		if err != nil {
			return nil, includeFailure(res, err)
		}
		inc.vars[loopVar] = item
		if lc := t.LoopControl; lc != nil && lc.IndexVar != "" {
			inc.vars[lc.IndexVar] = i
		}
		incs = append(incs, inc)
	}
	if len(incs) == 0 {
		res.skipped = true
		res.result = map[string]any{"changed": false, "skipped": true, "skipped_reason": "No items in the list"}
		return nil, res
	}
	return incs, nil
}

func includeFailure(res *taskResult, err error) *taskResult {
	res.failed = true
	res.result = map[string]any{"reason": err.Error()}
	return res
}

// inclusion resolves the file an include_tasks names with vars; its
// parameters other than file and apply become variables of the included tasks.
func (ex *execution) inclusion(vars map[string]any, key, label string) (*inclusion, error) {
	args, err := ex.renderArgs("include_tasks", vars)
	if err != nil {
		return nil, err
	}
	file, _ := modules.ToString(firstSet(args["file"], args["_raw_params"]))
	if file == "" {
		return nil, fmt.Errorf("No file specified for include_tasks: write `include_tasks: tasks.yml` or `file: tasks.yml`")
	}
	path := ex.tasksPath(file)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("Could not find or access '%s' on the Ansible Controller.", path)
	}
	incVars := maps.Clone(ex.t.Vars)
	if incVars == nil {
		incVars = map[string]any{}
	}
	for k, v := range ex.t.Args {
		if k != "file" && k != "_raw_params" && k != "apply" {
			incVars[k] = v
		}
	}
	return &inclusion{path: path, key: path + "\x00" + key, label: label, vars: incVars}, nil
}

// tasksPath resolves an included tasks file: beside the including file
// first (a role's tasks/), then the task's, the play's and the playbook's
// directories.
func (ex *execution) tasksPath(file string) string {
	p := ex.foundTasksPath(file)
	// Absolute, as Ansible prints it in "included: ...".
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func (ex *execution) foundTasksPath(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	var first string
	var including string
	if ex.t.Pos.File != "" {
		including = filepath.Dir(ex.t.Pos.File)
	}
	for _, dir := range []string{including, ex.t.Dir, ex.pc.play.Dir, ex.pc.pb.Dir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, file)
		if first == "" {
			first = p
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if first == "" {
		return file
	}
	return first
}

func firstSet(vals ...any) any {
	for _, v := range vals {
		if v != nil {
			return v
		}
	}
	return nil
}

// includeBlock wraps an included file's tasks in a block carrying the
// include's apply: keywords (its variables are the scope's params).
func includeBlock(t *playbooks.Task, g *inclusion, tasks []*playbooks.Task) (*playbooks.Task, error) {
	blk := &playbooks.Task{Name: t.Name, Block: tasks, Dir: filepath.Dir(g.path)}
	if blk.Block == nil {
		blk.Block = []*playbooks.Task{}
	}
	apply, _ := t.Args["apply"].(map[string]any)
	for k, v := range apply {
		set, ok := applyKeywords[k]
		if !ok {
			return nil, fmt.Errorf("'%s' is not a valid keyword for apply (use one of %s)", k, strings.Join(slices.Sorted(maps.Keys(applyKeywords)), ", "))
		}
		if err := set(blk, v); err != nil {
			return nil, fmt.Errorf("apply %s: %w", k, err)
		}
	}
	return blk, nil
}

// applyKeywords are the block keywords include_tasks' apply: may set.
var applyKeywords = map[string]func(b *playbooks.Task, v any) error{
	"tags": func(b *playbooks.Task, v any) error { return setStrings(&b.Tags, v) },
	"when": func(b *playbooks.Task, v any) error { return setStrings(&b.When, v) },
	"vars": func(b *playbooks.Task, v any) error {
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("vars must be a mapping")
		}
		merged := maps.Clone(b.Vars)
		maps.Copy(merged, m)
		b.Vars = merged
		return nil
	},
	"become":             func(b *playbooks.Task, v any) error { b.Become = v; return nil },
	"become_user":        func(b *playbooks.Task, v any) error { return setString(&b.BecomeUser, v) },
	"become_method":      func(b *playbooks.Task, v any) error { return setString(&b.BecomeMethod, v) },
	"environment":        func(b *playbooks.Task, v any) error { b.Environment = v; return nil },
	"ignore_errors":      func(b *playbooks.Task, v any) error { b.IgnoreErrors = v; return nil },
	"ignore_unreachable": func(b *playbooks.Task, v any) error { b.IgnoreUnreachable = v; return nil },
	"no_log":             func(b *playbooks.Task, v any) error { b.NoLog = v; return nil },
	"check_mode":         func(b *playbooks.Task, v any) error { b.CheckMode = v; return nil },
	"diff":               func(b *playbooks.Task, v any) error { b.Diff = v; return nil },
	"delegate_to":        func(b *playbooks.Task, v any) error { return setString(&b.DelegateTo, v) },
	"run_once":           func(b *playbooks.Task, v any) error { b.RunOnce = v; return nil },
	"any_errors_fatal":   func(b *playbooks.Task, v any) error { b.AnyErrorsFatal = v; return nil },
}

func setString(dst *string, v any) error {
	s, err := modules.ToString(v)
	*dst = s
	return err
}

func setStrings(dst *[]string, v any) error {
	l, err := modules.ToStringList(v)
	*dst = l
	return err
}

// pushInclude enters the block of an include: only its hosts run it, and
// its parameters are variables.
func (s *scope) pushInclude(block *playbooks.Task, g *inclusion) *scope {
	return &scope{parent: s, block: block, hosts: g.hosts, params: g.vars}
}

// only keeps the hosts the innermost restricting scope allows.
func (s *scope) only(hosts []*hostState) []*hostState {
	for c := s; c != nil; c = c.parent {
		if c.hosts == nil {
			continue
		}
		var out []*hostState
		for _, h := range hosts {
			if containsHost(c.hosts, h) {
				out = append(out, h)
			}
		}
		return out
	}
	return hosts
}

func containsHost(hosts []*hostState, h *hostState) bool {
	for _, x := range hosts {
		if x == h {
			return true
		}
	}
	return false
}
