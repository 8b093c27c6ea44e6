package jinja

import (
	"errors"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// embeddedError finds an error held inside a rendered list: `{{ [a, 1] }}`
// with a undefined builds a list that holds the error instead of failing,
// where Jinja (and Ansible) fail on the undefined element. (A dict literal
// fails by itself.)
func embeddedError(v any) error {
	switch t := v.(type) {
	case *exec.Value: // before error: a Value has an Error method
		if t.IsError() {
			return errors.New(t.Error())
		}
		return embeddedError(t.Interface())
	case error:
		return t
	case list:
		return embeddedError([]any(t))
	case tuple:
		return embeddedError([]any(t))
	case []any:
		for _, x := range t {
			if err := embeddedError(x); err != nil {
				return err
			}
		}
	case exec.ValuesList:
		for _, x := range t {
			if err := embeddedError(x); err != nil {
				return err
			}
		}
	}
	return nil
}
