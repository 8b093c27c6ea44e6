package runner

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"play/internal/keyorder"
	"play/jinja"
	"play/modules"
)

// The lookups that shape loops: with_items, with_nested, with_subelements...

// itemsLookup flattens the terms one level (with_items).
func itemsLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		if l, ok := t.([]any); ok {
			out = append(out, l...)
		} else {
			out = append(out, t)
		}
	}
	return out, nil
}

// flattenedLookup flattens the terms completely.
func flattenedLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		if l, ok := t.([]any); ok {
			sub, _ := flattenedLookup(nil, l, nil)
			out = append(out, sub...)
		} else {
			out = append(out, t)
		}
	}
	return out, nil
}

// indexedItemsLookup pairs each item with its index: [[0, a], [1, b]].
func indexedItemsLookup(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	items, _ := itemsLookup(lc, terms, kw)
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = []any{i, it}
	}
	return out, nil
}

// dictLookup turns each mapping into {key, value} items.
func dictLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	var out []any
	for _, t := range terms {
		m, ok := t.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("with_dict expects a dict")
		}
		out = append(out, dictItems(m)...)
	}
	return out, nil
}

// dictItems are with_dict's items: {key, value} in the dict's order.
func dictItems(m map[string]any) []any {
	var out []any
	for _, k := range keyorder.Keys(m) {
		out = append(out, map[string]any{"key": k, "value": m[k]})
	}
	return out
}

// nestedLookup is the cartesian product of the lists given.
func nestedLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return nil, fmt.Errorf("with_nested requires at least one element in the nested list")
	}
	product := [][]any{{}}
	for _, t := range terms {
		list, ok := t.([]any)
		if !ok {
			list = []any{t}
		}
		var next [][]any
		for _, prefix := range product {
			for _, x := range list {
				next = append(next, append(append([]any(nil), prefix...), x))
			}
		}
		product = next
	}
	out := make([]any, len(product))
	for i, p := range product {
		out[i] = p
	}
	return out, nil
}

// togetherLookup zips the lists, padding short ones with None.
func togetherLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return nil, fmt.Errorf("with_together requires at least one element in each list")
	}
	longest := 0
	lists := make([][]any, len(terms))
	for i, t := range terms {
		l, ok := t.([]any)
		if !ok {
			l = []any{t}
		}
		lists[i] = l
		longest = max(longest, len(l))
	}
	out := make([]any, longest)
	for i := range out {
		row := make([]any, len(lists))
		for j, l := range lists {
			if i < len(l) {
				row[j] = l[i]
			}
		}
		out[i] = row
	}
	return out, nil
}

// subelementsLookup pairs each element of a list of dicts with each item of
// one of its sub-lists: [list, 'key', {skip_missing: bool}].
func subelementsLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) < 2 || len(terms) > 3 {
		return nil, fmt.Errorf("subelements lookup expects a list of two or three items, the list of dicts, the key and optionally {skip_missing: true}")
	}
	skipMissing := false
	if len(terms) == 3 {
		flags, ok := terms[2].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("the optional third item of a subelements lookup must be a dictionary with skip_missing")
		}
		skipMissing = boolKw(flags, "skip_missing", false)
	}
	var elems []any
	switch x := terms[0].(type) {
	case []any:
		elems = x
	case map[string]any:
		for _, k := range keyorder.Keys(x) {
			elems = append(elems, x[k])
		}
	default:
		return nil, fmt.Errorf("subelements lookup expects a dictionary or a list of dictionaries as its first item, got %T", terms[0])
	}
	key, err := modules.ToString(terms[1])
	if err != nil {
		return nil, err
	}
	var out []any
	for _, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("subelements lookup expects a list of dictionaries, got %s", jinja.PyStr(e))
		}
		if skip, _ := modules.ToBool(m["skip"]); skip {
			continue
		}
		// Like Ansible, the element is given without the sub-list.
		shown := keyorder.Clone(m)
		var sub any
		parts := strings.Split(key, ".")
		for i, sm := 0, shown; i < len(parts); i++ {
			v, found := sm[parts[i]]
			if !found {
				sub = nil
				break
			}
			if i == len(parts)-1 {
				sub = v
				delete(sm, parts[i])
				break
			}
			next, _ := v.(map[string]any)
			next = keyorder.Clone(next)
			sm[parts[i]] = next
			sm = next
		}
		if sub == nil {
			if skipMissing {
				continue
			}
			return nil, fmt.Errorf("could not find '%s' key in iterated item '%s'", key, jinja.PyStr(e))
		}
		list, ok := sub.([]any)
		if !ok {
			return nil, fmt.Errorf("the key %s should point to a list, got '%s'", key, jinja.PyStr(sub))
		}
		for _, item := range list {
			out = append(out, []any{shown, item})
		}
	}
	return out, nil
}

func randomChoiceLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return []any{}, nil
	}
	return []any{terms[rand.IntN(len(terms))]}, nil
}
