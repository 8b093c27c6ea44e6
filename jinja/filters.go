package jinja

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// args are a filter's or test's arguments, converted to plain engine values.
type args struct {
	pos []any
	kw  map[string]any
}

func newArgs(params *exec.VarArgs) args {
	a := args{kw: make(map[string]any, len(params.KwArgs))}
	for _, p := range params.Args {
		a.pos = append(a.pos, wrap(p.Interface()))
	}
	for k, p := range params.KwArgs {
		a.kw[k] = wrap(p.Interface())
	}
	return a
}

// get returns the i-th positional argument, else the keyword argument name,
// else def: Python's calling convention.
func (a args) get(i int, name string, def any) any {
	if i >= 0 && i < len(a.pos) {
		return a.pos[i]
	}
	if v, ok := a.kw[name]; ok {
		return v
	}
	return def
}

func (a args) str(i int, name, def string) string { return pyStr(a.get(i, name, def)) }
func (a args) bool(i int, name string) bool       { return pyTruthy(a.get(i, name, false)) }

// filterFunc is an Ansible filter on plain engine values (dict, list, string,
// int, float64, bool, nil). The evaluator is there for filters that call
// other filters or tests by name.
type filterFunc func(e *exec.Evaluator, in any, a args) (any, error)

// adapt turns a filterFunc into a gonja filter: errors in the input
// (undefined variables included) propagate, the result is wrapped back.
func adapt(fn filterFunc) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		out, err := fn(e, wrap(in.Interface()), newArgs(params))
		if err != nil {
			return exec.AsValue(err)
		}
		return exec.AsValue(wrap(out))
	}
}

// undefinedAware filters see undefined input instead of failing on it.
var undefinedAware = map[string]exec.FilterFunction{
	"default":    filterDefault,
	"d":          filterDefault,
	"mandatory":  filterMandatory,
	"__test":     testFilter(true),
	"__test_not": testFilter(false),
}

var filters = map[string]filterFunc{
	"bool":                 func(_ *exec.Evaluator, in any, _ args) (any, error) { return ansibleBool(in), nil },
	"int":                  filterInt,
	"float":                filterFloat,
	"string":               func(_ *exec.Evaluator, in any, _ args) (any, error) { return pyStr(in), nil },
	"sum":                  filterSum,
	"round":                filterRound,
	"min":                  func(e *exec.Evaluator, in any, a args) (any, error) { return extreme(in, a, -1) },
	"max":                  func(e *exec.Evaluator, in any, a args) (any, error) { return extreme(in, a, 1) },
	"unique":               filterUnique,
	"flatten":              filterFlatten,
	"ternary":              filterTernary,
	"selectattr":           func(e *exec.Evaluator, in any, a args) (any, error) { return selectAttr(e, in, a, true) },
	"rejectattr":           func(e *exec.Evaluator, in any, a args) (any, error) { return selectAttr(e, in, a, false) },
	"zip":                  filterZip,
	"type_debug":           func(_ *exec.Evaluator, in any, _ args) (any, error) { return typeName(in), nil },
	"split":                filterSplit,
	"dict2items":           filterDict2Items,
	"items2dict":           filterItems2Dict,
	"combine":              filterCombine,
	"difference":           setFilter(func(inA, inB bool) bool { return inA && !inB }),
	"intersect":            setFilter(func(inA, inB bool) bool { return inA && inB }),
	"union":                setFilter(func(inA, inB bool) bool { return inA || inB }),
	"symmetric_difference": setFilter(func(inA, inB bool) bool { return inA != inB }),
	"to_json":              filterToJSON,
	"to_nice_json":         filterToNiceJSON,
	"tojson":               filterToJSONSafe,
	"from_json":            filterFromJSON,
	"to_yaml": func(_ *exec.Evaluator, in any, a args) (any, error) {
		return toYAML(in, int(toInt(a.get(-1, "indent", 2))), false)
	},
	"to_nice_yaml": func(_ *exec.Evaluator, in any, a args) (any, error) {
		return toYAML(in, int(toInt(a.get(0, "indent", 4))), true)
	},
	"from_yaml":     filterFromYAML,
	"regex_replace": filterRegexReplace,
	"comment":       filterComment,
	"regex_search":  filterRegexSearch,
	"regex_findall": filterRegexFindall,
	"regex_escape":  func(_ *exec.Evaluator, in any, _ args) (any, error) { return regexEscape(pyStr(in)), nil },
	"quote":         func(_ *exec.Evaluator, in any, _ args) (any, error) { return shellQuote(pyStr(in)), nil },
	"basename":      func(_ *exec.Evaluator, in any, _ args) (any, error) { return basename(pyStr(in)), nil },
	"dirname":       func(_ *exec.Evaluator, in any, _ args) (any, error) { return dirname(pyStr(in)), nil },
	"splitext":      func(_ *exec.Evaluator, in any, _ args) (any, error) { return splitext(pyStr(in)), nil },
	"expanduser":    filterExpandUser,
	"b64encode":     filterB64Encode,
	"b64decode":     filterB64Decode,
	"hash":          filterHash,
	"checksum":      func(_ *exec.Evaluator, in any, _ args) (any, error) { return hashHex("sha1", pyStr(in)) },
	"md5":           func(_ *exec.Evaluator, in any, _ args) (any, error) { return hashHex("md5", pyStr(in)) },
	"sha1":          func(_ *exec.Evaluator, in any, _ args) (any, error) { return hashHex("sha1", pyStr(in)) },
}

