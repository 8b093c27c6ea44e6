package jinja

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

func init() {
	RegisterGlobal("range", rangeGlobal)
	RegisterGlobal("dict", dictGlobal)
	RegisterGlobal(dictUpdatedName, dictUpdated)
	RegisterGlobal("none", nil) // Jinja accepts both None and none
}

// rangeGlobal is Python's range as a list (gonja's is a one-shot channel).
func rangeGlobal(params *exec.VarArgs) (any, error) {
	a := newArgs(params)
	bounds := make([]int, len(a.pos))
	for i, p := range a.pos {
		n, ok := p.(int)
		if !ok {
			return nil, fmt.Errorf("range() arguments must be integers, got %s", typeName(p))
		}
		bounds[i] = n
	}
	start, stop, step := 0, 0, 1
	switch len(bounds) {
	case 1:
		stop = bounds[0]
	case 2:
		start, stop = bounds[0], bounds[1]
	case 3:
		start, stop, step = bounds[0], bounds[1], bounds[2]
	default:
		return nil, errors.New("range() expects 1 to 3 integer arguments: [start, ]stop[, step]")
	}
	if step == 0 {
		return nil, errors.New("range() step must not be zero")
	}
	if n := rangeLen(start, stop, step); n > maxRange {
		return nil, fmt.Errorf("range() too big: %d items, at most %d (Jinja's MAX_RANGE)", n, maxRange)
	}
	out := list{}
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		out = append(out, i)
	}
	return out, nil
}

// maxRange is Jinja's sandbox MAX_RANGE: a template cannot make the
// controller build a list of billions of numbers.
const maxRange = 100000

// rangeLen is how many items range(start, stop, step) yields.
func rangeLen(start, stop, step int) int {
	if step > 0 && start < stop {
		return (stop - start + step - 1) / step
	}
	if step < 0 && start > stop {
		return (start - stop - step - 1) / -step
	}
	return 0
}

// dictGlobal is Python's dict(): from a mapping or a list of pairs, plus
// keyword arguments.
func dictGlobal(params *exec.VarArgs) (any, error) {
	a := newArgs(params)
	if len(a.pos) > 1 {
		return nil, fmt.Errorf("dict expected at most 1 positional argument, got %d", len(a.pos))
	}
	out, err := dictFrom(a.pos)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(a.kw)) { // see kwargsDict for the order written
		out.Set(k, a.kw[k])
	}
	return out.Map(), nil
}

// dictUpdatedName is the global that dict(d, b=1, a=2) calls after
// kwargsAfterPositional; templates cannot name it (not an identifier).
const dictUpdatedName = "dict-updated"

// dictUpdated is dict(d, **kw) with kw a dict literal in the order written.
func dictUpdated(params *exec.VarArgs) (any, error) {
	a := newArgs(params)
	out, err := dictFrom(a.pos[:1])
	if err != nil {
		return nil, err
	}
	kw, _ := a.pos[1].(dict)
	for _, k := range keyorder.Keys(kw) {
		out.Set(k, kw[k])
	}
	return out.Map(), nil
}

// dictFrom starts dict()'s result from its positional argument, if any: a
// dict or a list of pairs.
func dictFrom(pos []any) (*keyorder.Builder[dict, any], error) {
	out := keyorder.NewBuilder[dict](0)
	if len(pos) == 0 {
		return out, nil
	}
	switch t := pos[0].(type) {
	case dict:
		for _, k := range keyorder.Keys(t) {
			out.Set(k, t[k])
		}
	case list, tuple:
		pairs, _ := items(t)
		for _, p := range pairs {
			pair, err := items(p)
			if err != nil || len(pair) != 2 {
				return nil, fmt.Errorf("dict() needs a list of 2-item pairs, got %s", pyRepr(p))
			}
			out.Set(pyStr(pair[0]), pair[1])
		}
	default:
		return nil, fmt.Errorf("dict() cannot convert a %s", typeName(t))
	}
	return out, nil
}
