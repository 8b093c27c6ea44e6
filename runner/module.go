package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"play/connection"
	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// rawArgs are arguments that hold expressions, not templates: the module
// evaluates them itself (debug's var, assert's that).
var rawArgs = map[string][]string{"debug": {"var"}, "assert": {"that"}}

// runModule templates the task's arguments, plans the module on the host,
// applies the plan unless in check mode, then applies changed_when and
// failed_when. It fills res.
func (ex *execution) runModule(ctx context.Context, vars map[string]any, res *taskResult) {
	lim, err := ex.limits(vars)
	if err != nil {
		ex.fail(res, err)
		return
	}
	ctx, stop := ex.bound(ctx, lim)
	defer stop(res)
	if act, ok := runnerActions[actionName(ex.t)]; ok {
		ex.runAction(ctx, act, vars, res)
		return
	}
	info, ok := modules.Lookup(ex.t.Module)
	if !ok {
		ex.fail(res, fmt.Errorf("couldn't resolve module/action '%s'", ex.t.Module))
		return
	}
	args, err := ex.renderArgs(info.Name, vars)
	if err == nil {
		args, err = ex.withModuleDefaults(info.Name, args, vars)
	}
	if err != nil {
		ex.fail(res, err)
		return
	}
	m, err := modules.New(ex.t.Module, args)
	if err != nil {
		ex.fail(res, err)
		return
	}
	check, err := ex.checkMode(vars)
	if err != nil {
		ex.fail(res, err)
		return
	}
	wantDiff := ex.r.opts.Diff
	if v, set, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.Diff }, ex.pc.play.Diff, vars); err == nil && set {
		wantDiff = v
	}
	env := &modules.Env{HostName: ex.h.name(), WantDiff: wantDiff, Ctl: &controller{ex: ex, vars: vars}}
	if res.delegatedTo, err = ex.delegateTo(vars); err != nil {
		ex.fail(res, err)
		return
	}
	var host modules.Host
	if !info.Local {
		conn, err := ex.connection(ctx, vars, res.delegatedTo)
		if err != nil && !waitsForHost(info.Name) {
			if !isUnreachable(err) {
				err = &connection.UnreachableError{Host: ex.h.name(), Err: err}
			}
			ex.fail(res, err)
			return
		}
		b, err := ex.binding(conn, vars)
		if err != nil {
			ex.fail(res, err)
			return
		}
		defer b.Close()
		b.redial = ex.redialer(conn, vars, res.delegatedTo)
		host = b
		env.Host = b
	}
	plan, err := m.Plan(ctx, env)
	if err != nil {
		ex.fail(res, err)
		return
	}
	result := map[string]any{}
	maps.Copy(result, plan.Result)
	if plan.Msg != "" {
		result["msg"] = plan.Msg
	}
	if check && plan.SkipInCheck {
		res.skipped = true
		msg := cmp.Or(plan.SkipInCheckMsg, "Command would have run if not in check mode")
		// "failed" too: a module's result always has it in Ansible, skipped or not.
		maps.Copy(result, map[string]any{"changed": false, "failed": false, "msg": msg, "skipped": true})
		res.result = result
		// Ansible's result of a module skipped in check mode carries no
		// delegation: the host line reads [web1], not [web1 -> localhost].
		res.delegatedTo = ""
		ex.applyConditions(res, vars)
		res.changed = false
		return
	}
	if lim.runsJob(plan) {
		ex.runJob(ctx, host, plan, args, lim, res, vars)
		return
	}
	if !check {
		applied, err := apply(ctx, host, plan)
		if err != nil {
			ex.fail(res, err)
			var f *modules.Failure
			if errors.As(err, &f) {
				// failed_when and changed_when still judge a failed step.
				ex.applyConditions(res, vars)
			}
			return
		}
		maps.Copy(result, applied)
	}
	changed := plan.Changed()
	if c, ok := result["changed"].(bool); ok && plan.Finish != nil {
		changed = c
	}
	result["changed"] = changed
	if wantDiff && changed {
		var diffs []any
		for _, d := range plan.Diffs {
			if check && d.InCheck != nil {
				if d = *d.InCheck; d == (modules.Diff{}) {
					continue
				}
			}
			res.diffText += formatDiff(d)
			if d.Prepared != "" {
				diffs = append(diffs, map[string]any{"prepared": d.Prepared})
				continue
			}
			diffs = append(diffs, map[string]any{"before": d.Before, "after": d.After, "before_header": d.BeforeHeader, "after_header": d.AfterHeader})
		}
		if diffs != nil {
			result["diff"] = diffs
		}
	}
	res.result = result
	res.changed = changed
	// A module that decided not to act (creates= met) reports skipped.
	if skipped, _ := result["skipped"].(bool); skipped && !changed {
		res.skipped = true
		result["failed"] = false
	}
	if v, ok := result["_verbose_always"].(bool); ok && v {
		res.verboseAlways = true
		res.hideChanged = info.Name == "debug"
	}
	if level, ok := result["_verbosity"].(int); ok && level > ex.r.opts.Verbosity {
		res.skipped = true
		res.result = map[string]any{"changed": false, "skipped_reason": "Verbosity threshold not met.", "skipped": true}
		return
	}
	ex.applyConditions(res, vars)
	if !res.failed {
		ex.storeFacts(info.Name, result, ex.factsTarget(res, vars))
	}
}

