package jinja

import (
	"errors"
	"fmt"
)

// ConditionError is a condition (when, until, changed_when, failed_when,
// assert's that) that could not be evaluated, with Ansible's message: an
// undefined variable is named twice, as Conditional._check_conditional wraps
// AnsibleUndefinedVariable ("error while evaluating conditional").
type ConditionError struct {
	Cond string
	Err  error
}

func (e *ConditionError) Error() string {
	var u *UndefinedError
	if errors.As(e.Err, &u) {
		return fmt.Sprintf("The conditional check '%s' failed. The error was: error while evaluating conditional (%s): %s", e.Cond, e.Cond, u.Twice())
	}
	return fmt.Sprintf("The conditional check '%s' failed. The error was: %v", e.Cond, e.Err)
}

func (e *ConditionError) Unwrap() error { return e.Err }

// Twice is how Ansible 2.14 reports an undefined variable: the message
// twice (its exception's text and the original one's).
func (e *UndefinedError) Twice() string { return e.Msg + ". " + e.Msg }
