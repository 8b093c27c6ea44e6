package runner

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"

	"play/modules"
	"play/playbooks"
)

// roleState is what include_role adds to a play while it runs: roles made
// public (their defaults and vars seen by the rest of the play) and the
// handlers of included roles.
type roleState struct {
	mu       sync.Mutex
	public   []*playbooks.Role
	handlers []*playbooks.Task
}

// handlers are the play's handlers, then those of included roles; indexes
// are stable (handlers are only ever appended), as notified relies on.
func (pc *playCtx) handlers() []*playbooks.Task {
	pc.roles.mu.Lock()
	defer pc.roles.mu.Unlock()
	return append(slices.Clone(pc.play.Handlers), pc.roles.handlers...)
}

// addRole records an included role's handlers, once however often it is
// included, and, when public, the role itself.
func (pc *playCtx) addRole(role *playbooks.Role, handlers []*playbooks.Task, public bool) {
	pc.roles.mu.Lock()
	defer pc.roles.mu.Unlock()
	for _, hd := range handlers {
		if !slices.ContainsFunc(pc.roles.handlers, func(x *playbooks.Task) bool { return x.Pos == hd.Pos }) {
			pc.roles.handlers = append(pc.roles.handlers, hd)
		}
	}
	if public {
		pc.roles.public = append(pc.roles.public, role)
	}
}

// addIncluded adds what an include read: its roles' handlers, and the
// roles it imports, which join the play's as Ansible's import_role.
func (pc *playCtx) addIncluded(inc *playbooks.Included) {
	pc.addRole(nil, inc.Handlers, false)
	for _, role := range inc.Roles {
		pc.addRole(role, nil, true)
	}
}

// playRoles are the roles whose defaults and vars every task of the play
// sees: those used statically, then those include_role made public.
func (pc *playCtx) playRoles() []*playbooks.Role {
	pc.roles.mu.Lock()
	defer pc.roles.mu.Unlock()
	return append(slices.Clone(pc.play.Roles), pc.roles.public...)
}

// addRoleDefaults adds role defaults under v (inventory variables): the
// play's roles', then those of the task's own role.
func (pc *playCtx) addRoleDefaults(v map[string]any, t *playbooks.Task) {
	defaults := map[string]any{}
	for _, role := range pc.playRoles() {
		maps.Copy(defaults, role.PublicDefaults)
	}
	if t != nil && t.RoleRef != nil {
		maps.Copy(defaults, t.RoleRef.Defaults)
	}
	for k, val := range defaults {
		if _, set := v[k]; !set {
			v[k] = val
		}
	}
}

// addRoleVars sets the role vars level (above vars_files): the play's
// roles' vars/ and entry vars:, then the task's role's vars with role_name and role_path;
// and the names of the play's roles.
func (pc *playCtx) addRoleVars(v map[string]any, t *playbooks.Task) {
	names, deps := []any{}, []any{}
	for _, role := range pc.playRoles() {
		maps.Copy(v, role.PlayVars())
		names = append(names, role.Name)
		for _, d := range role.Dependencies() {
			deps = appendNew(deps, d.Name)
		}
	}
	v["role_names"] = names
	v["ansible_play_role_names"] = names
	v["ansible_dependent_role_names"] = deps
	// Ansible's is a set (no order): play roles, then dependencies, once each.
	all := []any{}
	for _, n := range append(slices.Clone(names), deps...) {
		all = appendNew(all, n)
	}
	v["ansible_role_names"] = all
	if t == nil || t.RoleRef == nil {
		return
	}
	maps.Copy(v, t.RoleRef.Vars)
	v["role_name"] = t.RoleRef.Name
	v["role_path"] = t.RoleRef.Path
	v["ansible_role_name"] = t.RoleRef.Name
}

// addRoleParams sets the role params level (above set_fact), with the
// roles whose import_role/include_role led to the task's role, nearest
// first (set only then, as Ansible's include params).
func addRoleParams(v map[string]any, t *playbooks.Task) {
	if t == nil || t.RoleRef == nil {
		return
	}
	maps.Copy(v, t.RoleRef.Params)
	if parents := t.RoleRef.Includers(); len(parents) > 0 {
		names, paths := make([]any, len(parents)), make([]any, len(parents))
		for i, p := range parents {
			names[i], paths[i] = p.Name, p.Path
		}
		v["ansible_parent_role_names"], v["ansible_parent_role_paths"] = names, paths
	}
}

// appendNew appends s unless list holds it.
func appendNew(list []any, s any) []any {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func isIncludeRole(t *playbooks.Task) bool { return actionName(t) == "include_role" }

// includeRoleTitle is what Ansible calls an include_role task: its name,
// else "include_role : <role>" (not prefixed with the enclosing role).
func includeRoleTitle(t *playbooks.Task) string {
	if t.Name != "" {
		return t.Name
	}
	name, _ := modules.ToString(t.Args["name"])
	return "include_role : " + name
}

// runIncludeRole runs a dynamic include_role: every host evaluates when,
// loop and the arguments; then the role is read and runs on the hosts that
// included it the same way, its handlers joining the play's.
func (r *Runner) runIncludeRole(ctx context.Context, pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState) {
	for _, g := range r.includeGroups(pc, sc, t, hosts, (*execution).roleInclusion) {
		if ctx.Err() != nil {
			return
		}
		inc, err := playbooks.IncludeRole(*g.role)
		if err != nil {
			r.failHosts(pc, sc, t, g.hosts, map[string]any{"msg": err.Error()})
			continue
		}
		public, _ := modules.ToBool(g.args["public"])
		pc.addIncluded(inc)
		pc.addRole(inc.Tasks[0].RoleRef, nil, public)
		outer, err := includeBlock(t, g, inc.Tasks)
		if err != nil {
			r.failHosts(pc, sc, t, g.hosts, map[string]any{"msg": err.Error()})
			continue
		}
		r.runTasks(ctx, pc, sc.pushInclude(outer, g), outer.Block)
	}
}

// roleInclusion is the role an include_role includes on a host.
func (ex *execution) roleInclusion(vars map[string]any, key, label string) (*inclusion, error) {
	args, err := ex.renderArgs("include_role", vars)
	if err != nil {
		return nil, err
	}
	name, _ := modules.ToString(args["name"])
	req := &playbooks.RoleRequest{Name: name, From: map[string]string{}, PlaybookDir: firstNonEmpty(ex.pc.play.Dir, ex.pc.pb.Dir), Parent: ex.t.RoleRef, At: ex.t.Pos}
	for _, kind := range []string{"tasks", "vars", "defaults", "handlers"} {
		if f, _ := modules.ToString(args[kind+"_from"]); f != "" {
			req.From[kind] = f
		}
	}
	id, _ := json.Marshal([]any{name, req.From})
	incVars := maps.Clone(ex.t.Vars)
	if incVars == nil {
		incVars = map[string]any{}
	}
	return &inclusion{key: string(id) + "\x00" + key, label: label, vars: incVars, role: req, args: args}, nil
}
