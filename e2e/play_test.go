//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"play/lab/labtest"
)

// factHosts are the hosts the facts test covers: ansible-playbook needs python3 on its targets,
// play does not.
func factHosts() []string {
	if ansible {
		return pythonic
	}
	return append(append([]string(nil), pythonic...), nopy1)
}

func TestFactsMatchTheHost(t *testing.T) {
	hosts := factHosts()
	site := playbook(t, `
- hosts: all
  gather_facts: true
  tasks:
    - name: write the facts down
      copy:
        dest: /tmp/e2e-facts
        content: "{{ ansible_hostname }}\n{{ ansible_distribution }} {{ ansible_distribution_major_version }}\n{{ ansible_default_ipv4.address }}\n"
`, nil)
	r := play(t, "-i", lab.Inventory, "--limit", strings.Join(hosts, ","), site)
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0", r.code)
	}
	for _, h := range hosts {
		hostname := onHost(t, lab, h, "hostname")
		distro := onHost(t, lab, h, `. /etc/os-release && echo "$ID $VERSION_ID"`)
		addr := onHost(t, lab, h, `ip -4 -o addr show dev eth0 | awk '{ sub(/\/.*/, "", $4); print $4 }'`)
		if addr != lab.Host(h).Addr {
			t.Errorf("%s: eth0 has %s, the lab says %s", h, addr, lab.Host(h).Addr)
		}
		want := hostname + "\n" + strings.Replace(distro, "debian", "Debian", 1) + "\n" + addr
		if got := onHost(t, lab, h, "cat /tmp/e2e-facts"); got != want {
			t.Errorf("%s: facts written by the play:\n%s\nwant (from the host itself):\n%s", h, got, want)
		}
	}
}

func TestFilesThenRerunChangesNothing(t *testing.T) {
	hosts := pythonic
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - name: a directory
      file:
        path: /tmp/e2e-files
        state: directory
        mode: "0755"
    - name: a file
      copy:
        dest: /tmp/e2e-files/copy.txt
        content: "hello from the e2e test\n"
        mode: "0644"
    - name: a template
      template:
        src: motd.j2
        dest: /tmp/e2e-files/motd
    - name: a line
      lineinfile:
        path: /tmp/e2e-files/app.conf
        line: "listen = {{ inventory_hostname }}:8080"
        create: true
`, map[string]string{"motd.j2": "Welcome to {{ inventory_hostname }} at {{ ansible_host }}\n"})
	args := []string{"-i", lab.Inventory, "--limit", strings.Join(hosts, ","), site}

	r := play(t, args...)
	if r.code != 0 {
		t.Fatalf("first run: exit code %d, want 0", r.code)
	}
	want := map[string]Recap{}
	for _, h := range hosts {
		want[h] = Recap{Ok: 4, Changed: 4}
	}
	wantRecap(t, r, want)
	for _, h := range hosts {
		got := onHost(t, lab, h, "cat /tmp/e2e-files/copy.txt /tmp/e2e-files/motd /tmp/e2e-files/app.conf; stat -c %a /tmp/e2e-files/copy.txt")
		wantFiles := "hello from the e2e test\nWelcome to " + h + " at " + lab.Host(h).Addr + "\nlisten = " + h + ":8080\n644"
		if got != wantFiles {
			t.Errorf("%s: files hold\n%s\nwant\n%s", h, got, wantFiles)
		}
	}

	r = play(t, args...)
	if r.code != 0 {
		t.Fatalf("second run: exit code %d, want 0", r.code)
	}
	for _, h := range hosts {
		want[h] = Recap{Ok: 4}
	}
	wantRecap(t, r, want)
}

func TestCheckDiffChangesNothing(t *testing.T) {
	h := web1
	onHost(t, lab, h, "rm -f /tmp/e2e-check.txt && printf 'a = 1\\n' > /tmp/e2e-check.conf")
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - name: a new file
      copy:
        dest: /tmp/e2e-check.txt
        content: "new content\n"
    - name: a new line
      lineinfile:
        path: /tmp/e2e-check.conf
        line: "b = 2"
`, nil)
	r := play(t, "-i", lab.Inventory, "--limit", h, "--check", "--diff", site)
	if r.code != 0 {
		t.Fatalf("exit code %d, want 0", r.code)
	}
	wantRecap(t, r, map[string]Recap{h: {Ok: 2, Changed: 2}})
	for _, line := range []string{"+new content", "+b = 2"} {
		if !strings.Contains(r.out, line) {
			t.Errorf("the diff lacks %q", line)
		}
	}
	if got := onHost(t, lab, h, "test -e /tmp/e2e-check.txt && echo exists || echo absent; cat /tmp/e2e-check.conf"); got != "absent\na = 1" {
		t.Errorf("--check changed the host: got\n%s\nwant\nabsent\na = 1", got)
	}
}

