package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"play/diag"
)

// The expected hosts are what `ansible -i testdata/inventory/yaml/hosts.yml
// PATTERN --list-hosts` printed (ansible-core 2.14), in its order.
func TestSelect(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	web := []string{"web01.example.com", "web02.example.com", "web03.example.com", "web5", "web7", "web9"}
	all := slices.Concat([]string{"lonely.example.com", "2001:db8::1"}, web, []string{"db-a", "db-b", "db-c"})
	tests := []struct {
		pattern string
		want    []string
	}{
		{"all", all},
		{"*", all},
		{"a*", all}, // matches the group "all", as in Ansible
		{"ungrouped", []string{"lonely.example.com", "2001:db8::1"}},
		{"db:web", slices.Concat([]string{"db-a", "db-b", "db-c"}, web)},
		{"db,web", slices.Concat([]string{"db-a", "db-b", "db-c"}, web)},
		{"web:!db", web[1:]},
		{"web:&db", []string{"web01.example.com"}},
		{"prod:&db:web", []string{"web01.example.com", "db-a"}}, // unions, then intersections
		{"!canary", slices.DeleteFunc(slices.Clone(all), func(h string) bool { return h == "web03.example.com" })},
		{"web*", web},
		{"*.example.com", []string{"lonely.example.com", "web01.example.com", "web02.example.com", "web03.example.com"}},
		{"~web0[12]", []string{"web01.example.com", "web02.example.com"}},
		{"~eb", nil}, // regexes match at the start, like Python's re.match
		{"web[0]", web[:1]},
		{"web[-1]", web[5:]},
		{"web[1:3]", web[1:4]},
		{"web[4:]", web[4:]},
		{"web[1:0]", web[1:2]}, // Ansible's quirk: an end of 0 means one host
		{"db[0]:db[-1]", []string{"db-a", "web01.example.com"}},
		{"prod[1:2]:&web", web[1:3]},
		{"db-a:web5", []string{"db-a", "web5"}},
		{"web01.example.com:db", []string{"web01.example.com", "db-a", "db-b", "db-c"}},
		{"2001:db8::1", []string{"2001:db8::1"}}, // an IPv6 address is not split on ':'
		{"web[01:03].example.com", nil},          // a pattern, not an inventory range
		{"nosuch", nil},
		{"nosuch:web5", []string{"web5"}},
		{"localhost", []string{"localhost"}},
		{"db[5:9]", nil}, // slices clip, like Python's
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			got, err := inv.Select(tc.pattern)
			if err != nil {
				t.Fatalf("Select(%q): %v", tc.pattern, err)
			}
			if names := hostNames(got); !slices.Equal(names, tc.want) {
				t.Errorf("Select(%q) = %q, want %q", tc.pattern, names, tc.want)
			}
		})
	}
}

