package jinja

import "testing"

// PyStr labels loop items as Ansible does: Python's str() of the item.
func TestPyStr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"a", "a"},
		{"two\nlines", "two\nlines"},
		{map[string]any{"b": 1, "a": "x"}, "{'a': 'x', 'b': 1}"},
		{[]any{"x", true, nil, 1.5}, "['x', True, None, 1.5]"},
		{map[string]any{"k": "it's"}, `{'k': "it's"}`},
		{map[string]any{"k": `it's "q"`}, `{'k': 'it\'s "q"'}`},
		{[]any{"a\nb\tc\r", `back\slash`}, `['a\nb\tc\r', 'back\\slash']`},
		{[]any{"bell\a", "nbsp\u00a0", "é"}, `['bell\x07', 'nbsp\xa0', 'é']`},
	}
	for _, tt := range tests {
		if got := PyStr(tt.in); got != tt.want {
			t.Errorf("PyStr(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
