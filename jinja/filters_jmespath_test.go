package jinja

import "testing"

var jmesVars = map[string]any{"data": map[string]any{
	"a": map[string]any{"b": 1},
	"users": []any{
		map[string]any{"name": "bob", "uid": 1002, "admin": true, "groups": []any{"wheel", "adm"}},
		map[string]any{"name": "alice", "uid": 1001, "groups": []any{}},
		map[string]any{"name": "carol", "uid": 1003, "admin": false, "groups": []any{"adm"}},
	},
	"sites": map[string]any{"web": map[string]any{"port": 80}, "api": map[string]any{"port": 8080}},
}}

func TestJSONQuery(t *testing.T) {
	runAnsibleCases(t, jmesVars, []ansibleCase{
		{"data | json_query('a')", "{'b': 1}"},
		{"data | json_query('a.b')", "1"},
		{"data | json_query('users[*].name')", "['bob', 'alice', 'carol']"},
		{"data | json_query('users[].name')", "['bob', 'alice', 'carol']"},
		{"data | json_query('users[0].name')", "bob"},
		{"data | json_query('users[-1].name')", "carol"},
		{"data | json_query(\"users[?name=='bob'].uid\")", "[1002]"},
		{"data | json_query(\"users[?name=='bob'].uid | [0]\")", "1002"},
		{"data | json_query(\"users[?uid > `1001`].name\")", "['bob', 'carol']"},
		{"data | json_query(\"users[?admin].name\")", "['bob']"},
		{"data | json_query(\"users[?!admin].name\")", "['alice', 'carol']"},
		{"data | json_query(\"users[?admin && uid > `1000`].name\")", "['bob']"},
		{"data | json_query(\"users[?name=='bob' || name=='carol'].name\")", "['bob', 'carol']"},
		{"data | json_query('users[*].[name, uid]')", "[['bob', 1002], ['alice', 1001], ['carol', 1003]]"},
		{"data | json_query('users[*].{n: name, u: uid}')", "[{'n': 'bob', 'u': 1002}, {'n': 'alice', 'u': 1001}, {'n': 'carol', 'u': 1003}]"},
		{"data | json_query('users[].groups[]')", "['wheel', 'adm', 'adm']"},
		{"data | json_query('users[].groups')", "[['wheel', 'adm'], [], ['adm']]"},
		{"data | json_query('users[*].groups[0]')", "['wheel', 'adm']"},
		{"data | json_query('length(users)')", "3"},
		{"data | json_query(\"users[?contains(groups, 'wheel')].name\")", "['bob']"},
		{"data | json_query(\"users[?starts_with(name, 'b')].name\")", "['bob']"},
		{"data | json_query('sites.*.port')", "[8080, 80]"},
		{"data | json_query('users[1:].name')", "['alice', 'carol']"},
		{"data | json_query('users[::-1].name')", "['carol', 'alice', 'bob']"},
		{"data | json_query('nope')", ""},
		{"data | json_query('users[*].nope')", "[]"},
		{"data | json_query('a.b.c')", ""},
		{"data | json_query(\"join(', ', users[*].name)\")", "bob, alice, carol"},
		{"data | json_query('max_by(users, &uid).name')", "carol"},
		{"data | json_query('sort_by(users, &uid)[*].name')", "['alice', 'bob', 'carol']"},
		{"data | json_query('keys(sites)')", "['api', 'web']"},
		{"data | json_query('users[?uid==`1001`] | [0].name')", "alice"},
		{"data | json_query('users | length(@)')", "3"},
		{"data | json_query('\"a\"')", "{'b': 1}"},
		{"data | json_query(\"`[1, 2]`\")", "[1, 2]"},
		{"data | json_query(\"'raw'\")", "raw"},
		{"data | json_query(\"users[?groups[?@ == 'adm']].name\")", "['bob', 'carol']"},
		{"data | json_query('users[*].name | [0]')", "bob"},
		{"data | json_query('not_null(nope, a.b)')", "1"},
		{"data | json_query(\"users[?name != 'bob'].name\")", "['alice', 'carol']"},
		{"data | json_query('to_string(a.b)')", "1"},
		{"data | json_query('a.*')", "[1]"},
		{"data | json_query('[a.b, sites.web.port]')", "[1, 80]"},
		{"data | json_query('sum(users[*].uid)')", "3006"},
		{"data | json_query('users[0] | keys(@)')", "['admin', 'groups', 'name', 'uid']"},
		{"data | json_query('type(users)')", "array"},
		{"data | json_query('users[?uid >= `1002`].name | sort(@)')", "['bob', 'carol']"},
		{"data | json_query('users[*].groups | [] ')", "['wheel', 'adm', 'adm']"},
		{"data | json_query('users[?uid > `1001`] | [1].uid')", "1003"},
		{"data | json_query('users[0:2].name')", "['bob', 'alice']"},
		// Ansible printed the keys in the query's order: play's dicts print sorted.
		{"data | json_query('users[?uid > `1001`].{name: name, first: groups[0]}')", "[{'name': 'bob', 'first': 'wheel'}, {'name': 'carol', 'first': 'adm'}]"},
	})
	runErrorCases(t, jmesVars, []errorCase{
		{"data | json_query('users[?')", "invalid JMESPath expression"},
		{"data | json_query('nosuch(a)')", "unknown function: nosuch()"},
		{"data | json_query('length(a.b)')", "length() expects a string, array or object, got number"},
	})
}
