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
	// Msg is the message to print (default "Hello world!"); any type.
	Msg any `arg:"msg"`
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
	if d.Msg != nil && d.Var != "" {
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
	case d.Msg != nil:
		result["msg"] = d.Msg
	default:
		result["msg"] = "Hello world!"
	}
	return &Plan{Result: result}, nil
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
