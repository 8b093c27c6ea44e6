package runner

import (
	"reflect"
	"testing"
)

// Expectations are what ansible-playbook 2.14 passes to a module.
func TestWithoutOmit(t *testing.T) {
	o := omitToken
	for _, tc := range []struct {
		in   any
		want any
		kept bool
	}{
		{o, nil, false},
		{"x", "x", true},
		{3, 3, true},
		{map[string]any{"a": o, "b": 1, "n": map[string]any{"e": o}}, map[string]any{"b": 1, "n": map[string]any{}}, true},
		{[]any{o, map[string]any{"c": o, "d": 2}, []any{o}}, []any{o, map[string]any{"d": 2}, []any{o}}, true},
	} {
		got, kept := withoutOmit(tc.in)
		if kept != tc.kept || (kept && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("withoutOmit(%v) = %v, %v; want %v, %v", tc.in, got, kept, tc.want, tc.kept)
		}
	}
}
