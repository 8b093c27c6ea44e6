package inventory

import (
	"slices"
	"strings"
	"testing"
)

func TestExpandHostPattern(t *testing.T) {
	tests := []struct {
		in    string
		hosts []string
		port  int
	}{
		{"web1", []string{"web1"}, 0},
		{"web1:2222", []string{"web1"}, 2222},
		{"web[01:03]", []string{"web01", "web02", "web03"}, 0},
		{"web[8:10].example.com", []string{"web8.example.com", "web9.example.com", "web10.example.com"}, 0},
		{"web[1:9:3]", []string{"web1", "web4", "web7"}, 0},
		{"db-[a:c]", []string{"db-a", "db-b", "db-c"}, 0},
		{"x[y:B]", []string{"xy", "xz", "xA", "xB"}, 0},
		{"web[:2]", []string{"web0", "web1", "web2"}, 0},
		{"r[1:2]-[a:b]", []string{"r1-a", "r1-b", "r2-a", "r2-b"}, 0},
		{"web[1:2]:2200", []string{"web1", "web2"}, 2200},
		{"10.0.0.[1:2]", []string{"10.0.0.1", "10.0.0.2"}, 0},
		{"10.0.0.1:22", []string{"10.0.0.1"}, 22},
		{"[2001:db8::1]:2200", []string{"2001:db8::1"}, 2200},
		{"2001:db8::1", []string{"2001:db8::1"}, 0},
		{"fe80::1", []string{"fe80::1"}, 0},
		{"host_name", []string{"host_name"}, 0},
		{"ünïcode.example", []string{"ünïcode.example"}, 0},
	}
	for _, tc := range tests {
		hosts, port, err := expandHostPattern(tc.in)
		if err != nil || !slices.Equal(hosts, tc.hosts) || port != tc.port {
			t.Errorf("expandHostPattern(%q) = %q, %d, %v; want %q, %d", tc.in, hosts, port, err, tc.hosts, tc.port)
		}
	}
}

func TestExpandHostPatternErrors(t *testing.T) {
	tests := map[string]string{
		"web[5:1]":     "the beginning 5 is larger than the end 1",
		"web[c:a]":     `the beginning "c" comes after the end "a"`,
		"web[a:3]":     "both be numbers or both be single letters",
		"web[1]":       "begin:end or begin:end:step",
		"web[1:2:3:4]": "begin:end or begin:end:step",
		"web[1:]":      "must have an end value",
		"web[1:5:0]":   "step",
		"web[01:100]":  "equal length",
		"web[1:2":      "no closing ']'",
		"web:":         "trailing ':'",
	}
	for in, want := range tests {
		_, _, err := expandHostPattern(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("expandHostPattern(%q) error = %v, want it to contain %q", in, err, want)
		}
	}
}

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"web", "web", 0, true},
		{"web:22", "web", 22, true},
		{"a:b", "a:b", 0, false},
		{"web-", "web-", 0, false},
		{"-web", "-web", 0, false},
		{"web*", "web*", 0, false},
		{"1.2.3.4", "1.2.3.4", 0, true},
		{"::1", "::1", 0, true},
		{"[::1]:22", "::1", 22, true},
		{"web[1:3]", "web[1:3]", 0, true},
		{"web[1:3]:22", "web[1:3]", 22, true},
	}
	for _, tc := range tests {
		host, port, ok := parseAddress(tc.in)
		if host != tc.host || port != tc.port || ok != tc.ok {
			t.Errorf("parseAddress(%q) = %q, %d, %v; want %q, %d, %v", tc.in, host, port, ok, tc.host, tc.port, tc.ok)
		}
	}
}
