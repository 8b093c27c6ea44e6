package jinja

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// renderCase renders tmpl against vars and compares the native result.
type renderCase struct {
	tmpl string
	want any
}

func runRenderCases(t *testing.T, vars map[string]any, cases []renderCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.tmpl, func(t *testing.T) {
			got, err := Render(tc.tmpl, vars)
			if err != nil {
				t.Fatalf("Render(%q): %v", tc.tmpl, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Render(%q) = %#v, want %#v", tc.tmpl, got, tc.want)
			}
		})
	}
}

var filterVars = map[string]any{
	"empty": "",
	"nul":   nil,
	"users": []any{
		map[string]any{"name": "bob", "uid": 1002, "admin": true},
		map[string]any{"name": "alice", "uid": 1001},
	},
	"conf":  map[string]any{"a": 1, "b": map[string]any{"x": 1, "y": 2}},
	"over":  map[string]any{"b": map[string]any{"y": 3, "z": 4}, "c": []any{1}},
	"words": []any{"b", "A", "c", "a"},
	"path":  "/etc/nginx/nginx.conf",
}

func TestFilters(t *testing.T) {
	home, _ := os.UserHomeDir()
	runRenderCases(t, filterVars, []renderCase{
		// comment (expected values from ansible-core 2.14's filter)
		{"{{ 'Ansible managed' | comment }}", "#\n# Ansible managed\n#"},
		{"{{ 'a\n\nb' | comment('c') }}", "//\n// a\n//\n// b\n//"},
		{"{{ 'x' | comment('cblock') }}", "/*\n *\n * x\n *\n */"},
		{"{{ 'x\ny' | comment('xml') }}", "<!--\n -\n - x\n - y\n -\n-->"},
		{"{{ 'x' | comment(decoration='; ', prefix_count=2) }}", ";\n;\n; x\n;"},
		{"{{ 'x' | comment('erlang', postfix='%%', end='END') }}", "%\n% x\n%%\nEND"},
		// default / d
		{"{{ missing | default('x') }}", "x"},
		{"{{ missing | d(3) }}", 3},
		{"{{ nul | default('x') }}", nil},
		{"{{ empty | default('x') }}", ""},
		{"{{ empty | default('x', true) }}", "x"},
		{"{{ conf.nope | default('x') }}", "x"},
		{"{{ conf.b.x | default('x') }}", 1},
		// conversions
		{"{{ 'yes' | bool }}", true},
		{"{{ 'off' | bool }}", false},
		{"{{ 1 | bool }}", true},
		{"{{ '42' | int }}", 42},
		{"{{ '4.7' | int }}", 4},
		{"{{ 'x' | int }}", 0},
		{"{{ 'x' | int(7) }}", 7},
		{"{{ '0x1F' | int(base=16) }}", 31},
		{"{{ true | int }}", 1},
		{"{{ '2.5' | float }}", 2.5},
		{"{{ 3 | float }}", 3.0},
		{"{{ 3 | string }}", "3"},
		{"{{ [1, 'a'] | string }}", "[1, 'a']"},
		{"{{ none | string }}", "None"},
		// text
		{"{{ 'AbC' | lower }}", "abc"},
		{"{{ 'abc' | upper }}", "ABC"},
		{"{{ 'hello WORLD' | capitalize }}", "Hello world"},
		{"{{ 'hello world' | title }}", "Hello World"},
		{"{{ '  x  ' | trim }}", "x"},
		{"{{ 'a-b-c' | replace('-', '+') }}", "a+b+c"},
		{"{{ 'a b  c' | split }}", []any{"a", "b", "c"}},
		{"{{ 'a,b,c' | split(',') }}", []any{"a", "b", "c"}},
		{"{{ 'a,b,c' | split(',', 1) }}", []any{"a", "b,c"}},
		{"{{ 'ab' | center(6) }}", "  ab  "},
		{"{{ 'a\nb' | indent(2) }}", "a\n  b"},
		{"{{ 'aaa bbb' | wordwrap(3) }}", "aaa\nbbb"},
		// lists
		{"{{ words | join(',') }}", "b,A,c,a"},
		{"{{ words | length }}", 4},
		{"{{ conf | count }}", 2},
		{"{{ words | first }}", "b"},
		{"{{ words | last }}", "a"},
		{"{{ words | unique }}", []any{"b", "A", "c"}},
		{"{{ words | unique(case_sensitive=true) }}", []any{"b", "A", "c", "a"}},
		{"{{ [{'a': 1}, {'a': 1}] | unique }}", []any{map[string]any{"a": 1}}},
		{"{{ words | sort }}", []any{"A", "a", "b", "c"}},
		{"{{ words | sort(reverse=true) | first }}", "c"},
		{"{{ users | sort(attribute='uid') | map(attribute='name') | list }}", []any{"alice", "bob"}},
		{"{{ users | map(attribute='name') | list }}", []any{"bob", "alice"}},
		{"{{ [1, 2] | map('string') | list }}", []any{"1", "2"}},
		{"{{ [0, 1, '', 'x'] | select | list }}", []any{1, "x"}},
		{"{{ [1, 2, 3, 4] | select('odd') | list }}", []any{1, 3}},
		{"{{ [1, 2, 3, 4] | reject('odd') | list }}", []any{2, 4}},
		{"{{ users | selectattr('admin') | map(attribute='name') | list }}", []any{"bob"}},
		{"{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}", []any{"bob"}},
		{"{{ users | selectattr('uid', 'equalto', 1001) | map(attribute='name') | list }}", []any{"alice"}},
		{"{{ users | rejectattr('admin', 'defined') | map(attribute='name') | list }}", []any{"alice"}},
		{"{{ [1, [2, [3, [4]]]] | flatten }}", []any{1, 2, 3, 4}},
		{"{{ [1, [2, [3]]] | flatten(levels=1) }}", []any{1, 2, []any{3}}},
		{"{{ [1, none, [2]] | flatten }}", []any{1, 2}},
		{"{{ 'abc' | list }}", []any{"a", "b", "c"}},
		{"{{ [3, 1, 2] | min }}", 1},
		{"{{ [3, 1, 2] | max }}", 3},
		{"{{ users | max(attribute='uid') }}", map[string]any{"name": "bob", "uid": 1002, "admin": true}},
		{"{{ [1, 2, 3] | sum }}", 6},
		{"{{ [1, 2.5] | sum }}", 3.5},
		{"{{ users | sum(attribute='uid') }}", 2003},
		{"{{ -3 | abs }}", 3},
		{"{{ 2.5 | round }}", 2.0},
		{"{{ 3.14159 | round(2) }}", 3.14},
		{"{{ 3.1 | round(method='ceil') }}", 4.0},
		{"{{ [1, 2] | zip(['a', 'b']) | list }}", []any{[]any{1, "a"}, []any{2, "b"}}},
		{"{{ [1, 2, 3] | difference([2]) }}", []any{1, 3}},
		{"{{ [1, 2, 3] | intersect([3, 2, 9]) }}", []any{2, 3}},
		{"{{ [1, 2] | union([2, 3]) }}", []any{1, 2, 3}},
		{"{{ [1, 2] | symmetric_difference([2, 3]) }}", []any{1, 3}},
		// dicts
		{"{{ {'b': 2, 'a': 1} | dict2items }}", []any{map[string]any{"key": "b", "value": 2}, map[string]any{"key": "a", "value": 1}}},
		{"{{ {'a': 1} | dict2items(key_name='k', value_name='v') }}", []any{map[string]any{"k": "a", "v": 1}}},
		{"{{ [{'key': 'a', 'value': 1}] | items2dict }}", map[string]any{"a": 1}},
		{"{{ conf | combine(over) }}", map[string]any{"a": 1, "b": map[string]any{"y": 3, "z": 4}, "c": []any{1}}},
		{"{{ conf | combine(over, recursive=true) }}", map[string]any{"a": 1, "b": map[string]any{"x": 1, "y": 3, "z": 4}, "c": []any{1}}},
		{"{{ {'a': 1} | combine({'b': 2}, {'a': 3}) }}", map[string]any{"a": 3, "b": 2}},
		{"{{ {'l': [1]} | combine({'l': [2]}, list_merge='append') }}", map[string]any{"l": []any{1, 2}}},
		{"{{ dict([['a', 1]]) }}", map[string]any{"a": 1}},
		{"{{ dict(a=1) }}", map[string]any{"a": 1}},
		{"{{ conf.b.items() | list | length }}", 2},
		// serialisation
		{"{{ {'b': [1, 'x'], 'a': none} | to_json }}", `{"b": [1, "x"], "a": null}`},
		{"{{ 'é\"' | to_json }}", `"\u00e9\""`},
		{"{{ {'a': [1]} | to_nice_json }}", "{\n    \"a\": [\n        1\n    ]\n}"},
		{"{{ {'a': [1, 2], 'b': {'c': 'd'}} | to_yaml }}", "a: [1, 2]\nb: {c: d}\n"},
		// PyYAML's default_flow_style=None, as ansible-playbook 2.14 printed it
		{"{{ {'items': [{'k': 'a', 'v': [1, 2]}, {'k': 'b', 'v': {'x': 1}}], 'nested': {'a': {'b': [1]}, 'e': []}, 'q': 'yes'} | to_yaml }}",
			"items:\n- k: a\n  v: [1, 2]\n- k: b\n  v: {x: 1}\nnested:\n  a:\n    b: [1]\n  e: []\nq: 'yes'\n"},
		{"{{ {'items': [{'k': 'a'}], 'nested': {'a': {'b': [1]}}} | to_yaml(indent=4) }}", "items:\n- {k: a}\nnested:\n    a:\n        b: [1]\n"},
		{"{{ [[1, 2], [{'a': 1}]] | to_yaml }}", "- [1, 2]\n- - {a: 1}\n"},
		// PyYAML's quoting, as ansible-playbook 2.14 printed it: keys and values read back as
		// another type or holding an indicator are single-quoted; y, n, 0o7, 1e3 are strings.
		{"{{ {'1': 'a', '': 'b', 'yes': 'on', '~': 'null', '0x1f': '2024-01-02', '*x': '&y', '!z': '=', 'y': 'n', '0o17': '1e3', '1.5': '+1', '- a': '-', 'a#b': 'a #b'} | to_yaml }}",
			"{'': b, '!z': '=', '*x': '&y', '- a': '-', 0o17: 1e3, '0x1f': '2024-01-02', '1': a,\n  '1.5': '+1', a#b: 'a #b', y: n, 'yes': 'on', '~': 'null'}\n"},
		{"{{ ['x,y', 'a: b', '?x', 'x?', ':x', 'x:', '', 'a:b', '-x', 'x]', '12:30', '1_000', '.inf', 'é'] | to_yaml }}",
			"['x,y', 'a: b', '?x', 'x?', ':x', 'x:', '', 'a:b', -x, 'x]', '12:30', '1_000', '.inf',\n  é]\n"},
		{"{{ {'a': 'x,y', 'b': 'a: b', 'g': '?x', 'h': 'x?', 'i': ':x', 'j': 'x:', 'p': 'x]', 'r': '2024-1-2 3:04:05'} | to_nice_yaml }}",
			"a: x,y\nb: 'a: b'\ng: ?x\nh: x?\ni: :x\nj: 'x:'\np: x]\nr: '2024-1-2 3:04:05'\n"},
		// Flow collections wrap past column 80 as PyYAML's best_width.
		{"{{ {'n': {'x': range(30) | list}} | to_yaml(indent=4) }}",
			"n:\n    x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,\n        21, 22, 23, 24, 25, 26, 27, 28, 29]\n"},
		{"{{ {'a': {'c': 'd'}} | to_nice_yaml }}", "a:\n    c: d\n"},
		// PyYAML's block style (checked with python3-yaml, indent=4): sequences in a mapping
		// not indented, collections in a sequence on the dash's line, single quotes.
		{"{{ {'a': [1, 'x', {'k': 1, 'l': [2], 'm': {'z': 'y z', 'e': []}}], 'b': 2, 'q': 'yes'} | to_nice_yaml }}",
			"a:\n- 1\n- x\n-   k: 1\n    l:\n    - 2\n    m:\n        e: []\n        z: y z\nb: 2\nq: 'yes'\n"},
		{"{{ [{'a': 1, 'b': 2}, [1, 2], 'on'] | to_nice_yaml }}", "-   a: 1\n    b: 2\n-   - 1\n    - 2\n- 'on'\n"},
		{"{{ {'l': [{'n': 1}]} | to_nice_yaml(indent=2) }}", "l:\n- n: 1\n"},
		{`{{ '{"a": [1, 2.5, "x"]}' | from_json }}`, map[string]any{"a": []any{1, 2.5, "x"}}},
		{"{{ 'a: [1, b]' | from_yaml }}", map[string]any{"a": []any{1, "b"}}},
		// regular expressions
		{"{{ 'foo=bar' | regex_replace('^(\\w+)=(\\w+)$', '\\2=\\1') }}", "bar=foo"},
		{"{{ 'aaa' | regex_replace('a', 'b', count=2) }}", "bba"},
		{"{{ 'ABC' | regex_replace('b', 'x', ignorecase=true) }}", "AxC"},
		{"{{ 'host-42' | regex_search('\\d+') }}", "42"},
		{"{{ 'host-42' | regex_search('(?P<n>\\d+)', '\\g<n>') }}", []any{"42"}},
		{"{{ 'host' | regex_search('\\d+') }}", nil},
		{"{{ 'a1b2' | regex_findall('\\d') }}", []any{"1", "2"}},
		{"{{ 'a1b2' | regex_findall('([a-z])(\\d)') }}", []any{[]any{"a", "1"}, []any{"b", "2"}}},
		{"{{ 'a.b*c' | regex_escape }}", `a\.b\*c`},
		// shell, paths, encodings
		{"{{ \"it's\" | quote }}", `'it'"'"'s'`},
		{"{{ 'plain/path.txt' | quote }}", "plain/path.txt"},
		{"{{ path | basename }}", "nginx.conf"},
		{"{{ path | dirname }}", "/etc/nginx"},
		{"{{ '/' | dirname }}", "/"},
		// a tuple alone is its text, as ansible-playbook 2.14 prints it
		{"{{ path | splitext }}", "('/etc/nginx/nginx', '.conf')"},
		{"{{ '.bashrc' | splitext | list }}", []any{".bashrc", ""}},
		{"{{ '~/x' | expanduser }}", home + "/x"},
		{"{{ 'hi' | b64encode }}", "aGk="},
		{"{{ 'aGk=' | b64decode }}", "hi"},
		{"{{ 'abc' | hash('md5') }}", "900150983cd24fb0d6963f7d28e17f72"},
		{"{{ 'abc' | hash }}", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"{{ 'abc' | hash('sha256') }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"{{ 'abc' | checksum }}", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		// misc
		{"{{ true | ternary('y', 'n') }}", "y"},
		{"{{ 0 | ternary('y', 'n') }}", "n"},
		{"{{ none | ternary('y', 'n', 'null') }}", "null"},
		{"{{ conf.a | mandatory }}", 1},
		{"{{ {} | type_debug }}", "dict"},
		{"{{ 'x' | type_debug }}", "str"},
		{"{{ 1.5 | type_debug }}", "float"},
		{"{{ range(3) | list }}", []any{0, 1, 2}},
		{"{{ range(4, 0, -2) | list }}", []any{4, 2}},
	})
}

func TestFilterErrors(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		// ansible-playbook 2.14's texts, two spaces included
		{"{{ missing | mandatory }}", "Mandatory variable 'missing'  not defined."},
		{"{{ 'z' | extract(conf) | mandatory }}", "Mandatory variable 'z'  not defined."},
		{"{{ [] | first | mandatory }}", "Mandatory variable  not defined."},
		{"{{ missing | mandatory | default(1) }}", "Mandatory variable 'missing'  not defined."},
		{"{{ missing | mandatory('set it') }}", "set it"},
		{"{{ 'x' | hash('crc') }}", `unsupported hash type "crc"`},
		{"{{ 'x' | dict2items }}", "dict2items requires a dictionary"},
		{"{{ 'x' | regex_search('(?<=a)b') }}", "invalid regular expression"},
		{"{{ 'nope' | from_json }}", "from_json: invalid JSON"},
		{"{{ 1 | nosuchfilter }}", "filter 'nosuchfilter' not found"},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			_, err := Render(tc.tmpl, filterVars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render(%q) error = %v, want it to contain %q", tc.tmpl, err, tc.want)
			}
		})
	}
}
