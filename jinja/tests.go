package jinja

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// testFunc is a Jinja test on plain engine values.
type testFunc func(in any, a args) (bool, error)

type gonjaTest = func(*exec.Evaluator, *exec.Value, *exec.VarArgs) (bool, error)

// adaptTest turns a testFunc into a gonja test. As in Ansible, an undefined
// value simply fails the test (`nope is string` is false).
func adaptTest(fn testFunc) gonjaTest {
	return func(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) (bool, error) {
		if isUndefined(in) {
			return false, nil
		}
		if in.IsError() {
			return false, in
		}
		return fn(wrap(in.Interface()), newArgs(params))
	}
}

var tests = map[string]testFunc{
	"none":    func(in any, _ args) (bool, error) { return in == nil, nil },
	"string":  func(in any, _ args) (bool, error) { _, ok := in.(string); return ok, nil },
	"mapping": func(in any, _ args) (bool, error) { _, ok := in.(dict); return ok, nil },
	"boolean": func(in any, _ args) (bool, error) { _, ok := in.(bool); return ok, nil },
	"integer": func(in any, _ args) (bool, error) { _, ok := in.(int); return ok, nil },
	"float":   func(in any, _ args) (bool, error) { _, ok := in.(float64); return ok, nil },
	"number": func(in any, _ args) (bool, error) {
		_, ok := toFloat(in)
		return ok, nil
	},
	"iterable": isIterable,
	"sequence": isIterable,
	"true":     func(in any, _ args) (bool, error) { return in == true, nil },
	"false":    func(in any, _ args) (bool, error) { return in == false, nil },
	"truthy":   func(in any, a args) (bool, error) { return truthy(in, a), nil },
	"falsy":    func(in any, a args) (bool, error) { return !truthy(in, a), nil },
	"equalto":  func(in any, a args) (bool, error) { return hashKey(in) == hashKey(a.get(0, "other", nil)), nil },
	"ne":       func(in any, a args) (bool, error) { return hashKey(in) != hashKey(a.get(0, "other", nil)), nil },
	"in":       func(in any, a args) (bool, error) { return contains(a.get(0, "seq", nil), in) },
	"contains": func(in any, a args) (bool, error) { return contains(in, a.get(0, "value", nil)) },
	"subset":   func(in any, a args) (bool, error) { return subset(in, a.get(0, "b", nil)) },
	"superset": func(in any, a args) (bool, error) { return subset(a.get(0, "b", nil), in) },
	"changed":  resultTest("changed", "changed", false),
	"failed":   resultTest("failed", "failed", false),
	"skipped":  resultTest("skipped", "skipped", false),
	"succeeded": func(in any, a args) (bool, error) {
		failed, err := resultTest("failed", "failed", false)(in, a)
		return !failed, err
	},
	"match":           regexTest(`\A(?:%s)`),
	"search":          regexTest(`%s`),
	"regex":           testRegex,
	"version":         testVersion,
	"version_compare": testVersion,
	"any":             func(in any, _ args) (bool, error) { return anyAll(in, true) },
	"all":             func(in any, _ args) (bool, error) { return anyAll(in, false) },
}

func init() {
	aliases := map[string]string{"==": "equalto", "eq": "equalto", "!=": "ne", "success": "succeeded", "successful": "succeeded",
		"change": "changed", "failure": "failed", "skip": "skipped", "issubset": "subset", "issuperset": "superset"}
	registerTests(tests)
	for alias, name := range aliases {
		registerTest(alias, adaptTest(tests[name]))
	}
	registerTest("defined", func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) (bool, error) {
		return !isUndefined(in), nil
	})
	registerTest("undefined", func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) (bool, error) {
		return isUndefined(in), nil
	})
}

// registerTests registers a group of tests on plain values.
func registerTests(group map[string]testFunc) {
	for name, fn := range group {
		registerTest(name, adaptTest(fn))
	}
}

func registerTest(name string, fn gonjaTest) {
	set := environment.Tests
	if set.Exists(name) {
		_ = set.Replace(name, fn)
		return
	}
	_ = set.Register(name, fn)
}

// isIterable is Jinja's iterable/sequence: strings, lists and mappings.
func isIterable(in any, _ args) (bool, error) {
	switch in.(type) {
	case string, list, tuple, dict:
		return true, nil
	}
	return false, nil
}

