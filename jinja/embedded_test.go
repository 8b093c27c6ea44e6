package jinja

import (
	"errors"
	"testing"
)

// An undefined element of a list literal fails the render, as in Jinja; an
// undefined value used only through a filter that does not look at it does
// not ([a] | length is 1 in Ansible too).
func TestUndefinedInsideListLiteral(t *testing.T) {
	cases := []struct {
		src  string
		want any // nil: must fail with an UndefinedError for a
	}{
		{"{{ [a, 1] }}", nil},
		{"{{ [1, [a]] }}", nil},
		{"{{ [[a]] }}", nil},
		{"{{ {'k': a} }}", nil},
		{"{{ [a] | length }}", 1},
		{"{{ [b, 1] }}", []any{2, 1}},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			got, err := Render(c.src, map[string]any{"b": 2})
			if c.want == nil {
				var ue *UndefinedError
				if !errors.As(err, &ue) || ue.Name != "a" {
					t.Fatalf("got %#v, %v; want 'a' is undefined", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(PyStr(got)) == 0 || PyStr(got) != PyStr(c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}
