package jinja

import (
	"slices"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
)

// In Jinja an undefined value is a value: `'b' | extract(d) | default('z')`
// gives 'z' when d has no 'b', because extract returns an Undefined that only
// fails when something uses it. gonja represents undefined as an error value
// and stops a filter chain at the first error, so only the first filter of a
// chain ever sees it. splitUndefinedChains cuts each chain after the filters
// that return undefined instead of failing (undefinedResults): the next filter
// then receives the undefined value, and `default`, `mandatory` or a test
// handle it while any other filter passes it on as the error it is.

// undefinedResults are the filters that return Jinja's Undefined: a missing
// key or attribute (environment.getitem / getattr) and the first, last, min
// or max of an empty sequence.
var undefinedResults = map[string]bool{"extract": true, "attr": true, "first": true, "last": true, "min": true, "max": true}

// splitUndefinedChains rewrites f in place: `x | extract(d) | default('z')`
// becomes `(x | extract(d)) | default('z')`.
func splitUndefinedChains(f *nodes.FilteredExpression) {
	for i, call := range f.Filters[:max(len(f.Filters)-1, 0)] {
		if undefinedResults[call.Name] {
			f.Expression = &nodes.FilteredExpression{Expression: f.Expression, Filters: slices.Clone(f.Filters[:i+1])}
			f.Filters = slices.Clone(f.Filters[i+1:])
			splitUndefinedChains(f)
			return
		}
	}
}

func init() {
	register("first", emptyUndefined(builtinFilter("first"), "No first item, sequence was empty."))
	register("last", emptyUndefined(builtinFilter("last"), "No last item, sequence was empty."))
	register("map", mapFailing(builtinFilter("map")))
}

// builtinFilter is gonja's own filter name, which ours wrap; it walks a
// dict in insertion order (see walkingKeys).
func builtinFilter(name string) exec.FilterFunction {
	fn, ok := builtins.Filters.Get(name)
	if !ok {
		panic("gonja has no filter " + name)
	}
	return walkingKeys(fn)
}

// emptyUndefined makes first/last return Jinja's undefined for an empty
// sequence (gonja returns "").
func emptyUndefined(fn exec.FilterFunction, msg string) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		if !in.IsError() && (in.CanSlice() || in.IsDict()) && in.Len() == 0 {
			return exec.AsValue(&UndefinedError{Msg: msg})
		}
		return fn(e, in, params)
	}
}

// mapFailing fails map when the mapped filter fails on an item (gonja keeps
// the error as the item): Jinja raises as the list is built.
func mapFailing(fn exec.FilterFunction) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		out := fn(e, in, params)
		if out.IsError() {
			return out
		}
		if xs, ok := out.Interface().([]any); ok {
			for _, x := range xs {
				if v, ok := x.(*exec.Value); ok && v.IsError() {
					return v
				}
				if err, ok := x.(error); ok {
					return exec.AsValue(err)
				}
			}
		}
		return out
	}
}
