//go:build e2e

package e2e

import "testing"

// What the Galaxy roles compared with ansible-playbook (geerlingguy.docker, geerlingguy.ntp,
// jcalazan/ansible-django-stack) rely on that only a real host shows: supervisorctl against a
// running supervisord, from the same starting state under both.

// supervisorStart waits for supervisord, then leaves group web (w1) running and program app
// configured but not added.
const supervisorStart = `for i in $(seq 100); do [ -S /run/supervisor.sock ] && break; sleep 0.1; done
printf '[program:w1]\ncommand=/bin/sleep 100000\n[group:web]\nprograms=w1\n' >/etc/supervisor/conf.d/web.conf
printf '[program:app]\ncommand=/bin/sleep 100000\n' >/etc/supervisor/conf.d/app.conf
supervisorctl stop app >/dev/null 2>&1; supervisorctl remove app >/dev/null 2>&1
supervisorctl reread >/dev/null; supervisorctl add web >/dev/null 2>&1; supervisorctl start web: >/dev/null 2>&1; true`

func TestGalaxySupervisorctl(t *testing.T) {
	const host = "galsv1"
	l := sysCHost(t, host, "supervisor")
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.general.supervisorctl: {name: app, state: present}
    - supervisorctl: {name: "web:", state: stopped}
`, nil)
	// A program is STARTING for supervisord's startsecs (1 s) before RUNNING: wait that out,
	// so the snapshot does not depend on how soon after a run it is taken.
	state := "for i in $(seq 50); do supervisorctl status | grep -q STARTING || break; sleep 0.1; done; " +
		"supervisorctl status | awk '{print $1, $2}' | sort | tr '\\n' ';'"
	tl, _ := sameAsAnsible(t, l, host, shell(t, l, host, supervisorStart), site, state)
	wantConverged(t, tl, "app RUNNING;web:w1 STOPPED;")
}
