package playbooks

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/diag"
)

// Role is one use of a role in a play (a roles: entry, a dependency,
// import_role or include_role) with its variables, shared by its tasks.
type Role struct {
	Name string // as written: what Ansible prints before " : " and role_name
	Path string // the role's directory: role_path
	// Defaults are the role's defaults/ over its dependencies' and under
	// those of the roles that depend on it: the lowest precedence.
	Defaults map[string]any
	// Vars are the role's vars/ and its entry's vars: keyword, over its
	// dependencies' vars/ and under the roles that depend on it: the
	// "role vars" level, above vars_files.
	Vars map[string]any
	// Params are the entry's parameters ({role: x, port: 80}) under those
	// of the roles depending on it: above set_fact, below extra vars.
	Params map[string]any
	// PublicDefaults and PublicVars are what every task of the play sees
	// of a role used statically (roles:, import_role): defaults/ and vars/
	// of the role and its dependencies.
	PublicDefaults map[string]any
	PublicVars     map[string]any

	parent *Role
	// includer is the role whose import_role or include_role task used
	// this one (nil for roles: entries and dependencies).
	includer *Role
	deps     []*Role
	own      roleVars
	key      string // identity for running a role once per play
}

// roleVars are the variables a role use defines itself.
type roleVars struct {
	defaults, vars, entryVars, params map[string]any
}

// roleSpec is a request for a role: a roles: entry, a dependency in
// meta/, import_role or include_role.
type roleSpec struct {
	name   string
	at     diag.Pos
	params map[string]any
	vars   map[string]any
	// block carries the entry's keywords (when, tags, become, ...); its
	// Block becomes the role's tasks.
	block *Task
	// from names the file to read in tasks/, vars/, defaults/, handlers/
	// instead of main.
	from            map[string]string
	allowDuplicates bool
	// once: a use that is skipped when the same role with the same params
	// already runs in the play (roles: and dependencies).
	once bool
}

// playRoles is what loading a play's roles collects.
type playRoles struct {
	baseDir  string // the playbook's directory, where the search starts
	uses     []*Role
	public   []*Role
	handlers []*Task
	stack    []string // role paths being read, to report dependency cycles
	// reading are the roles whose tasks are being read, the innermost
	// last: an import_role there is included by it.
	reading []*Role
}

// roleKeywords are the keywords of a roles: entry; its other keys are
// role parameters.
var roleKeywords = []string{
	"any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user",
	"check_mode", "collections", "connection", "debugger", "delegate_facts", "delegate_to", "diff",
	"environment", "ignore_errors", "ignore_unreachable", "module_defaults", "no_log", "port",
	"remote_user", "run_once", "tags", "throttle", "timeout", "when",
}

// roleArgs are the arguments of import_role and include_role.
var roleArgs = []string{"name", "tasks_from", "vars_from", "defaults_from", "handlers_from", "allow_duplicates", "public", "rolespec_validate", "apply"}

// roles reads the roles: section of a play into one block per role use.
func (ld *loader) roles(src *source, n *yaml.Node, ctx taskContext) []*Task {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		src.fail(n, "A malformed role declaration was encountered: roles must be a list, got %s", kindName(n)).
			WithHint("write `roles: [name]` or a list of `- role: name`")
		return nil
	}
	var out []*Task
	for _, c := range n.Content {
		spec, ok := src.roleEntry(c)
		if !ok {
			continue
		}
		if r, b := ld.useRole(spec, nil, ctx); b != nil {
			ld.cur.public = append(ld.cur.public, r)
			out = append(out, b)
		}
	}
	return out
}