// apply runs the plan's steps and controller writes. A step exiting
// non-zero stops the rest; Finish (if any) interprets the outputs.
func apply(ctx context.Context, host modules.Host, plan *modules.Plan) (map[string]any, error) {
	var outs []connection.Result
	for i, st := range plan.Steps {
		run := host.Run
		if l, ok := host.(lastRunner); ok && i == len(plan.Steps)-1 {
			run = l.RunLast
		}
		out, err := run(ctx, st.Script, st.Stdin)
		if err != nil {
			return nil, err
		}
		outs = append(outs, out)
		if out.RC != 0 {
			if plan.Finish == nil {
				msg := strings.TrimSpace(string(out.Stderr))
				if msg == "" {
					msg = strings.TrimSpace(string(out.Stdout))
				}
				return nil, &modules.Failure{Msg: msg, Result: map[string]any{"rc": out.RC}}
			}
			break
		}
	}
	for _, w := range plan.LocalWrites {
		if err := writeLocal(w); err != nil {
			return nil, err
		}
	}
	if plan.Finish != nil {
		return plan.Finish(outs)
	}
	return nil, nil
}

// lastRunner is a host told which script is a task's last, so that it
// keeps no session open for more (boundHost).
type lastRunner interface {
	RunLast(ctx context.Context, script string, stdin []byte) (connection.Result, error)
}

// writeLocal writes a controller file atomically (temp file + rename).
func writeLocal(w modules.LocalWrite) error {
	if err := os.MkdirAll(filepath.Dir(w.Path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(w.Path), ".play.*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(w.Mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(w.Data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), w.Path)
}

// renderArgs templates the task's arguments for this host, drops arguments
// rendered to omit, and leaves expression arguments raw.
func (ex *execution) renderArgs(module string, vars map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(ex.t.Args))
	for k, v := range ex.t.Args {
		if containsString(rawArgs[module], k) {
			out[k] = v
			continue
		}
		rendered, err := jinja.RenderValue(v, vars)
		if err != nil {
			return nil, err
		}
		if kept, ok := withoutOmit(rendered); ok {
			out[k] = kept
		}
	}
	return out, nil
}

// binding applies the task's become and environment to the connection.
func (ex *execution) binding(conn connection.Conn, vars map[string]any) (*boundHost, error) {
	b := &boundHost{}
	become, set, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.Become }, ex.pc.play.Become, vars)
	if err != nil {
		return nil, err
	}
	if !set {
		become = ex.r.opts.Become
		if v, ok := vars["ansible_become"]; ok {
			become, _ = modules.ToBool(v)
		}
	}
	if become {
		user := firstNonEmpty(ex.t.BecomeUser, ex.blockString(func(t *playbooks.Task) string { return t.BecomeUser }), ex.pc.play.BecomeUser, varString(vars, "ansible_become_user"), ex.r.opts.BecomeUser, "root")
		method := firstNonEmpty(ex.t.BecomeMethod, ex.pc.play.BecomeMethod, varString(vars, "ansible_become_method"), ex.r.opts.BecomeMethod, "sudo")
		pass := firstNonEmpty(varString(vars, "ansible_become_password"), varString(vars, "ansible_become_pass"), ex.r.opts.BecomePassword)
		u, err := jinja.RenderString(user, vars)
		if err != nil {
			return nil, err
		}
		b.become = &connection.Become{User: u, Method: method, Password: pass, Flags: varString(vars, "ansible_become_flags")}
	}
	for _, e := range ex.environments() {
		rendered, err := jinja.RenderValue(e, vars)
		if err != nil {
			return nil, err
		}
		m, ok := rendered.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("environment must be a dictionary, got %T", rendered)
		}
		if b.env == nil {
			b.env = map[string]string{}
		}
		for k, v := range m {
			b.env[k], _ = modules.ToString(v)
		}
	}
	b.bind(conn)
	return b, nil
}

func (ex *execution) blockString(get func(*playbooks.Task) string) string {
	if ex.sc == nil {
		return ""
	}
	chain := ex.sc.chain()
	for i := len(chain) - 1; i >= 0; i-- {
		if s := get(chain[i]); s != "" {
			return s
		}
	}
	return ""
}