func TestSelectErrors(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	for pattern, wantMsg := range map[string]string{
		"web[9]":    "no hosts matched the subscripted pattern",
		"db[-5]":    "no hosts matched the subscripted pattern",
		"~web(":     "invalid regular expression",
		"web:!":     "needs a host or group name after it",
		"":          "empty host pattern",
		" , ":       "empty host pattern",
		"all:&web(": "", // a glob never fails: "(" is literal
	} {
		t.Run(pattern, func(t *testing.T) {
			_, err := inv.Select(pattern)
			if wantMsg == "" {
				if err != nil {
					t.Fatalf("Select(%q): %v", pattern, err)
				}
				return
			}
			var de *diag.Error
			if !errors.As(err, &de) || !strings.Contains(de.Msg, wantMsg) || de.Hint == "" {
				t.Fatalf("Select(%q) error = %v, want a diag.Error with %q and a hint", pattern, err, wantMsg)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	retry := filepath.Join(t.TempDir(), "site.retry")
	if err := os.WriteFile(retry, []byte("web5\ndb-b\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		hosts, limit string
		want         []string
	}{
		{"web", "web0*", []string{"web01.example.com", "web02.example.com", "web03.example.com"}},
		{"web", "db", []string{"web01.example.com"}},
		{"web", "!web0*", []string{"web5", "web7", "web9"}},
		{"web", "&prod", []string{"web01.example.com", "web02.example.com", "web03.example.com", "web5", "web7", "web9"}},
		{"all", "@" + retry, []string{"web5", "db-b"}},
		{"all", "@" + retry + ":db-c", []string{"web5", "db-b", "db-c"}},
		{"db", "", []string{"db-a", "db-b", "db-c", "web01.example.com"}},
		{"localhost", "localhost", []string{"localhost"}},
		{"db", "nosuch", nil},
	}
	for _, tc := range tests {
		t.Run(tc.hosts+" limit "+tc.limit, func(t *testing.T) {
			hosts, err := inv.Select(tc.hosts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := inv.Limit(hosts, tc.limit)
			if err != nil {
				t.Fatalf("Limit(%q): %v", tc.limit, err)
			}
			if names := hostNames(got); !slices.Equal(names, tc.want) {
				t.Errorf("Limit(%q) = %q, want %q", tc.limit, names, tc.want)
			}
		})
	}
	if _, err := inv.Limit(nil, "@"+filepath.Join(t.TempDir(), "missing.retry")); err == nil || !strings.Contains(err.Error(), "cannot read limit file") {
		t.Errorf("Limit with a missing file: error = %v", err)
	}
}

func TestSplitPattern(t *testing.T) {
	tests := map[string][]string{
		"a:b:!c":           {"a", "b", "!c"},
		"a, b ,,&c":        {"a", "b", "&c"},
		"web[1:3]:db":      {"web[1:3]", "db"},
		"web[1:3]":         {"web[1:3]"},
		"fe80::1":          {"fe80::1"},
		"host:22":          {"host:22"}, // parses as an address, as in Ansible
		"~web\\d+:db":      {"~web\\d+", "db"},
		"g1 : g2":          {"g1", "g2"},
		"":                 nil,
		"a:[b]:c":          {"a", "[b]", "c"},
		"*.example.com:db": {"*.example.com", "db"},
	}
	for pattern, want := range tests {
		if got := splitPattern(pattern); !slices.Equal(got, want) {
			t.Errorf("splitPattern(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestGlobToRegexp(t *testing.T) {
	tests := []struct {
		glob, name string
		match      bool
	}{
		{"web*", "web01", true},
		{"web?", "web1", true},
		{"web?", "web10", false},
		{"web[12]", "web2", true},
		{"web[!12]", "web2", false},
		{"web[!12]", "web3", true},
		{"web[", "web[", true},
		{"a.b", "axb", false},
		{"*.é.com", "x.é.com", true},
		{"Web*", "web1", false},
	}
	for _, tc := range tests {
		re, err := compileTerm(tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(tc.name); got != tc.match {
			t.Errorf("glob %q on %q = %v, want %v", tc.glob, tc.name, got, tc.match)
		}
	}
}

// The names are the ones `ansible -i testdata/inventory/yaml/hosts.yml
// PATTERN --list-hosts` (2.14) warned about with "Could not match supplied
// host pattern, ignoring: NAME".
func TestUnmatched(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	tests := []struct {
		pattern string
		want    []string
	}{
		{"nosuch", []string{"nosuch"}},
		{"web:nosuch2", []string{"nosuch2"}},
		{"web*:&nothing", []string{"nothing"}},
		{"nope[0]", []string{"nope"}},
		{"~zz", []string{"~zz"}},
		{"zz*", []string{"zz*"}},
		{"all:!gone", []string{"gone"}},
		{"localhost", nil},
		{"web01.example.com,db", nil},
	}
	for _, tt := range tests {
		if got := inv.Unmatched(tt.pattern); !slices.Equal(got, tt.want) {
			t.Errorf("Unmatched(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}