// roleEntry reads a roles: or dependencies: entry: a name, or a mapping
// with role (or name), keywords and parameters.
func (s *source) roleEntry(n *yaml.Node) (roleSpec, bool) {
	n = deref(n)
	spec := roleSpec{at: s.pos(n), once: true, block: &Task{Pos: s.pos(n), Dir: s.dir, KeyPos: map[string]diag.Pos{}}}
	switch {
	case n.Kind == yaml.ScalarNode && !isNull(n):
		spec.name = s.text("role", n)
	case n.Kind == yaml.MappingNode:
		for _, e := range entries(n) {
			switch {
			case e.key == "role" || e.key == "name":
				spec.name, spec.at = s.text(e.key, e.v), s.pos(e.v)
			case e.key == "vars":
				spec.vars = s.vars("a role", e.v)
			case slices.Contains(roleKeywords, e.key):
				spec.block.KeyPos[e.key] = s.pos(e.v)
				taskKeywords[e.key](s, spec.block, e)
			default:
				if spec.params == nil {
					spec.params = map[string]any{}
				}
				spec.params[e.key] = s.value(e.v)
			}
		}
	default:
		s.fail(n, "A malformed role declaration was encountered: a role is a name or a mapping, got %s", kindName(n)).
			WithHint("write `- name` or `- role: name`")
		return spec, false
	}
	switch {
	case spec.name == "":
		s.fail(n, "role definitions must contain a role name").WithHint("add `role: <name>`")
		return spec, false
	case isTemplate(spec.name):
		s.fail(n, "a role name cannot be a template here: %s", spec.name).
			WithHint("roles: and import_role are read before any variable is known; use include_role for a role chosen at run time")
		return spec, false
	}
	return spec, true
}

// useRole reads a role for spec: its meta (dependencies first), variables,
// tasks and handlers. It returns the role and a block holding its
// dependencies' and its own tasks (RoleRepeat when the role was already
// used the same way); the block is nil when the role could not be read.
func (ld *loader) useRole(spec roleSpec, parent *Role, ctx taskContext) (*Role, *Task) {
	parentPath := ""
	if parent != nil {
		parentPath = parent.Path
	}
	path, searched := findRole(spec.name, ld.cur.baseDir, parentPath)
	if path == "" {
		e := diag.Errorf(spec.at, "the role '%s' was not found in %s", spec.name, strings.Join(searched, ":")).
			WithHint("put the role in roles/ beside the playbook, or add its parent directory to ANSIBLE_ROLES_PATH or roles_path in ansible.cfg")
		e.Err = os.ErrNotExist
		ld.add(e)
		return nil, nil
	}
	if slices.Contains(ld.cur.stack, path) {
		ld.add(diag.Errorf(spec.at, "recursive role dependency: %s depends on itself", spec.name).
			WithHint("remove the cycle from the dependencies in meta/main.yml"))
		return nil, nil
	}
	meta := ld.roleMeta(path)
	ld.cur.stack = append(ld.cur.stack, path)
	defer func() { ld.cur.stack = ld.cur.stack[:len(ld.cur.stack)-1] }()
	key := roleKey(path, spec)
	// A role used again the same way is listed (--list-tasks) like
	// Ansible's, as a repeat of the first use that hosts which ran it skip.
	r := ld.firstUse(key, spec, meta)
	repeat := r != nil
	if !repeat {
		r = &Role{Name: spec.name, Path: path, parent: parent, key: key}
		ld.cur.uses = append(ld.cur.uses, r)
		r.own = roleVars{
			defaults:  ld.roleVarsFile(path, "defaults", spec),
			vars:      ld.roleVarsFile(path, "vars", spec),
			entryVars: spec.vars,
			params:    spec.params,
		}
	}
	var children []*Task
	for _, dep := range meta.deps {
		d, b := ld.useRole(dep, r, ctx)
		if d != nil && !repeat {
			r.deps = append(r.deps, d)
		}
		if b != nil {
			children = append(children, b)
		}
	}
	ld.cur.reading = append(ld.cur.reading, r)
	tasks := ld.roleTasks(path, "tasks", spec, ctx)
	ld.cur.reading = ld.cur.reading[:len(ld.cur.reading)-1]
	r.Adopt(tasks)
	if !repeat {
		r.settle()
		handlers := ld.roleTasks(path, "handlers", spec, ctx.handlers())
		r.Adopt(handlers)
		ld.cur.handlers = append(ld.cur.handlers, handlers...)
	}
	b := spec.block
	b.Module, b.Args, b.ArgPos = "", nil, nil
	b.Block = append(children, tasks...)
	b.Role, b.RoleRef, b.Dir, b.RoleRepeat = r.Name, r, r.Path, repeat
	return r, b
}

// firstUse is the earlier use of the play's role with key that spec
// repeats, nil when spec is a new use (another key, import_role, or
// duplicates allowed).
func (ld *loader) firstUse(key string, spec roleSpec, meta roleMetadata) *Role {
	if !spec.once || spec.allowDuplicates || meta.allowDuplicates {
		return nil
	}
	for _, u := range ld.cur.uses {
		if u.key == key {
			return u
		}
	}
	return nil
}

