package jinja

import "testing"

var testVars = map[string]any{
	"nul":     nil,
	"changed": map[string]any{"changed": true, "failed": false},
	"failed":  map[string]any{"changed": false, "failed": true},
	"skipped": map[string]any{"skipped": true, "changed": false},
	"loop":    map[string]any{"results": []any{map[string]any{"changed": false}, map[string]any{"changed": true}}},
	"obj":     map[string]any{"a": 1, "n": nil},
}

func TestTests(t *testing.T) {
	var cases []renderCase
	for tmpl, want := range map[string]bool{
		"missing is defined":                           false,
		"missing is undefined":                         true,
		"nul is defined":                               true,
		"obj.a is defined":                             true,
		"obj.zz is defined":                            false,
		"obj.zz is not defined":                        true,
		"obj.n is none":                                true,
		"obj.a is none":                                false,
		"changed is changed":                           true,
		"failed is changed":                            false,
		"failed is failed":                             true,
		"changed is failed":                            false,
		"changed is succeeded":                         true,
		"failed is success":                            false,
		"skipped is skipped":                           true,
		"changed is skipped":                           false,
		"loop is changed":                              true,
		"'foobar' is match('foo')":                     true,
		"'foobar' is match('bar')":                     false,
		"'foobar' is search('bar')":                    true,
		"'FOO' is search('foo', ignorecase=true)":      true,
		"'foobar' is regex('o+b')":                     true,
		"'foobar' is regex('bar', match_type='match')": false,
		"2 is in([1, 2])":                              true,
		"2 is in [1, 2]":                               true,
		"'1.2.10' is version('1.2.9', '>')":            true,
		"'1.2.10' is version('1.2.9', 'lt')":           false,
		"'2.0' is version('2.0', '==')":                true,
		"'2.0' is version('2.0')":                      true,
		"'1.0' is version('2.0', operator='ne')":       true,
		"'1.9' is version_compare('1.10', '<=')":       true,
		"'1.0rc1' is version('1.0', '>=')":             true,
		"'x' is string":                                true,
		"1 is string":                                  false,
		"missing is string":                            false,
		"1 is number":                                  true,
		"1.5 is number":                                true,
		"'1' is number":                                false,
		"1 is integer":                                 true,
		"1.5 is integer":                               false,
		"1.5 is float":                                 true,
		"obj is mapping":                               true,
		"[1] is mapping":                               false,
		"'x' is iterable":                              true,
		"1 is iterable":                                false,
		"[1] is sequence":                              true,
		"true is boolean":                              true,
		"1 is boolean":                                 false,
		"true is true":                                 true,
		"1 is true":                                    false,
		"false is false":                               true,
		"0 is false":                                   false,
		"'x' is truthy":                                true,
		"'' is truthy":                                 false,
		"'no' is truthy(convert_bool=true)":            false,
		"[] is falsy":                                  true,
		"1 is equalto(1)":                              true,
		"1 is == 1":                                    true,
		"1 is eq 2":                                    false,
		"1 is ne 2":                                    true,
		"[1, 2] is subset([1, 2, 3])":                  true,
		"[1, 4] is subset([1, 2, 3])":                  false,
		"[1, 2, 3] is superset([2])":                   true,
		"[1, 2] is contains(2)":                        true,
		"[1, 2] is not contains(3)":                    true,
		"3 is odd":                                     true,
		"4 is divisibleby 2":                           true,
		"'1.2.10' is version('1.2.9', '>') and obj is mapping": true,
		"not missing is defined":                               true,
	} {
		cases = append(cases, renderCase{"{{ " + tmpl + " }}", want})
	}
	runRenderCases(t, testVars, cases)
}

func TestTestErrors(t *testing.T) {
	for _, tmpl := range []string{
		"{{ 'x' is changed }}",
		"{{ '1' is version('2', 'newer') }}",
		"{{ 1 is nosuchtest }}",
	} {
		if _, err := Render(tmpl, testVars); err == nil {
			t.Errorf("Render(%q) succeeded, want an error", tmpl)
		}
	}
}
