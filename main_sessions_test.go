package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Every task costs one SSH session, changed or not, in check mode or not:
// a module's probe and the steps applying its plan share the session
// (connection.Shell). Counted in sshd's log: structural, not timed.
func TestOneSessionPerTask(t *testing.T) {
	s := lab.Servers[0]
	inv := labInventory(t)
	work := t.TempDir()
	writeFile(t, filepath.Join(work, "stale"), "old\n")
	pb := filepath.Join(t.TempDir(), "deploy.yml")
	writeFile(t, pb, `- hosts: `+s.Name+`
  gather_facts: false
  tasks:
    - file: path=`+work+`/app state=directory mode=0755
    - copy: content="{{ 'x' * 4096 }}" dest=`+work+`/app/data mode=0640
    - copy: content="port=80\n" dest=`+work+`/app/conf
    - lineinfile: path=`+work+`/app/hosts line="host=h" regexp="^host=" create=true
    - command: cat `+work+`/app/conf
      changed_when: false
    - file: path=`+work+`/app/conf mode=0600
    - file: src=`+work+`/app/conf dest=`+work+`/app/link state=link
    - file: path=`+work+`/stale state=absent
`)
	const tasks = 8
	for _, run := range []struct {
		name                  string
		args                  []string
		ok, changed, sessions int
	}{
		{"first", nil, tasks, 7, tasks},
		{"again", nil, tasks, 0, tasks},
		// command is skipped in check mode without running anything.
		{"check", []string{"--check"}, tasks - 1, 2, tasks - 1},
	} {
		if run.name == "check" { // two tasks to change, planned but not applied
			writeFile(t, filepath.Join(work, "stale"), "old\n")
			writeFile(t, filepath.Join(work, "app", "data"), "other")
		}
		before, err := s.Sessions()
		if err != nil {
			t.Fatal(err)
		}
		res := play(t, append([]string{"-i", inv, pb}, run.args...)...)
		if res.code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", run.name, res.code, res.stdout, res.stderr)
		}
		if c := recap(t, res.stdout)[s.Name]; c[0] != run.ok || c[1] != run.changed {
			t.Errorf("%s: recap %v, want ok=%d changed=%d", run.name, c, run.ok, run.changed)
		}
		after, err := s.Sessions()
		if err != nil {
			t.Fatal(err)
		}
		if after-before != run.sessions {
			t.Errorf("%s: %d sessions, want %d (one per task run on the host)", run.name, after-before, run.sessions)
		}
	}
	if data, err := os.ReadFile(filepath.Join(work, "app", "data")); err != nil || string(data) != "other" {
		t.Errorf("--check changed app/data: %q, %v", data, err)
	}
}
