package jinja

import (
	"strings"
	"testing"
	"time"
)

// Inputs that made gonja's lexer loop forever (found by FuzzRender) fail
// fast; look-alikes that lex fine are left alone.
func TestNumberDotNonASCII(t *testing.T) {
	cases := []struct {
		src, err string // err "" = must not be refused by the guard
	}{
		{"{{ 0.0.\U000c925f }}", "cannot be parsed"},
		{"{{ 0.0.😀 }}", `"0.0.😀"`},
		{"{{ 1.é }}", `"1.é"`},
		{"{% if 2.é %}{% endif %}", "cannot be parsed"},
		{"{{ \xa60.Ｆ }}", "cannot be parsed"}, // invalid UTF-8 does not continue a name
		{"{{ é0.Ｆ }}", ""},                    // a letter does
		{"Version 1.é outside tags", ""},
		{"{{ 'v1.é' }}", ""},
		{`{{ "1.\"é" ~ x1.é }}`, ""},
		{"{{ 1.5 }} 2.é", ""},
		{"{{ x | default(1.0) }}", ""},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- checkNumberDot(c.src) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("hangs")
			}
			if c.err == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("got %v, want an error containing %q", err, c.err)
			}
			if _, rerr := RenderString(c.src, map[string]any{}); rerr == nil || !strings.Contains(rerr.Error(), c.err) {
				t.Fatalf("RenderString: %v", rerr)
			}
		})
	}
}

// String literals keep the escapes Python keeps (regular expressions in
// regex_replace) and decode the ones Python decodes, as Jinja does.
func TestStringLiteralEscapes(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{{ "a\.b" }}`, `a\.b`},
		{`{{ '\d+\s' }}`, `\d+\s`},
		{`{{ "x\\1" }}`, `x\1`},
		{`{{ "tab\there" }}`, "tab\there"},
		{`{{ 'it\'s' ~ "\"q\"" }}`, `it's"q"`},
		{`{{ "\x41\u00e9" }}`, "Aé"},
		{`{{ "x" | regex_replace("(x)", "<\1>") }}`, "<x>"},
		{`{{ "git version 2.39.5" | regex_replace("^.*?([0-9\.]+)$", "\\1") }}`, "2.39.5"},
		{`{{ "v1.2" | regex_replace("^v([0-9\.]+)$", "\\1") is version("1.10", "<") }}`, "True"},
		{`{% if "a.b" is match("a\.b") %}dot{% endif %} \. outside`, `dot \. outside`},
	}
	for _, c := range cases {
		got, err := RenderString(c.src, map[string]any{})
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}
