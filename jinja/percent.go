package jinja

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Python's % operator: printf-style formatting when the left operand is a
// string ("%s-%d" % (a, b), "%(x)s" % d), the modulo otherwise. gonja only
// knows the integer modulo (and divides by zero on a string), and has no
// hook for operators, so every `a % b` in a parsed template is replaced by
// `a | __mod(b)`: the same operands, evaluated by percent below. Python
// spreads a tuple (a literal (x, y) is one, see literalCall) over the
// conversions, and formats any other value as one.

func init() { register("__mod", percent) }

var (
	binaryExpressionType   = reflect.TypeFor[*nodes.BinaryExpression]()
	filteredExpressionType = reflect.TypeFor[*nodes.FilteredExpression]()
)

// visit is a node already walked (one address may hold a struct and its first field).
type visit struct {
	addr uintptr
	typ  reflect.Type
}

// operatorFilters are the binary operators whose Python semantics gonja
// lacks, and the filters that evaluate them instead (`**` gives a float in
// gonja, an int for ints in Python: see filters_math.go).
var operatorFilters = map[tokens.Type]string{tokens.Modulo: "__mod", tokens.Power: "__pow"}

// rewriteOperators replaces each `a % b` under root by `a | __mod(b)`, and
// `a ** b` by `a | __pow(b)`. The tree is walked by reflection because the
// control structures ({% if %}, {% set %}, ...) keep their expressions in
// unexported fields.
func rewriteOperators(root *nodes.Template) {
	rewriteIn(reflect.ValueOf(root), map[visit]bool{})
}

