package jinja

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// hashKey identifies a value for unique and the set filters.

func hashKey(v any) string {
	return pyJSON(v, jsonStyle{indent: -1, itemSep: ", ", keySep: ": ", sortKeys: true})
}

func filterUnique(_ *exec.Evaluator, in any, a args) (any, error) {
	xs, err := items(in)
	if err != nil {
		return nil, err
	}
	attr, _ := a.get(-1, "attribute", nil).(string)
	caseSensitive := a.bool(0, "case_sensitive")
	seen := map[string]bool{}
	out := list{}
	for _, x := range xs {
		k := x
		if attr != "" {
			k = attribute(x, attr)
		}
		if s, ok := k.(string); ok && !caseSensitive {
			k = strings.ToLower(s)
		}
		if key := hashKey(k); !seen[key] {
			seen[key] = true
			out = append(out, x)
		}
	}
	return out, nil
}

func filterFlatten(_ *exec.Evaluator, in any, a args) (any, error) {
	xs, ok := in.(list)
	if !ok {
		return nil, fmt.Errorf("flatten expects a list, got %s", typeName(in))
	}
	levels := -1
	if l := a.get(0, "levels", nil); l != nil {
		levels = int(toInt(l))
	}
	return flatten(xs, levels, a.get(1, "skip_nulls", true) == true), nil
}

func flatten(xs list, levels int, skipNulls bool) list {
	out := list{}
	for _, x := range xs {
		switch t := x.(type) {
		case nil:
			if !skipNulls {
				out = append(out, x)
			}
		case list, tuple:
			if levels == 0 {
				out = append(out, t)
			} else {
				seq, _ := items(t)
				out = append(out, flatten(list(seq), levels-1, skipNulls)...)
			}
		default:
			if skipNulls && x == "None" {
				continue
			}
			out = append(out, x)
		}
	}
	return out
}

// selectAttr is selectattr (keep true) and rejectattr (keep false). A

// missing attribute is undefined, so `selectattr('x', 'defined')` works.

func selectAttr(e *exec.Evaluator, in any, a args, keep bool) (any, error) {
	xs, err := items(in)
	if err != nil {
		return nil, err
	}
	if len(a.pos) == 0 {
		return nil, errors.New("selectattr/rejectattr need an attribute name")
	}
	attr := pyStr(a.pos[0])
	test := ""
	if len(a.pos) > 1 {
		test = pyStr(a.pos[1])
	}
	params := exec.NewVarArgs()
	for _, p := range a.pos[min(2, len(a.pos)):] {
		params.Args = append(params.Args, exec.AsValue(p))
	}
	out := list{}
	for _, x := range xs {
		v, found := lookupPath(x, attr)
		value := exec.AsValue(v)
		if !found {
			value = exec.AsValue(missingAttribute(typeName(x), attr))
		}
		var ok bool
		if test == "" {
			ok = found && pyTruthy(v)
		} else {
			res := e.ExecuteTestByName(test, value, params)
			if res.IsError() {
				return nil, res
			}
			ok = res.IsTrue()
		}
		if ok == keep {
			out = append(out, x)
		}
	}
	return out, nil
}

func filterZip(_ *exec.Evaluator, in any, a args) (any, error) {
	seqs := [][]any{}
	for _, v := range append([]any{in}, a.pos...) {
		xs, err := items(v)
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, xs)
	}
	n := len(seqs[0])
	for _, s := range seqs {
		n = min(n, len(s))
	}
	out := make(list, n)
	for i := range n {
		row := make(tuple, len(seqs))
		for j, s := range seqs {
			row[j] = s[i]
		}
		out[i] = row
	}
	return out, nil
}

// typeName is Python's type(v).__name__.

func filterDict2Items(_ *exec.Evaluator, in any, a args) (any, error) {
	d, ok := in.(dict)
	if !ok {
		return nil, fmt.Errorf("dict2items requires a dictionary, got %s instead", typeName(in))
	}
	keyName, valueName := a.str(-1, "key_name", "key"), a.str(-1, "value_name", "value")
	out := list{}
	for _, k := range keyorder.Keys(d) {
		item := keyorder.NewBuilder[dict](2)
		item.Set(keyName, k)
		item.Set(valueName, d[k])
		out = append(out, item.Map())
	}
	return out, nil
}

