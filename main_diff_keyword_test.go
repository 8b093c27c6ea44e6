package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The diff keyword decides per task, over --diff, as in ansible-playbook 2.14:
// `diff: true` prints the diff without --diff and `diff: false` hides it with
// --diff. The run prints diffs only for the tasks whose keyword allows them.
func TestDiffKeywordPerTask(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - name: shown
      copy: content="shown\n" dest=DEST/shown.txt
      check_mode: true
      diff: true
    - name: hidden
      copy: content="hidden\n" dest=DEST/hidden.txt
      check_mode: true
      diff: false
`,
	})
	site, err := os.ReadFile(filepath.Join(dir, "site.yml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "site.yml"), strings.ReplaceAll(string(site), "DEST", dir))
	for _, args := range [][]string{nil, {"--diff"}} {
		res := playIn(t, dir, args...)
		wantOutput(t, res, 0, "TASK [shown]", "+shown", "changed: [a]", "TASK [hidden]", "changed: [a]")
		if strings.Contains(res.stdout, "+hidden") {
			t.Errorf("play %v printed the diff of a task with diff: false:\n%s", args, res.stdout)
		}
	}
}
