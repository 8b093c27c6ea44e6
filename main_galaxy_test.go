package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/galaxy_like holds the patterns Galaxy roles (geerlingguy.git, nginx, docker) use,
// in our own words, with ansible-playbook 2.14's output for them: a RedHat-only argument that
// renders to omit, regular expressions with escapes Python keeps ("[0-9\.]+") in {{ }} and in a
// when list under import_tasks, multi-line strings in loop item labels, a loop whose items are
// all skipped, tasks picked by comparing ansible_version.full with a release, the deprecated
// include: (static for a plain file name, at run time for a template; jcalazan/ansible-django-stack).
// DIR in the saved output stands for the fixture's directory, as playIn writes it.
func TestGalaxyLikeRole(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "galaxy_like"))
	if err != nil {
		t.Fatal(err)
	}
	golden := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if res := playIn(t, dir, "--syntax-check"); res.code != 0 {
		t.Fatalf("--syntax-check: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	list := playIn(t, dir, "--list-tasks")
	if want := golden("ansible-list-tasks.out"); list.code != 0 || !strings.HasSuffix(list.stdout, want) {
		t.Fatalf("--list-tasks: exit %d\n%s\nwant it to end with ansible-playbook's:\n%s", list.code, list.stdout, want)
	}
	run := playIn(t, dir)
	if want := golden("ansible-run.out"); run.code != 0 || run.stdout != want {
		t.Fatalf("run: exit %d\n%s%s\nwant ansible-playbook's:\n%s", run.code, run.stdout, run.stderr, want)
	}
}