// truthy is Ansible's truthy test; convert_bool applies boolean() first.
func truthy(in any, a args) bool {
	if a.bool(0, "convert_bool") {
		if s, ok := in.(string); ok {
			switch strings.ToLower(s) {
			case "yes", "on", "1", "true", "y", "t":
				return true
			case "no", "off", "0", "false", "n", "f":
				return false
			}
		}
	}
	return pyTruthy(in)
}

// contains is Python's `needle in haystack`.
func contains(haystack, needle any) (bool, error) {
	switch t := haystack.(type) {
	case string:
		return strings.Contains(t, pyStr(needle)), nil
	case dict:
		_, ok := t[pyStr(needle)]
		return ok, nil
	case HostVars:
		_, ok := t[pyStr(needle)]
		return ok, nil
	case hostEntry:
		_, ok := t.vars[pyStr(needle)]
		return ok, nil
	case list, tuple:
		xs, _ := items(t)
		k := hashKey(needle)
		for _, x := range xs {
			if hashKey(x) == k {
				return true, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("argument of type '%s' is not iterable", typeName(haystack))
}

func subset(a, b any) (bool, error) {
	xs, err := items(a)
	if err != nil {
		return false, err
	}
	for _, x := range xs {
		if ok, err := contains(b, x); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// resultTest reads a registered result's key; a loop's result (with
// "results") is true when any item's is (Ansible's changed/failed/skipped).
func resultTest(test, key string, def bool) testFunc {
	return func(in any, _ args) (bool, error) {
		d, ok := in.(dict)
		if !ok {
			panic(&FilterError{Msg: fmt.Sprintf("The '%s' test expects a dictionary", test)})
		}
		if results, ok := d["results"].(list); ok && key != "skipped" {
			for _, r := range results {
				if item, ok := r.(dict); ok && pyTruthy(item[key]) {
					return true, nil
				}
			}
		}
		v, ok := d[key]
		if !ok {
			return def, nil
		}
		return Truthy(v), nil
	}
}

// regexTest builds match (anchored at the start) and search.
func regexTest(shape string) testFunc {
	return func(in any, a args) (bool, error) {
		re, err := pyRegexp(fmt.Sprintf(shape, a.str(0, "pattern", "")), a, 1, 2)
		if err != nil {
			return false, err
		}
		return re.MatchString(pyStr(in)), nil
	}
}

func testRegex(in any, a args) (bool, error) {
	shape := `%s`
	if a.str(3, "match_type", "search") == "match" {
		shape = `\A(?:%s)`
	}
	return regexTest(shape)(in, a)
}

// testVersion compares versions as Ansible's version test: LooseVersion,
// or as strict or version_type say.
func testVersion(in any, a args) (bool, error) {
	c, err := versionCompare(pyStr(in), a.str(0, "version", ""), a.bool(2, "strict"), a.str(3, "version_type", ""))
	if err != nil {
		return false, err
	}
	switch op := a.str(1, "operator", "eq"); op {
	case "==", "=", "eq":
		return c == 0, nil
	case "!=", "<>", "ne":
		return c != 0, nil
	case "<", "lt":
		return c < 0, nil
	case "<=", "le":
		return c <= 0, nil
	case ">", "gt":
		return c > 0, nil
	case ">=", "ge":
		return c >= 0, nil
	default:
		return false, fmt.Errorf("invalid version operator %q: use one of ==, !=, <, <=, >, >=, eq, ne, lt, le, gt, ge", op)
	}
}

var versionPart = regexp.MustCompile(`\d+|[a-zA-Z]+`)

// compareVersions compares LooseVersion components: numbers numerically,
// words lexically, a number before a word.
func compareVersions(a, b string) int {
	pa, pb := versionPart.FindAllString(a, -1), versionPart.FindAllString(b, -1)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		switch {
		case errA == nil && errB == nil && na != nb:
			if na < nb {
				return -1
			}
			return 1
		case errA == nil && errB != nil:
			return -1
		case errA != nil && errB == nil:
			return 1
		case errA != nil && errB != nil && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}

// anyAll is Python's any (wantAny) and all: whether some (every) item is truthy.
func anyAll(in any, wantAny bool) (bool, error) {
	xs, err := items(in)
	if err != nil {
		return false, err
	}
	for _, x := range xs {
		if pyTruthy(x) == wantAny {
			return wantAny, nil
		}
	}
	return !wantAny, nil
}
