package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command the module skips (under --check, or because creates= matches) still registers
// failed=false, as Ansible's task executor adds it to every module result: `x.failed` works.
func TestSkippedCommandRegistersFailed(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "site.yml")
	if err := os.WriteFile(pb, []byte(`
- hosts: a
  gather_facts: false
  tasks:
    - command: "true"
      register: plain
    - command: "true"
      args: {creates: /}
      register: guarded
    - debug: {msg: "plain={{ plain.failed }} guarded={{ guarded.failed }}"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, flags := range [][]string{{"--check"}, nil} {
		r := play(t, append([]string{pb, "-i", sshInventory(t, "a")}, flags...)...)
		if r.code != 0 || !strings.Contains(r.stdout, `"msg": "plain=False guarded=False"`) {
			t.Errorf("%v: exit %d\n%s%s", flags, r.code, r.stdout, r.stderr)
		}
	}
}

// file state=touch of a missing file prints its diff only when applied: Ansible's module
// returns before computing it in check mode.
func TestTouchDiffOnlyApplied(t *testing.T) {
	dir := t.TempDir()
	pb := filepath.Join(dir, "site.yml")
	if err := os.WriteFile(pb, []byte(`
- hosts: a
  gather_facts: false
  tasks:
    - file: {path: "`+dir+`/new", state: touch}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		flags []string
		diff  bool
	}{{[]string{"--check", "--diff"}, false}, {[]string{"--diff"}, true}} {
		r := play(t, append([]string{pb, "-i", sshInventory(t, "a")}, tt.flags...)...)
		if r.code != 0 || strings.Contains(r.stdout, "--- before") != tt.diff || !strings.Contains(r.stdout, "changed=1") {
			t.Errorf("%v: exit %d, want a diff: %v\n%s%s", tt.flags, r.code, tt.diff, r.stdout, r.stderr)
		}
	}
}