func rewriteIn(v reflect.Value, seen map[visit]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		at := visit{v.Pointer(), v.Type()}
		if v.IsNil() || seen[at] {
			return
		}
		seen[at] = true
		rewriteIn(v.Elem(), seen)
		switch v.Type() {
		case filteredExpressionType:
			splitUndefinedChains(v.Interface().(*nodes.FilteredExpression))
		case callType:
			methodParent(v.Interface().(*nodes.Call))
			kwargsAfterPositional(v.Interface().(*nodes.Call))
			recursiveLoopKeys(v.Interface().(*nodes.Call))
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		rewriteIn(v.Elem(), seen)
		if v.CanSet() && filteredExpressionType.AssignableTo(v.Type()) {
			if m := operatorCall(v.Elem()); m != nil {
				v.Set(reflect.ValueOf(m))
			} else if l := literalCall(v.Elem().Interface().(nodes.Expression)); l != nil {
				seen[visit{reflect.ValueOf(l).Pointer(), filteredExpressionType}] = true
				v.Set(reflect.ValueOf(l))
			}
		}
		if v.CanSet() && dictNodeType.AssignableTo(v.Type()) {
			if d := kwargsDict(v.Elem()); d != nil {
				v.Set(reflect.ValueOf(d))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if !f.CanSet() && f.CanAddr() {
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			rewriteIn(f, seen)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			rewriteIn(v.Index(i), seen)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			rewriteIn(e, seen)
			v.SetMapIndex(k, e)
		}
	}
}

// operatorCall returns the filter call replacing v when v is one of
// operatorFilters.
func operatorCall(v reflect.Value) nodes.Expression {
	if v.Type() != binaryExpressionType {
		return nil
	}
	b := v.Interface().(*nodes.BinaryExpression)
	if b.Operator == nil {
		return nil
	}
	name, ok := operatorFilters[b.Operator.Token.Type]
	if !ok {
		return nil
	}
	return &nodes.FilteredExpression{Expression: b.Left, Filters: []*nodes.FilterCall{
		{Token: b.Operator.Token, Name: name, Args: []nodes.Expression{b.Right}},
	}}
}

// percent is Python's `in % arg`.
func percent(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	right := params.Args[0]
	if right.IsError() {
		return right
	}
	var out any
	var err error
	switch left := wrap(in.Interface()).(type) {
	case string:
		out, err = pyFormat(left, right)
	case int, float64, bool:
		out, err = pyModulo(left, wrap(right.Interface()))
	default:
		err = fmt.Errorf("unsupported operand type(s) for %%: '%s' and '%s'", typeName(left), typeName(wrap(right.Interface())))
	}
	if err != nil {
		return exec.AsValue(err)
	}
	return exec.AsValue(out)
}

// pyModulo is the numeric %: the result has the sign of the divisor.
func pyModulo(a, b any) (any, error) {
	x, xInt, ok1 := number(a)
	y, yInt, ok2 := number(b)
	switch {
	case !ok1 || !ok2:
		return nil, fmt.Errorf("unsupported operand type(s) for %%: '%s' and '%s'", typeName(a), typeName(b))
	case y == 0 && xInt && yInt:
		return nil, errors.New("integer modulo by zero")
	case y == 0:
		return nil, errors.New("float modulo")
	case xInt && yInt:
		m := int(x) % int(y)
		if m != 0 && (m < 0) != (y < 0) {
			m += int(y)
		}
		return m, nil
	}
	m := math.Mod(x, y)
	if m != 0 && (m < 0) != (y < 0) {
		m += y
	}
	return m, nil
}

// number reads a Python number (bools are ints).
func number(v any) (f float64, isInt, ok bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true, true
	case bool:
		if t {
			return 1, true, true
		}
		return 0, true, true
	case float64:
		return t, false, true
	}
	return 0, false, false
}

// pyFormat is Python's printf-style `format % right`: a tuple gives the
// positional values, a dict the values of %(name)s, anything else is the
// one value.
func pyFormat(format string, right *exec.Value) (string, error) {
	values := []any{wrap(right.Interface())}
	if t, ok := values[0].(tuple); ok {
		values = t
	}
	var mapping dict
	if len(values) == 1 {
		mapping, _ = values[0].(dict)
	}
	f := &formatter{format: format, values: values, mapping: mapping}
	var out strings.Builder
	for f.i < len(format) {
		j := strings.IndexByte(format[f.i:], '%')
		if j < 0 {
			out.WriteString(format[f.i:])
			break
		}
		out.WriteString(format[f.i : f.i+j])
		f.i += j + 1
		s, err := f.conversion()
		if err != nil {
			return "", err
		}
		out.WriteString(s)
	}
	if f.next < len(values) && !f.usedKeys && mapping == nil {
		return "", errors.New("not all arguments converted during string formatting")
	}
	return out.String(), nil
}

// formatter walks one format string; i is the position after a '%'.
type formatter struct {
	format   string
	i        int
	values   []any
	next     int // the next positional value
	mapping  dict
	usedKeys bool
}

// conversion formats one %[(key)][flags][width][.precision]type.
func (f *formatter) conversion() (string, error) {
	var value any
	haveValue := false
	if f.peek() == '(' {
		end := strings.IndexByte(f.format[f.i:], ')')
		if end < 0 {
			return "", errors.New("incomplete format key")
		}
		if f.mapping == nil {
			return "", errors.New("format requires a mapping")
		}
		key := f.format[f.i+1 : f.i+end]
		v, ok := f.mapping[key]
		if !ok {
			return "", fmt.Errorf("KeyError: '%s'", key)
		}
		value, haveValue, f.usedKeys = v, true, true
		f.i += end + 1
	}
	flags := f.take("-+ 0#")
	width, err := f.number()
	if err != nil {
		return "", err
	}
	precision := ""
	if f.peek() == '.' {
		f.i++
		p, err := f.number()
		if err != nil {
			return "", err
		}
		precision = "." + p
	}
	f.take("hlL")
	if f.i >= len(f.format) {
		return "", errors.New("incomplete format")
	}
	verb := f.format[f.i]
	f.i++
	if verb == '%' {
		return "%", nil
	}
	if !haveValue {
		if value, err = f.arg(); err != nil {
			return "", err
		}
	}
	out, ok, err := formatOne(verb, "%"+flags+width+precision, precision != "", value)
	if !ok {
		return "", fmt.Errorf("unsupported format character '%c' (0x%x) at index %d", verb, verb, f.i-1)
	}
	return out, err
}

// arg takes the next positional value.
func (f *formatter) arg() (any, error) {
	if f.next >= len(f.values) {
		return nil, errors.New("not enough arguments for format string")
	}
	f.next++
	return f.values[f.next-1], nil
}

func (f *formatter) peek() byte {
	if f.i < len(f.format) {
		return f.format[f.i]
	}
	return 0
}

// take skips the characters in set and returns them.
func (f *formatter) take(set string) string {
	start := f.i
	for f.i < len(f.format) && strings.IndexByte(set, f.format[f.i]) >= 0 {
		f.i++
	}
	return f.format[start:f.i]
}

// number reads a width or precision: digits, or * taking the next value.
func (f *formatter) number() (string, error) {
	if f.peek() != '*' {
		return f.take("0123456789"), nil
	}
	f.i++
	v, err := f.arg()
	if err != nil {
		return "", err
	}
	n, ok := v.(int)
	if !ok {
		return "", errors.New("* wants int")
	}
	return strconv.Itoa(n), nil
}

// formatOne formats value for one conversion through Go's fmt, whose
// flags, width and precision (in spec, "%-5.2") mean what C's and Python's
// do. ok is false for a conversion Python does not have.
func formatOne(verb byte, spec string, hasPrecision bool, value any) (out string, ok bool, err error) {
	switch verb {
	case 's':
		return fmt.Sprintf(spec+"s", pyStr(value)), true, nil
	case 'r', 'a':
		return fmt.Sprintf(spec+"s", pyRepr(value)), true, nil
	case 'd', 'i', 'u':
		n, err := integer(verb, value, true)
		return fmt.Sprintf(spec+"d", n), true, err
	case 'x', 'X':
		n, err := integer(verb, value, false)
		return fmt.Sprintf(spec+string(verb), n), true, err
	case 'o':
		n, err := integer(verb, value, false)
		if strings.Contains(spec, "#") {
			// Python's alternate octal form is 0o17: Go's %O.
			return fmt.Sprintf(strings.Replace(spec, "#", "", 1)+"O", n), true, err
		}
		return fmt.Sprintf(spec+"o", n), true, err
	case 'e', 'E', 'f', 'F', 'g', 'G':
		x, _, isNumber := number(value)
		if !isNumber {
			return "", true, fmt.Errorf("must be real number, not %s", typeName(value))
		}
		if !hasPrecision {
			spec += ".6"
		}
		return fmt.Sprintf(spec+string(verb), x), true, nil
	case 'c':
		switch t := value.(type) {
		case int:
			return fmt.Sprintf(spec+"c", rune(t)), true, nil
		case string:
			if len([]rune(t)) == 1 {
				return fmt.Sprintf(spec+"s", t), true, nil
			}
		}
		return "", true, errors.New("%c requires int or char")
	}
	return "", false, nil
}

// integer reads a value for %d (floats truncated) or %x/%o (ints only).
func integer(verb byte, value any, truncate bool) (int, error) {
	switch t := value.(type) {
	case int:
		return t, nil
	case bool:
		if t {
			return 1, nil
		}
		return 0, nil
	case float64:
		if truncate {
			return int(t), nil
		}
	}
	kind := "an integer"
	if truncate {
		kind = "a real number"
	}
	return 0, fmt.Errorf("%%%c format: %s is required, not %s", verb, kind, typeName(value))
}
