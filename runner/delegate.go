package runner

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"play/connection"
	"play/jinja"
	"play/playbooks"
)

// delegateTo renders the task's delegate_to (task or enclosing blocks); ""
// when the task runs on its own host, as delegating to itself does.
func (ex *execution) delegateTo(vars map[string]any) (string, error) {
	name := firstNonEmpty(ex.t.DelegateTo, ex.blockString(func(t *playbooks.Task) string { return t.DelegateTo }))
	if name == "" {
		return "", nil
	}
	rendered, err := jinja.RenderString(name, vars)
	if err != nil {
		return "", err
	}
	if rendered == ex.h.name() {
		return "", nil
	}
	return rendered, nil
}

// delegateState is the state of the host a task is delegated to: the run's
// own when it is a host of the run, a fresh one otherwise (the implicit
// localhost, or an inventory host outside the play).
func (r *Runner) delegateState(name string) (*hostState, error) {
	r.invMu.RLock()
	ih, ok := r.opts.Inventory.Host(name)
	r.invMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("delegate_to: no host named '%s' in the inventory (use an inventory host or localhost)", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.hosts[ih.Name]; ok {
		return s, nil
	}
	return newHostState(ih), nil
}

// connectionVars are the variables that say how to reach a host; a
// delegated task takes them from the delegate, everything else from the
// task's own host.
func isConnectionVar(name string) bool {
	switch name {
	case "ansible_host", "ansible_port", "ansible_user", "ansible_connection", "ansible_password",
		"ansible_private_key_file", "ansible_shell_type", "ansible_shell_executable":
		return true
	}
	return strings.HasPrefix(name, "ansible_ssh_")
}

// connection returns the connection the task uses on this host: the
// host's own, or the delegate's with the delegate's connection variables.
func (ex *execution) connection(ctx context.Context, vars map[string]any, delegate string) (connection.Conn, error) {
	if delegate == "" {
		return ex.r.conn(ctx, ex.h, vars)
	}
	dh, err := ex.r.delegateState(delegate)
	if err != nil {
		return nil, err
	}
	dvars := make(map[string]any, len(vars))
	for k, v := range vars {
		if !isConnectionVar(k) {
			dvars[k] = v
		}
	}
	ex.r.invMu.RLock()
	hostVars := dh.inv.Vars()
	ex.r.invMu.RUnlock()
	for k, v := range hostVars {
		if isConnectionVar(k) {
			dvars[k] = v
		}
	}
	ex.r.applyConnectionKeywords(dvars, connectionKeywords(ex.pc, ex.sc, ex.t))
	return ex.r.conn(ctx, dh, dvars)
}

// factsTarget is the host whose facts a task's ansible_facts update: the
// delegate with delegate_facts, the task's host otherwise.
func (ex *execution) factsTarget(res *taskResult, vars map[string]any) *hostState {
	if res.delegatedTo == "" {
		return ex.h
	}
	on, _, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.DelegateFacts }, nil, vars)
	if err != nil || !on {
		return ex.h
	}
	dh, err := ex.r.delegateState(res.delegatedTo)
	if err != nil {
		return ex.h
	}
	return dh
}

// runsOnce says whether run_once holds for the task (templated with the
// first host's variables).
func (r *Runner) runsOnce(pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState) bool {
	ex := &execution{r: r, pc: pc, sc: sc, t: t, h: hosts[0]}
	get := func(t *playbooks.Task) any { return t.RunOnce }
	if a := actionName(t); a == "add_host" || a == "pause" {
		return true // Ansible's BYPASS_HOST_LOOP: once, for the first host
	}
	if ex.keyword(get) == nil && pc.play.RunOnce == nil {
		return false
	}
	on, _, err := ex.boolKeyword(get, pc.play.RunOnce, r.taskVars(pc, sc, t, hosts[0]))
	return err == nil && on
}

// hostVarsSnapshot is a copy of the variables a task may set on a host.
type hostVarsSnapshot struct{ facts, setFacts, includeVars map[string]any }

func (h *hostState) snapshot() hostVarsSnapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return hostVarsSnapshot{maps.Clone(h.facts), maps.Clone(h.setFacts), maps.Clone(h.includeVars)}
}

// shareRunOnce gives the other hosts what a run_once task set on the host
// that ran it (registered results, set_fact, facts, include_vars), as
// Ansible applies a run_once result to every host of the batch.
func shareRunOnce(ran *hostState, before hostVarsSnapshot, others []*hostState) {
	after := ran.snapshot()
	changed := func(old, now map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range now {
			if prev, ok := old[k]; !ok || !reflect.DeepEqual(prev, v) {
				out[k] = v
			}
		}
		return out
	}
	facts, setFacts, incVars := changed(before.facts, after.facts), changed(before.setFacts, after.setFacts), changed(before.includeVars, after.includeVars)
	for _, h := range others {
		h.mu.Lock()
		maps.Copy(h.facts, facts)
		maps.Copy(h.setFacts, setFacts)
		h.varsChangedLocked()
		if len(incVars) > 0 {
			if h.includeVars == nil {
				h.includeVars = map[string]any{}
			}
			maps.Copy(h.includeVars, incVars)
		}
		h.mu.Unlock()
	}
}
