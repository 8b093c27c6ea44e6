package inventory

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

const fixtures = "../testdata/inventory"

func fixture(parts ...string) string {
	return filepath.Join(append([]string{fixtures}, parts...)...)
}

func mustLoad(t *testing.T, sources ...string) *Inventory {
	t.Helper()
	inv, err := Load(sources)
	if err != nil {
		t.Fatalf("Load(%q): %v", sources, err)
	}
	return inv
}

// hostCase is what one host must look like after loading; every expected
// value below was checked with `ansible-inventory -i FIXTURE --list`.
type hostCase struct {
	host   string
	groups []string
	vars   map[string]any // a subset of Vars()
}

func checkHosts(t *testing.T, inv *Inventory, cases []hostCase) {
	t.Helper()
	for _, tc := range cases {
		h, ok := inv.Host(tc.host)
		if !ok {
			t.Errorf("host %q missing", tc.host)
			continue
		}
		if !reflect.DeepEqual(h.Groups, tc.groups) {
			t.Errorf("%s: Groups = %q, want %q", tc.host, h.Groups, tc.groups)
		}
		vars := h.Vars()
		for k, want := range tc.vars {
			if got, ok := vars[k]; !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: var %s = %#v (set: %v), want %#v", tc.host, k, got, ok, want)
			}
		}
	}
}

func TestLoadYAML(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	if got, want := hostNames(inv.Hosts()), []string{
		"lonely.example.com", "2001:db8::1", "web01.example.com", "web02.example.com", "web03.example.com",
		"web5", "web7", "web9", "db-a", "db-b", "db-c",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("Hosts() = %q, want %q", got, want)
	}
	dbVars := map[string]any{
		"replicas": []any{"one", "two"},
		"tuning":   map[string]any{"shared_buffers": "128MB", "enabled": true},
	}
	checkHosts(t, inv, []hostCase{
		{"lonely.example.com", []string{"all", "ungrouped"}, map[string]any{"level": "all", "ntp": "pool.ntp.org"}},
		{"2001:db8::1", []string{"all", "ungrouped"}, map[string]any{"ansible_port": 2200}},
		// In db (depth 1) and web (depth 2, under prod too): web wins.
		{"web01.example.com", []string{"all", "db", "prod", "web"}, map[string]any{
			"level": "web", "http_port": 8080, "role": "both", "replicas": dbVars["replicas"], "tuning": dbVars["tuning"],
		}},
		// Host vars beat every group.
		{"web03.example.com", []string{"all", "canary", "prod", "web"}, map[string]any{"level": "host", "http_port": 8080}},
		{"web7", []string{"all", "prod", "web"}, map[string]any{"level": "web"}},
		// dbprod is deeper than db.
		{"db-a", []string{"all", "db", "prod", "dbprod"}, map[string]any{"level": "dbprod", "tuning": dbVars["tuning"]}},
		{"db-c", []string{"all", "db"}, map[string]any{"level": "db"}},
	})
	if _, ok := inv.Host("web02.example.com"); !ok {
		t.Error("range web[01:03] did not produce web02.example.com")
	}
	g, _ := inv.Group("dbprod")
	if g.Priority != 5 || g.Vars["ansible_group_priority"] != nil {
		t.Errorf("dbprod: Priority = %d, Vars = %v; want priority 5 and no ansible_group_priority var", g.Priority, g.Vars)
	}
	if got, want := inv.GroupNames(), []string{"all", "ungrouped", "web", "db", "prod", "dbprod", "canary"}; !reflect.DeepEqual(got, want) {
		t.Errorf("GroupNames() = %q, want %q", got, want)
	}
	for group, want := range map[string][]string{
		"prod":      {"web01.example.com", "web02.example.com", "web03.example.com", "web5", "web7", "web9", "db-a"},
		"ungrouped": {"lonely.example.com", "2001:db8::1"},
		"nosuch":    nil,
	} {
		if got := inv.GroupHosts(group); !reflect.DeepEqual(got, want) {
			t.Errorf("GroupHosts(%q) = %q, want %q", group, got, want)
		}
	}
}

