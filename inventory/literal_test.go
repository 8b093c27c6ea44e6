package inventory

import (
	"reflect"
	"testing"
)

// The expected values are Python's ast.literal_eval results (a failure
// keeps the string, as Ansible's ini plugin does).
func TestPythonLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"5", 5},
		{"-5", -5},
		{"+5", 5},
		{" 7", 7},
		{"-  3", -3},
		{"1.5", 1.5},
		{"-1.5", -1.5},
		{"1e3", 1000.0},
		{"0.1e-2", 0.001},
		{".5", 0.5},
		{"5.", 5.0},
		{"1_000", 1000},
		{"0x1F", 31},
		{"0o17", 15},
		{"0b101", 5},
		{"00", 0},
		{"010", "010"},
		{"1__0", "1__0"},
		{"1e", "1e"},
		{"1.2.3", "1.2.3"},
		{"inf", "inf"},
		{"True", true},
		{"False", false},
		{"None", nil},
		{"true", "true"},
		{"yes", "yes"},
		{"Trueish", "Trueish"},
		{"'a'", "a"},
		{`"a" 'b'`, "ab"},
		{`'a\nb'`, "a\nb"},
		{`'a\qb'`, `a\qb`},
		{"'unterminated", "'unterminated"},
		{"[1, 'a']", []any{1, "a"}},
		{"[1,]", []any{1}},
		{"[True, None]", []any{true, nil}},
		{"[1, 2", "[1, 2"},
		{"()", []any{}},
		{"(1)", 1},
		{"(1,2)", []any{1, 2}},
		{"{}", map[string]any{}},
		{"{1: 2, 'k': [None]}", map[string]any{"1": 2, "k": []any{nil}}},
		{"{'a': 1,}", map[string]any{"a": 1}},
		{"{1, 2}", []any{1, 2}},
		{"{k:1}", "{k:1}"},
		{"1 # c", 1},
		{"1+2", "1+2"},
		{"abc", "abc"},
		{"hello world", "hello world"},
		{"/srv/a b", "/srv/a b"},
		{"-", "-"},
		{".", "."},
		{"", ""},
	}
	for _, tc := range tests {
		if got := pythonLiteral(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("pythonLiteral(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

// shlex.split(line, comments=True) results from Python.
func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`web1 a=1  b=2`, []string{"web1", "a=1", "b=2"}},
		{`web1 a="x y" b='p q'`, []string{"web1", "a=x y", "b=p q"}},
		{`web1 a="x \"q\" \n"`, []string{"web1", `a=x "q" \n`}},
		{`web1 a='x \ y'`, []string{"web1", `a=x \ y`}},
		{`web1 a=x\ y`, []string{"web1", "a=x y"}},
		{`web1 a=b#c d=e`, []string{"web1", "a=b"}},
		{`web1 a="b#c" # comment`, []string{"web1", "a=b#c"}},
		{`web1 j='"1"'`, []string{"web1", `j="1"`}},
		{`a""b`, []string{"ab"}},
		{`""`, []string{""}},
	}
	for _, tc := range tests {
		got, err := shlexSplit(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("shlexSplit(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := shlexSplit(`a="b`); err == nil {
		t.Error(`shlexSplit(a="b) did not fail`)
	}
}