func init() {
	registerFilters(filters)
	for name, fn := range undefinedAware {
		register(name, fn)
	}
}

// registerFilters registers a group of filters on plain values (each group
// of filters_*.go has its own table).
func registerFilters(group map[string]filterFunc) {
	for name, fn := range group {
		register(name, adapt(fn))
	}
}

// register adds or overrides a filter on the engine's own filter set (gonja's
// package-level builtins stay untouched).
func register(name string, fn exec.FilterFunction) {
	set := environment.Filters
	if set.Exists(name) {
		_ = set.Replace(name, fn)
		return
	}
	_ = set.Register(name, fn)
}

func filterDefault(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	a := newArgs(params)
	fallback := exec.AsValue(a.get(0, "default_value", ""))
	if isUndefined(in) {
		return fallback
	}
	if in.IsError() {
		return in
	}
	if a.bool(1, "boolean") && !pyTruthy(in.Interface()) {
		return fallback
	}
	return in
}

// filterMandatory raises (see FilterError) Ansible's AnsibleFilterError on
// undefined input.
func filterMandatory(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if !isUndefined(in) {
		return in
	}
	if msg, ok := newArgs(params).get(0, "msg", nil).(string); ok {
		panic(&FilterError{Msg: msg})
	}
	err, _ := in.Interface().(error)
	name := ""
	if ue := undefinedIn(err); ue.Name != "" {
		name = "'" + ue.Name + "' " // Ansible's text, two spaces included
	}
	panic(&FilterError{Msg: "Mandatory variable " + name + " not defined."})
}

// testFilter backs `x is name(args)`, rewritten by scan to
// `x | __test('name', args)`; want is false for `is not`.
func testFilter(want bool) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		rest := &exec.VarArgs{Args: params.Args[1:], KwArgs: params.KwArgs}
		res := e.ExecuteTestByName(params.Args[0].String(), in, rest)
		if res.IsError() {
			return res
		}
		return exec.AsValue(res.IsTrue() == want)
	}
}

// ansibleBool is Ansible's `bool` filter.
func ansibleBool(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "yes", "on", "1", "true", "y", "t":
			return true
		}
		return false
	case int:
		return t == 1
	case float64:
		return t == 1
	}
	return false
}

func filterInt(_ *exec.Evaluator, in any, a args) (any, error) {
	def := a.get(0, "default", 0)
	base := int(toInt(a.get(1, "base", 10)))
	switch t := in.(type) {
	case int:
		return t, nil
	case float64:
		return int(t), nil
	case bool:
		if t {
			return 1, nil
		}
		return 0, nil
	case string:
		s := strings.TrimSpace(t)
		if base != 10 {
			s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "0x"), "0o"), "0b")
		}
		if n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), base, 64); err == nil {
			return int(n), nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && base == 10 && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return int(f), nil
		}
	}
	return def, nil
}

