package jinja

import (
	"reflect"
	"testing"
)

var listVars = map[string]any{
	"users": []any{
		map[string]any{"name": "alice", "groups": []any{"wheel", "adm"}},
		map[string]any{"name": "bob", "groups": []any{"users"}},
		map[string]any{"name": "nobody"},
	},
}

// TestTuples: the values Python makes tuples print as tuples, and stay
// lists outside the engine.
func TestTuples(t *testing.T) {
	runAnsibleCases(t, listVars, []ansibleCase{
		{"['a','b'] | zip([1,2]) | list", "[('a', 1), ('b', 2)]"},
		{"['a','b'] | zip([1,2])", "[('a', 1), ('b', 2)]"},
		{"['a','b'] | zip([1,2]) | list | first", "('a', 1)"},
		{"['a','b'] | zip([1,2]) | list | first | type_debug", "tuple"},
		{"['a','b'] | zip([1,2]) | list | to_json", "[[\"a\", 1], [\"b\", 2]]"},
		{"['a','b'] | zip([1,2]) | list | flatten", "['a', 1, 'b', 2]"},
		{"(['a','b'] | zip([1,2]) | list)[0][1]", "1"},
		{"['a','b'] | zip([1,2]) | list | string", "[('a', 1), ('b', 2)]"},
		{"[1,2] | zip(['a']) | map('join', '-') | list", "['1-a']"},
		{"{'a': 1, 'b': 2}.items() | list", "[('a', 1), ('b', 2)]"},
		{"'a.tar.gz' | splitext", "('a.tar', '.gz')"},
		{"('/etc/x.conf' | splitext)[1]", ".conf"},
		{"dict(a=1, b=2)", "{'a': 1, 'b': 2}"},
		{"dict([['x', 1]])", "{'x': 1}"},
		{"dict(['ab', 'cd'])", "{'a': 'b', 'c': 'd'}"},
		{"dict(['a', 'b'] | zip([1, 2]))", "{'a': 1, 'b': 2}"},
	})
	got, err := Eval("['a','b'] | zip([1,2]) | list", nil)
	if want := []any{[]any{"a", 1}, []any{"b", 2}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("native zip = %#v, %v; want %#v", got, err, want)
	}
}

func TestListFilters(t *testing.T) {
	runAnsibleCases(t, listVars, []ansibleCase{
		{"[1,2] | product(['a','b']) | list", "[(1, 'a'), (1, 'b'), (2, 'a'), (2, 'b')]"},
		{"[1,2] | product(repeat=2) | list", "[(1, 1), (1, 2), (2, 1), (2, 2)]"},
		{"[1,2] | product(['a'], ['x','y']) | list", "[(1, 'a', 'x'), (1, 'a', 'y'), (2, 'a', 'x'), (2, 'a', 'y')]"},
		{"[1,2] | product(['a']) | list | length", "2"},
		{"[1,2,3] | zip_longest(['a']) | list", "[(1, 'a'), (2, None), (3, None)]"},
		{"[1,2,3] | zip_longest(['a'], fillvalue='-') | list", "[(1, 'a'), (2, '-'), (3, '-')]"},
		{"[1, 2, 3] | map('extract', ['x', 'y', 'z', 'w']) | list", "['y', 'z', 'w']"},
		{"['a', 'c'] | map('extract', {'a': 1, 'b': 2, 'c': 3}) | list", "[1, 3]"},
		{"['h'] | map('extract', {'h': {'x': {'y': 5}}}, ['x', 'y']) | list", "[5]"},
		{"['h'] | map('extract', {'h': {'x': 7}}, 'x') | list", "[7]"},
		{"1 | extract([5, 6])", "6"},
		{"users | subelements('groups', skip_missing=True)", "[({'groups': ['wheel', 'adm'], 'name': 'alice'}, 'wheel'), ({'groups': ['wheel', 'adm'], 'name': 'alice'}, 'adm'), ({'groups': ['users'], 'name': 'bob'}, 'users')]"},
		// Ansible printed {'n': 1, 'g': [1, 2]}: play's dicts print sorted.
		{"{'u': {'n': 1, 'g': [1, 2]}} | subelements('g')", "[({'n': 1, 'g': [1, 2]}, 1), ({'n': 1, 'g': [1, 2]}, 2)]"},
		{"users | subelements(['groups'], True) | map('last') | list", "['wheel', 'adm', 'users']"},
	})
	runErrorCases(t, listVars, []errorCase{
		{"users | subelements('groups')", "could not find 'groups' key in iterated item {'name': 'nobody'}"},
		{"'x' | extract({'a': 1})", "'dict object' has no attribute 'x'"},
	})
}
