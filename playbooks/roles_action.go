package playbooks

import (
	"maps"
	"slices"
	"strings"

	"play/diag"
)

// roleAction validates import_role/include_role arguments and returns the
// spec they ask for; ok is false after recording a problem.
func (s *source) roleAction(t *Task) (roleSpec, bool) {
	action := shortName(t.Module)
	spec := roleSpec{at: t.Pos, from: map[string]string{}}
	var unknown []string
	for k := range t.Args {
		if !slices.Contains(roleArgs, k) || (k == "apply" && action == "import_role") {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		e := diag.Errorf(t.Pos, "Invalid options for %s: %s", action, strings.Join(unknown, ", "))
		if sug := suggest(unknown[0], roleArgs); sug != "" {
			e.WithHint("did you mean `%s`?", sug)
		} else {
			e.WithHint("%s takes name, tasks_from, vars_from, defaults_from, handlers_from, allow_duplicates, public; pass role variables with vars:", action)
		}
		s.add(e)
		return spec, false
	}
	name, _ := t.Args["name"].(string)
	if name == "" {
		s.add(diag.Errorf(t.Pos, "'name' is a required field for %s.", action).WithHint("write `%s: name=<role>`", action))
		return spec, false
	}
	spec.name = name
	if p, ok := t.ArgPos["name"]; ok {
		spec.at = p
	}
	for _, kind := range []string{"tasks", "vars", "defaults", "handlers"} {
		if f, ok := t.Args[kind+"_from"].(string); ok {
			spec.from[kind] = f
		}
	}
	spec.allowDuplicates, _ = t.Args["allow_duplicates"].(bool)
	return spec, true
}

// importRole replaces an import_role task by a block of the role's tasks,
// with the import's keywords.
func (ld *loader) importRole(src *source, t *Task, ctx taskContext) []*Task {
	if t.LoopKind != "" {
		src.add(diag.Errorf(t.KeyPos[t.LoopKind], "You cannot use loops on 'import_role' statements. You should use 'include_role' instead."))
		return nil
	}
	spec, ok := src.roleAction(t)
	if !ok {
		return nil
	}
	if hasTemplate(spec) {
		src.add(diag.Errorf(spec.at, "import_role cannot use a template in its arguments: %s", spec.name).
			WithHint("imports are read before any variable is known; use include_role for a role chosen at run time"))
		return nil
	}
	spec.block = t
	r, b := ld.useRole(spec, nil, ctx)
	if b == nil {
		return nil
	}
	if n := len(ld.cur.reading); n > 0 {
		r.includer = ld.cur.reading[n-1]
	}
	ld.cur.public = append(ld.cur.public, r)
	return []*Task{b}
}

func hasTemplate(spec roleSpec) bool {
	return isTemplate(spec.name) || slices.ContainsFunc(slices.Collect(maps.Values(spec.from)), isTemplate)
}

// checkIncludeRole validates an include_role at load time: its arguments
// and, when written literally, that the role exists and reads cleanly
// (Ansible finds these only when the task runs).
func (ld *loader) checkIncludeRole(src *source, t *Task) {
	spec, ok := src.roleAction(t)
	if !ok || hasTemplate(spec) {
		return
	}
	if path, _ := findRole(spec.name, ld.cur.baseDir, ""); slices.Contains(ld.cur.stack, path) {
		return // a role including itself: only its run-time conditions end that
	}
	saved := ld.cur
	ld.cur = &playRoles{baseDir: saved.baseDir, stack: saved.stack}
	spec.block = &Task{Pos: t.Pos}
	ld.useRole(spec, nil, taskContext{})
	ld.cur = saved
}

// RoleRequest asks for a role at run time (include_role).
type RoleRequest struct {
	Name string
	// From names the files to read instead of main, by directory
	// ("tasks", "vars", "defaults", "handlers").
	From        map[string]string
	PlaybookDir string
	// Parent is the role whose task includes this one, if any: the
	// included role inherits its variables.
	Parent *Role
	At     diag.Pos
}

// IncludeRole reads a role for include_role: a block holding its
// dependencies' tasks and its own (block.RoleRef is the role), the roles
// its tasks import, and the handlers of them all.
func IncludeRole(req RoleRequest) (*Included, error) {
	p := &problems{}
	ld := &loader{problems: p, cur: &playRoles{baseDir: req.PlaybookDir}}
	spec := roleSpec{name: req.Name, at: req.At, from: req.From, block: &Task{Pos: req.At}}
	r, b := ld.useRole(spec, req.Parent, taskContext{})
	if err := p.err(); err != nil {
		return nil, err
	}
	r.includer = req.Parent
	return &Included{Tasks: []*Task{b}, Roles: ld.cur.public, Handlers: ld.cur.handlers}, nil
}
