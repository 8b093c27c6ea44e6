package modules

import "testing"

func TestSetFact(t *testing.T) {
	runLocalCases(t, []localCase{
		{name: "types kept, k=v booleans", module: "set_fact", args: map[string]any{"a": "1", "b": 2, "c": "yes", "d": "False", "e": []any{"x"}, "f": nil},
			want: map[string]any{"ansible_facts": map[string]any{"a": "1", "b": 2, "c": true, "d": false, "e": []any{"x"}, "f": nil}, "_cacheable": false}},
		{name: "cacheable", module: "set_fact", args: map[string]any{"a": "x", "cacheable": "yes"},
			want: map[string]any{"ansible_facts": map[string]any{"a": "x"}, "_cacheable": true}},
		{name: "bad name", module: "set_fact", args: map[string]any{"a": 1, "1x": 2}, err: "The variable name '1x' is not valid."},
		{name: "nothing", module: "set_fact", args: map[string]any{"cacheable": true}, err: "No key/value pairs provided"},
	})
}
