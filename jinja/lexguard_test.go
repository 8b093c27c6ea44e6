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

// String literals inside {{ }} of a playbook string keep their backslashes,
// as Ansible's escape_backslashes makes them (str: what ansible-playbook 2.14
// printed for the same text after YAML); in template files (and {% %}) they
// keep the escapes Python keeps and decode the ones Python decodes, as Jinja
// does (file).
func TestStringLiteralEscapes(t *testing.T) {
	cases := []struct{ src, str, file string }{
		{`{{ "a\.b" }}`, `a\.b`, `a\.b`},
		{`{{ '\d+\s' }}`, `\d+\s`, `\d+\s`},
		{`{{ "x\\1" }}`, `x\\1`, `x\1`},
		{`{{ "tab\there" }}`, `tab\there`, "tab\there"},
		{`{{ "\x41\u00e9" }}`, `\x41\u00e9`, "Aé"},
		{`{{ "C:\Users" }}`, `C:\Users`, ""},
		{`{{ "x" | regex_replace("(x)", "<\1>") }}`, "<x>", "<x>"},
		{`{{ "git version 2.39.5" | regex_replace("^.*?([0-9\.]+)$", "\1") }}`, "2.39.5", "2.39.5"},
		{`{{ "git version 2.39.5" | regex_replace("^.*?([0-9\.]+)$", "\\1") }}`, `\1`, "2.39.5"},
		{`{{ "v1.2" | regex_replace("^v([0-9\.]+)$", "\1") is version("1.10", "<") }}`, "True", "True"},
		{`{% if "a.b" is match("a\.b") %}dot{% endif %} \. outside`, `dot \. outside`, `dot \. outside`},
		{`{% set x = "a\tb" %}{{ x }}`, "a\tb", "a\tb"},
	}
	for _, c := range cases {
		got, err := RenderString(c.src, map[string]any{})
		if err != nil || got != c.str {
			t.Errorf("string %s = %q, %v; want %q", c.src, got, err, c.str)
		}
		if c.file == "" {
			continue // "\U" starts an escape Jinja cannot decode in a file
		}
		got, err = RenderFile(c.src, nil, FileOptions(), map[string]any{})
		if err != nil || got != c.file {
			t.Errorf("file %s = %q, %v; want %q", c.src, got, err, c.file)
		}
	}
}

// A bare condition is evaluated inside {% if %} by Ansible: its literals
// decode their escapes ("a\nb" | length is 3 in a `when:`).
func TestConditionLiteralEscapes(t *testing.T) {
	for _, cond := range []string{`"a\nb" | length == 3`, `"x\\1" | length == 3`} {
		ok, err := EvalBool(cond, map[string]any{})
		if err != nil || !ok {
			t.Errorf("EvalBool(%s) = %v, %v; want true", cond, ok, err)
		}
	}
	if v, err := Eval(`"a\nb" | length`, nil); err != nil || v != 4 {
		t.Errorf(`Eval("a\nb" | length) = %v, %v; want 4 (debug var's value in ansible-playbook 2.14)`, v, err)
	}
}
