package jinja

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// json_query (community.general) on the interpreter of jmespath.go.

func init() {
	registerFilters(map[string]filterFunc{"json_query": filterJSONQuery})
	jpFunctions = jpBuiltins() // here: the functions call back into jpEval
}

func filterJSONQuery(_ *exec.Evaluator, in any, a args) (any, error) {
	expr := a.str(0, "expr", "")
	node, err := jpParse(expr)
	if err != nil {
		return nil, fmt.Errorf("json_query: %w", err)
	}
	out, err := jpEval(node, in)
	if err != nil {
		return nil, fmt.Errorf("json_query %q: %w", expr, err)
	}
	return out, nil
}

// jpTruthy is JMESPath's truth: false, null and empty strings, lists and objects are false.
func jpTruthy(v any) bool {
	switch v.(type) {
	case int, float64:
		return true // even 0
	}
	return pyTruthy(v)
}

// jpCollect evaluates node on each element, dropping nulls (a projection).
func jpCollect(node *jpNode, elements []any) (any, error) {
	out := list{}
	for _, el := range elements {
		v, err := jpEval(node, el)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func jpEval(n *jpNode, v any) (any, error) {
	switch n.kind {
	case "identity":
		return v, nil
	case "literal":
		return n.value, nil
	case "field":
		if d, ok := v.(dict); ok {
			return d[n.value.(string)], nil
		}
		return nil, nil
	case "subexpression", "index_expression", "|":
		var err error
		for _, c := range n.children {
			if v, err = jpEval(c, v); err != nil {
				return nil, err
			}
		}
		return v, nil
	case "index":
		xs, ok := v.(list)
		i := n.value.(int)
		if i < 0 {
			i += len(xs)
		}
		if !ok || i < 0 || i >= len(xs) {
			return nil, nil
		}
		return xs[i], nil
	case "slice":
		xs, ok := v.(list)
		if !ok {
			return nil, nil
		}
		return jpSlice(xs, n.value.([3]any))
	case "projection", "value_projection":
		base, err := jpEval(n.children[0], v)
		if err != nil {
			return nil, err
		}
		switch t := base.(type) {
		case list:
			if n.kind == "projection" {
				return jpCollect(n.children[1], t)
			}
		case dict:
			if n.kind == "value_projection" {
				values := make([]any, 0, len(t))
				for _, k := range keysOf(t) {
					values = append(values, t[k.(string)])
				}
				return jpCollect(n.children[1], values)
			}
		}
		return nil, nil
	case "filter_projection":
		base, err := jpEval(n.children[0], v)
		xs, ok := base.(list)
		if err != nil || !ok {
			return nil, err
		}
		var kept []any
		for _, el := range xs {
			c, err := jpEval(n.children[2], el)
			if err != nil {
				return nil, err
			}
			if jpTruthy(c) {
				kept = append(kept, el)
			}
		}
		return jpCollect(n.children[1], kept)
	case "flatten":
		base, err := jpEval(n.children[0], v)
		xs, ok := base.(list)
		if err != nil || !ok {
			return nil, err
		}
		out := list{}
		for _, el := range xs {
			if inner, ok := el.(list); ok {
				out = append(out, inner...)
			} else {
				out = append(out, el)
			}
		}
		return out, nil
	case "comparator":
		left, err := jpEval(n.children[0], v)
		if err != nil {
			return nil, err
		}
		right, err := jpEval(n.children[1], v)
		if err != nil {
			return nil, err
		}
		return jpCompare(n.value.(string), left, right), nil
	case "||", "&&":
		left, err := jpEval(n.children[0], v)
		if err != nil || jpTruthy(left) == (n.kind == "||") {
			return left, err
		}
		return jpEval(n.children[1], v)
	case "not":
		x, err := jpEval(n.children[0], v)
		return !jpTruthy(x), err
	case "multi_list", "multi_hash":
		if v == nil {
			return nil, nil
		}
		values := make(list, len(n.children))
		for i, c := range n.children {
			x, err := jpEval(c.childOrSelf(), v)
			if err != nil {
				return nil, err
			}
			values[i] = x
		}
		if n.kind == "multi_list" {
			return values, nil
		}
		out := keyorder.NewBuilder[dict](len(values)) // in the expression's order
		for i, c := range n.children {
			out.Set(c.value.(string), values[i])
		}
		return out.Map(), nil
	case "expref":
		return n, nil
	case "function":
		fnArgs := make([]any, len(n.children))
		for i, c := range n.children {
			x, err := jpEval(c, v)
			if err != nil {
				return nil, err
			}
			fnArgs[i] = x
		}
		return jpCall(n.value.(string), fnArgs)
	}
	return nil, fmt.Errorf("unknown node %s", n.kind)
}

// childOrSelf is a multi-select item's expression (a hash pair holds it).
func (n *jpNode) childOrSelf() *jpNode {
	if n.kind == "pair" {
		return n.children[0]
	}
	return n
}

func jpSlice(xs list, parts [3]any) (any, error) {
	step := 1
	if s, ok := parts[2].(int); ok {
		step = s
	}
	if step == 0 {
		return nil, errors.New("slice step cannot be 0")
	}
	bound := func(p any, def int) int {
		i, ok := p.(int)
		if !ok {
			return def
		}
		if i < 0 {
			i += len(xs)
		}
		if step < 0 {
			return max(-1, min(i, len(xs)-1))
		}
		return max(0, min(i, len(xs)))
	}
	out := list{}
	if step > 0 {
		for i := bound(parts[0], 0); i < bound(parts[1], len(xs)); i += step {
			out = append(out, xs[i])
		}
	} else {
		for i := bound(parts[0], len(xs)-1); i > bound(parts[1], -1); i += step {
			out = append(out, xs[i])
		}
	}
	return out, nil
}

// jpCompare: equality on any JSON values, ordering on numbers only (null otherwise).
func jpCompare(op string, a, b any) any {
	switch op {
	case "==":
		return jpEqual(a, b)
	case "!=":
		return !jpEqual(a, b)
	}
	x, ok1 := jpNumber(a)
	y, ok2 := jpNumber(b)
	if !ok1 || !ok2 {
		return nil
	}
	switch op {
	case "<":
		return x < y
	case "<=":
		return x <= y
	case ">":
		return x > y
	}
	return x >= y
}

// jpEqual compares JSON values (true is not 1, as in JMESPath).
func jpEqual(a, b any) bool {
	_, aBool := a.(bool)
	_, bBool := b.(bool)
	if aBool != bBool {
		return false
	}
	return hashKey(a) == hashKey(b)
}

func jpNumber(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case float64:
		return t, true
	}
	return 0, false
}

// jpType is JMESPath's type().
func jpType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int, float64:
		return "number"
	case string:
		return "string"
	case list:
		return "array"
	case dict:
		return "object"
	case *jpNode:
		return "expref"
	}
	return typeName(v)
}

