package modules

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"play/jinja"
	"play/modules/modtest"
)

// localCase is one run of a controller-side module: its args, the task's
// variables, and the result or failure expected.
type localCase struct {
	name    string
	module  string
	args    map[string]any
	vars    map[string]any
	want    map[string]any // the plan's Result
	failMsg string         // a *Failure with this msg
	failRes map[string]any // keys the failure's result must hold
	err     string         // another error starting with this
}

// runLocalCases plans each case with no host: a controller module that
// touched it would panic.
func runLocalCases(t *testing.T, cases []localCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := planLocal(tc.module, tc.args, tc.vars)
			var f *Failure
			switch {
			case tc.err != "":
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
			case tc.failMsg != "":
				if !errors.As(err, &f) || f.Msg != tc.failMsg {
					t.Fatalf("error = %#v, want failure %q", err, tc.failMsg)
				}
				for k, v := range tc.failRes {
					if !reflect.DeepEqual(f.Result[k], v) {
						t.Errorf("failure %s = %#v, want %#v", k, f.Result[k], v)
					}
				}
			case err != nil:
				t.Fatalf("error: %v", err)
			case p.Changed() || !reflect.DeepEqual(p.Result, tc.want):
				t.Errorf("changed %v, result %#v, want %#v", p.Changed(), p.Result, tc.want)
			}
		})
	}
}

func planLocal(module string, args, vars map[string]any) (*Plan, error) {
	info, ok := Lookup(module)
	if !ok || !info.Local {
		return nil, errors.New(module + " is not a local module")
	}
	m, err := New(module, args)
	if err != nil {
		return nil, err
	}
	return m.Plan(context.Background(), &Env{Ctl: &jinjaController{modtest.Controller{Vars: vars}}, HostName: "web1"})
}

// jinjaController evaluates expressions with play/jinja, as the runner's
// controller does.
type jinjaController struct{ modtest.Controller }

func (c *jinjaController) Eval(expr string) (any, error)      { return jinja.Eval(expr, c.Vars) }
func (c *jinjaController) EvalBool(expr string) (bool, error) { return jinja.EvalBool(expr, c.Vars) }

func TestDebug(t *testing.T) {
	vars := map[string]any{"port": 8080, "users": []any{"a", "b"}}
	runLocalCases(t, []localCase{
		{name: "default", module: "debug", want: map[string]any{"msg": "Hello world!", "_verbose_always": true}},
		{name: "null msg stays null (ansible-playbook 2.14 prints \"msg\": null)", module: "debug", args: map[string]any{"msg": nil},
			want: map[string]any{"msg": nil, "_verbose_always": true}},
		{name: "msg keeps its type", module: "ansible.builtin.debug", args: map[string]any{"msg": []any{"x", 1}},
			want: map[string]any{"msg": []any{"x", 1}, "_verbose_always": true}},
		{name: "var", module: "debug", args: map[string]any{"var": "users"}, vars: vars,
			want: map[string]any{"users": []any{"a", "b"}, "_verbose_always": true}},
		{name: "undefined var", module: "debug", args: map[string]any{"var": "nope"}, vars: vars,
			want: map[string]any{"nope": "VARIABLE IS NOT DEFINED!", "_verbose_always": true}},
		{name: "undefined var with -v", module: "debug", args: map[string]any{"var": "nope"}, vars: map[string]any{"ansible_verbosity": 1},
			want: map[string]any{"nope": "VARIABLE IS NOT DEFINED!: 'nope' is undefined", "_verbose_always": true}},
		{name: "undefined attribute", module: "debug", args: map[string]any{"var": "r.stdout"}, vars: map[string]any{"r": map[string]any{}},
			want: map[string]any{"r.stdout": "VARIABLE IS NOT DEFINED!", "_verbose_always": true}},
		{name: "expression", module: "debug", args: map[string]any{"var": "port + 1"}, vars: vars,
			want: map[string]any{"port + 1": 8081, "_verbose_always": true}},
		{name: "syntax error fails", module: "debug", args: map[string]any{"var": "1 +"}, err: "debug var '1 +': "},
		{name: "verbosity", module: "debug", args: map[string]any{"msg": "hi", "verbosity": "2"},
			want: map[string]any{"msg": "hi", "_verbosity": 2, "_verbose_always": true}},
		{name: "msg and var", module: "debug", args: map[string]any{"msg": "a", "var": "b"}, err: "'msg' and 'var' are incompatible options"},
	})
}
