package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// taskResult is one host's result for a task, or for one loop item.
type taskResult struct {
	host        string
	delegatedTo string
	result      map[string]any
	changed     bool
	failed      bool
	skipped     bool
	unreachable bool
	ignored     bool
	isItem      bool
	itemLabel   string
	diffText    string
	// asyncLine is Ansible's "ASYNC OK on h: jid=..." line, printed with the
	// result so that another host's lines never come between them.
	asyncLine string
	// verboseAlways prints the result even without -v (debug, assert).
	verboseAlways bool
	// hideChanged leaves "changed" out of the printed result (debug).
	hideChanged bool
	noLog       bool
	warnings    []string
}

// printable is the result as the callback shows it.
func (r *taskResult) printable(verbosity int) map[string]any {
	if r.noLog {
		return map[string]any{"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": r.changed}
	}
	out := map[string]any{}
	for k, v := range r.result {
		if strings.HasPrefix(k, "_") || k == "failed" || (k == "diff" && verbosity < 3) || k == "invocation" {
			continue
		}
		out[k] = v
	}
	if r.hideChanged {
		delete(out, "changed")
		if _, ok := out["msg"]; ok {
			// Like Ansible's callback, debug's msg is shown alone (loop keys too).
			for k := range out {
				if k != "msg" && k != "exception" && k != "warnings" && k != "deprecations" {
					delete(out, k)
				}
			}
		}
	}
	return out
}

// runTask runs one task on hosts in parallel and waits for all of them
// (the linear strategy). kind is "TASK" or "RUNNING HANDLER".
func (r *Runner) runTask(ctx context.Context, pc *playCtx, sc *scope, t *playbooks.Task, kind string, hosts []*hostState) {
	title := r.taskTitle(pc, t)
	if len(hosts) > 0 {
		title = r.hostTaskTitle(pc, sc, t, hosts[0])
	}
	if !r.confirmStep(title) {
		return
	}
	pc.taskBoundary()
	pc.resetHostvars()
	if pc.free != nil && !r.freeTaskAllowed(pc, sc, t, hosts[0]) {
		return
	}
	r.taskBanner(pc, t, hosts, kind+" ["+title+"]")
	r.taskStarted(pc, t, kind, title)
	var others []*hostState // the hosts a run_once task ran for
	if len(hosts) > 1 && r.runsOnce(pc, sc, t, hosts) {
		before := hosts[0].snapshot()
		defer shareRunOnce(hosts[0], before, hosts[1:])
		hosts, others = hosts[:1], hosts[1:]
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.name()
	}
	r.out.wait(names)
	r.forEachHost(hosts, r.width(pc, sc, t, hosts), func(h *hostState) {
		start := time.Now()
		res := r.runTaskOnHost(ctx, pc, sc, t, h)
		r.hostFinished(pc, t, kind, title, res, start)
		r.out.done(h.name())
	})
	r.applyInventoryChanges(pc, hosts)
	if len(others) > 0 && runOnceFailed(hosts[0]) {
		r.abortPlay(pc)
		return
	}
	r.checkAbort(pc, sc, t)
}

// runOnceFailed says whether a run_once task failed on the host it ran on,
// which in Ansible fails every host of the play for the iterator (not in the
// recap) and so ends the playbook. (When a rescue section takes over the
// failure, Ansible sends all the hosts through it; here only the host that
// ran does.)
func runOnceFailed(ran *hostState) bool {
	ran.mu.Lock()
	defer ran.mu.Unlock()
	return ran.failed && !ran.toRescue
}

// taskTitle is the task name, templated with play-level variables when it can be.
func (r *Runner) taskTitle(pc *playCtx, t *playbooks.Task) string {
	return r.titleWith(t, func() map[string]any {
		vars := maps.Clone(pc.play.Vars)
		if vars == nil {
			vars = map[string]any{}
		}
		maps.Copy(vars, r.opts.ExtraVars)
		return vars
	})
}

// hostTaskTitle is the title as Ansible's linear strategy shows it: the name
// templated with the variables of the first host that runs the task, so an
// included task sees its include's loop variable and vars.
func (r *Runner) hostTaskTitle(pc *playCtx, sc *scope, t *playbooks.Task, h *hostState) string {
	return r.titleWith(t, func() map[string]any { return r.taskVars(pc, sc, t, h) })
}

