package jinja

import (
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
)

// tuple is a Python tuple: what zip, product, zip_longest, subelements,
// splitext and dict.items() return. It behaves as a list but prints as
// Python does, ('a', 1), because Ansible shows str() of such values in
// messages and templates. It leaves the engine as a plain []any.
type tuple []any

// String implements fmt.Stringer: gonja prints values through it.
func (t tuple) String() string { return pyRepr(t) }

// GetItem implements exec.ItemGetter with Python's negative indexes.
func (t tuple) GetItem(key any) (*exec.Value, bool) { return list(t).GetItem(key) }

// GetAttribute implements exec.AttributeGetter: tuples have no attributes.
func (t tuple) GetAttribute(name string) (*exec.Value, bool) {
	return exec.AsValue(missingAttribute("tuple", name)), false
}

// gonja evaluates a tuple literal, (1, 2), and a list literal, [1, 2], to
// its own list, and a dict literal to its own dict, which print as Python's
// do not (None comes out empty, strings unescaped). literalCall wraps each
// literal in a filter (rewriteOperators) that makes it the engine's tuple,
// list or dict.

func init() {
	register("__tuple", literalFilter(func(xs []any) any { return tuple(xs) }))
	register("__list", literalFilter(func(xs []any) any { return list(xs) }))
	register("__dict", func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
		if d, ok := in.Interface().(*exec.Dict); ok {
			return exec.AsValue(wrap(d))
		}
		return in
	})
}

// literalCall is the filter call that replaces a tuple or list literal.
func literalCall(n nodes.Expression) nodes.Expression {
	switch l := n.(type) {
	case *nodes.Tuple:
		return &nodes.FilteredExpression{Expression: l, Filters: []*nodes.FilterCall{{Token: l.Location, Name: "__tuple"}}}
	case *nodes.List:
		return &nodes.FilteredExpression{Expression: l, Filters: []*nodes.FilterCall{{Token: l.Location, Name: "__list"}}}
	case *nodes.Dict:
		return &nodes.FilteredExpression{Expression: l, Filters: []*nodes.FilterCall{{Token: l.Token, Name: "__dict"}}}
	}
	return nil
}

// literalFilter converts gonja's evaluated literal. An element that failed
// (an undefined variable) stays in it as the error it is: only using it
// fails, as in Jinja ([a] | length is 1), and embeddedError finds it in a
// rendered value.
func literalFilter(build func([]any) any) exec.FilterFunction {
	return func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
		values, ok := in.Interface().(exec.ValuesList)
		if in.IsError() || !ok {
			return in
		}
		xs := make([]any, len(values))
		for i, v := range values {
			if v.IsError() {
				xs[i] = v
			} else {
				xs[i] = wrap(v.Interface())
			}
		}
		return exec.AsValue(build(xs))
	}
}

// tupleRepr is repr(t): (1, 2), (1,) and ().
func tupleRepr(t tuple) string {
	parts := make([]string, len(t))
	for i, x := range t {
		parts[i] = pyRepr(x)
	}
	if len(t) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
