package playbooks

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the playbook reader: it may refuse
// them with errors, never panic or hang.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"- hosts: all\n  tasks:\n    - debug: msg=hi\n      when: x\n      loop: [1, 2]\n",
		"- hosts: all\n  tasks:\n    - block:\n        - command: ls -l chdir=/tmp\n      rescue:\n        - fail:\n",
		"- hosts: all\n  roles: [x]\n", "- import_playbook: self.yml\n", "{", "- hosts: [a, b]\n  vars: &v {a: *v}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(t.TempDir(), "self.yml")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = Load(path)
	})
}

// FuzzSplitKV feeds arbitrary k=v text to the free-form argument parser.
func FuzzSplitKV(f *testing.F) {
	for _, seed := range []string{"a=1 b='x y'", `msg="{{ a | default('x y') }}"`, "ls -l chdir=/tmp", "a='unbalanced", "\\"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = SplitKV(s, true)
		_, _ = SplitKV(s, false)
	})
}