func filterItems2Dict(_ *exec.Evaluator, in any, a args) (any, error) {
	xs, ok := in.(list)
	if !ok {
		return nil, fmt.Errorf("items2dict requires a list, got %s instead", typeName(in))
	}
	keyName, valueName := a.str(-1, "key_name", "key"), a.str(-1, "value_name", "value")
	out := keyorder.NewBuilder[dict](len(xs))
	for _, x := range xs {
		item, ok := x.(dict)
		if !ok {
			return nil, fmt.Errorf("items2dict requires a list of dictionaries, got %s", typeName(x))
		}
		k, kok := item[keyName]
		v, vok := item[valueName]
		if !kok || !vok {
			return nil, fmt.Errorf("items2dict requires each dictionary to have keys %q and %q", keyName, valueName)
		}
		out.Set(pyStr(k), v)
	}
	return out.Map(), nil
}

func filterCombine(_ *exec.Evaluator, in any, a args) (any, error) {
	recursive := a.bool(-1, "recursive")
	listMerge := a.str(-1, "list_merge", "replace")
	out := dict{}
	for _, v := range append([]any{in}, a.pos...) {
		if xs, ok := v.(list); ok { // combine(list_of_dicts) form
			for _, x := range xs {
				d, ok := x.(dict)
				if !ok {
					return nil, fmt.Errorf("combine expects dictionaries, got %s", typeName(x))
				}
				out = merge(out, d, recursive, listMerge)
			}
			continue
		}
		d, ok := v.(dict)
		if !ok {
			return nil, fmt.Errorf("combine expects dictionaries, got %s", typeName(v))
		}
		out = merge(out, d, recursive, listMerge)
	}
	return out, nil
}

// merge returns a copy of a updated with b: a's keys in their order, then
// b's new keys in theirs (Python's dict.update).
func merge(a, b dict, recursive bool, listMerge string) dict {
	out := keyorder.NewBuilder[dict](len(a) + len(b))
	for _, k := range keyorder.Keys(a) {
		out.Set(k, a[k])
	}
	for _, k := range keyorder.Keys(b) {
		v := b[k]
		old, exists := out.Get(k)
		oldDict, oldIsDict := old.(dict)
		newDict, newIsDict := v.(dict)
		oldList, oldIsList := old.(list)
		newList, newIsList := v.(list)
		switch {
		case exists && recursive && oldIsDict && newIsDict:
			out.Set(k, merge(oldDict, newDict, recursive, listMerge))
		case exists && oldIsList && newIsList && listMerge == "append":
			out.Set(k, append(append(list{}, oldList...), newList...))
		case exists && oldIsList && newIsList && listMerge == "prepend":
			out.Set(k, append(append(list{}, newList...), oldList...))
		default:
			out.Set(k, v)
		}
	}
	return out.Map()
}

// setFilter builds difference/intersect/union/symmetric_difference: keep

// decides from membership in a and b; order follows a then b, no duplicates.

func setFilter(keep func(inA, inB bool) bool) filterFunc {
	return func(_ *exec.Evaluator, in any, a args) (any, error) {
		first, err := items(in)
		if err != nil {
			return nil, err
		}
		second, err := items(a.get(0, "b", list{}))
		if err != nil {
			return nil, err
		}
		inA, inB := map[string]bool{}, map[string]bool{}
		for _, x := range first {
			inA[hashKey(x)] = true
		}
		for _, x := range second {
			inB[hashKey(x)] = true
		}
		seen := map[string]bool{}
		out := list{}
		for _, x := range append(append([]any{}, first...), second...) {
			k := hashKey(x)
			if !seen[k] && keep(inA[k], inB[k]) {
				out = append(out, x)
			}
			seen[k] = true
		}
		return out, nil
	}
}
