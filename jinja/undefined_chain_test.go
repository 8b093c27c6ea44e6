package jinja

import (
	"strings"
	"testing"
)

// Undefined results pass through a filter chain to default, as in
// ansible-playbook 2.14 (values it printed).
func TestUndefinedThroughFilterChain(t *testing.T) {
	vars := map[string]any{"d": map[string]any{"a": 1, "b": 2}}
	runRenderCases(t, vars, []renderCase{
		{"{{ 'z' | extract(d) | default('z') }}", "z"},
		{"{{ 'a' | extract(d) | default('z') }}", 1},
		{"{{ [] | first | default('z') }}", "z"},
		{"{{ [] | last | default('z') }}", "z"},
		{"{{ [] | max | default('z') }}", "z"},
		{"{{ [] | min | d('z') }}", "z"},
		{"{{ d | attr('z') | default('z') }}", "z"},
		{"{{ 'z' | extract(d) | default('y') | upper }}", "Y"},
		{"{{ 'z' | extract(d) is defined }}", false},
		{"{{ ['a', 'b'] | map('extract', d) | list }}", []any{1, 2}},
		{"{{ [3, 1] | first }}", 3},
	})
}

// A filter between the undefined value and default uses it: the undefined
// error, as ansible-playbook 2.14 reports it.
func TestUndefinedUsedByFilter(t *testing.T) {
	vars := map[string]any{"d": map[string]any{"a": 1}}
	for _, tc := range []struct{ tmpl, want string }{
		{"{{ 'b' | extract(d) | upper | default('z') }}", "'dict object' has no attribute 'b'"},
		{"{{ nope | upper | default('z') }}", "'nope' is undefined"},
		{"{{ nope | list | default('z') }}", "'nope' is undefined"},
		{"{{ ['b', 'a'] | map('extract', d) | list }}", "'dict object' has no attribute 'b'"},
		{"{{ [] | first }}", "No first item, sequence was empty."},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			_, err := Render(tc.tmpl, vars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render(%q) error = %v, want it to contain %q", tc.tmpl, err, tc.want)
			}
		})
	}
}
