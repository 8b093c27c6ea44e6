package jinja

import (
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
// goes through a filter that lists the keys (for k in d) or the (key, value)
// pairs (gonja's own `for k, v in d`) in order.
func parseFor(p, args *parser.Parser) (nodes.ControlStructure, error) {
	cs, err := gonjaFor(p, args)
	if err != nil {
		return nil, err
	}
	loop := cs.(*gonjatags.ForControlStructure)
	name := forKeysFilter
	if loop.Value != "" {
		name = forPairsFilter
	}
	loop.ObjectEvaluator = &nodes.FilteredExpression{
		Expression: loop.ObjectEvaluator,
		Filters:    []*nodes.FilterCall{{Token: loop.ObjectEvaluator.Position(), Name: name}},
	}
	return loop, nil
}

// The filters parseFor adds; templates cannot name them (not identifiers).
const (
	forKeysFilter  = "for-keys"
	forPairsFilter = "for-pairs"
)

var (
	dictKeys  = dictWalk(func(k string, _ func(string) any) any { return k })
	dictPairs = dictWalk(func(k string, get func(string) any) any { return tuple{k, get(k)} })
)

func init() {
	register(forKeysFilter, asFilter(dictKeys))
	register(forPairsFilter, asFilter(dictPairs))
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
