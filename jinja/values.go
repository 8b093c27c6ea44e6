package jinja

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// UndefinedError names the variable (or attribute) that was undefined. Its
// message matches Ansible's: "'foo' is undefined" or
// "'dict object' has no attribute 'x'".
type UndefinedError struct {
	Name string
	Msg  string
}

func (e *UndefinedError) Error() string { return e.Msg }

func undefinedVariable(name string) *UndefinedError {
	return &UndefinedError{Name: name, Msg: fmt.Sprintf("'%s' is undefined", name)}
}

func missingAttribute(kind, attr string) *UndefinedError {
	return &UndefinedError{Name: attr, Msg: fmt.Sprintf("'%s object' has no attribute '%s'", kind, attr)}
}

// findUndefined looks for an *UndefinedError in err's chain. gonja wraps
// errors inside *exec.Value (which implements error without Unwrap), so the
// walk looks through those too.
func findUndefined(err error) *UndefinedError {
	for err != nil {
		if ue, ok := err.(*UndefinedError); ok {
			return ue
		}
		if v, ok := err.(*exec.Value); ok {
			inner, _ := v.Interface().(error)
			if inner == v || inner == nil {
				return nil
			}
			err = inner
			continue
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// innermost returns the deepest error of a chain: gonja's wrapping layers
// repeat the expression text, the cause says what is wrong.
func innermost(err error) error {
	for {
		if e, ok := err.(*Error); ok && e.Syntax {
			return err // names the lazy variable's template that does not parse
		}
		var next error
		if v, ok := err.(*exec.Value); ok {
			next, _ = v.Interface().(error)
			if next == error(v) {
				next = nil
			}
		} else {
			next = errors.Unwrap(err)
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// isUndefined reports whether a gonja value carries an undefined error.
func isUndefined(v *exec.Value) bool {
	if !v.IsError() {
		return false
	}
	err, _ := v.Interface().(error)
	return undefinedIn(err) != nil
}

// undefinedIn finds the undefined error in err, by type or, where gonja
// formatted it into text, by its message.
func undefinedIn(err error) *UndefinedError {
	if ue := findUndefined(err); ue != nil || err == nil {
		return ue
	}
	return undefinedInMessage(err.Error())
}

// dict is how mappings travel inside the engine: a missing key is an
// *UndefinedError (so `default` and `is defined` can tell it from None)
// instead of gonja's silent nil.
type dict map[string]any

// String implements fmt.Stringer: gonja prints values through it, and
// Python prints None, quotes and nested values its own way.
func (d dict) String() string { return pyRepr(d) }

// GetAttribute implements exec.AttributeGetter.
func (d dict) GetAttribute(name string) (*exec.Value, bool) { return d.GetItem(name) }

// GetItem implements exec.ItemGetter.
func (d dict) GetItem(key any) (*exec.Value, bool) {
	k := fmt.Sprint(key)
	if v, ok := d[k]; ok {
		return exec.ToValue(v), true
	}
	return exec.AsValue(missingAttribute("dict", k)), false
}

// list is how sequences travel inside the engine (see dict).
type list []any

// String implements fmt.Stringer (see dict).
func (l list) String() string { return pyRepr(l) }

// GetAttribute implements exec.AttributeGetter: lists have no attributes.
func (l list) GetAttribute(name string) (*exec.Value, bool) {
	return exec.AsValue(missingAttribute("list", name)), false
}

// GetItem implements exec.ItemGetter with Python's negative indexes.
func (l list) GetItem(key any) (*exec.Value, bool) {
	i, ok := key.(int)
	if !ok {
		return exec.AsValue(missingAttribute("list", fmt.Sprint(key))), false
	}
	if i < 0 {
		i += len(l)
	}
	if i < 0 || i >= len(l) {
		return exec.AsValue(&UndefinedError{Name: strconv.Itoa(i), Msg: fmt.Sprintf("list object has no element %d", i)}), false
	}
	return exec.ToValue(l[i]), true
}

// convert copies v into the engine's representation (dict, list, int,
// float64), calling str on every string so lazy variables can be rendered on
// the way. Values of other types (a runner's lazy hostvars, functions) pass
// through untouched.
func convert(v any, str func(string) (any, error)) (any, error) {
	switch t := v.(type) {
	case string:
		if str == nil {
			return t, nil
		}
		return str(t)
	case map[string]any:
		return convertMap(t, str)
	case dict, list:
		if str == nil {
			return t, nil // already converted, children included
		}
		if d, ok := t.(dict); ok {
			return convert(map[string]any(d), str)
		}
		return convertList(t.(list), str)
	case tuple:
		if str == nil {
			return t, nil
		}
		out, err := convertList(t, str)
		if err != nil {
			return nil, err
		}
		return tuple(out.(list)), nil
	case []any:
		return convertList(t, str)
	case nil, bool, int, float64:
		return v, nil
	case HostVars, hostEntry:
		return t, nil // rendered lazily, on access
	case *exec.Value:
		return convert(t.Interface(), str)
	case exec.ValuesList:
		out := make(list, len(t))
		for i, x := range t {
			c, err := convert(x, str)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case *exec.Dict: // a dict literal: Python keeps its keys' order
		out := keyorder.NewBuilder[dict](len(t.Pairs))
		for _, p := range t.Pairs {
			c, err := convert(p.Value, str)
			if err != nil {
				return nil, err
			}
			out.Set(p.Key.String(), c)
		}
		return out.Map(), nil
	case exec.Dict:
		return convert(&t, str)
	}
	return convertReflect(v, str)
}

// convertMap copies m, keeping its key order.
func convertMap(m map[string]any, str func(string) (any, error)) (any, error) {
	out := make(dict, len(m))
	for k, x := range m {
		c, err := convert(x, str)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	keyorder.Copy(out, m)
	return out, nil
}

func convertList[S ~[]any](in S, str func(string) (any, error)) (any, error) {
	out := make(list, len(in))
	for i, x := range in {
		c, err := convert(x, str)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// convertReflect handles the remaining Go kinds: sized ints and floats, typed
// slices and maps ([]string, map[string]string, map[any]any...), channels
// (gonja's range).
func convertReflect(v any, str func(string) (any, error)) (any, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(rv.Uint()), nil
	case reflect.Float32:
		return rv.Float(), nil
	case reflect.String:
		return convert(rv.String(), str)
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return convert(string(rv.Bytes()), str)
		}
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		return convertList(items, str)
	case reflect.Map:
		out := make(dict, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			c, err := convert(iter.Value().Interface(), str)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(iter.Key().Interface())] = c
		}
		return out, nil
	case reflect.Chan:
		var items []any
		for {
			x, ok := rv.Recv()
			if !ok {
				break
			}
			items = append(items, x.Interface())
		}
		return convertList(items, str)
	}
	return v, nil
}

// wrap converts plain Go data into the engine's representation.
func wrap(v any) any {
	out, _ := convert(v, nil)
	return out
}

// toGo converts an engine value back to the API's plain types:
// map[string]any, []any, string, int, float64, bool, nil.
func toGo(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return toGo(dict(t))
	case []any:
		return toGo(list(t))
	case dict:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = toGo(x)
		}
		keyorder.Copy(out, t)
		return out
	case list:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = toGo(x)
		}
		return out
	case tuple:
		return toGo(list(t))
	case nil, string, bool, int, float64:
		return t
	case HostVars:
		return t.plain()
	case hostEntry:
		return t.plain()
	case datetime, timedelta: // what Ansible's templating makes of them
		return t.(fmt.Stringer).String()
	}
	w := wrap(v)
	switch w.(type) {
	case dict, list:
		return toGo(w)
	}
	return w
}

// Truthy is the boolean conversion of `when`, `changed_when` and friends:
// Python truthiness, except that strings spelling a boolean ("yes", "no",
// "true", "False", "on", "off", "0", "1"...) follow Ansible's boolean().
func Truthy(v any) bool {
	if s, ok := v.(string); ok {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "", "no", "false", "off", "0", "n", "f", "none":
			return false
		}
		return true
	}
	return pyTruthy(v)
}

// pyTruthy is Python's bool(v).
func pyTruthy(v any) bool {
	switch t := wrap(v).(type) {
	case nil:
		return false
	case bool:
		return t
	case int:
		return t != 0
	case float64:
		return t != 0
	case string:
		return t != ""
	case dict:
		return len(t) > 0
	case list:
		return len(t) > 0
	case tuple:
		return len(t) > 0
	case *exec.Dict:
		return len(t.Pairs) > 0
	}
	return true
}

// PyStr is Python's str(v) for the runner: how Ansible labels a loop item.
func PyStr(v any) string { return pyStr(v) }

// pyStr is Python's str(v): what `string`, `join` and `~` print.
func pyStr(v any) string {
	switch t := wrap(v).(type) {
	case string:
		return t
	case nil:
		return "None"
	default:
		return pyRepr(t)
	}
}

// pyRepr is Python's repr(v), used inside containers.
func pyRepr(v any) string {
	switch t := wrap(v).(type) {
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(t)
	case float64:
		return exec.AsValue(t).String()
	case string:
		return pyQuote(t)
	case list:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = pyRepr(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case tuple:
		return tupleRepr(t)
	case dict:
		keys := keyorder.Keys(t)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyRepr(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		return fmt.Sprint(t)
	}
}

// pyQuote is repr() of a Python string: single quotes unless only double quotes avoid
// escaping, and backslash escapes for the quote, backslashes and unprintable characters, so a
// multi-line value stays on one line.
func pyQuote(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteRune(quote)
	return b.String()
}
