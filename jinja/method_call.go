package jinja

import (
	"reflect"

	"github.com/nikolalohinski/gonja/v2/nodes"
)

var callType = reflect.TypeFor[*nodes.Call]()

// methodParent gives a method call on a parenthesized expression its object:
// gonja's parser reads `(d | combine(e)).items` itself and leaves the call
// without the Parent its evaluator calls the method on, so every
// `(...).method()` failed with "... is not callable".
func methodParent(c *nodes.Call) {
	if get, ok := c.Func.(*nodes.GetAttribute); ok && c.Parent == nil {
		c.Parent = get.Node
	}
}
