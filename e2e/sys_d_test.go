//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"play/lab/labtest"
)

// APT sources, archives, time zone and reboot on fresh lab hosts of their own (sysd*), each
// through sysTimeline: --check changes nothing, a run changes the host (checked with the
// host's own tools), a second run changes nothing.

// runWant runs site once and checks the exit code and that out holds every want.
func runWant(t *testing.T, l *labtest.Lab, site string, code int, want ...string) {
	t.Helper()
	r := play(t, "-i", l.Inventory, "--diff", site)
	if r.code != code {
		t.Errorf("exit %d, want %d", r.code, code)
	}
	for _, w := range want {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

func TestSysDAptRepository(t *testing.T) {
	const host = "sysd1"
	l := labtest.Up(t, host)
	const list = "/etc/apt/sources.list.d/lab_gateway_8232.list"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/ ./"}
`, nil)
	out := sysTimeline(t, l, host, site, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d | wc -l; ls /var/lib/apt/lists | grep -c gateway", "0\n0")
	}, func() {
		wantOnHost(t, l, host, "stat -c %a "+list+"; cat "+list, "644\ndeb [trusted=yes] http://lab-gateway:8232/ ./")
		// The cache was updated from the new source.
		wantOnHost(t, l, host, "ls /var/lib/apt/lists | grep -c gateway", "2")
	})
	if want := "--- before: /dev/null\n+++ after: " + list + "\n@@ -0,0 +1 @@\n+deb [trusted=yes] http://lab-gateway:8232/ ./\n"; !strings.Contains(out, want) {
		t.Errorf("diff: want %q", want)
	}
	// A source apt cannot fetch fails the task and leaves no file behind.
	bad := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/nope ./", filename: nope, update_cache_retries: 1}
`, nil)
	runWant(t, l, bad, 2, `"msg": "Failed to update apt cache: E:Failed to fetch http://lab-gateway:8232/nope/./Packages`)
	wantOnHost(t, l, host, "ls /etc/apt/sources.list.d", "lab_gateway_8232.list")
	// Removing the source removes the file it was alone in.
	gone := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/ ./", state: absent, update_cache: false}
`, nil)
	sysTimeline(t, l, host, gone, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d", "lab_gateway_8232.list")
	}, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d | wc -l", "0")
	})
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - apt_repository: {repo: 'http://x/ ./'}\n", nil),
		2, `"msg": "Invalid repository string: http://x/ ./"`)
}