func TestHostStoppedMidRunIsUnreachable(t *testing.T) {
	l := labtest.Up(t, "e2eun1", "e2eun2", "e2eun3")
	victim := "e2eun2"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - name: started
      command: touch /tmp/e2e-started
    - name: a long task, while the victim is stopped
      command: sleep 6
      when: inventory_hostname != "e2eun2"
    - name: finished
      copy:
        dest: /tmp/e2e-finished
        content: "done\n"
`, nil)
	done := make(chan result)
	go func() { done <- play(t, "-i", l.Inventory, site) }()

	deadline := time.Now().Add(time.Minute)
	for {
		// Mid-run, between the victim's tasks. (Ansible reports a host that dies in the middle
		// of a task as failed, not unreachable.)
		if _, err := l.Exec("e2eun1", "pgrep -x sleep"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("e2eun1 never ran the long task")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := l.Stop(victim); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.code != 4 {
		t.Errorf("exit code %d, want 4 (a host unreachable)", r.code)
	}
	wantRecap(t, r, map[string]Recap{
		"e2eun1": {Ok: 3, Changed: 3},
		victim:   {Ok: 1, Changed: 1, Unreachable: 1, Skipped: 1},
		"e2eun3": {Ok: 3, Changed: 3},
	})
	for _, h := range []string{"e2eun1", "e2eun3"} {
		if got := onHost(t, l, h, "cat /tmp/e2e-finished"); got != "done" {
			t.Errorf("%s did not finish: /tmp/e2e-finished holds %q", h, got)
		}
	}
}

func TestWrongHostKeyIsRefused(t *testing.T) {
	good, bad := web2, web1
	// bad's lines in known_hosts get good's keys: a man in the middle as the client sees one.
	kh, err := os.ReadFile(lab.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	keyOf := map[string]string{} // key type -> good's key
	for _, line := range strings.Split(string(kh), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.HasPrefix(f[0], good+",") {
			keyOf[f[1]] = f[2]
		}
	}
	var forged []string
	for _, line := range strings.Split(strings.TrimSpace(string(kh)), "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.HasPrefix(f[0], bad+",") {
			line = f[0] + " " + f[1] + " " + keyOf[f[1]]
		}
		forged = append(forged, line)
	}
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	writeFile(t, knownHosts, strings.Join(forged, "\n")+"\n")
	inv, err := os.ReadFile(lab.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	inventory := filepath.Join(dir, "hosts.yml")
	writeFile(t, inventory, strings.ReplaceAll(string(inv), lab.KnownHosts, knownHosts))

	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - name: anything
      command: "true"
`, nil)
	r := play(t, "-i", inventory, "--limit", bad+","+good, site)
	if r.code != 4 {
		t.Errorf("exit code %d, want 4 (a host unreachable)", r.code)
	}
	wantRecap(t, r, map[string]Recap{bad: {Unreachable: 1}, good: {Ok: 1, Changed: 1}})
	if !regexp.MustCompile(`(?i)remote host identification has changed`).MatchString(r.out) {
		t.Errorf("the output does not say that %s's host key has changed", bad)
	}
}
