package inventory

import (
	"fmt"
	"regexp"
	"strings"

	"play/diag"
)

var (
	// iniSection and iniGroupName are Ansible's ini plugin patterns.
	iniSection   = regexp.MustCompile(`^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$`)
	iniGroupName = regexp.MustCompile(`^([^:\]\s]+)\s*(?:#.*)?$`)
)

// iniPending is a group named in a [x:vars] or [x:children] section before
// it was defined: Ansible requires a definition somewhere in the file.
type iniPending struct {
	pos     diag.Pos
	state   string
	parents []*Group
}

type iniReader struct {
	inv     *Inventory
	file    string
	src     source
	line    int
	pending map[string]*iniPending
	order   []string // pending names, for a stable error
}

// readINI reads an INI inventory the way Ansible's ini plugin does: host
// lines "name[:port] k=v ..." under [group], [group:vars] k=v lines,
// [group:children] group names; values are Python literals when they parse
// as one and strings otherwise.
func (inv *Inventory) readINI(path, text string, src source) error {
	r := &iniReader{inv: inv, file: path, src: src, pending: map[string]*iniPending{}}
	group, state := inv.groups["ungrouped"], "hosts"
	for i, raw := range strings.Split(text, "\n") {
		r.line = i + 1
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if m := iniSection.FindStringSubmatch(line); m != nil {
			var err error
			if group, state, err = r.section(m[1], m[2]); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			return r.errorf(raw, line, "invalid section %s", line).
				WithHint("a section is [group], [group:vars] or [group:children], with no spaces")
		}
		var err error
		switch state {
		case "hosts":
			err = r.hostLine(group, raw, line)
		case "vars":
			err = r.varLine(group, raw, line)
		case "children":
			err = r.childLine(group, raw, line)
		}
		if err != nil {
			return err
		}
	}
	for _, name := range r.order {
		p, ok := r.pending[name]
		if !ok {
			continue
		}
		if p.state == "vars" {
			return diag.Errorf(p.pos, "section [%s:vars] is for a group that is never defined", name).
				WithHint("add a [%s] section (it may be empty) or fix the group name", name)
		}
		return diag.Errorf(p.pos, "section [%s:children] names group %q, which is never defined", p.parents[len(p.parents)-1].Name, name).
			WithHint("add a [%s] section (it may be empty) or fix the group name", name)
	}
	return nil
}

func (r *iniReader) errorf(raw, token, format string, a ...any) *diag.Error {
	return diag.Errorf(r.posOf(raw, token), format, a...)
}

// posOf points at token in the current line.
func (r *iniReader) posOf(raw, token string) diag.Pos {
	return diag.Pos{File: r.file, Line: r.line, Col: strings.Index(raw, token) + 1}
}

func (r *iniReader) pos() diag.Pos { return diag.Pos{File: r.file, Line: r.line, Col: 1} }

func (r *iniReader) addPending(name, state string, parent *Group) {
	p, ok := r.pending[name]
	if !ok {
		p = &iniPending{pos: r.pos(), state: state}
		r.pending[name] = p
		r.order = append(r.order, name)
	}
	if parent != nil {
		p.parents = append(p.parents, parent)
	}
}

func (r *iniReader) section(name, kind string) (*Group, string, error) {
	state := kind
	if state == "" {
		state = "hosts"
	}
	if state != "hosts" && state != "vars" && state != "children" {
		e := diag.Errorf(r.pos(), "section [%s:%s] has unknown type %q", name, kind, kind)
		if s := diag.Suggest(kind, []string{"vars", "children"}); s != "" {
			return nil, "", e.WithHint("did you mean [%s:%s]?", name, s)
		}
		return nil, "", e.WithHint("a section is [group], [group:vars] or [group:children]")
	}
	_, exists := r.inv.groups[name]
	g := r.inv.group(name)
	if !exists && state == "vars" {
		r.addPending(name, state, nil)
	}
	if p, ok := r.pending[name]; ok && state != "vars" {
		if err := r.resolvePending(name, p); err != nil {
			return nil, "", err
		}
	}
	return g, state, nil
}

// resolvePending links a group, now defined, to the parents that named it
// in [parent:children] before it existed.
func (r *iniReader) resolvePending(name string, p *iniPending) error {
	delete(r.pending, name)
	for _, parent := range p.parents {
		if err := r.inv.addChild(parent, r.inv.groups[name], p.pos); err != nil {
			return err
		}
		if pp, ok := r.pending[parent.Name]; ok && pp.state == "children" {
			if err := r.resolvePending(parent.Name, pp); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *iniReader) hostLine(g *Group, raw, line string) error {
	tokens, err := shlexSplit(line)
	if err != nil {
		return r.errorf(raw, line, "cannot parse host line: %v", err).
			WithHint("close the quote, or escape it with a backslash")
	}
	if len(tokens) == 0 {
		return nil
	}
	if strings.TrimSpace(tokens[0]) == "---" {
		return r.errorf(raw, tokens[0], "'---' starts a YAML document, not an INI host line").
			WithHint("give the file a .yml extension so it is read as YAML")
	}
	names, port, err := expandHostPattern(tokens[0])
	if err != nil {
		return r.errorf(raw, tokens[0], "%v", err).
			WithHint("a range is [begin:end] or [begin:end:step] with begin <= end, both numbers or both letters, e.g. web[01:20]")
	}
	vars := map[string]any{}
	for _, t := range tokens[1:] {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return r.errorf(raw, t, "expected a key=value host variable, got %q", t).
				WithHint("write variables as name=value after the host name; quote values with spaces: name=\"a b\"")
		}
		vars[k] = pythonLiteral(v)
	}
	for _, name := range names {
		h := r.inv.addHost(name, g, port, r.src)
		for k, v := range vars {
			h.vars[k] = deepCopy(v)
		}
	}
	return nil
}

// varLine reads "key = value" in a [group:vars] section; Ansible parses the
// value as a Python literal too.
func (r *iniReader) varLine(g *Group, raw, line string) error {
	k, v, ok := strings.Cut(line, "=")
	if !ok {
		return r.errorf(raw, line, "expected key=value in [%s:vars], got %q", g.Name, line).
			WithHint("write one name=value per line")
	}
	return g.setVar(strings.TrimSpace(k), pythonLiteral(strings.TrimSpace(v)), r.pos())
}

func (r *iniReader) childLine(g *Group, raw, line string) error {
	m := iniGroupName.FindStringSubmatch(line)
	if m == nil {
		return r.errorf(raw, line, "expected a group name in [%s:children], got %q", g.Name, line).
			WithHint("list one group name per line, without spaces or colons")
	}
	child, ok := r.inv.groups[m[1]]
	if !ok {
		r.addPending(m[1], "children", g)
		return nil
	}
	return r.inv.addChild(g, child, r.posOf(raw, m[1]))
}

// shlexSplit splits a host line like Python's shlex.split(line,
// comments=True): whitespace separates words, quotes group, a backslash
// escapes outside single quotes, and '#' outside quotes ends the line.
func shlexSplit(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#':
			i = len(line)
		case c == '\\':
			inWord = true
			if i+1 < len(line) {
				i++
				cur.WriteByte(line[i])
			}
		case c == '\'' || c == '"':
			inWord = true
			end := i + 1
			for ; end < len(line) && line[end] != c; end++ {
				if c == '"' && line[end] == '\\' && end+1 < len(line) && strings.ContainsRune(`\"$`+"`", rune(line[end+1])) {
					end++
				}
				cur.WriteByte(line[end])
			}
			if end >= len(line) {
				return nil, fmt.Errorf("no closing quotation")
			}
			i = end
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
