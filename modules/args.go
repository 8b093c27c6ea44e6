package modules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"play/internal/keyorder"
)

// Decode fills the exported fields of the struct dst points to from args.
//
// Field tags:
//
//	arg:"name"           the argument's name (fields without arg are ignored)
//	arg:"name,required"  the argument must be given
//	aliases:"a,b"        other accepted names
//	choices:"x,y"        the allowed values
//	arg:"*"              a map[string]any field that takes every argument
//	                     no other field names (set_fact's free keys)
//
// Values are coerced like Ansible does: strings accept numbers and bools,
// bools accept yes/no/on/off/true/false/1/0, ints accept numeric strings,
// []string accepts a list or a comma-separated string, map[string]any
// accepts a dict, a JSON object or "k=v k2=v2". A field whose type implements
// ArgDecoder decodes itself. *bool, *int and *string fields stay nil when the
// argument is not given.
//
// With lenient set (validation before running), a string that still holds a
// template is accepted for any type and choices are not checked against it.
func Decode(args map[string]any, dst any, lenient bool) error {
	rv := reflect.ValueOf(dst).Elem()
	fields := argFields(rv.Type(), nil)
	known := map[string]int{}
	var names, required []string
	var rest reflect.Value
	for i, f := range fields {
		tag := f.Tag.Get("arg")
		if tag == "*" {
			rest = rv.FieldByIndex(f.Index)
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		known[name] = i
		names = append(names, name)
		if opt == "required" {
			required = append(required, name)
		}
		if al := f.Tag.Get("aliases"); al != "" {
			for _, a := range strings.Split(al, ",") {
				known[a] = i
			}
		}
	}
	var unknown []string
	seen := map[int]string{}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		i, ok := known[k]
		if !ok && rest.IsValid() {
			if rest.IsNil() {
				rest.Set(reflect.ValueOf(map[string]any{}))
			}
			v := args[k] // through a pointer so a nil value stays a key
			rest.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(&v).Elem())
			continue
		}
		if !ok {
			// "{{ x | default(omit) }}" may drop the argument when rendered
			// (package's enablerepo on a Debian host): only then can it be judged.
			if !(lenient && hasTemplate(args[k]) && strings.Contains(fmt.Sprint(args[k]), "omit")) {
				unknown = append(unknown, k)
			}
			continue
		}
		if prev, dup := seen[i]; dup {
			return &ArgError{Arg: k, Msg: fmt.Sprintf("parameters are mutually exclusive: %s|%s", prev, k)}
		}
		seen[i] = k
		f := fields[i]
		fv := rv.FieldByIndex(f.Index)
		v := args[k]
		if lenient && hasTemplate(v) {
			continue
		}
		if err := setField(fv, v); err != nil {
			return &ArgError{Arg: k, Msg: fmt.Sprintf("argument '%s' is of type %s and we were unable to convert to %s: %v", k, typeName(v), kindName(f.Type), err)}
		}
		if ch := f.Tag.Get("choices"); ch != "" {
			s := fmt.Sprint(fv.Interface())
			if fv.Kind() == reflect.Pointer && !fv.IsNil() {
				s = fmt.Sprint(fv.Elem().Interface())
			}
			choices := strings.Split(ch, ",")
			if !slices.Contains(choices, s) {
				return &ArgError{Arg: k, Msg: fmt.Sprintf("value of %s must be one of: %s, got: %s", k, strings.Join(choices, ", "), s)}
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(names)
		return &ArgError{Arg: unknown[0], Unknown: unknown, Supported: names,
			Msg: fmt.Sprintf("Unsupported parameters for module: %s. Supported parameters include: %s.", strings.Join(unknown, ", "), strings.Join(names, ", "))}
	}
	var missing []string
	for _, r := range required {
		if _, ok := seen[known[r]]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return &ArgError{Arg: missing[0], Msg: "missing required arguments: " + strings.Join(missing, ", ")}
	}
	return nil
}

// argFields lists the fields of t with an arg tag, including those of
// embedded structs without one (shared argument groups like FileAttrs), with
// Index set to the full path from t.
func argFields(t reflect.Type, index []int) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		f.Index = append(slices.Clip(index), i)
		if _, ok := f.Tag.Lookup("arg"); ok {
			out = append(out, f)
		} else if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, argFields(f.Type, f.Index)...)
		}
	}
	return out
}

// ArgDecoder is implemented by argument types that decode themselves (Mode).
type ArgDecoder interface {
	DecodeArg(v any) error
}

