//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"play/lab/labtest"
)

// The system modules' timeline on a fresh lab host of their own: --check changes nothing,
// a run changes the host (checked with the host's own tools), a second run changes nothing.

// sysTimeline runs site on host: under --check (then untouched must hold), for real (then
// applied must hold), and again (changed=0). It returns the real run's output.
func sysTimeline(t *testing.T, l *labtest.Lab, host, site string, untouched, applied func()) string {
	t.Helper()
	r := play(t, "-i", l.Inventory, "--check", site)
	if r.code != 0 || r.recap[host].Changed == 0 {
		t.Fatalf("--check: exit %d, recap %+v; want 0 and changes", r.code, r.recap[host])
	}
	untouched()
	r = play(t, "-i", l.Inventory, "--diff", site)
	if r.code != 0 || r.recap[host].Changed == 0 {
		t.Fatalf("run: exit %d, recap %+v; want 0 and changes", r.code, r.recap[host])
	}
	applied()
	again := play(t, "-i", l.Inventory, site)
	if again.code != 0 || again.recap[host].Changed != 0 {
		t.Fatalf("second run: exit %d, recap %+v; want 0 and changed=0", again.code, again.recap[host])
	}
	return r.out
}

// wantOnHost checks a command's trimmed output on a host.
func wantOnHost(t *testing.T, l *labtest.Lab, host, cmd, want string) {
	t.Helper()
	if got, _ := l.Exec(host, cmd); strings.TrimSpace(got) != want {
		t.Errorf("%s: %s = %q, want %q", host, cmd, strings.TrimSpace(got), want)
	}
}

func TestSysAApt(t *testing.T) {
	host := shared("sysa1")
	l := labtest.Up(t, host)
	installed := "dpkg-query -W -f='${db:Status-Abbrev}' hello tree 2>/dev/null; echo"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt: {name: [hello, tree], update_cache: true}
`, nil)
	sysTimeline(t, l, host, site,
		func() { wantOnHost(t, l, host, installed, "") },
		func() { wantOnHost(t, l, host, installed, "ii ii") })

	remove := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt: {name: hello, state: absent, purge: true}
`, nil)
	r := play(t, "-i", l.Inventory, "--check", "--diff", remove)
	want := "The following packages will be REMOVED:\n  hello*\n0 upgraded, 0 newly installed, 1 to remove"
	if r.code != 0 || !strings.Contains(r.out, want) {
		t.Errorf("--check --diff of a removal: exit %d, want the text %q", r.code, want)
	}
	wantOnHost(t, l, host, installed, "ii ii")

	bad := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt: {name: no-such-package}
`, nil)
	r = play(t, "-i", l.Inventory, bad)
	if want := `"msg": "No package matching 'no-such-package' is available"`; r.code != 2 || !strings.Contains(r.out, want) {
		t.Errorf("a package that does not exist: exit %d, want 2 and %s", r.code, want)
	}
}

func TestSysASystemd(t *testing.T) {
	host := shared("sysa2")
	l := labtest.Up(t, host)
	if _, err := l.Exec(host, `printf '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' >/etc/systemd/system/sysa-sleep.service`); err != nil {
		t.Fatal(err)
	}
	state := "systemctl is-active sysa-sleep; systemctl is-enabled sysa-sleep"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - systemd: {name: sysa-sleep, state: started, enabled: true, daemon_reload: true}
      register: r
    - assert:
        that: [r.status.Id == "sysa-sleep.service", r.state == "started", r.enabled]
    - service: {name: ssh, state: started}
`, nil)
	sysTimeline(t, l, host, site,
		func() { wantOnHost(t, l, host, state, "inactive\ndisabled") },
		func() { wantOnHost(t, l, host, state, "active\nenabled") })

	stop := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - service: {name: sysa-sleep, state: stopped, enabled: false}
    - systemd: {name: no-such-unit, state: started}
`, nil)
	r := play(t, "-i", l.Inventory, stop)
	if want := "Could not find the requested service no-such-unit: host"; r.code != 2 || !strings.Contains(r.out, want) {
		t.Errorf("a unit that does not exist: exit %d, want 2 and %q", r.code, want)
	}
	wantOnHost(t, l, host, state, "inactive\ndisabled")
}

func TestSysAUserGroup(t *testing.T) {
	host := shared("sysa3")
	l := labtest.Up(t, host)
	accounts := "getent group sysweb; getent passwd sysapp; id -Gn sysapp 2>/dev/null; test -f /home/sysapp/.ssh/id_rsa.pub && echo key"
	// The user's groups exist before the user (a group made in the same run does not exist
	// under --check, and Ansible fails such a user task as play does).
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - group: {name: sysweb, gid: 2345}
    - user:
        name: sysapp
        uid: 2345
        groups: [sudo]
        shell: /bin/bash
        comment: App
        generate_ssh_key: true
      register: u
    - assert:
        that: [u.uid == 2345, u.home == "/home/sysapp", u.ssh_key_file == "/home/sysapp/.ssh/id_rsa"]
      when: not ansible_check_mode
`, nil)
	sysTimeline(t, l, host, site,
		func() { wantOnHost(t, l, host, accounts, "") },
		func() {
			wantOnHost(t, l, host, accounts, "sysweb:x:2345:\nsysapp:x:2345:2346:App:/home/sysapp:/bin/bash\nsysapp sudo\nkey")
		})

	regroup := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysapp, group: sysweb, groups: sysweb, append: true, comment: App}
      register: u
    - assert:
        that: [u.group == 2345, u.changed]
`, nil)
	if r := play(t, "-i", l.Inventory, regroup); r.code != 0 || r.recap[host].Changed != 1 {
		t.Errorf("changing groups: exit %d, recap %+v; want 0 and changed=1", r.code, r.recap[host])
	}
	wantOnHost(t, l, host, accounts, "sysweb:x:2345:sysapp\nsysapp:x:2345:2345:App:/home/sysapp:/bin/bash\nsysweb sudo\nkey")

	remove := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysapp, state: absent, remove: true}
    - group: {name: sysweb, state: absent}
`, nil)
	if r := play(t, "-i", l.Inventory, remove); r.code != 0 || r.recap[host].Changed != 2 {
		t.Errorf("removing: exit %d, recap %+v; want 0 and changed=2", r.code, r.recap[host])
	}
	wantOnHost(t, l, host, accounts, "")
}
