package jinja

import (
	"strings"
	"testing"
)

// Expected values are Python's (Jinja2 3.1) for the same expressions.
func TestMultiply(t *testing.T) {
	vars := map[string]any{"x": "ab", "l": []any{1, 2}}
	cases := []struct{ src, want string }{
		{"{{ 3 * 4 }}", "12"},
		{"{{ 3 * 0.5 }}", "1.5"},
		{"{{ x * 3 }}", "ababab"},
		{"{{ 2 * x }}", "abab"},
		{"{{ x * -1 }}", ""},
		{"{{ l * 2 }}", "[1, 2, 1, 2]"},
		{"{{ '-' * 10 }}", "----------"},
		{"{{ true * 3 }}", "3"},
	}
	for _, c := range cases {
		got, err := RenderString(c.src, vars)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.src, got, err, c.want)
		}
	}
	for src, want := range map[string]string{
		"{{ x * 6666666610 }}": "too large",
		"{{ l * 99999999 }}":   "too large",
		"{{ l * 600000 }}":     "too large",
		"{{ x * 'y' }}":        "unsupported operand type(s) for *: 'str' and 'str'",
	} {
		if _, err := RenderString(src, vars); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", src, err, want)
		}
	}
}