// titleWith templates the task's name with vars (only built when the name
// is a template); a name that does not render stays as written, as in Ansible.
func (r *Runner) titleWith(t *playbooks.Task, vars func() map[string]any) string {
	if isIncludeRole(t) {
		return includeRoleTitle(t)
	}
	name := t.DisplayName()
	if t.Name != "" && strings.Contains(name, "{{") {
		if s, err := jinja.RenderString(name, vars()); err == nil {
			name = s
		}
	}
	if t.Role != "" {
		name = t.Role + " : " + name
	}
	return name
}

// runTaskOnHost runs a task on one host: conditions, loop, module, result
// handling, register, notify and stats.
func (r *Runner) runTaskOnHost(ctx context.Context, pc *playCtx, sc *scope, t *playbooks.Task, h *hostState) *taskResult {
	vars := r.taskVars(pc, sc, t, h)
	ex := &execution{r: r, pc: pc, sc: sc, t: t, h: h}
	ignoreErrors, _, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.IgnoreErrors }, pc.play.IgnoreErrors, vars)
	var res *taskResult
	loopPrinted := false
	switch {
	case err != nil:
		res = ex.fail(&taskResult{host: h.name()}, err)
	case t.Loop != nil:
		res = ex.runLoop(ctx, vars, ignoreErrors) // prints its own lines
		loopPrinted = true
	default:
		res = ex.runOnce(ctx, vars, true)
		res.ignored = res.failed && ignoreErrors
		if res.unreachable {
			res.ignored, _, _ = ex.boolKeyword(func(t *playbooks.Task) any { return t.IgnoreUnreachable }, pc.play.IgnoreUnreachable, vars)
		}
	}
	// A notify naming no handler stops the run before Ansible prints the result.
	if ex.notify(res, vars) && !loopPrinted {
		r.out.hostResult(res)
	}
	ex.finish(res, vars)
	return res
}

// notify marks the handlers a changed task notifies. It returns false when
// an entry names no handler, which stops the run.
func (ex *execution) notify(res *taskResult, vars map[string]any) bool {
	if !res.changed || res.failed || len(ex.t.Notify) == 0 {
		return true
	}
	unknown := ex.pc.notify(ex.h, ex.t.Notify, vars)
	if len(unknown) == 0 {
		return true
	}
	ex.pc.stop(playbooks.UnknownHandler(ex.t, unknown[0], ex.pc.handlers()))
	return false
}

// execution is one task on one host.
type execution struct {
	r  *Runner
	pc *playCtx
	sc *scope
	t  *playbooks.Task
	h  *hostState
}

func (ex *execution) keyword(get func(*playbooks.Task) any) any { return ex.sc.keyword(ex.t, get) }

// boolKeyword evaluates a keyword that holds a bool or a template.
func (ex *execution) boolKeyword(get func(*playbooks.Task) any, playValue any, vars map[string]any) (bool, bool, error) {
	v := ex.keyword(get)
	if v == nil {
		v = playValue
	}
	if v == nil {
		return false, false, nil
	}
	rendered, err := jinja.RenderValue(v, vars)
	if err != nil {
		return false, true, err
	}
	b, err := modules.ToBool(rendered)
	return b, true, err
}

// runOnce evaluates `when` and runs the module once with vars.
func (ex *execution) runOnce(ctx context.Context, vars map[string]any, checkWhen bool) *taskResult {
	res := &taskResult{host: ex.h.name()}
	noLog, _, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.NoLog }, ex.pc.play.NoLog, vars)
	if err != nil {
		return ex.fail(res, err)
	}
	res.noLog = noLog
	if checkWhen {
		ok, err := ex.when(vars)
		if err != nil {
			return ex.fail(res, err)
		}
		if !ok {
			res.skipped = true
			res.result = map[string]any{"changed": false, "skip_reason": "Conditional result was False", "skipped": true}
			return res
		}
	}
	ex.runUntil(ctx, vars, res)
	return res
}

// when evaluates the task's and its blocks' `when` conditions (all must hold).
func (ex *execution) when(vars map[string]any) (bool, error) {
	// import_playbook's when applies to every task of the imported plays,
	// as Ansible's _included_conditional: they show as skipped.
	conds := slices.Clone(ex.pc.play.When)
	if ex.sc != nil {
		for _, b := range ex.sc.chain() {
			conds = append(conds, b.When...)
		}
	}
	conds = append(conds, ex.t.When...)
	ok, err := evalAll(conds, vars)
	if err != nil {
		return false, fmt.Errorf("%w%s", err, errorPosition(ex.t.Pos)) // Ansible names the task for `when` only
	}
	return ok, nil
}

