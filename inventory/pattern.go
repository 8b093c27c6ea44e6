package inventory

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"play/diag"
	"play/internal/fnmatch"
)

// Select returns the hosts matching an Ansible host pattern ("web:&prod:!web02",
// "db[0]", "~web\d+", "*.example.com"), without duplicates, in Ansible's
// order: the hosts of each union term in turn, each term in inventory
// order. Unknown names match nothing (the caller warns); a pattern Ansible
// would reject (a bad regular expression, a subscript out of range) is a
// *diag.Error without a position, for the caller to place.
func (inv *Inventory) Select(pattern string) ([]*Host, error) {
	terms := splitPattern(pattern)
	if len(terms) == 0 {
		return nil, diag.Errorf(diag.Pos{}, "empty host pattern %q", pattern).
			WithHint("name a host or a group, or use `all`")
	}
	return inv.evaluate(terms)
}

// Unmatched lists the names and globs in pattern that match no group and no
// host, for Ansible's "Could not match supplied host pattern" warning (an
// empty group is a match). Terms Select would reject are left to Select.
func (inv *Inventory) Unmatched(pattern string) []string {
	var names []string
	for _, term := range splitPattern(pattern) {
		expr := strings.TrimLeft(term[:1], "&!") + term[1:]
		if m := subscripted.FindStringSubmatch(expr); m != nil && expr[0] != '~' {
			expr = m[1]
		}
		if expr == "" || expr == "all" || inv.hosts[expr] != nil {
			continue
		}
		re, err := compileTerm(expr)
		if err != nil || slices.ContainsFunc(inv.groupOrder, func(g *Group) bool { return re.MatchString(g.Name) }) {
			continue
		}
		if hosts, _ := inv.enumerate(expr); len(hosts) == 0 {
			names = append(names, expr)
		}
	}
	return names
}

// Limit keeps the hosts that also match pattern, as --limit does. A term
// "@file" reads one pattern per line from file (such as a .retry file). An
// empty pattern keeps every host.
func (inv *Inventory) Limit(hosts []*Host, pattern string) ([]*Host, error) {
	var terms []string
	for _, term := range splitPattern(pattern) {
		file, ok := strings.CutPrefix(term, "@")
		if !ok {
			terms = append(terms, term)
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			e := diag.Errorf(diag.Pos{}, "cannot read limit file %s: %v", file, err).
				WithHint("--limit @FILE reads one host per line from FILE; check the path")
			e.Err = err
			return nil, e
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				terms = append(terms, line)
			}
		}
	}
	if len(terms) == 0 {
		return hosts, nil
	}
	allowed, err := inv.evaluate(terms)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(hosts), func(h *Host) bool { return !slices.Contains(allowed, h) }), nil
}

var patternTerm = regexp.MustCompile(`(?:[^\s:\[\]]|\[[^\]]*\])+`)

