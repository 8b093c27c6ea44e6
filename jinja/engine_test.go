package jinja

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/nikolalohinski/gonja/v2/exec"
)

var engineVars = map[string]any{
	"n":     3,
	"f":     1.5,
	"yes":   true,
	"s":     "text",
	"num":   "5",
	"l":     []any{1, "two", map[string]any{"k": "v"}},
	"m":     map[string]any{"a": map[string]any{"b": []any{10, 20}}, "nil": nil},
	"typed": []string{"x", "y"},
	"i64":   int64(7),
	"items": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}},
	// lazy variables
	"greeting":  "hello {{ s }}",
	"twice":     "{{ greeting }}, {{ greeting }}",
	"nested":    map[string]any{"list": []any{"{{ n + 1 }}", "plain"}, "str": "{{ s | upper }}"},
	"native":    "{{ l }}",
	"loopA":     "{{ loopB }}",
	"loopB":     "{{ loopA }}",
	"self":      "{{ self_ref }}",
	"self_ref":  "x{{ self_ref }}",
	"broken":    "{{ not_defined_anywhere }}",
	"badsyntax": "{{ oops( }}",
}

func TestRenderNative(t *testing.T) {
	runRenderCases(t, engineVars, []renderCase{
		{"no template here", "no template here"},
		{"{ not: a template }", "{ not: a template }"},
		{"{{ n }}", 3},
		{"  {{ n }}\n", "  3\n"}, // surrounding text makes it a string
		{"{{ f }}", 1.5},
		{"{{ yes }}", true},
		{"{{ s }}", "text"},
		{"{{ num }}", "5"},
		{"{{ none }}", nil},
		{"{{ m.nil }}", nil},
		{"{{ l }}", []any{1, "two", map[string]any{"k": "v"}}},
		{"{{ m }}", map[string]any{"a": map[string]any{"b": []any{10, 20}}, "nil": nil}},
		{"{{ typed }}", []any{"x", "y"}},
		{"{{ i64 }}", 7},
		{"{{ m.a.b[1] }}", 20},
		{"{{ m['a']['b'][0] }}", 10},
		{"{{ l[-1].k }}", "v"},
		{"{{ n }}{{ n }}", "33"},
		{"n={{ n }}", "n=3"},
		{"{{ l | length }} items", "3 items"},
		{"{{ n + 1 }}", 4},
		{"{{ n * 2 }}", 6},
		{"{{ 's' ~ n }}", "s3"},
		{"{{ 'a' in ['a'] }}", true},
		{"{{ 'yes' if yes else 'no' }}", "yes"},
		{"{{ 'yes' if not yes else 'no' }}", "no"},
		{"{{ [n, s] }}", []any{3, "text"}},
		{"{{ {'k': n} }}", map[string]any{"k": 3}},
		{"{{ s.upper() }}", "TEXT"},
		{"{{ s.startswith('te') }}", true},
		// Methods of a parenthesized expression's value (geerlingguy.pip), as Ansible 2.14 renders them.
		{"{{ (s | default('x')).endswith('xt') }}", true},
		{"{{ (undefined_here | default('python3')).endswith('python2') }}", false},
		{"{{ (s | upper).lower() }}", "text"},
		{"{{ ('a' ~ s).startswith('aa') }}", false},
		{"{{ (l | first | string).upper() }}", "1"},
		{"{# comment #}x", "x"},
		{"{% for i in range(3) %}{{ i }}{% endfor %}", "012"},
		{"{% for x in items %}{{ loop.index }}:{{ x.name }}{% if not loop.last %},{% endif %}{% endfor %}", "1:a,2:b"},
		{"{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}", "a=1"},
		{"{% set x = n * 2 %}{{ x }}", "6"},
		{"{% if n > 2 %}big{% else %}small{% endif %}", "big"},
		{"{{ missing | default(n) }}", 3},
		{"{{ missing.attr | default(n) }}", 3},
		{"{{ m.a.zz | default([]) }}", []any{}},
		// lazy variables
		{"{{ greeting }}", "hello text"},
		{"{{ twice }}", "hello text, hello text"},
		{"{{ nested }}", map[string]any{"list": []any{4, "plain"}, "str": "TEXT"}},
		{"{{ nested.list[0] + 1 }}", 5},
		{"{{ native | length }}", 3},
		{"{{ broken | default('fallback') }}", "fallback"},
		{"{{ s }}", "text"}, // broken and badsyntax are never rendered
		{"{{ m.broken | default(1) }}", 1},
		{"{% for broken in [1, 2] %}{{ broken }}{% endfor %}", "12"},
	})
}

