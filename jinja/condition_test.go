package jinja

import (
	"errors"
	"testing"
)

func TestConditionErrorWordsItAsAnsible(t *testing.T) {
	_, undefined := EvalBool("nope", map[string]any{})
	tests := []struct {
		err  error
		want string
	}{
		{&ConditionError{"nope", undefined}, "The conditional check 'nope' failed. The error was: error while evaluating conditional (nope): 'nope' is undefined. 'nope' is undefined"},
		{&ConditionError{"x |", errors.New("syntax")}, "The conditional check 'x |' failed. The error was: syntax"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
