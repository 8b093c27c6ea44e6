//go:build e2e

package e2e

import (
	"os/exec"
	"testing"

	"play/lab/labtest"
)

// Closed deviations from Ansible in existing modules (user, get_url, unarchive,
// postgresql_user, docker_container, apt), on lab hosts of their own (sysg*). Where the host
// has python3, the same playbook runs under ansible-playbook and under play from the same
// starting state, and both must report the same changes and leave the same state.

// timeline is what one runner did with a playbook: the changed counts of a --check run, a
// real run and a second run, and the host's state before, after --check and after the run.
type timeline struct {
	checkChanged, runChanged, againChanged int
	before, checked, applied               string
}

// runTimeline sets the host up, then runs site with bin under --check, for real (--diff) and
// again, recording the state command's output between the runs. It returns the real run's output.
func runTimeline(t *testing.T, l *labtest.Lab, bin, host, setup, site, state string) (timeline, string) {
	t.Helper()
	saved := playBin
	playBin = bin
	defer func() { playBin = saved }()
	onHost(t, l, host, setup)
	var tl timeline
	tl.before = onHost(t, l, host, state)
	run := func(args ...string) result {
		r := play(t, append([]string{"-i", l.Inventory}, append(args, site)...)...)
		if r.code != 0 {
			t.Fatalf("%s %v: exit %d\n%s", bin, args, r.code, r.out)
		}
		return r
	}
	tl.checkChanged = run("--check").recap[host].Changed
	tl.checked = onHost(t, l, host, state)
	r := run("--diff")
	tl.runChanged = r.recap[host].Changed
	tl.applied = onHost(t, l, host, state)
	tl.againChanged = run().recap[host].Changed
	return tl, r.out
}

// sameAsAnsible runs the timeline under ansible-playbook and then under play, each from the
// same setup, and fails unless both report the same changes and leave the same state; play's
// timeline must also be the wanted one: --check changes nothing, a run changes the host into
// applied, a second run changes nothing. It returns play's real run's output.
func sameAsAnsible(t *testing.T, l *labtest.Lab, host, setup, site, state, applied string) string {
	t.Helper()
	ref, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Fatalf("ansible-playbook is the reference these tests compare with: %v", err)
	}
	want, _ := runTimeline(t, l, ref, host, setup, site, state)
	got, out := runTimeline(t, l, playBin, host, setup, site, state)
	if got != want {
		t.Errorf("play and ansible-playbook differ:\n play     %+v\n ansible  %+v", got, want)
	}
	if got.checkChanged == 0 || got.runChanged == 0 || got.againChanged != 0 || got.checked != got.before || got.applied != applied {
		t.Errorf("timeline %+v: want changes under --check and on the run, none again, the host untouched by --check, and state %q",
			got, applied)
	}
	return out
}

func TestSysGUserExpiresAndLock(t *testing.T) {
	const host = "sysg1"
	l := labtest.Up(t, host)
	state := "getent shadow sysg | cut -d: -f2,8"
	create := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$sysg$hash", password_lock: true, expires: 1700000000.7}
`, nil)
	sameAsAnsible(t, l, host, "userdel -r sysg 2>/dev/null; true", create, state, "!$6$sysg$hash:19675")

	modify := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$other", update_password: on_create, password_lock: false, expires: -1}
`, nil)
	sameAsAnsible(t, l, host, "userdel -r sysg 2>/dev/null; useradd -p '!$6$sysg$hash' -e 2023-11-14 sysg", modify, state, "$6$sysg$hash:")

	relock := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$new", password_lock: true, expires: 1641650000}
`, nil)
	sameAsAnsible(t, l, host, "userdel -r sysg 2>/dev/null; useradd -p '$6$sysg$hash' sysg", relock, state, "!$6$new:19000")
}