func TestRenderString(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"{{ n }}", "3"},
		{"{{ yes }}", "True"},
		{"{{ l }}", "[1, 'two', {'k': 'v'}]"},
		{"line {{ n }}\n", "line 3\n"},
		{"a\n{% if yes %}\nb\n{% endif %}\nc\n", "a\nb\nc\n"},
		{"  {%- if yes -%}  x  {%- endif %}\n", "x"},
		{"{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}\n", "1\n2\n"},
		{"{% if '2.1' is version('2.0', '>=') and l is not contains(9) %}new{% endif %}", "new"},
		{"{{ items | selectattr('name', 'equalto', 'b') | map(attribute='name') | join }}", "b"},
		{"{% set ns = namespace(n=0) %}{% for i in l %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}", "3"},
		{"{{ 'a' }}\r\n{{ 'b' }}", "a\nb"},
		{"plain\n", "plain\n"},
	} {
		got, err := RenderString(tc.tmpl, engineVars)
		if err != nil || got != tc.want {
			t.Errorf("RenderString(%q) = %q, %v; want %q", tc.tmpl, got, err, tc.want)
		}
	}
}

func TestRenderValue(t *testing.T) {
	in := map[string]any{
		"name": "{{ s }}",
		"list": []any{"{{ n }}", 2, map[string]any{"deep": "{{ yes }}"}},
		"raw":  "no template",
	}
	got, err := RenderValue(in, engineVars)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "text", "list": []any{3, 2, map[string]any{"deep": true}}, "raw": "no template"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RenderValue = %#v, want %#v", got, want)
	}
	if in["name"] != "{{ s }}" {
		t.Errorf("RenderValue modified its input: %#v", in)
	}
}

func TestUndefined(t *testing.T) {
	for _, tc := range []struct{ tmpl, name, msg string }{
		{"{{ nope }}", "nope", "'nope' is undefined"},
		{"x {{ nope }} y", "nope", "'nope' is undefined"},
		{"{{ m.zz }}", "zz", "'dict object' has no attribute 'zz'"},
		{"{{ m['zz'] }}", "zz", "'dict object' has no attribute 'zz'"},
		{"{{ m.a.zz.b }}", "zz", "'dict object' has no attribute 'zz'"},
		{"{{ l[9] }}", "9", "list object has no element 9"},
		{"{{ nope + 1 }}", "nope", "'nope' is undefined"},
		{"{{ nope | upper }}", "nope", "'nope' is undefined"},
		{"{% for i in nope %}{% endfor %}", "nope", "'nope' is undefined"},
		{"{% for x in items %}{{ x.zz }}{% endfor %}", "zz", "'dict object' has no attribute 'zz'"},
		{"{{ broken }}", "not_defined_anywhere", "'not_defined_anywhere' is undefined"},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			_, err := Render(tc.tmpl, engineVars)
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("Render(%q) error = %v, want an *UndefinedError", tc.tmpl, err)
			}
			if ue.Name != tc.name || ue.Msg != tc.msg {
				t.Errorf("UndefinedError = %+v, want Name %q Msg %q", ue, tc.name, tc.msg)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), tc.tmpl) {
				t.Errorf("error %q should name the problem and the template", err)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"{{ loopA }}", "recursive loop detected in template string: {{ loopB }}"},
		{"{{ self_ref }}", "recursive loop detected in template string: x{{ self_ref }}"},
		{"{{ self }}", "recursive loop detected"},
		{"{{ oops( }}", "template syntax error"},
		{"{% if %}", "template syntax error"},
		{"{% for x in l %}", "template syntax error"},
		{"{{ badsyntax }}", "template syntax error"},
		{"{{ n | nosuch }}", "filter 'nosuch' not found"},
		{"{% include 'other.j2' %}", "not supported"},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			_, err := Render(tc.tmpl, engineVars)
			var te *Error
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render(%q) error = %v, want a *jinja.Error containing %q", tc.tmpl, err, tc.want)
			}
		})
	}
}

func TestEval(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want any
	}{
		{"n", 3},
		{"missing | default(1)", 1},
		{"items[1].name", "b"},
		{"l", []any{1, "two", map[string]any{"k": "v"}}},
		{"greeting", "hello text"},
	} {
		got, err := Eval(tc.expr, engineVars)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Eval(%q) = %#v, %v; want %#v", tc.expr, got, err, tc.want)
		}
	}
}

