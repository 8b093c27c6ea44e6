package jinja

import (
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// strMethodNames are Python's str methods that gonja implements.
var strMethodNames = []string{
	"capitalize", "capwords", "casefold", "center", "encode", "endswith", "expandtabs", "find",
	"format", "format_map", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower", "isnumeric",
	"isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "partition", "removeprefix",
	"removesuffix", "rfind", "rjust", "rpartition", "splitlines", "startswith", "swapcase", "title",
	"upper", "zfill",
}

// methods are the methods templates call on values ('a b'.split(), d.keys()).
// String methods return plain strings and lists: gonja's return its own
// string type, which never compares equal to a string ("x".upper() == "X"
// was false). split, rsplit and the strips are Python's own: gonja's do not
// split on split(',', 1) and fail without a separator.
var methods = func() exec.Methods {
	m := builtins.Methods
	str := map[string]exec.Method[string]{
		"split":  pyMethod(filterSplit),
		"rsplit": pyMethod(rsplit),
		"count":  pyMethod(count),
		"replace": pyMethod(func(_ *exec.Evaluator, in any, a args) (any, error) {
			return strings.Replace(pyStr(in), a.str(0, "old", ""), a.str(1, "new", ""), int(toInt(a.get(2, "count", -1)))), nil
		}),
		"strip":  pyMethod(strip(strings.Trim, strings.TrimSpace)),
		"lstrip": pyMethod(strip(strings.TrimLeft, func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) })),
		"rstrip": pyMethod(strip(strings.TrimRight, func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) })),
	}
	for _, name := range strMethodNames {
		if gonja, ok := m.Str.Get(name); ok {
			str[name] = func(self string, selfValue *exec.Value, a *exec.VarArgs) (any, error) {
				if padding[name] && len(a.Args) < 2 && a.KwArgs["fillchar"] == nil {
					// gonja's default fillchar is a rune its own argument check rejects.
					a.Args = append(a.Args, exec.AsValue(" "))
				}
				out, err := gonja(self, selfValue, a)
				return wrap(out), err
			}
		}
	}
	m.Str = exec.NewMethodSet(str)
	dict := map[string]exec.Method[map[string]any]{}
	for _, name := range dictMethodNames {
		if gonja, ok := m.Dict.Get(name); ok {
			dict[name] = gonja
		}
	}
	for name, f := range orderedDictMethods {
		dict[name] = func(self map[string]any, selfValue *exec.Value, a *exec.VarArgs) (any, error) {
			if err := a.Take(); err != nil {
				return nil, exec.ErrInvalidCall(err)
			}
			return f(selfDict(self, selfValue)), nil
		}
	}
	m.Dict = exec.NewMethodSet(dict)
	return m
}()

// dictMethodNames are Python's dict methods that gonja implements; those
// that walk the keys are replaced by orderedDictMethods.
var dictMethodNames = []string{"get", "pop", "setdefault", "update", "clear"}

// orderedDictMethods are the dict methods that list or copy the keys, in
// insertion order (gonja's sort them); items() gives tuples.
var orderedDictMethods = map[string]func(dict) any{
	"keys": func(d dict) any { return keysOf(d) },
	"values": func(d dict) any {
		out := list{}
		for _, k := range keyorder.Keys(d) {
			out = append(out, d[k])
		}
		return out
	},
	"items": func(d dict) any {
		out := list{}
		for _, k := range keyorder.Keys(d) {
			out = append(out, tuple{k, d[k]})
		}
		return out
	},
	"copy": func(d dict) any { return keyorder.Clone(d) },
}

// selfDict is the dict a method was called on: gonja passes self as a
// sorted copy, its Value holds the engine's dict (or a dict literal).
func selfDict(self map[string]any, selfValue *exec.Value) dict {
	if d, ok := wrap(selfValue.Interface()).(dict); ok {
		return d
	}
	return dict(self)
}

// padding are the methods whose fillchar defaults to a space.
var padding = map[string]bool{"center": true, "ljust": true, "rjust": true}

// pyMethod turns a filter on a string into the string method of that name.
func pyMethod(f filterFunc) exec.Method[string] {
	return func(self string, _ *exec.Value, a *exec.VarArgs) (any, error) {
		return f(nil, self, newArgs(a))
	}
}

// strip is Python's strip family: whitespace without chars, else any of chars.
func strip(cut func(s, chars string) string, space func(string) string) filterFunc {
	return func(_ *exec.Evaluator, in any, a args) (any, error) {
		chars := a.get(0, "chars", nil)
		if chars == nil {
			return space(pyStr(in)), nil
		}
		return cut(pyStr(in), pyStr(chars)), nil
	}
}

// rsplit is Python's str.rsplit: like split, but maxsplit counts from the end.
func rsplit(_ *exec.Evaluator, in any, a args) (any, error) {
	s := pyStr(in)
	maxSplit := int(toInt(a.get(1, "maxsplit", -1)))
	sep := a.get(0, "sep", nil)
	var parts []string
	if sep == nil {
		rest := strings.TrimRightFunc(s, unicode.IsSpace)
		for maxSplit < 0 || len(parts) < maxSplit {
			i := strings.LastIndexFunc(rest, unicode.IsSpace)
			if i < 0 {
				break
			}
			parts = append([]string{rest[i+1:]}, parts...)
			rest = strings.TrimRightFunc(rest[:i], unicode.IsSpace)
		}
		if rest != "" {
			parts = append([]string{rest}, parts...)
		}
	} else {
		parts = strings.Split(s, pyStr(sep))
		if maxSplit >= 0 && len(parts) > maxSplit+1 {
			cut := len(parts) - maxSplit
			parts = append([]string{strings.Join(parts[:cut], pyStr(sep))}, parts[cut:]...)
		}
	}
	out := make(list, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// count is Python's str.count(sub[, start[, end]]).
func count(_ *exec.Evaluator, in any, a args) (any, error) {
	s := []rune(pyStr(in))
	bound := func(i int, name string, def int) int {
		n := int(toInt(a.get(i, name, def)))
		if n < 0 {
			n += len(s)
		}
		return max(0, min(n, len(s)))
	}
	start, end := bound(1, "start", 0), bound(2, "end", len(s))
	if start > end {
		return 0, nil
	}
	return strings.Count(string(s[start:end]), a.str(0, "sub", "")), nil
}
