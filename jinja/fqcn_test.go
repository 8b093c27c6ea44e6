package jinja

import "testing"

// Collection-qualified filter and test names render like the short ones;
// the same words in text, strings or attribute chains are left alone.
func TestCollectionQualifiedNames(t *testing.T) {
	vars := map[string]any{"x": map[string]any{"b": 1}, "v": "1.2", "l": []any{3, 1}}
	cases := []struct{ src, want string }{
		{"{{ x | ansible.builtin.to_json }}", `{"b": 1}`},
		{"{{ l | ansible.builtin.sort | ansible.builtin.first }}", "1"},
		{"{{ v is ansible.builtin.version('1.1', '>') }}", "True"},
		{"{{ v is not ansible.builtin.version('1.1', '<') }}", "True"},
		{"{{ x | community.general.json_query('b') }}", "1"},
		{"a | ansible.builtin.to_json {{ 'x | ansible.builtin.y' }}", "a | ansible.builtin.to_json x | ansible.builtin.y"},
		{"{{ v is defined }}", "True"},
	}
	for _, c := range cases {
		got, err := RenderString(c.src, vars)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}
