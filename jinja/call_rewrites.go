package jinja

import (
	"reflect"
	"slices"

	"github.com/nikolalohinski/gonja/v2/nodes"
)

// Rewrites of call nodes after parsing (see rewriteIn).

var (
	callType     = reflect.TypeFor[*nodes.Call]()
	dictNodeType = reflect.TypeFor[*nodes.Dict]()
)

// methodParent gives a method call on a parenthesized expression its object:
// gonja's parser reads `(d | combine(e)).items` itself and leaves the call
// without the Parent its evaluator calls the method on, so every
// `(...).method()` failed with "... is not callable".
func methodParent(c *nodes.Call) {
	if get, ok := c.Func.(*nodes.GetAttribute); ok && c.Parent == nil {
		c.Parent = get.Node
	}
}

// kwargsDict turns dict(b=1, a=2) into the literal {'b': 1, 'a': 2}, which
// keeps the keys in the order written, as Python does: gonja hands keyword
// arguments over in a map. The order is the order of the values in the
// source. Nil when v is another node, or a dict() call with positional
// arguments (those stay calls, their keywords sorted).
func kwargsDict(v reflect.Value) *nodes.Dict {
	if v.Type() != callType {
		return nil
	}
	c := v.Interface().(*nodes.Call)
	name, ok := c.Func.(*nodes.Name)
	if !ok || name.Name.Val != "dict" || len(c.Args) > 0 || len(c.Kwargs) == 0 {
		return nil
	}
	pairs := make([]*nodes.Pair, 0, len(c.Kwargs))
	for k, x := range c.Kwargs {
		at := x.Position()
		if at == nil {
			return nil
		}
		pairs = append(pairs, &nodes.Pair{Key: &nodes.String{Location: at, Val: k}, Value: x})
	}
	slices.SortFunc(pairs, func(a, b *nodes.Pair) int { return a.Value.Position().Pos - b.Value.Position().Pos })
	return &nodes.Dict{Token: c.Location, Pairs: pairs}
}
