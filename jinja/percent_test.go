package jinja

import (
	"strings"
	"testing"
)

// TestPercent checks Python's % operator, printf-style formatting and the
// numeric modulo; every expected value was printed by Jinja2 3.1 (Python 3.11).
func TestPercent(t *testing.T) {
	vars := map[string]any{"n": 3, "a": "x", "b": "y", "x": 1, "d": map[string]any{"x": "pi", "y": 3.14159}}
	tests := []struct{ tmpl, want string }{
		{"{{ '%s-%d' % ('a', 3) }}", "a-3"},
		{"{{ '%(x)s=%(y)05.1f' % {'x': 'pi', 'y': 3.14159} }}", "pi=003.1"},
		{"{{ '%(x)s is %(y).2f' % d }}", "pi is 3.14"},
		{"{{ '%5s|%-5s|' % ('ab', 'cd') }}", "   ab|cd   |"},
		{"{{ '%.2f %f %e %g' % (2.5, 1, 12345.678, 0.00001234) }}", "2.50 1.000000 1.234568e+04 1.234e-05"},
		{"{{ '%x %X %o %#x %#o' % (255, 255, 8, 255, 8) }}", "ff FF 10 0xff 0o10"},
		{"{{ '%r %s' % ('it', None) }}", "'it' None"},
		{"{{ '100%% %s' % true }}", "100% True"},
		{"{{ '%d' % 3.9 }}", "3"},
		{"{{ '%i|%+d|% d|%03d' % (-7, 5, 5, 7) }}", "-7|+5| 5|007"},
		{"{{ 'host-%02d' % n }}", "host-03"},
		{"{{ '%s' % [1, 'a'] }}", "[1, 'a']"},
		{"{{ '%s' % {'a': 1} }}", "{'a': 1}"},
		{"{{ 'no args' % {'a': 1} }}", "no args"},
		{"{{ '%*d|%-*d|' % (4, 1, 3, 2) }}", "   1|2  |"},
		{"{{ '%c%c' % (72, 'i') }}", "Hi"},
		{"{{ '%s' % ('a',) }}", "a"},
		{"{{ '%.3s' % 'abcdef' }}", "abc"},
		{"{{ '%s' % 2.0 }} {{ '%s' % 0.1 }}", "2.0 0.1"},
		{"{{ '%s' % 'a' % () }}", "a"},
		{"{{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }}", "1 2 -2 1.5 0.5"},
		{"{{ 1 + 10 % 4 * 2 }}", "5"},
		{"{{ 'a' ~ '%s' % 'b' ~ 'c' }}", "abc"},
		{"{{ ('%s:%s' % ('a', 'b')) | upper }}", "A:B"},
		{"{{ '%s|%5.1f' % (x, 2) if x else 'none' }}", "1|  2.0"},
		{"{% set v = '%s.%s' % (a, b) %}{{ v }}", "x.y"},
		{"{% if '%d' % n == '3' %}yes{% endif %}", "yes"},
		{"{% for i in [1, 2] %}{{ 'i=%d;' % i }}{% endfor %}", "i=1;i=2;"},
		{"{{ ['%s' % a, '%d' % n] | join(',') }}", "x,3"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			got, err := RenderString(tt.tmpl, vars)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if v, err := Render("{{ '%d%%' % 50 }}", nil); v != "50%" || err != nil {
		t.Errorf("native: got %#v, %v", v, err)
	}
	if v, err := Render("{{ 9 % 4 }}", nil); v != 1 || err != nil {
		t.Errorf("native modulo: got %#v, %v", v, err)
	}
}

// TestPercentErrors checks Python's messages for what it refuses.
func TestPercentErrors(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"{{ '%s %s' % ('a',) }}", "not enough arguments for format string"},
		{"{{ '%s' % ('a', 'b') }}", "not all arguments converted during string formatting"},
		{"{{ 'abc' % 5 }}", "not all arguments converted during string formatting"},
		{"{{ '%d' % 'x' }}", "%d format: a real number is required, not str"},
		{"{{ '%x' % 1.5 }}", "%x format: an integer is required, not float"},
		{"{{ '%f' % 'x' }}", "must be real number, not str"},
		{"{{ '%(k)s' % ('a',) }}", "format requires a mapping"},
		{"{{ '%(k)s' % {'j': 1} }}", "KeyError: 'k'"},
		{"{{ 'ab%y' % 1 }}", "unsupported format character 'y' (0x79) at index 3"},
		{"{{ 5 % 0 }}", "integer modulo by zero"},
		{"{{ 5.0 % 0 }}", "float modulo"},
		{"{{ [1] % 2 }}", "unsupported operand type(s) for %: 'list' and 'int'"},
		{"{{ '%s' % nope }}", "'nope' is undefined"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			_, err := RenderString(tt.tmpl, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}
