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
// arguments over in a map. Nil when v is another node or not such a call.
func kwargsDict(v reflect.Value) *nodes.Dict {
	c, ok := dictCall(v)
	if !ok || len(c.Args) > 0 {
		return nil
	}
	return orderedKwargs(c)
}

// kwargsAfterPositional turns dict(d, b=1, a=2) into a call of dictUpdated
// with d and the literal {'b': 1, 'a': 2}, for the same reason.
func kwargsAfterPositional(c *nodes.Call) {
	if _, ok := dictCall(reflect.ValueOf(c)); !ok || len(c.Args) == 0 {
		return
	}
	if kw := orderedKwargs(c); kw != nil {
		name := *c.Func.(*nodes.Name).Name
		name.Val = dictUpdatedName
		c.Func = &nodes.Name{Name: &name}
		c.Args = append(c.Args, kw)
		c.Kwargs = nil
	}
}

// dictCall reports whether v is a call of dict with keyword arguments.
func dictCall(v reflect.Value) (*nodes.Call, bool) {
	if v.Type() != callType {
		return nil, false
	}
	c := v.Interface().(*nodes.Call)
	name, ok := c.Func.(*nodes.Name)
	return c, ok && name.Name.Val == "dict" && len(c.Kwargs) > 0
}

// orderedKwargs is a call's keyword arguments as a dict literal, in the
// order of the values in the source; nil when a value has no position.
func orderedKwargs(c *nodes.Call) *nodes.Dict {
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
