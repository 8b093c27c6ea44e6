package playbooks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"play/modules"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/diag"
	"play/internal/keyorder"
	"play/internal/yamlerr"
	"play/vault"
)

// maxErrors caps how many problems one load reports: past that, the rest
// are usually consequences of the first ones.
const maxErrors = 20

// problems collects every error found while loading, up to maxErrors.
type problems struct {
	errs     []error
	dropped  int
	warnings []string
}

func (p *problems) add(err error) {
	if len(p.errs) >= maxErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, err)
}

func (p *problems) err() error {
	if p.dropped > 0 {
		return errors.Join(append(p.errs, fmt.Errorf("... and %d more errors (fix the ones above first)", p.dropped))...)
	}
	return errors.Join(p.errs...)
}

// source is one YAML file being read; its errors point into it.
type source struct {
	*problems
	path string // as given or as resolved from the importing file
	dir  string // absolute directory of path
	// aliases counts alias expansions, to refuse an alias bomb
	// ("billion laughs") instead of expanding it for ever.
	aliases int
	// building are the nodes value is inside of: an alias to one of them
	// (`a: &x {b: *x}`) is a cycle.
	building map[*yaml.Node]bool
}

// maxAliases is far more alias expansions than any real file needs.
const maxAliases = 10000

func newSource(p *problems, path string) *source {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		dir = filepath.Dir(path)
	}
	return &source{problems: p, path: path, dir: dir}
}

func (s *source) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: s.path, Line: n.Line, Col: n.Column}
}

// fail records an error at n; the caller may add a hint to the result.
func (s *source) fail(n *yaml.Node, format string, a ...any) *diag.Error {
	e := diag.Errorf(s.pos(n), format, a...)
	s.add(e)
	return e
}

// resolve makes a path written in this file absolute-or-relative to its dir.
func (s *source) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(s.path), p)
}

// abs is the absolute path of a path written in this file, for messages.
func (s *source) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.dir, p)
}

const relativePathHint = "a relative path is resolved from the directory of the file that references it"

// read parses the file into its root node: nil when it cannot be read (the
// problem is recorded), a null node when it is empty. ref is where the file was referenced from, for
// errors about a missing file.
func (s *source) read(ref *diag.Pos) *yaml.Node {
	data, err := os.ReadFile(s.path)
	if err != nil {
		pos := diag.Pos{File: s.path}
		if ref != nil {
			pos = *ref
		}
		abs := s.abs(filepath.Base(s.path))
		e := &diag.Error{Pos: pos, Msg: fmt.Sprintf("could not read '%s': %v", abs, unwrapPathError(err)), Err: err}
		if errors.Is(err, os.ErrNotExist) {
			e.Msg = fmt.Sprintf("Could not find or access '%s'", abs)
			e.Hint = relativePathHint
		}
		s.add(e)
		return nil
	}
	if data, err = vault.Open(data, s.path); err != nil {
		s.add(vaultError(diag.Pos{File: s.path}, err))
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := yamlerr.Error(s.path, data, err)
		e.Msg = "syntax error while loading YAML: " + e.Msg
		s.add(e)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: 1, Column: 1}
	}
	if !s.checkKeys(&doc) {
		return nil
	}
	s.warnings = append(s.warnings, yamlerr.DuplicateKeys(s.abs(filepath.Base(s.path)), doc.Content[0])...)
	return doc.Content[0]
}

// checkKeys reports mapping keys that are not scalars, which YAML allows
// but Ansible does not; most come from an unquoted template
// (`msg: {{ x }}` is a mapping whose key is a mapping).
func (s *source) checkKeys(n *yaml.Node) bool {
	ok := true
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind != yaml.ScalarNode && c.Kind != yaml.AliasNode {
			ok = false
			if c.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0 {
				s.fail(c, "this value looks like an unquoted template: always quote template expression brackets when they start a value").
					WithHint(`write it in quotes: "{{ ... }}"`)
				continue
			}
			s.fail(c, "a mapping key must be a string, got %s", kindName(c))
			continue
		}
		ok = s.checkKeys(c) && ok
	}
	return ok
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// entry is one key of a mapping with its nodes.
type entry struct {
	key  string
	k, v *yaml.Node
}

// entries lists a mapping's keys in order, following aliases and merge keys
// (<<); an explicit key wins over a merged one, a repeated key keeps the last.
func entries(n *yaml.Node) []entry { return entriesOf(n, map[*yaml.Node]bool{}) }

