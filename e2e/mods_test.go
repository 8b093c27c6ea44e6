//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// The common modules of issue 6 (ini_file, known_hosts, debconf, find, tempfile, package_facts)
// on a lab host of their own: each playbook runs under ansible-playbook and under play from the
// same starting state, and both must report the same changes and leave the same state.

const modsKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

func TestMods(t *testing.T) {
	const host = "mods1"
	l := sysCHost(t, host, "python3-apt") // ansible-playbook's package_facts needs it

	t.Run("ini_file", func(t *testing.T) {
		site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.general.ini_file: {path: /srv/mods/app.ini, section: db, option: port, value: "5432", mode: "0640"}
    - ini_file: {path: /srv/mods/app.ini, section: db, option: host, value: db1, no_extra_spaces: true}
    - ini_file: {path: /srv/mods/app.ini, section: old, state: absent}
`, nil)
		state := "stat -c %a /srv/mods/app.ini 2>/dev/null; cat /srv/mods/app.ini 2>/dev/null; true"
		reset := shell(t, l, host, "rm -rf /srv/mods && mkdir -p /srv/mods && printf '[old]\\nx = 1\\n[db]\\nport = 1\\n' > /srv/mods/app.ini")
		tl, out := sameAsAnsible(t, l, host, reset, site, state)
		wantConverged(t, tl, "640\n[db]\nport = 5432\nhost=db1")
		for _, hunk := range []string{"--- before: /srv/mods/app.ini (content)", "-port = 1", "+port = 5432", "-[old]"} {
			if !strings.Contains(out, hunk) {
				t.Errorf("--diff output lacks %q:\n%s", hunk, out)
			}
		}
	})

	t.Run("known_hosts", func(t *testing.T) {
		site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - known_hosts: {name: web1, key: "web1 `+modsKey+`"}
    - known_hosts: {name: "[db]:2222", key: "[db]:2222 `+modsKey+`", hash_host: true}
    - known_hosts: {name: old, state: absent}
`, nil)
		state := "stat -c %a ~/.ssh/known_hosts; sed 's/^|1|[^ ]*/HASHED/' ~/.ssh/known_hosts"
		reset := shell(t, l, host, "mkdir -p ~/.ssh && echo 'old "+modsKey+"' > ~/.ssh/known_hosts")
		tl, out := sameAsAnsible(t, l, host, reset, site, state)
		wantConverged(t, tl, "644\nweb1 "+modsKey+"\nHASHED "+modsKey)
		if !strings.Contains(out, "+web1 "+modsKey) || !strings.Contains(out, "--- before: /root/.ssh/known_hosts") {
			t.Errorf("--diff output lacks the added line:\n%s", out)
		}
	})

	t.Run("debconf", func(t *testing.T) {
		site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - debconf: {name: tzdata, question: tzdata/Areas, vtype: select, value: Europe}
    - debconf: {name: tzdata, question: tzdata/Zones/Europe, vtype: select, value: Paris, unseen: true}
`, nil)
		state := "debconf-show tzdata | grep -E 'Areas|Zones/Europe' | sort"
		reset := shell(t, l, host, "echo 'tzdata tzdata/Areas select Etc' | debconf-set-selections && echo 'tzdata tzdata/Zones/Europe select Berlin' | debconf-set-selections")
		tl, out := sameAsAnsible(t, l, host, reset, site, state)
		wantConverged(t, tl, "* tzdata/Areas: Europe\n* tzdata/Zones/Europe: Paris")
		if !strings.Contains(out, `-    "tzdata/Areas": "Etc"`) || !strings.Contains(out, `+    "tzdata/Areas": "Europe"`) {
			t.Errorf("--diff output lacks the answer's change:\n%s", out)
		}
	})

	// The read-only modules and tempfile: the same assertions hold under both runners.
	t.Run("find tempfile package_facts", func(t *testing.T) {
		onHost(t, l, host, "rm -rf /srv/f && mkdir -p /srv/f/sub/deep /srv/f/.h && cd /srv/f && echo hello > a.txt && "+
			"echo 'foo bar' > b.conf && echo x > sub/c.txt && echo y > sub/deep/d.txt && touch .hidden && ln -s sub lsub")
		site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - find: {paths: /srv/f, recurse: true, patterns: "*.txt", get_checksum: true}
      register: txt
    - find: {paths: [/srv/f, /srv/nope], file_type: any, hidden: true, depth: 1, recurse: true}
      register: every
    - find: {paths: /srv/f, contains: "fo+", recurse: true}
      register: foo
    - tempfile: {state: directory, suffix: .build}
      register: tmp
    - package_facts:
    - assert:
        that:
          - txt.matched == 3 and txt.examined == 9
          - (txt.files | map(attribute='path') | sort) == ['/srv/f/a.txt', '/srv/f/sub/c.txt', '/srv/f/sub/deep/d.txt']
          - (txt.files | selectattr('path', 'eq', '/srv/f/a.txt') | first).checksum == 'f572d396fae9206628714fb2ce00f72e94f2258f'
          - (txt.files | first).pw_name == 'root' and (txt.files | first).mode == '0644'
          - every.matched == 6 and every.examined == 8 and "/srv/nope" in every.skipped_paths
          - every.msg == 'Not all paths examined, check warnings for details'
          - foo.files | map(attribute='path') | list == ['/srv/f/b.conf']
          - tmp.path is match('/tmp/ansible\..*\.build$') and tmp.state == 'directory' and tmp.mode == '0700'
          - ansible_facts.packages['openssh-server'][0].source == 'apt'
          - ansible_facts.packages['openssh-server'][0].version is match('1:9')
`, nil)
		for _, bin := range []string{"ansible-playbook", playBin} {
			r, err := runBin(bin, t.TempDir(), nil, "-i", l.Inventory, site)
			if err != nil {
				t.Fatal(err)
			}
			if r.code != 0 || r.recap[host].Changed != 1 {
				t.Errorf("%s: exit %d, recap %+v, want 0 and one change (tempfile):\n%s", bin, r.code, r.recap[host], r.out)
			}
		}
	})
}
