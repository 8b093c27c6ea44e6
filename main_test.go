package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"play/internal/sshtest"
)

// lab is three real sshd daemons on loopback, shared by the package's tests.
var lab *sshtest.Lab

func TestMain(m *testing.M) {
	var err error
	lab, err = sshtest.Start(3)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting sshd:", err)
		os.Exit(1)
	}
	code := m.Run()
	lab.Close()
	os.Exit(code)
}

// result is one run of the CLI.
type result struct {
	code   int
	stdout string
	stderr string
}

func play(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"play"}, args...), strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// labInventory writes the lab's inventory for a test.
func labInventory(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hosts.yml")
	if err := lab.WriteInventory(path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// sshHosts is an INI inventory of hosts with the given names, each reached
// over SSH on a lab server (the i-th name on server i, round the servers
// when there are more names), so the language tests run against real sshd.
func sshHosts(names ...string) string {
	var b strings.Builder
	for i, name := range names {
		b.WriteString(sshHost(name, i) + "\n")
	}
	return b.String()
}

// sshInventory writes sshHosts(names...) to a fresh file and returns its path.
func sshInventory(t *testing.T, names ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hosts")
	writeFile(t, path, sshHosts(names...))
	return path
}

// sshHost is the INI line naming lab server i (modulo the lab's size) name,
// with the lab's key and known_hosts (the user is the default, root: no
// ansible_user, so tests may set it at any level); inventory variables may
// follow it.
func sshHost(name string, i int) string {
	s := lab.Servers[i%len(lab.Servers)]
	return fmt.Sprintf("%s ansible_host=%s ansible_port=%d ansible_ssh_private_key_file=%s ansible_ssh_common_args='-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes'",
		name, s.Addr, s.Port, lab.KeyFile, lab.KnownHosts)
}

var recapLine = regexp.MustCompile(`(?m)^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)`)

// recap parses PLAY RECAP into host -> [ok changed unreachable failed skipped rescued ignored].
func recap(t *testing.T, stdout string) map[string][7]int {
	t.Helper()
	out := map[string][7]int{}
	for _, m := range recapLine.FindAllStringSubmatch(stdout, -1) {
		var c [7]int
		for i := range c {
			c[i], _ = strconv.Atoi(m[i+2])
		}
		out[m[1]] = c
	}
	if len(out) == 0 {
		t.Fatalf("no PLAY RECAP in output:\n%s", stdout)
	}
	return out
}

func TestConvergeTimeline(t *testing.T) {
	inv := labInventory(t)
	work := t.TempDir()
	for _, s := range lab.Servers {
		if err := os.MkdirAll(filepath.Join(work, s.Name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pb := "testdata/playbooks/converge.yml"
	vars := "work=" + work

	// --check on a fresh target: reports the changes, writes nothing.
	check := play(t, pb, "-i", inv, "-e", vars, "--check", "--diff")
	if check.code != 0 {
		t.Fatalf("check run exit %d\n%s\n%s", check.code, check.stdout, check.stderr)
	}
	for _, s := range lab.Servers {
		entries, _ := os.ReadDir(filepath.Join(work, s.Name))
		if len(entries) != 0 {
			t.Fatalf("--check wrote into %s: %v", s.Name, entries)
		}
	}
	if !strings.Contains(check.stdout, "+hello from h1") || !strings.Contains(check.stdout, "--- before") {
		t.Errorf("--diff did not show the new file content:\n%s", check.stdout)
	}

	first := play(t, "-i", inv, pb, "-e", vars)
	if first.code != 0 {
		t.Fatalf("first run exit %d\n%s\n%s", first.code, first.stdout, first.stderr)
	}
	// Gathering Facts, copy, template, lineinfile, loop copy, skipped, assert, handler.
	wantFirst := [7]int{7, 5, 0, 0, 1, 0, 0}
	for host, c := range recap(t, first.stdout) {
		if c != wantFirst {
			t.Errorf("first run %s: %v, want %v\n%s", host, c, wantFirst, first.stdout)
		}
	}
	checkRecap := recap(t, check.stdout)
	for host, c := range recap(t, first.stdout) {
		// check mode reports the same changes, without the handler it would notify... Ansible runs
		// handlers in check mode too, so counts match exactly.
		if checkRecap[host][1] != c[1] {
			t.Errorf("%s: --check reported changed=%d, the real run changed=%d", host, checkRecap[host][1], c[1])
		}
	}
	for _, s := range lab.Servers {
		got, err := os.ReadFile(filepath.Join(work, s.Name, "hello.txt"))
		if err != nil || string(got) != "hello from "+s.Name+"\n" {
			t.Errorf("%s hello.txt = %q, %v", s.Name, got, err)
		}
		fi, err := os.Stat(filepath.Join(work, s.Name, "hello.txt"))
		if err == nil && fi.Mode().Perm() != 0o640 {
			t.Errorf("%s hello.txt mode %o", s.Name, fi.Mode().Perm())
		}
		motd, _ := os.ReadFile(filepath.Join(work, s.Name, "motd"))
		if !strings.Contains(string(motd), "Welcome to "+s.Name) || !strings.Contains(string(motd), "greeting=HELLO") {
			t.Errorf("%s motd = %q", s.Name, motd)
		}
		conf, _ := os.ReadFile(filepath.Join(work, s.Name, "config"))
		if string(conf) != "listen = 8080\n" {
			t.Errorf("%s config = %q", s.Name, conf)
		}
		if _, err := os.Stat(filepath.Join(work, s.Name, "handler-ran")); err != nil {
			t.Errorf("%s: handler did not run: %v", s.Name, err)
		}
	}

	before := connections(t)
	second := play(t, "-i", inv, pb, "-e", vars)
	if second.code != 0 {
		t.Fatalf("second run exit %d\n%s\n%s", second.code, second.stdout, second.stderr)
	}
	for host, c := range recap(t, second.stdout) {
		if c[1] != 0 {
			t.Errorf("second run %s changed=%d, want 0\n%s", host, c[1], second.stdout)
		}
	}
	// One TCP connection per host for the whole run, however many tasks.
	after := connections(t)
	for name, n := range after {
		if n-before[name] != 1 {
			t.Errorf("%s: %d TCP connections in one run, want 1", name, n-before[name])
		}
	}
}

func connections(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, s := range lab.Servers {
		n, err := s.Connections()
		if err != nil {
			t.Fatal(err)
		}
		out[s.Name] = n
	}
	return out
}

// Flags written after the playbook must be honoured: a --check there must not
// change anything.
func TestFlagsAfterPlaybookAreHonoured(t *testing.T) {
	inv := labInventory(t)
	work := t.TempDir()
	pb := filepath.Join(t.TempDir(), "write.yml")
	writeFile(t, pb, "- hosts: h1\n  gather_facts: false\n  tasks:\n    - copy: content=x dest={{ work }}/out\n")
	res := play(t, pb, "-i", inv, "-e", "work="+work, "--check")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(work, "out")); err == nil {
		t.Fatal("--check after the playbook argument was ignored: the file was written")
	}
	if !strings.Contains(res.stdout, "changed: [h1]") {
		t.Errorf("check run should report the change:\n%s", res.stdout)
	}
}

// Commas inside -e values and -i host lists are not split.
func TestCommasAreNotSplit(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "vars.yml")
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  tasks:\n    - assert:\n        that:\n          - a == [1, 2]\n          - b == 'x,y'\n          - play_hosts | length == 2\n")
	res := play(t, "-i", "one,two,", "-e", `{"a": [1,2]}`, "-e", "b=x,y", pb, "-c", "local")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestExitCodes(t *testing.T) {
	inv := labInventory(t)
	dir := t.TempDir()
	failing := filepath.Join(dir, "fail.yml")
	writeFile(t, failing, "- hosts: all\n  gather_facts: false\n  tasks:\n    - command: /bin/false\n      when: inventory_hostname == 'h2'\n    - debug: msg=after\n")
	bad := filepath.Join(dir, "bad.yml")
	writeFile(t, bad, "- hosts: all\n  tasks:\n    - debug: msg=x\n      whne: true\n")
	unreach := filepath.Join(dir, "hosts-down.yml")
	writeFile(t, unreach, "all:\n  hosts:\n    down:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n    up:\n      ansible_connection: local\n")
	simple := filepath.Join(dir, "simple.yml")
	writeFile(t, simple, "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n    - command: /bin/false\n      when: inventory_hostname == 'up'\n")

	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"one host fails", []string{"-i", inv, failing}, 2, "fatal: [h2]: FAILED!"},
		{"parse error", []string{"-i", inv, bad}, 4, "whne"},
		{"unreachable wins over failed", []string{"-i", unreach, simple}, 4, "UNREACHABLE!"},
		{"bad option", []string{"-i", inv, "--forks", "0", failing}, 5, "forks"},
		{"missing playbook", []string{"-i", inv}, 5, "playbook"},
		{"syntax check connects to nothing", []string{"-i", unreach, simple, "--syntax-check"}, 0, "playbook: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := play(t, tt.args...)
			if res.code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", res.code, tt.code, res.stdout, res.stderr)
			}
			if !strings.Contains(res.stdout+res.stderr, tt.out) {
				t.Errorf("output lacks %q:\n%s%s", tt.out, res.stdout, res.stderr)
			}
		})
	}
}

