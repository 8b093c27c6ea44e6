package jinja

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Ansible's combinatorial and nested-data filters. Their rows are tuples,
// as the itertools functions behind them return.

func init() {
	registerFilters(map[string]filterFunc{
		"product":      filterProduct,
		"reverse":      filterReverse,
		"permutations": filterPermutations,
		"combinations": filterCombinations,
		"zip_longest":  filterZipLongest,
		"subelements":  filterSubelements,
		"extract":      filterExtract,
	})
}

// sequences lists the input and the positional arguments as lists.
func sequences(in any, a args) ([][]any, error) {
	seqs := [][]any{}
	for _, v := range append([]any{in}, a.pos...) {
		xs, err := items(v)
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, xs)
	}
	return seqs, nil
}

// filterProduct is itertools.product(in, *args, repeat=1).
func filterProduct(_ *exec.Evaluator, in any, a args) (any, error) {
	seqs, err := sequences(in, a)
	if err != nil {
		return nil, err
	}
	repeat := int(toInt(a.get(-1, "repeat", 1)))
	pools := [][]any{}
	for range repeat {
		pools = append(pools, seqs...)
	}
	out := list{tuple{}}
	for _, pool := range pools {
		next := list{}
		for _, prefix := range out {
			for _, x := range pool {
				next = append(next, append(append(tuple{}, prefix.(tuple)...), x))
			}
		}
		out = next
	}
	return out, nil
}

// maxRows bounds what permutations and combinations may build (like
// range's cap): a template never needs more.
const maxRows = 100000

// filterPermutations is itertools.permutations(in, r=None): r-long
// orderings of distinct positions, in itertools' order.
func filterPermutations(_ *exec.Evaluator, in any, a args) (any, error) {
	pool, err := items(in)
	if err != nil {
		return nil, err
	}
	r := int(toInt(a.get(0, "r", len(pool))))
	return arrangements(pool, r, true)
}

// filterCombinations is itertools.combinations(in, r): r-long selections
// in the pool's order.
func filterCombinations(_ *exec.Evaluator, in any, a args) (any, error) {
	pool, err := items(in)
	if err != nil {
		return nil, err
	}
	r := a.get(0, "r", nil)
	if r == nil {
		return nil, fmt.Errorf("combinations() missing required argument 'r' (pos 2)")
	}
	return arrangements(pool, int(toInt(r)), false)
}

// arrangements lists the r-long tuples of pool positions: every ordering
// (permutations) or increasing positions only (combinations).
func arrangements(pool []any, r int, ordered bool) (list, error) {
	out := list{}
	if r < 0 {
		return nil, fmt.Errorf("r must be non-negative")
	}
	if r > len(pool) {
		return out, nil
	}
	used := make([]bool, len(pool))
	var row tuple
	var walk func(from int) error
	walk = func(from int) error {
		if len(row) == r {
			if len(out) >= maxRows {
				return fmt.Errorf("more than %d rows: too many to build", maxRows)
			}
			out = append(out, append(tuple{}, row...))
			return nil
		}
		start := from
		if ordered {
			start = 0
		}
		for i := start; i < len(pool); i++ {
			if used[i] {
				continue
			}
			used[i] = true
			row = append(row, pool[i])
			err := walk(i + 1)
			row = row[:len(row)-1]
			used[i] = false
			if err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(0)
}

// filterZipLongest is itertools.zip_longest(in, *args, fillvalue=None).
func filterZipLongest(_ *exec.Evaluator, in any, a args) (any, error) {
	seqs, err := sequences(in, a)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, s := range seqs {
		n = max(n, len(s))
	}
	fill := a.get(-1, "fillvalue", nil)
	out := make(list, n)
	for i := range n {
		row := make(tuple, len(seqs))
		for j, s := range seqs {
			row[j] = fill
			if i < len(s) {
				row[j] = s[i]
			}
		}
		out[i] = row
	}
	return out, nil
}

// filterSubelements pairs each element with each item of the list found
// under a dotted key (or list of keys) in it.
func filterSubelements(_ *exec.Evaluator, in any, a args) (any, error) {
	var elements []any
	switch t := in.(type) {
	case dict:
		for _, k := range keysOf(t) {
			elements = append(elements, t[k.(string)])
		}
	case list:
		elements = t
	default:
		return nil, fmt.Errorf("subelements: obj must be a list of dicts or a nested dict, got %s", typeName(in))
	}
	var keys []string
	switch t := a.get(0, "subelements", nil).(type) {
	case string:
		keys = strings.Split(t, ".")
	case list:
		for _, k := range t {
			keys = append(keys, pyStr(k))
		}
	default:
		return nil, fmt.Errorf("subelements must be a list or a string, got %s", typeName(t))
	}
	skipMissing := a.bool(1, "skip_missing")
	out := list{}
	for _, element := range elements {
		values := element
		for _, k := range keys {
			d, ok := values.(dict)
			if !ok {
				return nil, fmt.Errorf("the key %s should point to a dictionary, got '%s'", k, pyStr(values))
			}
			if values, ok = d[k]; !ok {
				if !skipMissing {
					return nil, fmt.Errorf("could not find %s key in iterated item %s", pyRepr(k), pyRepr(d))
				}
				values = list{}
				break
			}
		}
		sub, ok := values.(list)
		if !ok {
			return nil, fmt.Errorf("the key %s should point to a list, got %s", pyRepr(strings.Join(keys, ".")), pyRepr(values))
		}
		for _, v := range sub {
			out = append(out, tuple{element, v})
		}
	}
	return out, nil
}

// filterExtract looks the input up in a container, then morekeys (a key or
// a list of keys) in the result: Ansible's extract, mostly used as
// map('extract', hostvars, 'ansible_host').
func filterExtract(_ *exec.Evaluator, in any, a args) (any, error) {
	keys := []any{in}
	switch more := a.get(1, "morekeys", nil).(type) {
	case nil:
	case list:
		keys = append(keys, more...)
	default:
		keys = append(keys, more)
	}
	value := exec.AsValue(a.get(0, "container", nil))
	for _, k := range keys {
		value = getItem(value, k)
		if value.IsError() {
			return nil, value
		}
	}
	return value.Interface(), nil
}

// getItem is Jinja's environment.getitem: container[key], an undefined
// error when missing.
func getItem(container *exec.Value, key any) *exec.Value {
	if getter, ok := container.Interface().(exec.ItemGetter); ok {
		v, _ := getter.GetItem(key)
		return v
	}
	return exec.AsValue(fmt.Errorf("'%s' object is not subscriptable", typeName(container.Interface())))
}

// filterReverse is Jinja2's reverse: a string backwards, any other
// iterable's items (a dict's keys) last first. gonja's sorts a list first.
func filterReverse(_ *exec.Evaluator, in any, _ args) (any, error) {
	if s, ok := in.(string); ok {
		r := []rune(s)
		slices.Reverse(r)
		return string(r), nil
	}
	xs, err := items(in)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(list(xs))
	slices.Reverse(out)
	return out, nil
}
