package playbooks

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"play/internal/keyorder"
	"play/modules"
)

// identifier is what Ansible accepts as a variable name.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// conditions reads when/changed_when/failed_when/until: a string, a bool or
// a list of them (all must hold). Bools become "True"/"False".
func (s *source) conditions(key string, v *yaml.Node) []string {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	out := []string{}
	for _, c := range items {
		if c = deref(c); c.Kind != yaml.ScalarNode {
			s.fail(c, "the field '%s' should be a condition (a string, a bool or a list of them), got %s", key, kindName(c)).
				WithHint("write the expression as a string, e.g. %s: \"x == 1\"", key)
			continue
		}
		out = append(out, s.text(key, c))
	}
	return out
}

// tags reads tags: a comma-separated string or a list of scalars.
func (s *source) tags(v *yaml.Node) []string {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind == yaml.MappingNode {
		s.fail(v, "tags must be specified as a list").WithHint("write `tags: [a, b]` or `tags: a,b`")
		return nil
	}
	if v.Kind == yaml.ScalarNode {
		var out []string
		for _, t := range strings.Split(s.text("tags", v), ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
		return out
	}
	var out []string
	for _, c := range v.Content {
		if c = deref(c); c.Kind != yaml.ScalarNode {
			s.fail(c, "the field 'tags' should be a list of strings, but this item is %s", kindName(c)).
				WithHint("write `tags: [a, b]` or `tags: a,b`")
			continue
		}
		out = append(out, s.text("tags", c))
	}
	return out
}

// vars reads a vars mapping; every key must be a valid variable name. what
// names the owner for the message ("Play", "Task", ...).
func (s *source) vars(what string, v *yaml.Node) map[string]any {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		s.fail(v, "vars for %s must be a mapping (name: value), got %s", what, kindName(v))
		return nil
	}
	out := keyorder.NewBuilder[map[string]any](len(v.Content) / 2) // include_vars' name: sees the file's order
	for _, e := range entries(v) {
		if !identifier.MatchString(e.key) {
			s.fail(e.k, "Invalid variable name in vars specified for %s: '%s' is not a valid variable name", what, e.key).
				WithHint("variable names contain only letters, digits and underscores, and do not start with a digit")
			continue
		}
		out.Set(e.key, s.value(e.v))
	}
	return out.Map()
}

// boolish reads a boolean keyword: a bool, or a template kept as a string.
func (s *source) boolish(key string, v *yaml.Node) any {
	val := s.value(v)
	switch x := val.(type) {
	case nil, bool:
		return val
	case string:
		if isTemplate(x) {
			return x
		}
	}
	b, err := modules.ToBool(val)
	if err != nil {
		s.invalidBool(key, v, val)
		return nil
	}
	return b
}

func (s *source) invalidBool(key string, v *yaml.Node, val any) {
	s.fail(v, "the field '%s' has an invalid value (%v), and could not be converted to bool", key, val).
		WithHint("use true or false")
}

// strictBool reads a boolean keyword that cannot be templated (gather_facts).
func (s *source) strictBool(key string, v *yaml.Node) *bool {
	val := s.value(v)
	b, err := modules.ToBool(val)
	if err != nil || val == nil {
		s.invalidBool(key, v, val)
		return nil
	}
	return &b
}

// choice reads a string keyword with a fixed set of values.
func (s *source) choice(key string, v *yaml.Node, choices []string) string {
	str := s.text(key, v)
	if str != "" && !isTemplate(str) && !slices.Contains(choices, str) {
		s.fail(v, "the field '%s' has an invalid value (%s)", key, str).
			WithHint("valid values are: %s", strings.Join(choices, ", "))
	}
	return str
}

// stringList reads a string or a list of strings.
func (s *source) stringList(key string, v *yaml.Node) []string {
	v = deref(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return []string{s.text(key, v)}
	}
	out := make([]string, 0, len(v.Content))
	for _, c := range v.Content {
		out = append(out, s.text(key, c))
	}
	return out
}
