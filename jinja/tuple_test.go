package jinja

import "testing"

// Tuple and list literals print as Python prints them; a tuple alone is its
// text. Expected values are what ansible-playbook 2.14 printed.
func TestTupleAndListLiterals(t *testing.T) {
	runRenderCases(t, map[string]any{"tv": "{{ (1, 'a') }}"}, []renderCase{
		{"{{ (1, 2) }}", "(1, 2)"},
		{"t={{ (1, 'a') }}", "t=(1, 'a')"},
		{"{{ [(1, 2)] }}", []any{[]any{1, 2}}},
		{"{{ (1, 2) | list }}", []any{1, 2}},
		{"{{ 1 in (1, 2) }}", true},
		{"{{ (1, 2) | join(',') }}", "1,2"},
		{"{{ ('a', 'b') | to_json }}", `["a", "b"]`},
		{"{{ '%s-%s' % (1, 2) }}", "1-2"},
		{"{{ '%s' % ([1, 2],) }}", "[1, 2]"},
		{"{% for x in (1, 2) %}{{ x }}{% endfor %}", "12"},
		{"{{ ((1, 2),) }}", "((1, 2),)"},
		{"{{ tv | length }}", 8},
		{"{{ (1,) }}", "(1,)"},
		{"{{ () }}", "()"},
		{"{{ (1, 2)[0] }}", 1},
		{"{{ dict([('a', 1)]) }}", map[string]any{"a": 1}},
		{"{{ (1, 2) | type_debug }}", "tuple"},
		{"{{ [1] | zip([2]) | first }}", "(1, 2)"},
		{"{{ ('a', 'b') | path_join }}", "a/b"},
		{"{{ ['a', none, true, 'b\\\\c'] }} x", `['a', None, True, 'b\\\\c'] x`},
		{"{{ {'k': none, 'a': [none]} }} x", "{'k': None, 'a': [None]} x"},
		{"{{ {'b': 1, 'a': 2} | dictsort }}", []any{[]any{"a", 2}, []any{"b", 1}}},
	})
}
