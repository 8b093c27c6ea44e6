package inventory

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the inventory reader as a YAML and as
// an INI file: it may refuse them, never panic or hang.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"all:\n  hosts:\n    web[01:03]:\n      ansible_port: 22\n  children:\n    db:\n      hosts:\n        db1:\n",
		"[web]\nweb[1:3] a=1 b='x y'\n[web:vars]\nc=True\n[all:children]\nweb\n",
		"all: [1, 2", "[g]\nh ansible_host=\"unterminated\n", "x: &a [*a]\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		dir := t.TempDir()
		for _, name := range []string{"hosts.yml", "hosts.ini"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			if inv, err := Load([]string{path}); err == nil {
				for _, h := range inv.Hosts() {
					h.Vars()
				}
			}
		}
	})
}

// FuzzSelect runs arbitrary host patterns against a small inventory.
func FuzzSelect(f *testing.F) {
	for _, seed := range []string{"all", "web:&db", "web:!web2", "~w.*", "web[0]", "web[1:3]", "*", "a,b", "web[", "~(", "@missing"} {
		f.Add(seed)
	}
	inv, err := Load([]string{"web1,web2,db1,"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		hosts, err := inv.Select(pattern)
		if err == nil {
			_, _ = inv.Limit(hosts, pattern)
		}
	})
}