// ArgError is a bad module argument.
type ArgError struct {
	Arg       string
	Msg       string
	Unknown   []string // unsupported parameter names, for "did you mean"
	Supported []string
}

func (e *ArgError) Error() string { return e.Msg }

func hasTemplate(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, "{{") || strings.Contains(x, "{%")
	case []any:
		return slices.ContainsFunc(x, hasTemplate)
	case map[string]any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	}
	return false
}

var argDecoderType = reflect.TypeFor[ArgDecoder]()

func setField(f reflect.Value, v any) error {
	if f.CanAddr() && f.Addr().Type().Implements(argDecoderType) {
		return f.Addr().Interface().(ArgDecoder).DecodeArg(v)
	}
	if f.Kind() == reflect.Pointer {
		if v == nil {
			return nil
		}
		p := reflect.New(f.Type().Elem())
		if err := setField(p.Elem(), v); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, err := ToString(v)
		f.SetString(s)
		return err
	case reflect.Bool:
		b, err := ToBool(v)
		f.SetBool(b)
		return err
	case reflect.Int, reflect.Int64:
		n, err := ToInt(v)
		f.SetInt(int64(n))
		return err
	case reflect.Float64:
		n, err := toFloat(v)
		f.SetFloat(n)
		return err
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.String {
			l, err := ToStringList(v)
			f.Set(reflect.ValueOf(l))
			return err
		}
		if f.Type().Elem().Kind() == reflect.Interface {
			switch x := v.(type) {
			case []any:
				f.Set(reflect.ValueOf(x))
			case nil:
			default:
				f.Set(reflect.ValueOf([]any{x}))
			}
			return nil
		}
	case reflect.Map:
		m, err := ToMap(v)
		f.Set(reflect.ValueOf(m))
		return err
	case reflect.Interface:
		if v != nil {
			f.Set(reflect.ValueOf(v))
		}
		return nil
	}
	return fmt.Errorf("unsupported field type %s", f.Type())
}

// ToString converts a scalar to a string the way Ansible's 'str' type does.
func ToString(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case int, int64, float64, uint64:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("%v is not a string", v)
}

// ToBool accepts Ansible's boolean spellings.
func ToBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "on", "1", "true", "t", "y", "1.0":
			return true, nil
		case "no", "off", "0", "false", "f", "n", "0.0", "":
			return false, nil
		}
	case nil:
		return false, nil
	}
	return false, fmt.Errorf("the value '%v' is not a valid boolean. Valid booleans include: 'yes', 'on', '1', 'true', 'no', 'off', '0', 'false'", v)
}

// ToInt accepts ints and numeric strings.
func ToInt(v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case uint64:
		return int(x), nil
	case float64:
		if x == float64(int(x)) {
			return int(x), nil
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%v cannot be converted to an int", v)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case string:
		return strconv.ParseFloat(strings.TrimSpace(x), 64)
	}
	return 0, fmt.Errorf("%v cannot be converted to a float", v)
}

// ToStringList accepts a list or a comma-separated string.
func ToStringList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, err := ToString(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	case string:
		if x == "" {
			return nil, nil
		}
		parts := strings.Split(x, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	case int, float64, bool:
		s, _ := ToString(x)
		return []string{s}, nil
	}
	return nil, fmt.Errorf("%v is not a list", v)
}

// ToMap accepts a dict, a JSON object string or "k=v k2=v2".
func ToMap(v any) (map[string]any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		if strings.HasPrefix(s, "{") {
			return jsonObject(s)
		}
		m := keyorder.NewBuilder[map[string]any](0)
		for _, kv := range strings.Fields(s) {
			k, val, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, fmt.Errorf("%q is not k=v", kv)
			}
			m.Set(k, val)
		}
		return m.Map(), nil
	}
	return nil, fmt.Errorf("%v is not a dict", v)
}

// jsonObject decodes a JSON object keeping its keys' order, as Python's
// json.loads does.
func jsonObject(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	v, err := keyorder.DecodeJSON(dec)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON object: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON object: text after its closing brace")
	}
	return v.(map[string]any), nil
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "str"
	case int, int64, uint64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case nil:
		return "NoneType"
	}
	return fmt.Sprintf("%T", v)
}

func kindName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "str"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int64:
		return "int"
	case reflect.Float64:
		return "float"
	case reflect.Slice:
		return "list"
	case reflect.Map:
		return "dict"
	}
	return t.String()
}
