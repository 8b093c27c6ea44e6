package jinja

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// urlsplit, urldecode and to_uuid.

func init() {
	registerFilters(map[string]filterFunc{
		"urlsplit":  filterURLSplit,
		"urldecode": filterURLDecode,
		"to_uuid":   filterToUUID,
	})
}

// filterURLDecode is Ansible's urldecode: urllib.parse.unquote_plus ("+"
// is a space); a malformed escape stays as written, as in Python.
func filterURLDecode(_ *exec.Evaluator, in any, _ args) (any, error) {
	s := strings.ReplaceAll(pyStr(in), "+", " ")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// filterURLSplit is Python's urllib.parse.urlsplit as a dict, or one of its
// components.
func filterURLSplit(_ *exec.Evaluator, in any, a args) (any, error) {
	parts := urlsplit(pyStr(in))
	if query := a.str(0, "query", ""); query != "" {
		v, ok := parts[query]
		if !ok {
			return nil, fmt.Errorf("urlsplit: unknown URL component: %s", query)
		}
		return v, nil
	}
	return parts, nil
}

// urlsplit splits a URL as Python does, leniently: no component is required.
func urlsplit(u string) dict {
	scheme, netloc, query, fragment := "", "", "", ""
	if i := strings.IndexByte(u, ':'); i > 0 && isSchemeName(u[:i]) {
		scheme, u = strings.ToLower(u[:i]), u[i+1:]
	}
	if strings.HasPrefix(u, "//") {
		end := len(u)
		if i := strings.IndexAny(u[2:], "/?#"); i >= 0 {
			end = i + 2
		}
		netloc, u = u[2:end], u[end:]
	}
	u, fragment, _ = strings.Cut(u, "#")
	u, query, _ = strings.Cut(u, "?")
	out := dict{"scheme": scheme, "netloc": netloc, "path": u, "query": query, "fragment": fragment,
		"username": nil, "password": nil, "hostname": nil, "port": nil}
	host := netloc
	if at := strings.LastIndexByte(netloc, '@'); at >= 0 {
		user, password, hasPassword := strings.Cut(netloc[:at], ":")
		out["username"] = user
		if hasPassword {
			out["password"] = password
		}
		host = netloc[at+1:]
	}
	port := ""
	if strings.HasPrefix(host, "[") {
		inside, rest, _ := strings.Cut(host[1:], "]")
		host, port = inside, strings.TrimPrefix(rest, ":")
	} else {
		host, port, _ = strings.Cut(host, ":")
	}
	if host != "" {
		out["hostname"] = strings.ToLower(host)
	}
	if n, err := strconv.Atoi(port); err == nil {
		out["port"] = n
	}
	return out
}

func isSchemeName(s string) bool {
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// ansibleNamespace is UUID_NAMESPACE_ANSIBLE.
const ansibleNamespace = "361E6D51-FAEC-444A-9079-341386DA8E2E"

// filterToUUID is uuid.uuid5(namespace, name).
func filterToUUID(_ *exec.Evaluator, in any, a args) (any, error) {
	namespace := a.str(0, "namespace", ansibleNamespace)
	ns, err := hex.DecodeString(strings.NewReplacer("-", "", "{", "", "}", "", "urn:uuid:", "").Replace(namespace))
	if err != nil || len(ns) != 16 {
		return nil, fmt.Errorf("Invalid value '%s' for 'namespace': badly formed hexadecimal UUID string", namespace)
	}
	sum := sha1.Sum(append(ns, pyStr(in)...))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(u)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