// jpFunction is a JMESPath built-in function and its arity (-1: at least one argument).
type jpFunction struct {
	arity int
	fn    func(a []any) (any, error)
}

// jpFunctions are JMESPath's built-in functions by name.
var jpFunctions map[string]jpFunction

func jpBuiltins() map[string]jpFunction {
	return map[string]jpFunction{
		"abs":         {1, jpMath(math.Abs)},
		"ceil":        {1, jpMath(math.Ceil)},
		"floor":       {1, jpMath(math.Floor)},
		"avg":         {1, jpAvg},
		"sum":         {1, jpSum},
		"contains":    {2, func(a []any) (any, error) { return contains(a[0], a[1]) }},
		"starts_with": {2, func(a []any) (any, error) { return strings.HasPrefix(pyStr(a[0]), pyStr(a[1])), nil }},
		"ends_with":   {2, func(a []any) (any, error) { return strings.HasSuffix(pyStr(a[0]), pyStr(a[1])), nil }},
		"join":        {2, jpJoin},
		"keys":        {1, func(a []any) (any, error) { return jpKeysValues(a[0], true) }},
		"values":      {1, func(a []any) (any, error) { return jpKeysValues(a[0], false) }},
		"length":      {1, jpLength},
		"map":         {2, jpMap},
		"max":         {1, func(a []any) (any, error) { return jpExtreme(a[0], nil, 1) }},
		"min":         {1, func(a []any) (any, error) { return jpExtreme(a[0], nil, -1) }},
		"max_by":      {2, func(a []any) (any, error) { return jpExtreme(a[0], a[1], 1) }},
		"min_by":      {2, func(a []any) (any, error) { return jpExtreme(a[0], a[1], -1) }},
		"merge":       {-1, jpMerge},
		"not_null":    {-1, jpNotNull},
		"reverse":     {1, jpReverse},
		"sort":        {1, func(a []any) (any, error) { return jpSort(a[0], nil) }},
		"sort_by":     {2, func(a []any) (any, error) { return jpSort(a[0], a[1]) }},
		"to_array": {1, func(a []any) (any, error) {
			if xs, ok := a[0].(list); ok {
				return xs, nil
			}
			return list{a[0]}, nil
		}},
		"to_string": {1, func(a []any) (any, error) {
			if s, ok := a[0].(string); ok {
				return s, nil
			}
			return pyJSON(a[0], jsonStyle{indent: -1, itemSep: ",", keySep: ":"}), nil
		}},
		"to_number": {1, jpToNumber},
		"type":      {1, func(a []any) (any, error) { return jpType(a[0]), nil }},
	}
}

func jpCall(name string, a []any) (any, error) {
	f, ok := jpFunctions[name]
	if !ok {
		return nil, fmt.Errorf("unknown function: %s()", name)
	}
	if f.arity >= 0 && len(a) != f.arity || f.arity < 0 && len(a) == 0 {
		return nil, fmt.Errorf("%s() takes %d arguments, got %d", name, max(f.arity, 1), len(a))
	}
	return f.fn(a)
}

