package playbooks

import (
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/diag"
)

// Load reads a playbook file (import_playbook resolved recursively, relative
// to the importing file), parses every play and task and validates everything
// it can statically. All problems found are returned at once, joined, each a
// *diag.Error with its position.
func Load(path string) (*Playbook, error) {
	p := &problems{}
	ld := &loader{problems: p}
	src := newSource(p, path)
	pb := &Playbook{Path: path, Dir: src.dir}
	pb.Plays = ld.playbook(src, nil)
	if err := p.err(); err != nil {
		return nil, err
	}
	pb.Warnings = p.warnings
	return pb, nil
}

// Included is what a dynamic include reads at run time: its tasks (for
// include_role, one block whose RoleRef is the role), the roles its
// import_role tasks use, and the handlers of the roles read.
type Included struct {
	Tasks    []*Task
	Roles    []*Role
	Handlers []*Task
}

// ParseTasksFile reads a tasks file (a YAML list of tasks, as used by
// include_tasks). Roles are searched from playbookDir (the file's own
// directory when empty); in is the role whose include_tasks reads the file,
// if any.
func ParseTasksFile(path, playbookDir string, in *Role) (*Included, error) {
	p := &problems{}
	src := newSource(p, path)
	if playbookDir == "" {
		playbookDir = src.dir
	}
	ld := &loader{problems: p, cur: &playRoles{baseDir: playbookDir}}
	if in != nil {
		ld.cur.reading = []*Role{in}
	}
	tasks := ld.tasksFile(src, nil, taskContext{dynamic: true})
	if err := p.err(); err != nil {
		return nil, err
	}
	return &Included{Tasks: tasks, Roles: ld.cur.public, Handlers: ld.cur.handlers}, nil
}

