package playbooks

import (
	"reflect"
	"testing"
)

// The expected maps are what Ansible 2.14's parse_kv returns for the input.
func TestSplitKV(t *testing.T) {
	tests := []struct {
		in       string
		freeForm bool
		want     map[string]any
	}{
		{"src=a dest=b", false, map[string]any{"src": "a", "dest": "b"}},
		{"dest='v 2' mode=0644", false, map[string]any{"dest": "v 2", "mode": "0644"}},
		{`msg="{{ a | default('x y') }}"`, false, map[string]any{"msg": "{{ a | default('x y') }}"}},
		{`msg={{ a | default("x y") }}`, false, map[string]any{"msg": `{{ a | default("x y") }}`}},
		{"a=b=c", false, map[string]any{"a": "b=c"}},
		{`content="line1\nline2"`, false, map[string]any{"content": "line1\nline2"}},
		{`path=a\=b`, false, map[string]any{"path": `a\=b`}},
		{"echo hi chdir=/tmp creates=/x", true, map[string]any{"chdir": "/tmp", "creates": "/x", "_raw_params": "echo hi"}},
		{"echo a=b chdir=/tmp", true, map[string]any{"chdir": "/tmp", "_raw_params": "echo a=b"}},
		{"echo a=b", false, map[string]any{"a": "b", "_raw_params": "echo"}},
		{"ls  -l   /tmp", true, map[string]any{"_raw_params": "ls  -l   /tmp"}},
		{`echo 'a  b' "c d"`, true, map[string]any{"_raw_params": `echo 'a  b' "c d"`}},
		{`printf '%s\n' x | wc -l`, true, map[string]any{"_raw_params": `printf '%s\n' x | wc -l`}},
		{"line1\nline2 x=y", false, map[string]any{"x": "y", "_raw_params": "line1\nline2"}},
		{"msg='it''s'", false, map[string]any{"msg": "it''s"}},
		{"", false, map[string]any{}},
		{`a='' b=""`, false, map[string]any{"a": "", "b": ""}},
		{"echo {% if x %}y{% endif %}", true, map[string]any{"_raw_params": "echo {% if x %}y{% endif %}"}},
		{"key = value", false, map[string]any{"_raw_params": "key = value"}},
	}
	for _, tt := range tests {
		got, err := SplitKV(tt.in, tt.freeForm)
		if err != nil {
			t.Errorf("SplitKV(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitKV(%q, %v) = %#v, want %#v", tt.in, tt.freeForm, got, tt.want)
		}
	}
}

func TestSplitKVUnbalanced(t *testing.T) {
	for _, in := range []string{`echo "hi`, "msg={{ x", "a='b c", "{% if x"} {
		if _, err := SplitKV(in, false); err == nil {
			t.Errorf("SplitKV(%q): no error for unbalanced quotes or braces", in)
		}
	}
}
