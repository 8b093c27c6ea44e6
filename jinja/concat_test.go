package jinja

import "testing"

// What ansible-playbook 2.14 made of each value as copy content= (checked with
// ansible-core 2.14 on Debian 12): a bool, an int or a dict-looking result loses its
// trailing newline; text keeps the source's trailing newlines, never gains more.
func TestRenderTrailingNewlineAsAnsible(t *testing.T) {
	vars := map[string]any{"flag": true, "num": 5, "ratio": 1.5, "d": map[string]any{"a": []any{1, "x"}},
		"s": `{"k": "v"}`, "l": []any{1, "two"}, "words": "[not a list"}
	runRenderCases(t, vars, []renderCase{
		{"{{ flag }}\n", true},
		{"{{ num }}\n", 5},
		{"{{ ratio }}\n", 1.5},
		{"{{ flag }}\n\n", "True\n\n"},
		{"{{ flag | bool }}\n", true},
		{"{{ num + 1 }}\n", "6\n"},
		{"x{{ flag }}\n", "xTrue\n"},
		{"{{ '1.50' }}\n", "1.50\n"},
		{"{{ s }}\n", map[string]any{"k": "v"}},
		{"{{ l }}\n", []any{1, "two"}},
		{"{{ words }}\n", "[not a list\n"},
		{"{{ d | to_json }}\n", "{\"a\": [1, \"x\"]}\n"},
		{"{{ d | to_nice_json }}\n", "{\n    \"a\": [\n        1,\n        \"x\"\n    ]\n}\n"},
		{"{{ d | to_yaml }}\n", "a: [1, x]\n"},
		{"{{ d | to_json | string }}\n", "{\"a\": [1, \"x\"]}\n"},
		{"{{ d | to_json | trim }}\n", map[string]any{"a": []any{1, "x"}}},
		{"[{{ num }}, {{ num }}]\n", []any{5, 5}},
	})
}
