package jinja

import (
	"reflect"
	"testing"
)

func TestCallableInVars(t *testing.T) {
	q := Callable(func(args []any, kw map[string]any) (any, error) { return []any{args, kw}, nil })
	got, err := Render("{{ q('x', 1, wantlist=True) }}", map[string]any{"q": q})
	want := []any{[]any{"x", 1}, map[string]any{"wantlist": true}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Callable in vars = %#v, %v; want %#v", got, err, want)
	}
}
