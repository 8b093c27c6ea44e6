package inventory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Ports of the regular expressions in Ansible's parsing/utils/addresses.py:
// they decide what a host name, an IP address and a "name:port" are, both
// for inventory host lines and for splitting host patterns on ':'.
const (
	numericRange      = `\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	hexadecimalRange  = `\[(?:[0-9a-fA-F]+:[0-9a-fA-F]+)(?::[0-9]+)?\]`
	alphanumericRange = `\[(?:[a-zA-Z]:[a-zA-Z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`
	ipv6Component     = `(?:[0-9a-fA-F]{1,4}|` + hexadecimalRange + `)`
	ipv4Component     = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|` + numericRange + `)`
	// A label starts and ends with a word character or a range, with [_-]
	// allowed inside (Python's version says "not ending in [_-]" with a
	// lookbehind, which RE2 lacks).
	labelEdge = `(?:[\p{L}\p{N}_]|` + alphanumericRange + `)`
	label     = labelEdge + `(?:(?:[\p{L}\p{N}_-]|` + alphanumericRange + `)*` + labelEdge + `)?`
)

var (
	bracketedHostPort = regexp.MustCompile(`^\[(.+)\]:([0-9]+)$`)
	hostPort          = regexp.MustCompile(`^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$`)
	ipv4Address       = regexp.MustCompile(`^(?:` + ipv4Component + `\.){3}` + ipv4Component + `$`)
	ipv6Address       = regexp.MustCompile(`^(?:` + strings.ReplaceAll(strings.Join([]string{
		`(?:{0}:){7}{0}`,
		`(?:{0}:){1,6}:`,
		`(?:{0}:)(?::{0}){1,6}`,
		`(?:{0}:){2}(?::{0}){1,5}`,
		`(?:{0}:){3}(?::{0}){1,4}`,
		`(?:{0}:){4}(?::{0}){1,3}`,
		`(?:{0}:){5}(?::{0}){1,2}`,
		`(?:{0}:){6}(?::{0})`,
		`:(?::{0}){1,6}`,
		`{0}?::`,
		`(?:0:){6}(?:{0}\.){3}{0}`,
		`::(?:ffff:)?(?:{0}\.){3}{0}`,
		`(?:0:){5}ffff:(?:{0}\.){3}{0}`,
	}, "|"), "{0}", ipv6Component) + `)$`)
	hostName = regexp.MustCompile(`^` + label + `(?:\.` + label + `)*$`)
)

// parseAddress splits "host", "host:port" or "[host]:port" like Ansible's
// parse_address with allow_ranges: ok is false when s is not a host name,
// an IPv4 or an IPv6 address (possibly containing [x:y] ranges).
func parseAddress(s string) (host string, port int, ok bool) {
	host = s
	if m := bracketedHostPort.FindStringSubmatch(s); m != nil {
		host, port = m[1], atoiPort(m[2])
	} else if m := hostPort.FindStringSubmatch(s); m != nil {
		host, port = m[1], atoiPort(m[2])
	}
	if ipv4Address.MatchString(host) || ipv6Address.MatchString(host) || hostName.MatchString(host) {
		return host, port, true
	}
	return s, 0, false
}

func atoiPort(digits string) int {
	n, err := strconv.Atoi(digits)
	if err != nil { // only overflow: the regexp matched digits
		return 0
	}
	return n
}

// expandHostPattern turns an inventory host entry ("web[01:03]:2222") into
// host names and the port that applies to all of them (0: none), as
// Ansible's _expand_hostpattern does.
func expandHostPattern(pattern string) ([]string, int, error) {
	host, port, ok := parseAddress(pattern)
	if !ok {
		host, port = pattern, 0
	}
	if strings.HasSuffix(strings.TrimSpace(pattern), ":") && port == 0 {
		return nil, 0, fmt.Errorf("invalid host pattern %q: a trailing ':' is reserved for a port number", pattern)
	}
	if host == "" {
		return nil, 0, fmt.Errorf("empty host name")
	}
	if !strings.Contains(host, "[") {
		return []string{host}, port, nil
	}
	names, err := expandRanges(host)
	return names, port, err
}

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// expandRanges expands every [beg:end] or [beg:end:step] in name, left to
// right; numeric ranges whose begin has a leading zero keep its width.
func expandRanges(name string) ([]string, error) {
	open := strings.IndexByte(name, '[')
	if open < 0 {
		return []string{name}, nil
	}
	closing := strings.IndexByte(name[open:], ']')
	if closing < 0 {
		return nil, fmt.Errorf("host range in %q has no closing ']'", name)
	}
	head, spec, tail := name[:open], name[open+1:open+closing], name[open+closing+1:]
	seq, err := rangeSequence(spec)
	if err != nil {
		return nil, fmt.Errorf("host range [%s] in %q: %w", spec, name, err)
	}
	var names []string
	for _, item := range seq {
		more, err := expandRanges(head + item + tail)
		if err != nil {
			return nil, err
		}
		names = append(names, more...)
	}
	return names, nil
}

func rangeSequence(spec string) ([]string, error) {
	bounds := strings.Split(spec, ":")
	if len(bounds) != 2 && len(bounds) != 3 {
		return nil, fmt.Errorf("a range must be begin:end or begin:end:step")
	}
	beg, end, step := bounds[0], bounds[1], 1
	if beg == "" {
		beg = "0"
	}
	if end == "" {
		return nil, fmt.Errorf("a range must have an end value")
	}
	if len(bounds) == 3 {
		n, err := strconv.Atoi(bounds[2])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("the step %q must be a positive integer", bounds[2])
		}
		step = n
	}
	if len(beg) == 1 && len(end) == 1 && strings.Contains(letters, beg) && strings.Contains(letters, end) {
		b, e := strings.Index(letters, beg), strings.Index(letters, end)
		if b > e {
			return nil, fmt.Errorf("the beginning %q comes after the end %q", beg, end)
		}
		var seq []string
		for i := b; i <= e; i += step {
			seq = append(seq, letters[i:i+1])
		}
		return seq, nil
	}
	b, errB := strconv.Atoi(beg)
	e, errE := strconv.Atoi(end)
	if errB != nil || errE != nil || b < 0 || e < 0 {
		return nil, fmt.Errorf("begin and end must both be numbers or both be single letters")
	}
	if b > e {
		return nil, fmt.Errorf("the beginning %s is larger than the end %s", beg, end)
	}
	width := 0
	if len(beg) > 1 && beg[0] == '0' {
		if len(beg) != len(end) {
			return nil, fmt.Errorf("a zero-padded range needs begin and end of equal length")
		}
		width = len(beg)
	}
	var seq []string
	for i := b; i <= e; i += step {
		seq = append(seq, fmt.Sprintf("%0*d", width, i))
	}
	return seq, nil
}