func filterFloat(_ *exec.Evaluator, in any, a args) (any, error) {
	switch t := in.(type) {
	case int:
		return float64(t), nil
	case float64:
		return t, nil
	case bool:
		if t {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil {
			return f, nil
		}
	}
	return a.get(0, "default", 0.0), nil
}

// toInt reads a numeric argument.
func toInt(v any) int64 {
	switch t := v.(type) {
	case int:
		return int64(t)
	case float64:
		return int64(t)
	case bool:
		if t {
			return 1
		}
	case string:
		n, _ := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		return n
	}
	return 0
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case float64:
		return t, true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// keysOf lists a mapping's keys, in insertion order, as values.
func keysOf[M ~map[string]V, V any](m M) []any { return stringsAny(keyorder.Keys(m)) }

func stringsAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// items returns a list's elements, a mapping's keys or a string's
// characters: what Python iterates.
func items(v any) ([]any, error) {
	switch t := v.(type) {
	case list:
		return t, nil
	case tuple:
		return t, nil
	case dict:
		return keysOf(t), nil
	case HostVars:
		return stringsAny(t.names()), nil
	case string:
		out := make([]any, 0, len(t))
		for _, r := range t {
			out = append(out, string(r))
		}
		return out, nil
	}
	// gonja's own filters return named slice types (dictsort's pairs are
	// []builtins.tupleValue): walk any slice as Python walks a sequence.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s object is not iterable", typeName(v))
}

func filterSum(_ *exec.Evaluator, in any, a args) (any, error) {
	xs, err := items(in)
	if err != nil {
		return nil, err
	}
	attr := a.get(-1, "attribute", nil)
	total := a.get(-1, "start", 0)
	for _, x := range xs {
		if attr != nil {
			x = attribute(x, pyStr(attr))
		}
		total, err = add(total, x)
		if err != nil {
			return nil, err
		}
	}
	return total, nil
}

func add(a, b any) (any, error) {
	ai, aInt := a.(int)
	bi, bInt := b.(int)
	if aInt && bInt {
		return ai + bi, nil
	}
	af, aok := toFloat(a)
	bf, bok := toFloat(b)
	if !aok || !bok {
		return nil, fmt.Errorf("unsupported operand type(s) for +: '%s' and '%s'", typeName(a), typeName(b))
	}
	return af + bf, nil
}

func filterRound(_ *exec.Evaluator, in any, a args) (any, error) {
	f, ok := toFloat(in)
	if !ok {
		return nil, fmt.Errorf("round expects a number, got %s", typeName(in))
	}
	precision := float64(toInt(a.get(0, "precision", 0)))
	factor := math.Pow(10, precision)
	switch method := a.str(1, "method", "common"); method {
	case "common":
		return math.RoundToEven(f*factor) / factor, nil
	case "floor":
		return math.Floor(f*factor) / factor, nil
	case "ceil":
		return math.Ceil(f*factor) / factor, nil
	default:
		return nil, fmt.Errorf("round method must be 'common', 'ceil' or 'floor', not %q", method)
	}
}

// compare orders two values like Python (numbers numerically, strings
// lexically, case-insensitively unless caseSensitive).
func compare(a, b any, caseSensitive bool) int {
	af, aNum := toFloat(a)
	bf, bNum := toFloat(b)
	if aNum && bNum {
		switch {
		case af < bf:
			return -1
		case af > bf:
			return 1
		}
		return 0
	}
	as, bs := pyStr(a), pyStr(b)
	if !caseSensitive {
		as, bs = strings.ToLower(as), strings.ToLower(bs)
	}
	return strings.Compare(as, bs)
}

// extreme is min (sign -1) and max (sign 1).
func extreme(in any, a args, sign int) (any, error) {
	xs, err := items(in)
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, &UndefinedError{Msg: "No aggregated item, sequence was empty."}
	}
	attr, _ := a.get(-1, "attribute", nil).(string)
	key := func(x any) any {
		if attr != "" {
			return attribute(x, attr)
		}
		return x
	}
	best := xs[0]
	for _, x := range xs[1:] {
		if compare(key(x), key(best), a.bool(-1, "case_sensitive"))*sign > 0 {
			best = x
		}
	}
	return best, nil
}

// attribute follows a dotted path ("a.b.0") through dicts and lists; nil
// when missing.
func attribute(v any, path string) any {
	x, _ := lookupPath(v, path)
	return x
}

func lookupPath(v any, path string) (any, bool) {
	for part := range strings.SplitSeq(path, ".") {
		switch t := v.(type) {
		case dict:
			x, ok := t[part]
			if !ok {
				return nil, false
			}
			v = x
		case list:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			v = t[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func filterTernary(_ *exec.Evaluator, in any, a args) (any, error) {
	if in == nil {
		if none := a.get(2, "none_val", nil); none != nil {
			return none, nil
		}
	}
	if pyTruthy(in) {
		return a.get(0, "true_val", nil), nil
	}
	return a.get(1, "false_val", nil), nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case dict:
		return "dict"
	case list:
		return "list"
	case tuple:
		return "tuple"
	case datetime:
		return "datetime"
	case timedelta:
		return "timedelta"
	}
	return fmt.Sprintf("%T", v)
}

func filterSplit(_ *exec.Evaluator, in any, a args) (any, error) {
	s := pyStr(in)
	maxSplit := int(toInt(a.get(1, "maxsplit", -1)))
	var parts []string
	if sep := a.get(0, "sep", nil); sep == nil {
		parts = strings.Fields(s)
		if maxSplit >= 0 && len(parts) > maxSplit+1 {
			fields := strings.Fields(s)
			rest := s
			parts = nil
			for i := range maxSplit {
				rest = strings.TrimLeft(rest, " \t\n\r\v\f")
				parts = append(parts, fields[i])
				rest = rest[len(fields[i]):]
			}
			parts = append(parts, strings.TrimLeft(rest, " \t\n\r\v\f"))
		}
	} else {
		n := -1
		if maxSplit >= 0 {
			n = maxSplit + 1
		}
		parts = strings.SplitN(s, pyStr(sep), n)
	}
	out := make(list, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}