func varString(vars map[string]any, name string) string {
	s, _ := modules.ToString(vars[name])
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// applyConditions evaluates changed_when and failed_when, with the result
// visible under the register name as Ansible does.
func (ex *execution) applyConditions(res *taskResult, vars map[string]any) {
	if ex.t.ChangedWhen == nil && ex.t.FailedWhen == nil {
		return
	}
	if _, skipped := res.result["skipped"]; skipped {
		return // a module that skipped itself (command under --check): Ansible evaluates neither
	}
	cv := ex.conditionVars(res, vars)
	// A condition that cannot be evaluated fails the task, its message in
	// the result beside the module's keys, as Ansible does.
	failWith := func(key string, err error) {
		res.failed = true
		res.result["failed"] = true
		res.result[key] = err.Error()
	}
	if ex.t.ChangedWhen != nil {
		ok, err := evalAll(ex.t.ChangedWhen, cv)
		if err != nil {
			failWith("changed_when_result", err)
			return
		}
		res.changed = ok
		res.result["changed"] = ok
	}
	if ex.t.FailedWhen != nil {
		ok, err := evalAll(ex.t.FailedWhen, cv)
		if err != nil {
			failWith("failed_when_result", err)
			return
		}
		res.failed = ok
		res.result["failed_when_result"] = ok
		res.result["failed"] = ok
	}
}

// storeFacts keeps facts returned by setup (ansible_facts) and set_fact.
func (ex *execution) storeFacts(module string, result map[string]any, h *hostState) {
	facts, ok := result["ansible_facts"].(map[string]any)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.varsChangedLocked()
	if module == "set_fact" {
		maps.Copy(h.setFacts, facts)
		if c, _ := modules.ToBool(result["_cacheable"]); !c {
			return
		}
	}
	maps.Copy(h.facts, facts)
	if module == "setup" {
		return
	}
	if h.plainFacts == nil {
		h.plainFacts = map[string]bool{}
	}
	for k := range facts {
		h.plainFacts[k] = true
	}
}

// controller is the modules.Controller for one task on one host.
type controller struct {
	ex   *execution
	vars map[string]any
}

func (c *controller) ReadFile(kind, path string) ([]byte, string, error) {
	resolved, err := c.Resolve(kind, path)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(resolved)
	return data, resolved, err
}

// Resolve finds a controller path the way Ansible searches: the role or
// task dir's files/ (or templates/), the dir itself, then the playbook's.
func (c *controller) Resolve(kind, path string) (string, error) {
	candidates := []string{path}
	if !filepath.IsAbs(path) {
		candidates = nil
		for _, dir := range c.searchPath(kind) {
			candidates = append(candidates, filepath.Join(dir, path))
		}
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("could not find or access '%s'\nSearched in:\n\t%s", path, strings.Join(candidates, "\n\t"))
}

// searchPath is where the task's relative paths are found, in order (Ansible's
// ansible_search_path): the role or task dir's kind/ dir (files/,
// templates/) and the dir itself, then the play's and the playbook's.
func (c *controller) searchPath(kind string) []string {
	var path []string
	for _, dir := range []string{c.ex.t.Dir, c.ex.pc.play.Dir, c.ex.pc.pb.Dir} {
		if dir != "" {
			path = append(path, filepath.Join(dir, kind), dir)
		}
	}
	return path
}

// RenderFile renders a template file as Ansible's template action does:
// include/import/extends are found in the task's search path, then the
// template's own directory; extraVars (template_path...) over the task's.
func (c *controller) RenderFile(path, text string, opts jinja.Options, extraVars map[string]any) (string, error) {
	dir := filepath.Dir(path)
	search := append(c.searchPath("templates"), filepath.Join(dir, "templates"), dir)
	vars := maps.Clone(c.vars)
	maps.Copy(vars, extraVars)
	return jinja.RenderFile(text, search, opts, vars)
}

func (c *controller) Render(text string) (string, error) { return jinja.RenderString(text, c.vars) }
func (c *controller) Eval(expr string) (any, error)      { return jinja.Eval(expr, c.vars) }
func (c *controller) EvalBool(expr string) (bool, error) {
	return jinja.EvalBool(expr, c.vars)
}
func (c *controller) Var(name string) (any, bool) {
	v, ok := c.vars[name]
	return v, ok
}

var (
	_ modules.PathResolver = (*controller)(nil)
	_ modules.FileRenderer = (*controller)(nil)
)

// environments are the environment keywords that apply, outermost first:
// like Ansible, play, blocks and task all add to the environment and the
// innermost wins for a variable set twice.
func (ex *execution) environments() []any {
	var envs []any
	levels := []*playbooks.Task{ex.t}
	if ex.sc != nil {
		levels = append(ex.sc.chain(), ex.t)
	}
	if ex.pc.play.Environment != nil {
		envs = append(envs, ex.pc.play.Environment)
	}
	for _, l := range levels {
		if l.Environment != nil {
			envs = append(envs, l.Environment)
		}
	}
	return envs
}
