package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"play/jinja"
)

func init() {
	Register(Info{Name: "assert", New: func() Module { return &Assert{} }, Local: true})
}

// Assert checks conditions on the controller and fails at the first false one.
type Assert struct {
	// That is one condition or a list, written like `when:` (the runner
	// leaves them untemplated).
	That []any `arg:"that,required"`
	// FailMsg is the failure message, a string or a list of strings
	// (default "Assertion failed").
	FailMsg any `arg:"fail_msg" aliases:"msg"`
	// SuccessMsg is the message when all pass (default "All assertions passed").
	SuccessMsg any `arg:"success_msg"`
	// Quiet keeps the result out of the output unless -v.
	Quiet bool `arg:"quiet"`
}

// Validate checks the conditions are there and the messages are strings
// or lists of strings.
func (a *Assert) Validate() error {
	if len(a.That) == 0 {
		return errors.New(`conditional required in "that" string`)
	}
	for _, c := range a.That {
		if _, ok := c.(string); !ok {
			return fmt.Errorf("assert that: %v is a %s, not a condition string", c, typeName(c))
		}
	}
	for name, m := range map[string]any{"fail_msg or msg": a.FailMsg, "success_msg": a.SuccessMsg} {
		if _, err := messageText(m); err != nil {
			return Failf("Incorrect type for %s, expected a string or list and got %s", name, typeName(m))
		}
	}
	return nil
}

// messageText reads a message that is a string or a list of strings.
func messageText(m any) (string, error) {
	switch x := m.(type) {
	case nil, string:
		s, _ := x.(string)
		return s, nil
	case []any:
		lines, err := ToStringList(x)
		return strings.Join(lines, "\n"), err
	}
	return "", fmt.Errorf("%v is not a string", m)
}

// Plan evaluates each condition in order.
func (a *Assert) Plan(_ context.Context, env *Env) (*Plan, error) {
	result := map[string]any{}
	if !a.Quiet {
		result["_verbose_always"] = true
	}
	for _, c := range a.That {
		cond := c.(string)
		ok, err := env.Ctl.EvalBool(cond)
		if err != nil {
			return nil, &jinja.ConditionError{Cond: cond, Err: err}
		}
		if !ok {
			result["assertion"], result["evaluated_to"] = cond, false
			msg := "Assertion failed"
			if a.FailMsg != nil {
				result["msg"] = a.FailMsg
				msg, _ = messageText(a.FailMsg)
			}
			return nil, &Failure{Msg: msg, Result: result}
		}
	}
	result["msg"] = "All assertions passed"
	if a.SuccessMsg != nil {
		result["msg"] = a.SuccessMsg
	}
	return &Plan{Result: result}, nil
}

var _ Validator = (*Assert)(nil)
