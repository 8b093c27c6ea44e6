package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoles runs testdata/roles (web depending on common) on the lab and
// checks the files the roles wrote, the variable precedence they show, the
// handlers, the recap, and that a second run changes nothing. The output
// was compared with ansible-playbook 2.14 on the same tree (-c local).
func TestRoles(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "hosts.yml")
	if err := lab.WriteInventory(inv, map[string]any{"common_owner": "from inventory", "web_name": "from inventory"}); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	pb := "testdata/roles/site.yml"
	first := play(t, "-i", inv, pb, "-e", "work="+work)
	if first.code != 0 {
		t.Fatalf("first run exit %d\n%s\n%s", first.code, first.stdout, first.stderr)
	}
	for _, banner := range []string{"TASK [common : Write the motd]", "TASK [web : Render the site config]",
		"TASK [Include a role's other tasks file per item]", "TASK [common : Extra file]",
		"RUNNING HANDLER [common : common changed]", "RUNNING HANDLER [web : restart web]"} {
		if !strings.Contains(first.stdout, banner) {
			t.Errorf("no %s in the output:\n%s", banner, first.stdout)
		}
	}
	if strings.Index(first.stdout, "common : Write the motd") > strings.Index(first.stdout, "web : Render the site config") {
		t.Errorf("the dependency did not run first:\n%s", first.stdout)
	}
	// file, motd, site.conf, index.html, after.txt, 2 extra files, 2 handlers.
	wantFirst := [7]int{9, 9, 0, 0, 0, 0, 0}
	for host, c := range recap(t, first.stdout) {
		if c != wantFirst {
			t.Errorf("first run %s: %v, want %v", host, c, wantFirst)
		}
	}
	for _, s := range lab.Servers {
		dir := filepath.Join(work, s.Name)
		for file, want := range map[string]string{
			// role params > role vars > inventory > role defaults
			"site.conf":      "port=8081\nuser=from web vars\nname=from inventory\nrole=web web\n",
			"motd":           "from common defaults / from inventory / common\n",
			"index.html":     "<h1>web role</h1>\n",
			"after.txt":      "from common defaults from web vars\n",
			"extra-a":        "a from common defaults\n",
			"extra-b":        "b from common defaults\n",
			"common-handler": "common handler ran\n",
			"web-handler":    "web handler ran\n",
		} {
			got, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil || string(got) != want {
				t.Errorf("%s/%s = %q (%v), want %q", s.Name, file, got, err, want)
			}
		}
	}
	second := play(t, "-i", inv, pb, "-e", "work="+work)
	wantSecond := [7]int{7, 0, 0, 0, 0, 0, 0}
	for host, c := range recap(t, second.stdout) {
		if c != wantSecond {
			t.Errorf("second run %s: %v, want %v\n%s", host, c, wantSecond, second.stdout)
		}
	}
}

// TestRolesListTasks checks --list-tasks shows role tasks where they run,
// as ansible-playbook does.
func TestRolesListTasks(t *testing.T) {
	res := play(t, "-i", labInventory(t), "testdata/roles/site.yml", "--list-tasks")
	want := `    tasks:
      Work directory	TAGS: []
      common : Write the motd	TAGS: []
      web : Render the site config	TAGS: []
      web : Copy the index page	TAGS: []
      Role defaults and vars are visible after the roles	TAGS: []
      Include a role's other tasks file per item	TAGS: []
`
	if res.code != 0 || !strings.Contains(res.stdout, want) {
		t.Errorf("exit %d\n%s\nwant\n%s%s", res.code, res.stdout, want, res.stderr)
	}
}

// TestGalaxyRoleSyntax loads a role laid out like geerlingguy.nginx
// (include_vars by OS family, include_tasks with when, import_tasks,
// handlers, templates) by its Galaxy name; the listing is ansible-playbook's.
func TestGalaxyRoleSyntax(t *testing.T) {
	inv := labInventory(t)
	if res := play(t, "-i", inv, "testdata/roles/galaxy.yml", "--syntax-check"); res.code != 0 {
		t.Fatalf("--syntax-check exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res := play(t, "-i", inv, "testdata/roles/galaxy.yml", "--list-tasks")
	want := `    tasks:
      geerlingguy.nginx : Include OS-specific variables.	TAGS: []
      geerlingguy.nginx : Define nginx_user.	TAGS: []
      include_tasks	TAGS: []
      geerlingguy.nginx : Remove default nginx vhost config file (if configured).	TAGS: []
      geerlingguy.nginx : Ensure nginx_vhost_path exists.	TAGS: []
      geerlingguy.nginx : Add managed vhost config files.	TAGS: [skip_ansible_lint]
      geerlingguy.nginx : Copy nginx configuration in place.	TAGS: []
      geerlingguy.nginx : Ensure nginx service is running as configured.	TAGS: []
`
	if !strings.Contains(res.stdout, want) {
		t.Errorf("--list-tasks:\n%s\nwant:\n%s", res.stdout, want)
	}
}
