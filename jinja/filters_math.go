package jinja

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Ansible's math filters (mathstuff.py) and Python's ** operator.

func init() {
	register("__pow", power)
	registerFilters(map[string]filterFunc{
		"log":            filterLog,
		"pow":            filterPow,
		"root":           filterRoot,
		"human_readable": filterHumanReadable,
		"human_to_bytes": filterHumanToBytes,
	})
}

// power is Python's `in ** arg` (rewritten by rewriteOperators): an int
// raised to a non-negative int stays an int, as long as it fits.
func power(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	right := params.Args[0]
	if right.IsError() {
		return right
	}
	base, exp := wrap(in.Interface()), wrap(right.Interface())
	x, xInt, ok1 := number(base)
	y, yInt, ok2 := number(exp)
	if !ok1 || !ok2 {
		return exec.AsValue(fmt.Errorf("unsupported operand type(s) for ** or pow(): '%s' and '%s'", typeName(base), typeName(exp)))
	}
	if x == 0 && y < 0 {
		return exec.AsValue(errors.New("0.0 cannot be raised to a negative power"))
	}
	p := math.Pow(x, y)
	if xInt && yInt && y >= 0 && math.Abs(p) < 1<<53 {
		return exec.AsValue(int(p))
	}
	return exec.AsValue(p)
}

// mathArgs reads the input and the first argument of log, pow and root as floats.
func mathArgs(name string, in any, a args, def any) (x, y float64, err error) {
	x, ok1 := toFloat(in)
	y, ok2 := toFloat(a.get(0, "y", def))
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("%s() can only be used on numbers, got %s", name, typeName(in))
	}
	return x, y, nil
}

// domain turns NaN, which Python's math functions refuse to return, into its error.
func domain(f float64) (any, error) {
	if math.IsNaN(f) {
		return nil, errors.New("math domain error")
	}
	return f, nil
}

func filterLog(_ *exec.Evaluator, in any, a args) (any, error) {
	x, base, err := mathArgs("log", in, a, math.E)
	if err != nil {
		return nil, err
	}
	if x <= 0 || base <= 0 || base == 1 {
		return nil, errors.New("math domain error")
	}
	switch base {
	case 10:
		return math.Log10(x), nil
	case math.E:
		return math.Log(x), nil
	}
	return math.Log(x) / math.Log(base), nil
}

func filterPow(_ *exec.Evaluator, in any, a args) (any, error) {
	x, y, err := mathArgs("pow", in, a, nil)
	if err != nil {
		return nil, err
	}
	return domain(math.Pow(x, y))
}

func filterRoot(_ *exec.Evaluator, in any, a args) (any, error) {
	x, base, err := mathArgs("root", in, a, 2)
	if err != nil {
		return nil, err
	}
	switch base {
	case 2:
		return domain(math.Sqrt(x))
	case 3: // Go's Pow(27, 1/3.) is 2.9999999999999996, glibc's 3.0
		if x < 0 {
			return nil, errors.New("math domain error")
		}
		return math.Cbrt(x), nil
	}
	return domain(math.Pow(x, 1/base))
}

// sizeUnits are the binary prefixes of bytes_to_human and human_to_bytes, largest first.
var sizeUnits = []struct {
	prefix string
	limit  float64
}{{"Y", 1 << 80}, {"Z", 1 << 70}, {"E", 1 << 60}, {"P", 1 << 50}, {"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}

func filterHumanReadable(_ *exec.Evaluator, in any, a args) (any, error) {
	size, ok := toFloat(in)
	if !ok {
		return nil, fmt.Errorf("human_readable() failed on bad input: expected a number of bytes, got %s %s", typeName(in), pyRepr(in))
	}
	base := "Bytes"
	if a.bool(0, "isbits") {
		base = "bits"
	}
	unit, _ := a.get(1, "unit", nil).(string)
	suffix, limit := "B", 1.0
	for _, u := range sizeUnits {
		suffix, limit = u.prefix, u.limit
		if (unit == "" && size >= limit) || (unit != "" && strings.EqualFold(unit[:1], suffix)) {
			break
		}
	}
	if limit != 1 {
		suffix += base[:1]
	} else {
		suffix = base
	}
	return fmt.Sprintf("%.2f %s", size/limit, suffix), nil
}

var humanSize = regexp.MustCompile(`^\s*(\d*\.?\d*)\s*([A-Za-z]+)?`)

func filterHumanToBytes(_ *exec.Evaluator, in any, a args) (any, error) {
	s := pyStr(in)
	fail := fmt.Errorf("human_to_bytes() can't interpret following string: %s", s)
	m := humanSize.FindStringSubmatch(s)
	num, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return nil, fail
	}
	unit := m[2]
	if unit == "" {
		unit, _ = a.get(0, "default_unit", "").(string)
	}
	if unit == "" {
		return int(math.RoundToEven(num)), nil
	}
	prefix := strings.ToUpper(unit[:1])
	limit := 0.0
	for _, u := range sizeUnits {
		if u.prefix == prefix {
			limit = u.limit
		}
	}
	class, className := "B", "byte"
	if a.bool(1, "isbits") {
		class, className = "b", "bit"
	}
	if limit == 0 || len(unit) > 1 && !strings.Contains(strings.ToLower(unit), className) && unit[1:2] != class {
		return nil, fail
	}
	return int(math.RoundToEven(num * limit)), nil
}
