package jinja

import (
	"fmt"
	"math"
	"slices"

	"play/vault"
)

// The rest of ansible.builtin's tests (ansible-doc -t test -l, 2.14):
// async states, reachability, NaN, URIs and vault data.

func init() {
	registerTests(map[string]testFunc{
		"finished":        asyncTest("finished"),
		"started":         asyncTest("started"),
		"unreachable":     func(in any, _ args) (bool, error) { return pyTruthy(resultKey(in, "unreachable", "unreachable")), nil },
		"reachable":       func(in any, _ args) (bool, error) { return !pyTruthy(resultKey(in, "unreachable", "unreachable")), nil },
		"nan":             isNaN,
		"isnan":           isNaN,
		"uri":             func(in any, a args) (bool, error) { return isURI(in, a.get(0, "schemes", nil), false), nil },
		"url":             func(in any, a args) (bool, error) { return isURI(in, a.get(0, "schemes", nil), true), nil },
		"urn":             func(in any, _ args) (bool, error) { return isURI(in, list{"urn"}, false), nil },
		"vault_encrypted": isVaultEncrypted,
	})
}

// resultKey is a registered result's key (nil when absent); anything but a
// dict raises Ansible's error, named after test.
func resultKey(in any, test, key string) any {
	d, ok := in.(dict)
	if !ok {
		panic(&FilterError{Msg: fmt.Sprintf("The '%s' test expects a dictionary", test)})
	}
	return d[key]
}

// asyncTest is finished or started: the async status key is 1; a result
// without it (not an async task) counts as done, as in Ansible (which also
// warns).
func asyncTest(key string) testFunc {
	return func(in any, _ args) (bool, error) {
		v := resultKey(in, key, key)
		if v == nil {
			return true, nil
		}
		n, isNumber := toFloat(v)
		return isNumber && n == 1, nil
	}
}

// isNaN is math.isnan; a value that is not a number is not NaN.
func isNaN(in any, _ args) (bool, error) {
	f, ok := in.(float64)
	return ok && math.IsNaN(f), nil
}

// isURI is Ansible's uri test (any string parses as one, as urlparse never
// fails) and, with needNetloc, its url test: a scheme and a network
// location; schemes, when given, lists the accepted schemes.
func isURI(in any, schemes any, needNetloc bool) bool {
	s, ok := in.(string)
	if !ok {
		return false
	}
	u := urlsplit(s)
	scheme, netloc := u["scheme"].(string), u["netloc"].(string)
	if needNetloc && (scheme == "" || netloc == "") {
		return false
	}
	if accepted, ok := schemes.(list); ok && len(accepted) > 0 {
		return slices.ContainsFunc(accepted, func(x any) bool { return pyStr(x) == scheme })
	}
	return true
}

// isVaultEncrypted says whether a value is vault data. play decrypts `!vault`
// values as it reads them, so only a string still holding a vault envelope
// is (Ansible answers true for a `!vault` variable).
func isVaultEncrypted(in any, _ args) (bool, error) {
	s, ok := in.(string)
	return ok && vault.IsEncrypted([]byte(s)), nil
}