// Adopt makes tasks part of r (title prefix, role variables, files/ and
// templates/); the blocks of roles they import stay those roles'.
func (r *Role) Adopt(tasks []*Task) {
	for _, t := range tasks {
		if t.RoleRef != nil && t.RoleRef != r {
			continue
		}
		t.Role, t.RoleRef, t.Dir = r.Name, r, r.Path
		r.Adopt(t.Block)
		r.Adopt(t.Rescue)
		r.Adopt(t.Always)
	}
}

// Dependencies are the roles r depends on, directly or not, each after its
// own dependencies (Ansible's get_all_dependencies).
func (r *Role) Dependencies() []*Role {
	var out []*Role
	for _, d := range r.deps {
		out = append(append(out, d.Dependencies()...), d)
	}
	return out
}

// Includers are the roles whose import_role or include_role tasks led to
// r (a dependency: to the role depending on it), the nearest first:
// ansible_parent_role_names.
func (r *Role) Includers() []*Role {
	var out []*Role
	for x := r; x != nil; {
		if x.includer == nil {
			x = x.parent
			continue
		}
		out = append(out, x.includer)
		x = x.includer
	}
	return out
}

// roleKey identifies a role use: the same role with the same parameters,
// files, when, tags and vars runs once per play (Ansible's ROLE_CACHE key).
func roleKey(path string, spec roleSpec) string {
	var when, tags []string
	if spec.block != nil {
		when, tags = spec.block.When, spec.block.Tags
	}
	data, _ := json.Marshal([]any{path, spec.params, spec.from, when, tags, spec.vars})
	return string(data)
}

// settle merges the role's variables along its dependency chain, as
// Ansible's Role.get_default_vars, get_vars and get_role_params do.
func (r *Role) settle() {
	var chain []*Role // the roles depending on r, outermost first
	for p := r.parent; p != nil; p = p.parent {
		chain = append([]*Role{p}, chain...)
	}
	r.PublicDefaults, r.PublicVars = map[string]any{}, map[string]any{}
	for _, d := range r.deps {
		maps.Copy(r.PublicDefaults, d.PublicDefaults)
		maps.Copy(r.PublicVars, d.PublicVars)
	}
	maps.Copy(r.PublicDefaults, r.own.defaults)
	maps.Copy(r.PublicVars, r.own.vars)

	r.Defaults = maps.Clone(r.PublicDefaults)
	r.Vars, r.Params = map[string]any{}, map[string]any{}
	for _, p := range chain {
		maps.Copy(r.Defaults, p.own.defaults)
		maps.Copy(r.Vars, p.own.entryVars)
		maps.Copy(r.Vars, p.own.vars)
		maps.Copy(r.Params, p.own.params)
	}
	maps.Copy(r.Defaults, r.own.defaults)
	maps.Copy(r.Vars, r.PublicVars)
	maps.Copy(r.Vars, r.own.entryVars)
	maps.Copy(r.Params, r.own.params)
}

// PlayVars are what every task of the play sees of a role it uses
// statically, at the role vars level: PublicVars and, above them, the vars:
// of the role's own entry (not its dependencies' entries), as Ansible's
// Role.get_vars(include_params=False) merged into the play's variables.
func (r *Role) PlayVars() map[string]any {
	if len(r.own.entryVars) == 0 {
		return r.PublicVars
	}
	v := maps.Clone(r.PublicVars)
	maps.Copy(v, r.own.entryVars)
	return v
}

// roleFile finds <role>/<kind>/<name> as Ansible does: name is main or the
// *_from argument, with or without .yml, .yaml or .json.
func roleFile(path, kind string, spec roleSpec) (string, bool) {
	files, explicit := roleFiles(path, kind, spec, false)
	if len(files) == 0 {
		return "", explicit
	}
	return files[0], explicit
}