func TestLoadINI(t *testing.T) {
	inv := mustLoad(t, fixture("ini", "hosts"))
	webVars := map[string]any{"level": "web", "port": 8080, "enabled": "yes", "list": []any{1, 2}}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for _, src := range []map[string]any{webVars, extra} {
			for k, v := range src {
				m[k] = v
			}
		}
		return m
	}
	checkHosts(t, inv, []hostCase{
		{"top1", []string{"all", "ungrouped"}, map[string]any{"ansible_host": "10.0.0.1"}},
		{"top2", []string{"all", "ungrouped"}, map[string]any{"ansible_port": 2201}},
		{"web01", []string{"all", "db", "prod", "web"}, with(map[string]any{
			"http_port": 80, "tls": true, "weight": 1.5, "tags": []any{1, "a"},
		})},
		{"web10", []string{"all", "prod", "web"}, with(map[string]any{
			"name": "quoted value", "path": "/srv/a b", "octal": "010", "quoted": "42", "none": nil,
		})},
		{"web11", []string{"all", "prod", "web"}, with(map[string]any{
			"ansible_port": 2222, "hash": "a", "opts": map[string]any{"a": 1, "b": []any{true, nil}},
		})},
		{"db-a", []string{"all", "db", "prod", "dbprod"}, map[string]any{"level": "dbprod"}},
		// [later:children] names a group defined further down.
		{"da1", []string{"all", "later", "defined_after"}, nil},
	})
	if got, want := inv.GroupHosts("all"), []string{
		"top1", "top2", "db-a", "db-b", "db-c", "web01", "web02", "web03", "web10", "web11", "da1",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("GroupHosts(all) = %q, want %q", got, want)
	}
}

// TestPrecedence checks the ladder in testdata/inventory/prec: level L of
// Ansible's precedence list sets upto{L..10} to "L", so uptoN must be "N".
// The expected values are what `ansible-playbook -i prec/inv/hosts.yml
// prec/play/site.yml` prints.
func TestPrecedence(t *testing.T) {
	inv := mustLoad(t, fixture("prec", "inv", "hosts.yml"))
	if err := inv.AddVarsDir(fixture("prec", "play")); err != nil {
		t.Fatal(err)
	}
	if err := inv.AddVarsDir(fixture("prec", "missing")); err != nil {
		t.Fatalf("a missing vars dir must be fine: %v", err)
	}
	checkHosts(t, inv, []hostCase{
		{"h1", []string{"all", "web", "webchild"}, map[string]any{
			"upto3": "3", "upto4": "4", "upto5": "5", "upto6": "6", "upto7": "7", "upto8": "8", "upto9": "9", "upto10": "10",
			"g3": "webchild", "g6": "webchild",
		}},
		{"h2", []string{"all", "web"}, map[string]any{
			"upto4": "4", "upto5": "5", "upto6": "6", "upto7": "7", "upto8": "7", "upto9": "7", "upto10": "7",
			"g3": "web", "g6": "web-b",
		}},
	})
	if _, set := mustHost(t, inv, "h2").Vars()["upto3"]; set {
		t.Error("h2 is not in webchild, yet got its vars")
	}
}

func mustHost(t *testing.T, inv *Inventory, name string) *Host {
	t.Helper()
	h, ok := inv.Host(name)
	if !ok {
		t.Fatalf("host %q missing", name)
	}
	return h
}