func TestEvalBool(t *testing.T) {
	vars := map[string]any{"t": true, "sno": "no", "syes": "yes", "sfalse": "False", "word": "word",
		"empty": []any{}, "full": map[string]any{"a": 1}, "zero": 0, "result": map[string]any{"changed": true}}
	for expr, want := range map[string]bool{
		"t":                        true,
		"not t":                    false,
		"sno":                      false,
		"syes":                     true,
		"sfalse":                   false,
		"word":                     true,
		"empty":                    false,
		"full":                     true,
		"zero":                     false,
		"result is changed":        true,
		"missing is defined":       false,
		"missing is not defined":   true,
		"zero == 0 and t":          true,
		"{{ t }}":                  true,
		"  {{ sno }}  ":            false,
		"full.a == 1":              true,
		"'a' in full":              true,
		"missing | default(false)": false,
	} {
		got, err := EvalBool(expr, vars)
		if err != nil || got != want {
			t.Errorf("EvalBool(%q) = %v, %v; want %v", expr, got, err, want)
		}
	}
	var ue *UndefinedError
	if _, err := EvalBool("missing", vars); !errors.As(err, &ue) {
		t.Errorf("EvalBool(missing) error = %v, want *UndefinedError", err)
	}
}

func TestTruthy(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{nil, false}, {true, true}, {false, false}, {0, false}, {2, true}, {0.0, false}, {0.1, true},
		{"", false}, {"no", false}, {"OFF", false}, {"0", false}, {"false", false}, {"yes", true}, {"x", true},
		{[]any{}, false}, {[]any{0}, true}, {map[string]any{}, false}, {map[string]any{"a": nil}, true},
	} {
		if got := Truthy(tc.v); got != tc.want {
			t.Errorf("Truthy(%#v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestRegisterGlobal(t *testing.T) {
	RegisterGlobal("test_lookup", func(params *exec.VarArgs) (any, error) {
		if len(params.Args) != 2 {
			return nil, fmt.Errorf("test_lookup wants 2 arguments, got %d", len(params.Args))
		}
		return params.Args[0].String() + ":" + params.Args[1].String(), nil
	})
	got, err := Render("{{ test_lookup('env', s) }}", engineVars)
	if err != nil || got != "env:text" {
		t.Errorf("global call = %#v, %v; want env:text", got, err)
	}
	RegisterGlobal("test_query", Func(func(args []any, kwargs map[string]any) (any, error) {
		return []any{args, kwargs}, nil
	}))
	got, err = Render("{{ test_query('x', l[2], wantlist=true) }}", engineVars)
	want := []any{[]any{"x", map[string]any{"k": "v"}}, map[string]any{"wantlist": true}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Func global = %#v, %v; want %#v", got, err, want)
	}
	vars := map[string]any{"fn": func(s string) string { return s + "!" }}
	if got, err := Render("{{ fn('hi') }}", vars); err != nil || got != "hi!" {
		t.Errorf("function in vars = %#v, %v; want hi!", got, err)
	}
	var ue *UndefinedError
	if _, err := Render("{{ test_query(nope) }}", engineVars); !errors.As(err, &ue) {
		t.Errorf("undefined argument error = %v, want *UndefinedError", err)
	}
}

func TestVarsUntouched(t *testing.T) {
	vars := map[string]any{"m": map[string]any{"a": 1}, "t": "{{ m }}"}
	if _, err := Render("{% set m = 2 %}{{ t }}{{ m }}", vars); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vars, map[string]any{"m": map[string]any{"a": 1}, "t": "{{ m }}"}) {
		t.Errorf("vars changed: %#v", vars)
	}
}

func TestConcurrentRenders(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vars := map[string]any{"g": g, "name": "{{ 'host' ~ g }}", "l": []any{1, 2, 3}}
			for range 50 {
				got, err := Render("{% for i in l %}{{ name }}-{{ i }} {% endfor %}", vars)
				want := strings.Repeat("", 0)
				for i := 1; i <= 3; i++ {
					want += fmt.Sprintf("host%d-%d ", g, i)
				}
				if err != nil || got != want {
					errs <- fmt.Errorf("goroutine %d: got %q, %v; want %q", g, got, err, want)
					return
				}
				if ok, err := EvalBool("g is number and l | length == 3", vars); err != nil || !ok {
					errs <- fmt.Errorf("goroutine %d: EvalBool = %v, %v", g, ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func benchVars() map[string]any {
	vars := make(map[string]any, 500)
	for i := range 500 {
		vars[fmt.Sprintf("var%d", i)] = fmt.Sprintf("value %d", i)
	}
	vars["x"] = "hello"
	return vars
}

func BenchmarkRenderPlain(b *testing.B) {
	vars := benchVars()
	for b.Loop() {
		if _, err := Render("/etc/nginx/nginx.conf", vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderExpression(b *testing.B) {
	vars := benchVars()
	for b.Loop() {
		if _, err := Render("{{ x }}", vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderText(b *testing.B) {
	vars := benchVars()
	for b.Loop() {
		if _, err := Render("server {{ x }} {{ var1 | upper }};", vars); err != nil {
			b.Fatal(err)
		}
	}
}