// entriesOf is entries with the mappings being merged, so that a mapping
// merging itself (<<: *self) stops instead of recursing for ever.
func entriesOf(n *yaml.Node, merging map[*yaml.Node]bool) []entry {
	n = deref(n)
	if n == nil || merging[n] {
		return nil
	}
	merging[n] = true
	defer delete(merging, n)
	var out []entry
	index := map[string]int{}
	set := func(e entry, override bool) {
		if i, ok := index[e.key]; ok {
			if override {
				out[i] = e
			}
			return
		}
		index[e.key] = len(out)
		out = append(out, e)
	}
	var merged [][]entry
	var own []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0) {
			for _, m := range mergeSources(v) {
				merged = append(merged, entriesOf(m, merging))
			}
			continue
		}
		own = append(own, entry{key: k.Value, k: k, v: v})
	}
	// PyYAML's order: the merged keys first, from the last mapping merged;
	// an earlier mapping's values win, and the mapping's own keys over all.
	for i := len(merged) - 1; i >= 0; i-- {
		for _, e := range merged[i] {
			set(e, true)
		}
	}
	for _, e := range own {
		set(e, true)
	}
	return out
}

func mergeSources(v *yaml.Node) []*yaml.Node {
	if v.Kind == yaml.MappingNode {
		return []*yaml.Node{v}
	}
	var out []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		for _, c := range v.Content {
			if c = deref(c); c.Kind == yaml.MappingNode {
				out = append(out, c)
			}
		}
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull says whether n is absent or an explicit null (`tasks:` with nothing).
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// yaml11Bools are the plain scalars PyYAML (YAML 1.1, which Ansible uses)
// reads as booleans but YAML 1.2 reads as strings.
var yaml11Bools = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// value decodes n into plain Go values (string, int, float64, bool, nil,
// []any, map[string]any) the way Ansible's YAML loader does.
func (s *source) value(n *yaml.Node) any {
	if n != nil && n.Kind == yaml.AliasNode {
		if s.aliases++; s.aliases == maxAliases {
			s.fail(n, "too many YAML alias expansions (more than %d): the file looks like an alias bomb", maxAliases).
				WithHint("use each &anchor a few times, not aliases of aliases of aliases")
		}
		if s.aliases >= maxAliases {
			return nil
		}
	}
	n = deref(n)
	if n != nil && s.building[n] {
		s.fail(n, "recursive YAML alias: the anchor &%s contains itself", n.Anchor).
			WithHint("an alias may only refer to a node that is complete")
		return nil
	}
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return s.value(n.Content[0])
	case yaml.SequenceNode, yaml.MappingNode:
		if s.building == nil {
			s.building = map[*yaml.Node]bool{}
		}
		s.building[n] = true
		defer delete(s.building, n)
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, s.value(c))
		}
		return out
	case yaml.MappingNode:
		es := entries(n)
		out := make(map[string]any, len(es))
		keys := make([]string, len(es))
		for i, e := range es {
			out[e.key] = s.value(e.v)
			keys[i] = e.key
		}
		keyorder.Set(out, keys) // entries are unique: a repeated key keeps its last value
		return out
	}
	return s.scalar(n)
}

func (s *source) scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!vault":
		plain, err := vault.OpenString(n.Value, fmt.Sprintf("%s:%d", s.path, n.Line))
		if err != nil {
			s.add(vaultError(s.pos(n), err))
			return n.Value
		}
		return plain
	case "!unsafe":
		return n.Value
	}
	plain := n.Style&(yaml.TaggedStyle|yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
	if b, ok := yaml11Bools[n.Value]; ok && plain {
		return b
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value
	case "!!null":
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		s.fail(n, "cannot read value %q: %v", n.Value, err)
		return n.Value
	}
	if u, ok := v.(uint64); ok && u <= 1<<63-1 {
		return int(u)
	}
	if i, ok := v.(int64); ok {
		return int(i)
	}
	return v
}

// text is a scalar keyword's value as a string; a list or mapping is an error.
func (s *source) text(key string, n *yaml.Node) string {
	n = deref(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		s.fail(n, "the field '%s' should be a string, got %s", key, kindName(n))
		return ""
	}
	v, err := modules.ToString(s.scalar(n))
	if err != nil {
		s.fail(n, "the field '%s' should be a string: %v", key, err)
	}
	return v
}

// kindName names a node's type the way users read YAML, with an article.
func kindName(n *yaml.Node) string {
	switch n = deref(n); {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case isNull(n):
		return "nothing"
	}
	return "a string"
}

// isTemplate says whether a string holds Jinja2.
func isTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%")
}

// vaultError positions a decryption failure, keeping vault's hint.
func vaultError(pos diag.Pos, err error) *diag.Error {
	e := &diag.Error{Pos: pos, Msg: err.Error(), Err: err}
	var ve *vault.Error
	if errors.As(err, &ve) {
		e.Msg, e.Hint = ve.Msg, ve.Hint
	}
	return e
}