// roleFiles is roleFile that, with allowDir (defaults/ and vars/), also
// accepts a directory of that name: its files, in sorted order, as
// Ansible's find_vars_files. main's bare name is tried after main.yml,
// main.yaml and main.json, an explicit name's first.
func roleFiles(path, kind string, spec roleSpec, allowDir bool) ([]string, bool) {
	name, explicit := spec.from[kind]
	exts := []string{".yml", ".yaml", ".json", ""}
	if explicit {
		exts = []string{"", ".yml", ".yaml", ".json"}
	} else {
		name = "main"
	}
	base := filepath.Join(path, kind, name)
	for _, ext := range exts {
		st, err := os.Stat(base + ext)
		switch {
		case err != nil:
		case !st.IsDir():
			return []string{base + ext}, explicit
		case allowDir:
			return varsDirFiles(base + ext), explicit
		}
	}
	return nil, explicit
}

// varsDirFiles lists a vars directory's files with a YAML or JSON
// extension or none, recursively, in sorted order, leaving out hidden
// files and backups (name~).
func varsDirFiles(dir string) []string {
	entries, _ := os.ReadDir(dir) // sorted by name
	var out []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue
		}
		full, ext := filepath.Join(dir, name), filepath.Ext(name)
		switch {
		case e.IsDir() && ext == "":
			out = append(out, varsDirFiles(full)...)
		case !e.IsDir() && slices.Contains([]string{"", ".yml", ".yaml", ".json"}, ext):
			out = append(out, full)
		}
	}
	return out
}

// roleVarsFile reads defaults/ or vars/ of a role (a file, or a directory
// whose files are merged in order); an absent main file is no variables,
// an absent *_from file an error.
func (ld *loader) roleVarsFile(path, kind string, spec roleSpec) map[string]any {
	files, explicit := roleFiles(path, kind, spec, true)
	if files == nil {
		ld.missingFrom(path, kind, spec, explicit)
		return nil
	}
	var out map[string]any
	for _, file := range files {
		src := newSource(ld.problems, file)
		root := src.read(&spec.at)
		if root == nil || isNull(root) {
			continue
		}
		vars := src.vars("a role's "+kind, root)
		if out == nil {
			out = vars
			continue
		}
		maps.Copy(out, vars)
	}
	return out
}

// roleTasks reads tasks/ or handlers/ of a role.
func (ld *loader) roleTasks(path, kind string, spec roleSpec, ctx taskContext) []*Task {
	file, explicit := roleFile(path, kind, spec)
	if file == "" {
		ld.missingFrom(path, kind, spec, explicit)
		return nil
	}
	return ld.tasksFile(newSource(ld.problems, file), &spec.at, ctx)
}

func (ld *loader) missingFrom(path, kind string, spec roleSpec, explicit bool) {
	if explicit {
		ld.add(diag.Errorf(spec.at, "Could not find specified file in role: %s/%s", kind, spec.from[kind]).
			WithHint("files searched: %s{,.yml,.yaml,.json}", filepath.Join(path, kind, spec.from[kind])))
	}
}

// roleMetadata is a role's meta/main.yml.
type roleMetadata struct {
	allowDuplicates bool
	deps            []roleSpec
}

var roleMetaKeywords = []string{"allow_duplicates", "dependencies", "galaxy_info", "argument_specs", "collections"}

// roleMeta reads meta/main of a role; a role without one has no
// dependencies.
func (ld *loader) roleMeta(path string) roleMetadata {
	var meta roleMetadata
	file, _ := roleFile(path, "meta", roleSpec{})
	if file == "" {
		return meta
	}
	src := newSource(ld.problems, file)
	root := src.read(nil)
	if root == nil || isNull(root) {
		return meta
	}
	if root.Kind != yaml.MappingNode {
		src.fail(root, "the role metadata must be a mapping (dependencies:, galaxy_info:, ...), got %s", kindName(root))
		return meta
	}
	for _, e := range entries(root) {
		switch e.key {
		case "allow_duplicates":
			meta.allowDuplicates, _ = src.boolish(e.key, e.v).(bool)
		case "dependencies":
			meta.deps = src.roleDependencies(e.v)
		case "galaxy_info", "argument_specs", "collections":
		default:
			src.unknownKeyword(e, "a RoleMetadata", roleMetaKeywords)
		}
	}
	return meta
}

func (s *source) roleDependencies(v *yaml.Node) []roleSpec {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		s.fail(v, "Expected role dependencies to be a list.").WithHint("write `dependencies: [other_role]` or a list of `- role: other_role`")
		return nil
	}
	var out []roleSpec
	for _, c := range v.Content {
		if spec, ok := s.roleEntry(c); ok {
			out = append(out, spec)
		}
	}
	return out
}