func jpArray(v any, fn string) (list, error) {
	xs, ok := v.(list)
	if !ok {
		return nil, fmt.Errorf("%s() expects an array, got %s", fn, jpType(v))
	}
	return xs, nil
}

func jpMath(f func(float64) float64) func(a []any) (any, error) {
	return func(a []any) (any, error) {
		x, ok := jpNumber(a[0])
		if !ok {
			return nil, fmt.Errorf("expected a number, got %s", jpType(a[0]))
		}
		if r := f(x); r == math.Trunc(r) && math.Abs(r) < 1<<53 {
			return int(r), nil
		}
		return f(x), nil
	}
}

func jpSum(a []any) (any, error) {
	xs, err := jpArray(a[0], "sum")
	if err != nil {
		return nil, err
	}
	var total any = 0
	for _, x := range xs {
		if total, err = add(total, x); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func jpAvg(a []any) (any, error) {
	xs, err := jpArray(a[0], "avg")
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	total, err := jpSum(a)
	if err != nil {
		return nil, err
	}
	f, _ := jpNumber(total)
	return f / float64(len(xs)), nil
}

func jpJoin(a []any) (any, error) {
	xs, err := jpArray(a[1], "join")
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("join() expects an array of strings, got %s", jpType(x))
		}
		parts[i] = s
	}
	return strings.Join(parts, pyStr(a[0])), nil
}

func jpKeysValues(v any, keys bool) (any, error) {
	d, ok := v.(dict)
	if !ok {
		return nil, fmt.Errorf("keys() and values() expect an object, got %s", jpType(v))
	}
	out := list{}
	for _, k := range keysOf(d) {
		if keys {
			out = append(out, k)
		} else {
			out = append(out, d[k.(string)])
		}
	}
	return out, nil
}

func jpLength(a []any) (any, error) {
	switch t := a[0].(type) {
	case string:
		return len([]rune(t)), nil
	case list:
		return len(t), nil
	case dict:
		return len(t), nil
	}
	return nil, fmt.Errorf("length() expects a string, array or object, got %s", jpType(a[0]))
}

// jpKey evaluates an expression reference (&expr) on v.
func jpKey(ref any, v any) (any, error) {
	node, ok := ref.(*jpNode)
	if !ok {
		return nil, fmt.Errorf("expected an expression reference (&field), got %s", jpType(ref))
	}
	return jpEval(node.children[0], v)
}

func jpMap(a []any) (any, error) {
	xs, err := jpArray(a[1], "map")
	if err != nil {
		return nil, err
	}
	out := make(list, len(xs))
	for i, x := range xs {
		if out[i], err = jpKey(a[0], x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// jpSortKeys pairs each element with its sort key (the element itself without a reference).
func jpSortKeys(v, ref any, fn string) (xs list, keys []any, err error) {
	if xs, err = jpArray(v, fn); err != nil {
		return nil, nil, err
	}
	keys = make([]any, len(xs))
	for i, x := range xs {
		keys[i] = x
		if ref != nil {
			if keys[i], err = jpKey(ref, x); err != nil {
				return nil, nil, err
			}
		}
		if t := jpType(keys[i]); t != "number" && t != "string" || jpType(keys[i]) != jpType(keys[0]) {
			return nil, nil, fmt.Errorf("%s() needs all numbers or all strings, got %s", fn, t)
		}
	}
	return xs, keys, nil
}

func jpExtreme(v, ref any, sign int) (any, error) {
	xs, keys, err := jpSortKeys(v, ref, "max/min")
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	best := 0
	for i := range xs {
		if compare(keys[i], keys[best], true)*sign > 0 {
			best = i
		}
	}
	return xs[best], nil
}

func jpSort(v, ref any) (any, error) {
	xs, keys, err := jpSortKeys(v, ref, "sort")
	if err != nil {
		return nil, err
	}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return compare(keys[i], keys[j], true) })
	out := make(list, len(xs))
	for i, o := range order {
		out[i] = xs[o]
	}
	return out, nil
}

func jpMerge(a []any) (any, error) {
	out := dict{}
	for _, x := range a {
		d, ok := x.(dict)
		if !ok {
			return nil, fmt.Errorf("merge() expects objects, got %s", jpType(x))
		}
		out = merge(out, d, false, "replace")
	}
	return out, nil
}

func jpNotNull(a []any) (any, error) {
	for _, x := range a {
		if x != nil {
			return x, nil
		}
	}
	return nil, nil
}

func jpReverse(a []any) (any, error) {
	if s, ok := a[0].(string); ok {
		r := []rune(s)
		slices.Reverse(r)
		return string(r), nil
	}
	xs, err := jpArray(a[0], "reverse")
	if err != nil {
		return nil, err
	}
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out, nil
}

func jpToNumber(a []any) (any, error) {
	switch t := a[0].(type) {
	case int, float64:
		return t, nil
	case string:
		v, err := filterFromJSON(nil, t, args{})
		if _, isNum := jpNumber(v); err == nil && isNum {
			return v, nil
		}
	}
	return nil, nil
}