// splitPattern splits a pattern into terms like Ansible's
// split_host_pattern: on commas when there is one, else on colons that
// are not part of a host address (IPv6, "name:port") or a [x:y] range.
func splitPattern(pattern string) []string {
	var terms []string
	switch {
	case strings.Contains(pattern, ","):
		terms = strings.Split(pattern, ",")
	case isAddress(pattern):
		terms = []string{pattern}
	default:
		terms = patternTerm.FindAllString(pattern, -1)
	}
	out := terms[:0]
	for _, t := range terms {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func isAddress(s string) bool {
	_, _, ok := parseAddress(s)
	return ok
}

// evaluate applies the terms as Ansible does: every union first, then the
// intersections (&), then the exclusions (!); "all" when only & and ! are
// given.
func (inv *Inventory) evaluate(terms []string) ([]*Host, error) {
	var unions, intersections, exclusions []string
	for _, t := range terms {
		switch t[0] {
		case '&':
			intersections = append(intersections, t)
		case '!':
			exclusions = append(exclusions, t)
		default:
			unions = append(unions, t)
		}
	}
	if len(unions) == 0 {
		unions = []string{"all"}
	}
	var hosts []*Host
	for _, t := range slices.Concat(unions, intersections, exclusions) {
		if h, ok := inv.hosts[t]; ok {
			hosts = append(hosts, h)
			continue
		}
		matched, err := inv.matchTerm(t)
		if err != nil {
			return nil, err
		}
		switch t[0] {
		case '&':
			hosts = slices.DeleteFunc(hosts, func(h *Host) bool { return !slices.Contains(matched, h) })
		case '!':
			hosts = slices.DeleteFunc(hosts, func(h *Host) bool { return slices.Contains(matched, h) })
		default:
			hosts = append(hosts, matched...)
		}
	}
	return dedupHosts(hosts), nil
}

func dedupHosts(hosts []*Host) []*Host {
	seen := map[*Host]bool{}
	return slices.DeleteFunc(hosts, func(h *Host) bool {
		dup := seen[h]
		seen[h] = true
		return dup
	})
}

// subscripted is a term ending in [i], [i:j] or [i:] (Ansible also
// accepts the removed [i-j]).
var subscripted = regexp.MustCompile(`^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$`)

// matchTerm matches one term, its & or ! prefix ignored, with its
// subscript applied.
func (inv *Inventory) matchTerm(term string) ([]*Host, error) {
	expr := strings.TrimLeft(term[:1], "&!") + term[1:]
	if expr == "" {
		return nil, diag.Errorf(diag.Pos{}, "%q in a host pattern needs a host or group name after it", term).
			WithHint("write e.g. `all:!web1` or `web:&prod`")
	}
	m := subscripted.FindStringSubmatch(expr)
	if expr[0] == '~' || m == nil {
		return inv.enumerate(expr)
	}
	hosts, err := inv.enumerate(m[1])
	if err != nil || len(hosts) == 0 {
		return hosts, err
	}
	n := len(hosts)
	outOfRange := diag.Errorf(diag.Pos{}, "no hosts matched the subscripted pattern %q: it matches %d hosts", expr, n).
		WithHint("subscripts count from 0: use %s[0] to %s[%d], or %s[-1] for the last", m[1], m[1], n-1, m[1])
	if m[2] != "" { // [i]: one host, negative counts from the end
		i, _ := strconv.Atoi(m[2])
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return nil, outOfRange
		}
		return hosts[i : i+1], nil
	}
	start, _ := strconv.Atoi(m[3])
	end := n - 1
	if m[5] != "" {
		end, _ = strconv.Atoi(m[5])
	}
	if m[5] == "0" { // Python's "if end:" makes [i:0] mean [i]
		if start >= n {
			return nil, outOfRange
		}
		return hosts[start : start+1], nil
	}
	// Python slices clip: [5:9] of three hosts is empty, not an error.
	start, end = min(start, n), min(end+1, n)
	if start >= end {
		return nil, nil
	}
	return hosts[start:end], nil
}

// enumerate returns the hosts of every group whose name matches expr, plus,
// when no group matched or expr is a glob or regular expression, every host
// whose name matches; the implicit localhost answers to its names.
func (inv *Inventory) enumerate(expr string) ([]*Host, error) {
	re, err := compileTerm(expr)
	if err != nil {
		return nil, err
	}
	var hosts []*Host
	groupMatched := false
	for _, g := range inv.groupOrder {
		if re.MatchString(g.Name) {
			groupMatched = true
			hosts = append(hosts, g.allHosts()...)
		}
	}
	if !groupMatched || expr[0] == '~' || strings.ContainsAny(expr, ".?*[") {
		for _, h := range inv.hostOrder {
			if re.MatchString(h.Name) {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 && inv.localhost != nil && slices.Contains(localhostNames, expr) {
		hosts = append(hosts, inv.localhost)
	}
	return hosts, nil
}

// compileTerm turns "~regex" (matched at the start of names, like Python's
// re.match) or a shell glob (matched against whole names) into a regexp.
func compileTerm(expr string) (*regexp.Regexp, error) {
	if rx, ok := strings.CutPrefix(expr, "~"); ok {
		re, err := regexp.Compile(`^(?:` + rx + `)`)
		if err != nil {
			return nil, diag.Errorf(diag.Pos{}, "invalid regular expression in host pattern %q: %v", expr, err).
				WithHint("after ~ write a Go (RE2) regular expression, e.g. ~web[0-9]+")
		}
		return re, nil
	}
	re, err := fnmatch.Compile(expr)
	if err != nil { // only bytes that are not UTF-8 get here
		return nil, diag.Errorf(diag.Pos{}, "invalid host pattern %q: %v", expr, err).
			WithHint("host patterns are text: names, groups, globs, ~regex")
	}
	return re, nil
}
