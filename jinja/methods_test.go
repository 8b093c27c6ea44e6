package jinja

import "testing"

// Expected values are what Python's str methods return.
func TestStrMethods(t *testing.T) {
	vars := map[string]any{"out": "a b  127.0.0.11", "addr": "127.0.0.11", "pad": " a b  c "}
	runRenderCases(t, vars, []renderCase{
		{"{{ out.split(' ')[3] == addr }}", true},
		{"{{ addr == out.split()[2] }}", true},
		{"{{ out.upper() == 'A B  127.0.0.11' }}", true},
		{"{{ out.replace('a', 'x') }}", "x b  127.0.0.11"},
		{"{{ 'aaa'.replace('a', 'b', 2) }}", "bba"},
		{"{{ out.split() | type_debug }}", "list"},
		{"{{ pad.split() }}", []any{"a", "b", "c"}},
		{"{{ pad.split(None, 1) }}", []any{"a", "b  c "}},
		{"{{ 'a,b,c'.split(',', 1) }}", []any{"a", "b,c"}},
		{"{{ 'a,b,c'.split(sep=',', maxsplit=0) }}", []any{"a,b,c"}},
		{"{{ pad.rsplit(None, 1) }}", []any{" a b", "c"}},
		{"{{ pad.rsplit() }}", []any{"a", "b", "c"}},
		{"{{ 'a,b,c'.rsplit(',', 1) }}", []any{"a,b", "c"}},
		{"{{ 'xxhixx'.strip('x') }}", "hi"},
		{"{{ '  hi \n'.strip() }}", "hi"},
		{"{{ ' hi '.lstrip() }}", "hi "},
		{"{{ ' hi '.rstrip() }}", " hi"},
		{"{{ 'a=b'.partition('=') | list }}", []any{"a", "=", "b"}},
		{"{{ 'aab'.count('a') }}", 2},
		{"{{ 'abcab'.count('ab', 1) }}", 1},
		{"{{ 'abcab'.count('ab', -2) }}", 1},
		{"{{ 'ab'.center(6) }}", "  ab  "},
		{"{{ 'ab'.ljust(4) }}", "ab  "},
		{"{{ 'ab'.rjust(4, '*') }}", "**ab"},
	})
}
