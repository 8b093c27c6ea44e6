package modules

import (
	"context"
	"errors"
	"fmt"

	"play/jinja"
)

func init() {
	Register(Info{Name: "debug", New: func() Module { return &Debug{} }, Local: true})
}

// Debug prints a message or a variable's value. It never touches the host.
type Debug struct {
	// Msg is the message to print (default "Hello world!"); any type, null
	// included (printed as null, like Ansible).
	Msg given `arg:"msg"`
	// Var is an expression (the runner leaves it untemplated) whose value
	// is printed as {"<var>": value}.
	Var string `arg:"var"`
	// Verbosity is the -v level from which the result is shown. The module
	// returns it as "_verbosity"; the runner reports the task skipped below
	// that level, as Ansible does.
	Verbosity int `arg:"verbosity"`
}

// Validate rejects msg and var together, with Ansible's message.
func (d *Debug) Validate() error {
	if d.Msg.set && d.Var != "" {
		return errors.New("'msg' and 'var' are incompatible options")
	}
	return nil
}

// Plan evaluates the message or variable on the controller.
func (d *Debug) Plan(_ context.Context, env *Env) (*Plan, error) {
	// _verbose_always: the runner prints the result even without -v.
	result := map[string]any{"_verbose_always": true}
	if d.Verbosity > 0 {
		result["_verbosity"] = d.Verbosity
	}
	switch {
	case d.Var != "":
		v, err := evalVar(env.Ctl, d.Var)
		if err != nil {
			return nil, err
		}
		result[d.Var] = v
	case d.Msg.set:
		result["msg"] = d.Msg.value
	default:
		result["msg"] = "Hello world!"
	}
	return &Plan{Result: result}, nil
}

// given is an argument of any type that remembers being given, so an
// explicit null differs from an absent argument.
type given struct {
	set   bool
	value any
}

func (g *given) DecodeArg(v any) error {
	g.set, g.value = true, v
	return nil
}

// notDefined is what debug prints for an undefined variable.
const notDefined = "VARIABLE IS NOT DEFINED!"

// evalVar evaluates debug's var; an undefined variable gives notDefined
// (with the reason from -v on), any other error fails the task.
func evalVar(ctl Controller, expr string) (any, error) {
	v, err := ctl.Eval(expr)
	if err == nil {
		return v, nil
	}
	var undefined *jinja.UndefinedError
	if !errors.As(err, &undefined) {
		return nil, fmt.Errorf("debug var '%s': %w", expr, err)
	}
	if level, _ := ctl.Var("ansible_verbosity"); level != nil && level != 0 {
		return notDefined + ": " + undefined.Msg, nil
	}
	return notDefined, nil
}

var _ Validator = (*Debug)(nil)
