package inventory

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"play/internal/keyorder"
)

// Values as Ansible's PyYAML (YAML 1.1) loader reads them.
func TestVarsFileValues(t *testing.T) {
	dir := writeTree(t, map[string]string{"vars.yml": `
int: 42
octal: 0644
float: 1.5
yes_bool: yes
off_bool: Off
true_bool: true
quoted_yes: "yes"
tagged_yes: !!str yes
null_value: ~
date: 2020-01-01
block: |
  line
list: [1, two, {three: 3}]
base: &base {a: 1, b: 2}
merged:
  <<: *base
  b: 20
alias: *base
multi_merge:
  <<: [{x: 1}, {x: 2, y: 2}]
1: numeric key
`})
	got, err := readVarsFile(filepath.Join(dir, "vars.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"int": 42, "octal": 420, "float": 1.5,
		"yes_bool": true, "off_bool": false, "true_bool": true,
		"quoted_yes": "yes", "tagged_yes": "yes", "null_value": nil,
		"date": "2020-01-01", "block": "line\n",
		"list":        []any{1, "two", map[string]any{"three": 3}},
		"base":        map[string]any{"a": 1, "b": 2},
		"merged":      map[string]any{"a": 1, "b": 20},
		"alias":       map[string]any{"a": 1, "b": 2},
		"multi_merge": map[string]any{"x": 1, "y": 2},
		"1":           "numeric key",
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s = %#v, want %#v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
}

// Mappings keep their keys' order, merged keys first, as PyYAML reads them
// (yaml.safe_load printed these orders).
func TestVarsFileKeyOrder(t *testing.T) {
	dir := writeTree(t, map[string]string{"vars.yml": `
plain: {zeta: 1, alpha: 2, Mid: 3}
merged:
  k: 0
  <<: [{x: 1, w: 1}, {y: 2, x: 2}]
  w: 3
`})
	got, err := readVarsFile(filepath.Join(dir, "vars.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{"plain": {"zeta", "alpha", "Mid"}, "merged": {"y", "x", "w", "k"}} {
		if keys := keyorder.Keys(got[name].(map[string]any)); !slices.Equal(keys, want) {
			t.Errorf("%s's keys %q, want %q", name, keys, want)
		}
	}
	if m := got["merged"].(map[string]any); m["x"] != 1 || m["w"] != 3 {
		t.Errorf("merged = %v, want x from the first mapping merged (1) and its own w (3)", m)
	}
}
