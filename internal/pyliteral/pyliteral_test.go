package pyliteral

import (
	"reflect"
	"slices"
	"testing"

	"play/internal/keyorder"
)

func TestParseJSONNames(t *testing.T) {
	for _, tt := range []struct {
		in        string
		jsonNames bool
		want      any
		ok        bool
	}{
		{`{"a": true, "b": [null, false]}`, true, map[string]any{"a": true, "b": []any{nil, false}}, true},
		{`{"a": true}`, false, nil, false},
		{`[True, None]`, true, []any{true, nil}, true},
		{`{'k': 'v'}` + "\n", false, map[string]any{"k": "v"}, true},
		{`trueish`, true, nil, false},
		{`[1, 2] x`, true, nil, false},
	} {
		got, ok := Parse(tt.in, tt.jsonNames)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q, %v) = %#v, %v; want %#v, %v", tt.in, tt.jsonNames, got, ok, tt.want, tt.ok)
		}
	}
}

// A dict keeps its keys' order, as Python's (an INI inventory's
// x="{'z': 1, 'a': 2}" iterates z first in Ansible).
func TestDictKeepsOrder(t *testing.T) {
	v, ok := Parse("{'z': 1, 'a': {'y': 2, 'b': 3}, 'm': 4}", false)
	if !ok {
		t.Fatal("not parsed")
	}
	m := v.(map[string]any)
	if got := keyorder.Keys(m); !slices.Equal(got, []string{"z", "a", "m"}) {
		t.Errorf("keys %q, want [z a m]", got)
	}
	if got := keyorder.Keys(m["a"].(map[string]any)); !slices.Equal(got, []string{"y", "b"}) {
		t.Errorf("inner keys %q, want [y b]", got)
	}
}