// ReadVarsFile reads a YAML or JSON vars file whose top level is a mapping.
func ReadVarsFile(path string) (map[string]any, error) {
	p := &problems{}
	src := newSource(p, path)
	var vars map[string]any
	if root := src.read(nil); root != nil {
		vars = src.vars("a vars file", root)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if vars == nil {
		vars = map[string]any{}
	}
	return vars, nil
}

// loader reads a playbook and the files it imports.
type loader struct {
	*problems
	// stack holds the absolute paths of the files being imported, to
	// report import cycles instead of recursing forever.
	stack []string
	// cur collects the roles of the play being read.
	cur *playRoles
}

// enter pushes file on the import stack; false (after recording the error)
// when it is already being read.
func (ld *loader) enter(src *source, ref *diag.Pos) bool {
	abs, err := filepath.Abs(src.path)
	if err != nil {
		abs = src.path
	}
	if slices.Contains(ld.stack, abs) {
		pos := diag.Pos{File: src.path}
		if ref != nil {
			pos = *ref
		}
		ld.add(diag.Errorf(pos, "recursive import of %s", src.path).WithHint("a file must not import itself, directly or through other imports"))
		return false
	}
	ld.stack = append(ld.stack, abs)
	return true
}

func (ld *loader) leave() { ld.stack = ld.stack[:len(ld.stack)-1] }

// playbook reads the plays of one playbook file.
func (ld *loader) playbook(src *source, ref *diag.Pos) []*Play {
	if !ld.enter(src, ref) {
		return nil
	}
	defer ld.leave()
	root := src.read(ref)
	if root == nil {
		return nil
	}
	if isNull(root) {
		src.fail(root, "empty playbook, nothing to do").WithHint("a playbook is a list of plays, e.g. '- hosts: all'")
		return nil
	}
	if root.Kind != yaml.SequenceNode {
		src.fail(root, "a playbook must be a list of plays, got %s instead", kindName(root)).
			WithHint("start each play with '- ', e.g. '- hosts: all'")
		return nil
	}
	var plays []*Play
	for _, n := range root.Content {
		n = deref(n)
		if n.Kind != yaml.MappingNode {
			err := src.fail(n, "a play must be a mapping (hosts:, tasks:, ...), got %s", kindName(n))
			if word, _, _ := strings.Cut(strings.TrimSpace(n.Value), " "); n.Kind == yaml.ScalarNode && slices.Contains(playKeywordNames, word) {
				err.WithHint("add a colon after the keyword: `%s: ...`", word)
			} else {
				err.WithHint("write a play as a mapping under '- ', e.g. '- hosts: all'")
			}
			continue
		}
		if hasKey(n, "import_playbook") {
			plays = append(plays, ld.importPlaybook(src, n)...)
			continue
		}
		plays = append(plays, ld.play(src, n))
	}
	return plays
}

func hasKey(n *yaml.Node, key string) bool {
	return slices.ContainsFunc(entries(n), func(e entry) bool { return e.key == key })
}

// importPlaybookKeywords are the keywords allowed beside import_playbook.
var importPlaybookKeywords = []string{"import_playbook", "name", "when", "vars", "tags"}

// importPlaybook reads the imported playbook and applies the import's when,
// vars and tags to each of its plays.
func (ld *loader) importPlaybook(src *source, n *yaml.Node) []*Play {
	var file string
	var fileNode *yaml.Node
	imp := &Play{}
	for _, e := range entries(n) {
		switch e.key {
		case "import_playbook":
			file, fileNode = src.text(e.key, e.v), e.v
		case "name":
			imp.Name = src.text(e.key, e.v)
		case "when":
			imp.When = src.conditions(e.key, e.v)
		case "vars":
			imp.Vars = src.vars("import_playbook", e.v)
		case "tags":
			imp.Tags = src.tags(e.v)
		default:
			src.unknownKeyword(e, "an import_playbook", importPlaybookKeywords)
		}
	}
	if file == "" {
		src.fail(n, "import_playbook needs the path of a playbook file")
		return nil
	}
	if isTemplate(file) {
		src.fail(fileNode, "import_playbook cannot use a template in its path: %s", file).
			WithHint("imports are read before any variable is known; write the path literally")
		return nil
	}
	ref := src.pos(fileNode)
	plays := ld.playbook(newSource(src.problems, src.resolve(file)), &ref)
	for _, p := range plays {
		p.When = append(slices.Clone(imp.When), p.When...)
		p.Vars = mergeUnder(p.Vars, imp.Vars)
		p.Tags = union(p.Tags, imp.Tags)
		for _, section := range [][]*Task{p.PreTasks, p.Tasks, p.PostTasks, p.Handlers} {
			walk(section, func(t *Task) { t.Tags = union(t.Tags, imp.Tags) })
		}
	}
	return plays
}

// mergeUnder returns vars with base's keys added where vars lacks them.
func mergeUnder(vars, base map[string]any) map[string]any {
	if len(base) == 0 {
		return vars
	}
	out := make(map[string]any, len(vars)+len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range vars {
		out[k] = v
	}
	return out
}

// union appends the strings of b missing from a, keeping order.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// unknownKeyword reports a key that is not a keyword of what (a Play, a
// Block, ...), suggesting the closest keyword.
func (s *source) unknownKeyword(e entry, what string, keywords []string) {
	err := s.fail(e.k, "'%s' is not a valid attribute for %s", e.key, what)
	if sug := suggest(e.key, keywords); sug != "" {
		err.WithHint("did you mean `%s`?", sug)
	}
}

// suggest is diag.Suggest preferring a candidate the word is an
// abbreviation of (a letter or two left out: `taks` is `tasks`, not `tags`).
func suggest(word string, candidates []string) string {
	for _, c := range candidates {
		if n := len(c) - len(word); n > 0 && n <= 2 && isSubsequence(word, c) {
			return c
		}
	}
	return diag.Suggest(word, candidates)
}

func isSubsequence(word, s string) bool {
	i := 0
	for j := 0; j < len(s) && i < len(word); j++ {
		if s[j] == word[i] {
			i++
		}
	}
	return i == len(word)
}
