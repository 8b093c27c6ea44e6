package modules

import (
	"slices"
	"strings"
)

// archiveSet is what archive works on, computed from the tree probe as
// Ansible's Archive class does.
type archiveSet struct {
	expanded, excluded []string // the expansions of path and exclude_path
	paths              []string // expanded minus excluded, sorted
	root               string   // the members' names are relative to it
	must               bool     // an archive, not a single compressed file
	dest               string
	targets, missing   []string // the paths that exist and those that do not
	dirs               map[string]bool
	members            []archiveMember
}

// archiveMember is one file or directory put into the archive.
type archiveMember struct {
	path, name string
	excluded   bool // by exclusion_patterns
}

// names are the member names, one a line, for tar -T and zip -@.
func (s *archiveSet) names() string {
	var b strings.Builder
	for _, m := range s.members {
		if !m.excluded {
			b.WriteString(m.name + "\n")
		}
	}
	return b.String()
}

// removeScript deletes what was archived: the directories given and the
// files archived (a file left out by a pattern stays).
func (s *archiveSet) removeScript() string {
	var args []string
	for _, m := range s.members {
		if !m.excluded && slices.Contains(s.targets, m.path) {
			args = append(args, Quote(m.path))
		}
	}
	for _, t := range s.targets {
		if s.dirs[t] {
			args = append(args, Quote(t))
		}
	}
	if len(args) == 0 {
		return ""
	}
	return "rm -rf -- " + strings.Join(args, " ") + " || { echo 'Error deleting some source files' >&2; exit 1; }\n"
}

// sources turns the tree probe into the archive's paths, root, destination
// and members, failing as Ansible does.
func (a *Archive) sources(obs Sections) (*archiveSet, error) {
	s := &archiveSet{expanded: obs.Lines("paths"), excluded: obs.Lines("excludes")}
	for _, p := range s.expanded {
		if !slices.Contains(s.excluded, p) && !slices.Contains(s.paths, p) {
			s.paths = append(s.paths, p)
		}
	}
	slices.Sort(s.paths)
	if len(s.paths) == 0 {
		return nil, &Failure{Msg: "Error, no source paths were found", Result: map[string]any{"path": strings.Join(a.Path, ", "),
			"expanded_paths": strings.Join(s.expanded, ", "), "expanded_exclude_paths": strings.Join(s.excluded, ", ")}}
	}
	tops, children := parseTree(obs.Lines("tree"))
	s.dirs = map[string]bool{}
	for _, p := range s.paths {
		switch t, ok := tops[p]; {
		case !ok:
			s.missing = append(s.missing, p)
		default:
			s.targets = append(s.targets, p)
			s.dirs[p] = t == "d"
		}
	}
	s.root = commonPath(s.paths)
	s.must = a.ForceArchive || slices.ContainsFunc(a.Path, isGlob) || s.dirs[s.paths[0]] || len(s.paths) > 1
	s.dest = a.Dest
	switch {
	case s.dest == "" && !s.must:
		s.dest = s.paths[0] + "." + a.format()
	case s.dest == "":
		return nil, &Failure{Msg: `Error, must specify "dest" when archiving multiple files or trees`,
			Result: map[string]any{"dest": "None", "path": strings.Join(a.Path, ", ")}}
	}
	if a.Remove {
		for _, p := range s.paths {
			if s.dirs[p] && strings.HasPrefix(s.dest, strings.TrimSuffix(p, "/")+"/") {
				return nil, &Failure{Msg: "Error, created archive can not be contained in source paths when remove=true",
					Result: map[string]any{"path": strings.Join(s.paths, ", ")}}
			}
		}
	}
	match, err := nameMatchers(a.ExclusionPatterns, false)
	if err != nil {
		return nil, err
	}
	add := func(p string) {
		m := archiveMember{path: p, name: strings.TrimPrefix(p, s.root)}
		if a.format() == "zip" {
			m.excluded = anyMatch(match, m.path)
		} else if s.must || !a.compresses() {
			m.excluded = anyMatch(match, m.name)
		}
		s.members = append(s.members, m)
	}
	for _, t := range s.targets {
		if s.dirs[t] {
			walkTree(children, strings.TrimRight(t, "/"), add)
		} else {
			add(t)
		}
	}
	return s, nil
}

// treeEntry is one entry below a directory: its type and whether it is, or
// links to, a directory.
type treeEntry struct {
	path        string
	dir, dirish bool
}

// parseTree reads treeScript's lines: the given paths' types and each
// directory's entries in listing order.
func parseTree(tree []string) (tops map[string]string, children map[string][]treeEntry) {
	tops, children = map[string]string{}, map[string][]treeEntry{}
	for _, l := range tree {
		switch {
		case strings.HasPrefix(l, "T ") && len(l) > 4:
			tops[l[4:]] = l[2:3]
		case strings.HasPrefix(l, "C ") && len(l) > 6:
			p := l[6:]
			parent := p[:max(strings.LastIndex(p, "/"), 0)]
			children[parent] = append(children[parent], treeEntry{path: p, dir: l[2] == 'd', dirish: l[4] == 'd'})
		}
	}
	return tops, children
}

// walkTree visits below dir in os.walk's order (top down, a directory's
// subdirectories, then its other entries, then each subdirectory's
// content), which is the order Ansible adds the members in.
func walkTree(children map[string][]treeEntry, dir string, visit func(string)) {
	entries := children[dir]
	for _, e := range entries {
		if e.dirish {
			visit(e.path)
		}
	}
	for _, e := range entries {
		if !e.dirish {
			visit(e.path)
		}
	}
	for _, e := range entries {
		if e.dir {
			walkTree(children, e.path, visit)
		}
	}
}

// commonPath is Ansible's common_path: the directory (ending in /) holding
// all the paths, "" for relative paths in the current directory.
func commonPath(paths []string) string {
	prefix := withSlash(pyDirname(paths[0]))
	for _, p := range paths[1:] {
		d := withSlash(pyDirname(p))
		n := 0
		for n < len(prefix) && n < len(d) && prefix[n] == d[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return withSlash(pyDirname(prefix))
}

// pyDirname is Python's os.path.dirname.
func pyDirname(p string) string {
	head := p[:strings.LastIndex(p, "/")+1]
	if trimmed := strings.TrimRight(head, "/"); trimmed != "" {
		return trimmed
	}
	return head
}

// withSlash is os.path.join(p, ""): p ending in one slash, "" stays "".
func withSlash(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}

// isGlob says whether Ansible expands the path as a glob.
func isGlob(p string) bool { return strings.ContainsAny(p, "*?") }

// globWord is p as a shell word whose * and ? stay patterns while every
// other character is quoted.
func globWord(p string) string {
	var b strings.Builder
	for p != "" {
		i := strings.IndexAny(p, "*?")
		if i < 0 {
			i = len(p)
		}
		if i > 0 {
			b.WriteString(Quote(p[:i]))
		}
		if i < len(p) {
			b.WriteByte(p[i])
			i++
		}
		p = p[i:]
	}
	return b.String()
}
