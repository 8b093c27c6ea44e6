package jinja

import (
	"fmt"

	gonjatags "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"

	"play/internal/keyorder"
)

// gonjaFor is gonja's {% for %} parser, which parseFor wraps.
var gonjaFor, _ = gonjatags.All.Get("for")

// parseFor parses a {% for %} whose dict iterates in insertion order, as a
// Python dict does: gonja walks a Go map's keys sorted, so the loop's object
// goes through a filter that lists the keys in order. `for k, v in x` unpacks
// each item of x as Python does (a dict's keys, so it fails for most dicts),
// where gonja would take a dict's keys and values.
func parseFor(p, args *parser.Parser) (nodes.ControlStructure, error) {
	cs, err := gonjaFor(p, args)
	if err != nil {
		return nil, err
	}
	loop := cs.(*gonjatags.ForControlStructure)
	filters := []*nodes.FilterCall{{Token: loop.ObjectEvaluator.Position(), Name: forKeysFilter}}
	if loop.Value != "" {
		filters = append(filters, &nodes.FilterCall{Token: loop.ObjectEvaluator.Position(), Name: forPairsFilter})
	}
	loop.ObjectEvaluator = &nodes.FilteredExpression{Expression: loop.ObjectEvaluator, Filters: filters}
	return loop, nil
}

// recursiveLoopKeys makes a recursive loop's `loop(d)` walk d's keys in
// insertion order too: gonja hands the argument to the loop unfiltered.
// Outside a recursive loop, loop(...) fails whatever its argument.
func recursiveLoopKeys(c *nodes.Call) {
	if name, ok := c.Func.(*nodes.Name); !ok || name.Name.Val != "loop" || len(c.Args) != 1 {
		return
	}
	if f, ok := c.Args[0].(*nodes.FilteredExpression); ok && len(f.Filters) > 0 && f.Filters[0].Name == forKeysFilter {
		return // walked already
	}
	c.Args[0] = &nodes.FilteredExpression{
		Expression: c.Args[0],
		Filters:    []*nodes.FilterCall{{Token: c.Args[0].Position(), Name: forKeysFilter}},
	}
}

// The filters parseFor adds; templates cannot name them (not identifiers).
const (
	forKeysFilter  = "for-keys"
	forPairsFilter = "for-pairs"
)

// unpackPairs makes each item of a `for k, v in` loop's list a pair, as
// Python's unpacking: a 2-item list or tuple, or a 2-character string. It
// fails with Python's ValueError otherwise.
func unpackPairs(in *exec.Value) *exec.Value {
	all, err := items(in.Interface())
	if err != nil {
		return exec.AsValue(err)
	}
	out := make(list, len(all))
	for i, item := range all {
		pair, err := items(item)
		switch {
		case err != nil:
			panic(&ValueError{Msg: fmt.Sprintf("cannot unpack non-iterable %s object", typeName(item))})
		case len(pair) > 2:
			panic(&ValueError{Msg: "too many values to unpack (expected 2)"})
		case len(pair) < 2:
			panic(&ValueError{Msg: fmt.Sprintf("not enough values to unpack (expected 2, got %d)", len(pair))})
		}
		out[i] = tuple(pair)
	}
	return exec.AsValue(out)
}

var (
	dictKeys  = dictWalk(func(k string, _ func(string) any) any { return k })
	dictPairs = dictWalk(func(k string, get func(string) any) any { return tuple{k, get(k)} })
)

func init() {
	register(forKeysFilter, asFilter(dictKeys))
	register(forPairsFilter, asFilter(unpackPairs))
	for _, name := range iteratingFilters {
		register(name, builtinFilter(name))
	}
	gonjaItems := builtinFilter("items") // walks the map in Go's random order
	register("items", func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		if pairs := dictPairs(in); pairs != in {
			return pairs
		}
		return gonjaItems(e, in, params)
	})
}

// iteratingFilters are gonja's filters that iterate their input (first, last
// and map are wrapped again in undefined_chain.go, on builtinFilter too).
var iteratingFilters = []string{"list", "first", "last", "join", "map", "select", "reject", "batch", "slice"}

// walkingKeys gives a gonja filter a dict's keys in insertion order, as
// Python iterates a dict: gonja would walk them sorted (and slice would
// refuse a dict).
func walkingKeys(fn exec.FilterFunction) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		return fn(e, dictKeys(in), params)
	}
}

// dictWalk makes the list Python walks for a dict (or hostvars, or one
// host's, which gonja cannot iterate), one item per key in insertion order;
// other values pass unchanged.
func dictWalk(item func(k string, get func(string) any) any) func(*exec.Value) *exec.Value {
	return func(in *exec.Value) *exec.Value {
		var keys []string
		var get func(string) any
		switch t := in.Interface().(type) {
		case dict:
			keys, get = keyorder.Keys(t), func(k string) any { return t[k] }
		case hostEntry:
			keys = keyorder.Keys(t.vars)
			get = func(k string) any {
				v, _ := t.GetItem(k)
				return v
			}
		case HostVars:
			keys = t.names()
			get = func(k string) any {
				v, _ := t.GetItem(k)
				return v
			}
		default:
			return in
		}
		out := make(list, 0, len(keys))
		for _, k := range keys {
			out = append(out, item(k, get))
		}
		return exec.AsValue(out)
	}
}

func asFilter(f func(*exec.Value) *exec.Value) exec.FilterFunction {
	return func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value { return f(in) }
}
