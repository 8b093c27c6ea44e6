package jinja

import "testing"

// FuzzRender feeds arbitrary templates to the engine: errors are fine,
// panics and hangs are not.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"{{ x }}", "{{ x | default('d') | upper }}", "{% for i in l %}{{ i }}{% endfor %}",
		"{{ d.a.b is defined }}", "{{ l | map(attribute='n') | list }}", "{{ '%s' % x }}", "{{", "{% if %}", "{{ x is version('1.0', '>=') }}",
		"{{ 0.0.\U000c925f }}", // hung gonja's lexer (see checkNumberDot)
	} {
		f.Add(seed)
	}
	vars := map[string]any{"x": "v", "l": []any{1, map[string]any{"n": 2}}, "d": map[string]any{"a": map[string]any{"b": nil}}, "lazy": "{{ x }}"}
	f.Fuzz(func(t *testing.T, tmpl string) {
		// Templates are trusted code: two nested loops over range(100000)
		// legitimately run for hours. Short inputs keep that class out of the
		// brief CI run while still covering the parser and filters.
		if len(tmpl) > 64 {
			t.Skip("longer templates may legitimately run for a long time")
		}
		_, _ = Render(tmpl, vars)
		_, _ = EvalBool(tmpl, vars)
	})
}