func TestRegisteredAndFailures(t *testing.T) {
	inv := labInventory(t)
	res := play(t, "-i", inv, "testdata/playbooks/registered.yml")
	if res.code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", res.code, res.stdout, res.stderr)
	}
	rc := recap(t, res.stdout)
	if got := rc["h2"]; got[3] != 1 || got[0] != 4 {
		t.Errorf("h2 recap %v: want failed=1 after 4 ok\n%s", got, res.stdout)
	}
	if got := rc["h1"]; got[3] != 0 || got[0] != 5 || got[4] != 1 {
		t.Errorf("h1 recap %v: want ok=5 skipped=1\n%s", got, res.stdout)
	}
	if !strings.Contains(res.stdout, `"msg": 3`) {
		t.Errorf("debug of registered stdout missing:\n%s", res.stdout)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBecomeAnotherUser(t *testing.T) {
	inv := labInventory(t)
	pb := filepath.Join(t.TempDir(), "become.yml")
	writeFile(t, pb, `- hosts: h1
  gather_facts: false
  tasks:
    - command: id -un
      become: true
      become_user: nobody
      register: who
      changed_when: false
    - assert:
        that: who.stdout == 'nobody'
    - command: id -un
      register: me
      changed_when: false
    - assert:
        that: me.stdout == 'root'
`)
	res := play(t, "-i", inv, pb)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A host that goes away in the middle of a run is reported unreachable; the
// others finish, and the exit code is 4: whether its sshd dies (the
// connection closes) or stops answering with the connection open (found by
// the keepalive: within 1s + 1s x 4 here, so nothing can wait longer; 4s
// for h1, healthy, to answer on a loaded machine).
func TestHostLostMidRun(t *testing.T) {
	for _, tt := range []struct {
		name string
		lose func(*sshtest.Server) error
	}{
		{"killed", (*sshtest.Server).Stop},
		{"frozen", (*sshtest.Server).Freeze},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, err := sshtest.Start(2)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			inv := filepath.Join(t.TempDir(), "hosts.yml")
			if err := l.WriteInventory(inv, nil); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(inv)
			writeFile(t, inv, strings.ReplaceAll(string(data), "StrictHostKeyChecking=yes", "StrictHostKeyChecking=yes -o ServerAliveInterval=1 -o ServerAliveCountMax=4"))
			marker := filepath.Join(t.TempDir(), "stop-now")
			pb := filepath.Join(t.TempDir(), "lost.yml")
			writeFile(t, pb, `- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - name: h2 stops answering here
      command: touch `+marker+`
      when: inventory_hostname == 'h2'
    - command: sleep 0.5
    - command: "true"
`)
			finished := make(chan struct{})
			lost := make(chan error, 1)
			go func() {
				defer close(lost)
				for {
					if _, err := os.Stat(marker); err == nil {
						lost <- tt.lose(l.Servers[1])
						return
					}
					select {
					case <-finished:
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}()
			res := play(t, "-i", inv, pb)
			close(finished)
			if err := <-lost; err != nil {
				t.Fatal(err)
			}
			if res.code != 4 {
				t.Fatalf("exit %d, want 4\n%s%s", res.code, res.stdout, res.stderr)
			}
			rc := recap(t, res.stdout)
			if rc["h2"][2] != 1 {
				t.Errorf("h2 should be unreachable once: %v\n%s", rc["h2"], res.stdout)
			}
			if rc["h1"] != [7]int{3, 3, 0, 0, 1, 0, 0} {
				t.Errorf("h1 should finish every task: %v\n%s", rc["h1"], res.stdout)
			}
		})
	}
}

// Host keys are verified: a wrong known_hosts line makes the host
// unreachable with a message saying how to fix it.
func TestWrongHostKeyIsRefused(t *testing.T) {
	dir := t.TempDir()
	other, err := os.ReadFile(lab.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	// Give h1 the key of h2: the right format, the wrong key.
	var lines []string
	h2Key := ""
	for _, line := range strings.Split(string(other), "\n") {
		if strings.Contains(line, "[h2]") {
			h2Key = line[strings.Index(line, " ")+1:]
		}
	}
	for _, line := range strings.Split(string(other), "\n") {
		if strings.Contains(line, "[h1]") {
			line = line[:strings.Index(line, " ")] + " " + h2Key
		}
		lines = append(lines, line)
	}
	known := filepath.Join(dir, "known_hosts")
	writeFile(t, known, strings.Join(lines, "\n"))
	inv := filepath.Join(dir, "hosts.yml")
	if err := lab.WriteInventory(inv, nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(inv)
	writeFile(t, inv, strings.ReplaceAll(string(data), lab.KnownHosts, known))
	pb := filepath.Join(dir, "ping.yml")
	writeFile(t, pb, "- hosts: h1,h2\n  gather_facts: false\n  tasks:\n    - ping:\n")
	res := play(t, "-i", inv, pb)
	if res.code != 4 {
		t.Fatalf("exit %d, want 4\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "fatal: [h1]: UNREACHABLE!") || !strings.Contains(res.stdout, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("h1 should be refused loudly:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "ok: [h2]") {
		t.Errorf("h2 should still run:\n%s", res.stdout)
	}
}

func TestUndefinedVariableNamesItsPlace(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "undef.yml")
	writeFile(t, pb, "- hosts: a\n  gather_facts: false\n  tasks:\n    - name: Use it\n      debug:\n        msg: \"{{ nope }}\"\n")
	res := play(t, pb, "-i", sshInventory(t, "a"))
	if res.code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"'nope' is undefined", "undef.yml': line 4, column 7", "TASK [Use it]"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
}

func TestImportPlaybookAndListings(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/import_playbook", nil)
	res := play(t, "-i", filepath.Join(dir, "hosts.ini"), filepath.Join(dir, "site.yml"), "--list-tasks", "--list-hosts")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	want := "\n  play #1 (web): Web\tTAGS: [w]\n    pattern: ['web']\n    hosts (2):\n      w1\n      w2\n    tasks:\n      first\tTAGS: [t1, w]\n" +
		"\n  play #2 (all): all\tTAGS: []\n    pattern: ['all']\n    hosts (3):\n      d1\n      w1\n      w2\n    tasks:\n      ping\tTAGS: []\n"
	if !strings.HasSuffix(res.stdout, want) {
		t.Errorf("listing:\n%s\nwant suffix:\n%s", res.stdout, want)
	}
}

// Each level sets the variable named for it and every variable of the levels
// below; the play checks that the highest level wins each time.
func TestVariablePrecedence(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/precedence_simple", map[string]string{
		"hosts.ini": "[web]\n" + sshHost("a", 0) + " a=host b=host\n[web:vars]\na=group\nb=group\nc=group\n",
	})
	res := play(t, "-i", filepath.Join(dir, "hosts.ini"), filepath.Join(dir, "site.yml"), "-e", "h=extra")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A module that decides not to act (creates= already there) is reported
// and counted as skipped for script, as Ansible does; command says ok.
func TestCreatesSkips(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "exists"), "x")
	pb := filepath.Join(dir, "creates.yml")
	writeFile(t, pb, "- hosts: a\n  gather_facts: false\n  tasks:\n    - script: /bin/true\n      args:\n        creates: "+dir+"/exists\n    - command: echo x\n      args:\n        creates: "+dir+"/exists\n")
	res := play(t, pb, "-i", sshInventory(t, "a"))
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got := recap(t, res.stdout)["a"]; got != [7]int{1, 0, 0, 0, 1, 0, 0} {
		t.Errorf("recap %v, want ok=1 skipped=1\n%s", got, res.stdout)
	}
}

// Templates see ansible_managed as Ansible's default header text, so files
// written by play and by ansible-playbook are the same.
func TestAnsibleManagedInTemplates(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/ansible_managed", nil)
	if res := play(t, filepath.Join(dir, "t.yml"), "-i", sshInventory(t, "a")); res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "out")); string(got) != "# Ansible managed\n" {
		t.Errorf("template wrote %q", got)
	}
}

// A rescue section sees the failure as ansible_failed_task and
// ansible_failed_result; the recap counts the host rescued, not failed.
func TestRescueSeesTheFailure(t *testing.T) {
	pb := filepath.Join(projectFrom(t, "testdata/lang/rescue_failure", nil), "rescue.yml")
	res := play(t, pb, "-i", sshInventory(t, "a"))
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got := recap(t, res.stdout)["a"]; got != [7]int{2, 0, 0, 0, 0, 1, 0} {
		t.Errorf("recap %v, want ok=2 rescued=1\n%s", got, res.stdout)
	}
	if !strings.Contains(res.stdout, `"msg": "gone"`) {
		t.Errorf("ansible_failed_result should not outlive the rescue:\n%s", res.stdout)
	}
}