func evalAll(conds []string, vars map[string]any) (bool, error) {
	for _, c := range conds {
		ok, err := jinja.EvalBool(c, vars)
		if err != nil {
			return false, &jinja.ConditionError{Cond: c, Err: err}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// fail turns an error into a failed result with Ansible's message.
func (ex *execution) fail(res *taskResult, err error) *taskResult {
	res.failed = true
	if isUnreachable(err) {
		res.failed = false
		res.unreachable = true
		res.result = map[string]any{"changed": false, "msg": err.Error(), "unreachable": true}
		return res
	}
	var f *modules.Failure
	if errors.As(err, &f) {
		res.result = map[string]any{}
		maps.Copy(res.result, f.Result)
		res.result["msg"] = f.Msg
		if _, ok := res.result["changed"]; !ok {
			res.result["changed"] = false
		}
		res.result["failed"] = true
		res.changed, _ = res.result["changed"].(bool)
		if v, _ := res.result["_verbose_always"].(bool); v {
			res.verboseAlways = true
		}
		return res
	}
	var ce *jinja.ConditionError
	if errors.As(err, &ce) {
		res.result = map[string]any{"failed": true, "msg": err.Error()}
		return res
	}
	var u *jinja.UndefinedError
	if errors.As(err, &u) {
		// Like Ansible, a templating failure has no "changed" key.
		res.result = map[string]any{"failed": true, "msg": "The task includes an option with an undefined variable. The error was: " + u.Twice() + errorPosition(ex.t.Pos)}
		return res
	}
	var ve *jinja.ValueError
	if errors.As(err, &ve) {
		// Ansible fails the task's args as a whole for a Python error in a template.
		res.result = map[string]any{"failed": true, "msg": "the field 'args' has an invalid value (" + jinja.PyStr(ex.t.Args) + "), and could not be converted to an dict.The error was: " + ve.Msg + errorPosition(ex.t.Pos)}
		return res
	}
	var fe *jinja.FilterError
	if errors.As(err, &fe) {
		res.result = map[string]any{"failed": true, "msg": fe.Msg}
		return res
	}
	if msg, ok := lookupFailure(err); ok {
		res.result = map[string]any{"failed": true, "msg": msg}
		return res
	}
	res.result = map[string]any{"changed": false, "failed": true, "msg": err.Error()}
	return res
}

// finish records a host's task result: register, facts, notify, stats,
// and failure state.
func (ex *execution) finish(res *taskResult, vars map[string]any) {
	h := ex.h
	if ex.t.Register != "" {
		reg := publicResult(res.result)
		// A loop's result has failed only when an item failed, as in Ansible.
		if res.failed || (!res.skipped && ex.t.Loop == nil) || res.isItem {
			reg["failed"] = res.failed
		}
		reg["changed"] = res.changed
		orders := moduleOrders(actionName(ex.t))
		if ex.t.Loop != nil {
			orders = loopOrders
		}
		orderResult(orders, reg)
		h.mu.Lock()
		h.setFacts[ex.t.Register] = reg
		h.varsChangedLocked()
		h.mu.Unlock()
	}
	h.count(func(s *HostStats) {
		switch {
		case res.unreachable && res.ignored:
			// ignore_unreachable: counted ok and ignored, as Ansible does.
			s.OK++
			s.Ignored++
		case res.unreachable:
			s.Unreachable++
		case res.failed && !res.ignored:
			s.Failures++
		case res.skipped:
			s.Skipped++
		default:
			s.OK++
			if res.changed {
				s.Changed++
			}
			if res.ignored {
				s.Ignored++
			}
		}
	})
	if role := ex.t.RoleRef; role != nil && !res.skipped && !res.unreachable {
		h.mu.Lock()
		if h.rolesRan == nil {
			h.rolesRan = map[*playbooks.Role]bool{}
		}
		h.rolesRan[role] = true
		h.mu.Unlock()
	}
	if (res.unreachable || res.failed) && !res.ignored {
		h.mu.Lock()
		if res.unreachable {
			h.setUnreachableLocked(true)
		} else {
			h.setFailedLocked(true)
			h.toRescue = ex.sc.rescuable()
			// What a rescue section sees as ansible_failed_task/_result.
			h.lastFailure = map[string]any{
				"ansible_failed_task":   map[string]any{"name": ex.t.Name, "action": ex.t.Module, "args": ex.t.Args},
				"ansible_failed_result": publicResult(res.result),
			}
		}
		h.mu.Unlock()
	}
}

// publicResult drops the module's internal keys (_verbose_always, ...).
func publicResult(result map[string]any) map[string]any {
	out := make(map[string]any, len(result))
	for k, v := range result {
		if !strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}
	return out
}