func TestLoadSources(t *testing.T) {
	tests := []struct {
		name    string
		sources []string
		hosts   []string
		checks  []hostCase
	}{
		{
			name:    "comma list with port and range",
			sources: []string{"h1, h2:2222,web[1:2],"},
			hosts:   []string{"h1", "h2", "web1", "web2"},
			checks: []hostCase{
				{"h2", []string{"all", "ungrouped"}, map[string]any{"ansible_port": 2222, "inventory_file": nil}},
			},
		},
		{
			name:    "single host with trailing comma",
			sources: []string{"localhost,"},
			hosts:   []string{"localhost"},
		},
		{
			// Later sources win at the same level; a port only applies to
			// a new host, as in Ansible.
			name:    "two sources merged in order",
			sources: []string{fixture("multi", "one.yml"), fixture("multi", "two.ini")},
			hosts:   []string{"m1", "m2", "m3"},
			checks: []hostCase{
				{"m1", []string{"all", "shared"}, map[string]any{"who": "two", "only_one": 1, "gv": "two", "keep": "one"}},
				{"m3", []string{"all", "shared"}, map[string]any{"gv": "two"}},
			},
		},
		{
			// Sorted, recursive, skipping .md .retry ~ .orig and hidden
			// files; group_vars/ of an unknown group is never read.
			name:    "directory",
			sources: []string{fixture("dir")},
			hosts:   []string{"app1", "app2", "subhost"},
			checks: []hostCase{
				{"app2", []string{"all", "app"}, map[string]any{"from": "yaml", "dirvar": "from-dir"}},
				{"subhost", []string{"all", "sub"}, map[string]any{"dirvar": "from-dir"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := mustLoad(t, tc.sources...)
			if got := hostNames(inv.Hosts()); !reflect.DeepEqual(got, tc.hosts) {
				t.Errorf("Hosts() = %q, want %q", got, tc.hosts)
			}
			checkHosts(t, inv, tc.checks)
		})
	}
}

func TestInventoryFileVars(t *testing.T) {
	inv := mustLoad(t, fixture("multi", "one.yml"), fixture("multi", "two.ini"))
	abs, err := filepath.Abs(fixture("multi", "one.yml"))
	if err != nil {
		t.Fatal(err)
	}
	vars := mustHost(t, inv, "m3").Vars()
	abs2, _ := filepath.Abs(fixture("multi", "two.ini"))
	if vars["inventory_file"] != abs2 || vars["inventory_dir"] != filepath.Dir(abs2) {
		t.Errorf("m3: inventory_file = %v, inventory_dir = %v, want %s and its directory", vars["inventory_file"], vars["inventory_dir"], abs2)
	}
	if got := mustHost(t, inv, "m1").Vars()["inventory_file"]; got != abs {
		t.Errorf("m1: inventory_file = %v, want the first source defining it, %s", got, abs)
	}
}

func TestImplicitLocalhost(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	for _, name := range localhostNames {
		h, ok := inv.Host(name)
		if !ok {
			t.Fatalf("Host(%q): no implicit localhost", name)
		}
		vars := h.Vars()
		if vars["ansible_connection"] != "local" || vars["ntp"] != "pool.ntp.org" {
			t.Errorf("implicit localhost vars = %v, want ansible_connection=local and the vars of all", vars)
		}
		if !reflect.DeepEqual(h.Groups, []string{"all"}) {
			t.Errorf("implicit localhost Groups = %q, want [all]", h.Groups)
		}
	}
	for pattern, want := range map[string][]string{"localhost": {"localhost"}, "all": inv.GroupHosts("all"), "local*": nil} {
		got, err := inv.Select(pattern)
		if err != nil {
			t.Fatal(err)
		}
		if names := hostNames(got); !slices.Equal(names, want) {
			t.Errorf("Select(%q) = %q, want %q", pattern, names, want)
		}
	}

	// The implicit localhost reads host_vars/localhost and group_vars/all.
	dir := writeTree(t, map[string]string{
		"hosts.yml":               "web:\n  hosts:\n    web1:\n",
		"group_vars/all.yml":      "from_all: yes\n",
		"host_vars/localhost.yml": "ansible_connection: ssh\n",
	})
	inv = mustLoad(t, filepath.Join(dir, "hosts.yml"))
	if vars := mustHost(t, inv, "localhost").Vars(); vars["from_all"] != true || vars["ansible_connection"] != "ssh" {
		t.Errorf("implicit localhost vars = %v, want from_all and the host_vars connection", vars)
	}

	// A localhost in the inventory replaces the implicit one.
	inv = mustLoad(t, "localhost:2222,")
	h := mustHost(t, inv, "localhost")
	if h.implicit || h.Vars()["ansible_port"] != 2222 {
		t.Errorf("localhost from the inventory: implicit=%v vars=%v", h.implicit, h.Vars())
	}
	if _, ok := inv.Host("127.0.0.1"); ok {
		t.Error("127.0.0.1 must not resolve when the inventory defines localhost")
	}
}

func TestVarsIsAFreshCopy(t *testing.T) {
	inv := mustLoad(t, fixture("yaml", "hosts.yml"))
	h := mustHost(t, inv, "db-b")
	v := h.Vars()
	v["level"] = "changed"
	v["tuning"].(map[string]any)["enabled"] = false
	v["replicas"].([]any)[0] = "changed"
	again := h.Vars()
	if again["level"] != "db" || again["tuning"].(map[string]any)["enabled"] != true || again["replicas"].([]any)[0] != "one" {
		t.Errorf("changing a Vars() result changed the inventory: %v", again)
	}
}
