package jinja

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

func init() {
	operatorFilters[tokens.Multiply] = "__mul"
	register("__mul", multiply)
}

// maxRepeat and maxRepeatItems bound what `text * n` and `list * n` may
// build: Python would try (and fail with MemoryError on "x" * 6666666610); a
// template never needs more. A list item costs far more than a character
// (an interface, then its printed form), hence the lower bound.
const (
	maxRepeat      = 16 << 20
	maxRepeatItems = 1 << 20
)

// multiply is Python's `*`: numbers multiply (int by int stays int), a
// string or list times an int repeats it.
func multiply(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	right := params.Args[0]
	if right.IsError() {
		return right
	}
	a, b := wrap(in.Interface()), wrap(right.Interface())
	if n, ok := b.(int); ok {
		if r, ok := repeat(a, n); ok {
			return r
		}
	}
	if n, ok := a.(int); ok {
		if r, ok := repeat(b, n); ok {
			return r
		}
	}
	xf, xInt, ok1 := number(a)
	yf, yInt, ok2 := number(b)
	switch {
	case !ok1 || !ok2:
		return exec.AsValue(fmt.Errorf("unsupported operand type(s) for *: '%s' and '%s'", typeName(a), typeName(b)))
	case xInt && yInt:
		return exec.AsValue(int(xf) * int(yf))
	}
	return exec.AsValue(xf * yf)
}

// repeat is seq * n for a string or list seq; ok is false for other types.
func repeat(seq any, n int) (*exec.Value, bool) {
	n = max(n, 0)
	switch s := seq.(type) {
	case string:
		if n > 0 && len(s) > maxRepeat/n {
			return exec.AsValue(fmt.Errorf("repeating a string of %d characters %d times is too large", len(s), n)), true
		}
		return exec.AsValue(strings.Repeat(s, n)), true
	case list:
		if n > 0 && len(s) > maxRepeatItems/n {
			return exec.AsValue(fmt.Errorf("repeating a list of %d items %d times is too large", len(s), n)), true
		}
		out := make([]any, 0, len(s)*n)
		for range n {
			out = append(out, s...)
		}
		return exec.AsValue(slices.Clip(out)), true
	}
	return nil, false
}
