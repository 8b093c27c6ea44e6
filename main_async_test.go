package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// async with poll: 0 starts a background job async_status follows; poll > 0
// polls it to its end, as ansible-playbook 2.14 does (its lines, registered
// keys and recap, compared by hand on the same plays).
func TestAsyncJobs(t *testing.T) {
	inv := labInventory(t)
	pb := filepath.Join(t.TempDir(), "async.yml")
	writeFile(t, pb, `- hosts: h1:h2
  gather_facts: false
  tasks:
    - name: fire
      shell: sleep 1; echo "bye from {{ inventory_hostname }}"; echo err >&2
      async: 20
      poll: 0
      register: job
    - assert:
        that: [job.started == 1, job.finished == 0, job.changed, "job.results_file.endswith('/.ansible_async/' ~ job.ansible_job_id)"]
    - name: wait
      async_status:
        jid: "{{ job.ansible_job_id }}"
      register: st
      until: st.finished
      retries: 20
      delay: 1
    - assert:
        that:
          - st.stdout == 'bye from ' ~ inventory_hostname
          - st.stderr == 'err' and st.rc == 0 and st.changed and st.cmd is string
    - name: clean up
      async_status:
        jid: "{{ job.ansible_job_id }}"
        mode: cleanup
      register: gone
    - command: test ! -e {{ gone.erased }}
      changed_when: false
    - name: polled
      command: sh -c 'sleep 2; echo done'
      async: 20
      poll: 1
      register: polled
    - assert:
        that:
          - polled.stdout == 'done' and polled.finished == 1
          - polled.cmd == ['sh', '-c', 'sleep 2; echo done']
    - command: test ! -e {{ polled.results_file }}
      changed_when: false
    - name: polled failure
      command: sh -c 'exit 3'
      async: 20
      poll: 1
      ignore_errors: true
      register: bad
    - assert:
        that: bad.failed and bad.rc == 3 and bad.msg == 'non-zero return code'
`)
	res := play(t, "-i", inv, pb)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^FAILED - RETRYING: \[h1\]: wait \(20 retries left\)\.$`),
		regexp.MustCompile(`(?m)^ASYNC POLL on h1: jid=j\d{12}\.\d+ started=1 finished=0$`),
		regexp.MustCompile(`(?m)^ASYNC OK on h2: jid=j\d{12}\.\d+$`),
		regexp.MustCompile(`(?m)^ASYNC FAILED on h1: jid=j\d{12}\.\d+\nfatal: \[h1\]: FAILED! => .*"msg": "non-zero return code"`),
	} {
		if !want.MatchString(res.stdout) {
			t.Errorf("output lacks %s:\n%s", want, res.stdout)
		}
	}
	if rc := recap(t, res.stdout); rc["h1"] != [7]int{11, 4, 0, 0, 0, 0, 1} {
		t.Errorf("recap %v\n%s", rc["h1"], res.stdout)
	}
}

// A job past its async time is killed with its children; the poll fails with
// Ansible's message. The timeout keyword kills the command at once.
func TestAsyncAndTimeoutLimits(t *testing.T) {
	inv := labInventory(t)
	pb := filepath.Join(t.TempDir(), "limits.yml")
	writeFile(t, pb, `- hosts: h1
  gather_facts: false
  tasks:
    - name: too long
      shell: sleep 41.25 & wait
      async: 1
      poll: 1
      ignore_errors: true
      register: slow
    - assert:
        that:
          - slow.failed and slow.async_result.ansible_job_id is string
          - slow.msg == 'async task did not complete within the requested time - 1s'
    - async_status:
        jid: "{{ slow.async_result.ansible_job_id }}"
        mode: cleanup
    - block:
        - name: bounded
          command: sleep 42.25
      timeout: 1
      rescue:
        - assert:
            that: "ansible_failed_result.msg == 'The command action failed to execute in the expected time frame (1) and was terminated'"
    - name: foreground with a time limit
      file:
        path: /tmp
        state: directory
      async: 5
      poll: 2
      register: fg
    - assert:
        that: [fg.finished == 1, not fg.changed]
    - name: foreground past its time
      wait_for:
        timeout: 30
      async: 2
      poll: 1
      ignore_errors: true
      register: fgslow
    - assert:
        that:
          - fgslow.msg == 'async task did not complete within the requested time - 2s'
          - fgslow.async_result.finished == 0
`)
	start := time.Now()
	res := play(t, "-i", inv, pb)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the limits did not stop the commands: the run took %s", took)
	}
	for _, want := range []string{
		`fatal: [h1]: FAILED! => {"changed": false, "msg": "The command action failed to execute in the expected time frame (1) and was terminated"}`,
		"ASYNC OK on h1: jid=j",
		"started=1 finished=0\nASYNC FAILED on h1: jid=j",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	time.Sleep(1500 * time.Millisecond) // the job's timeout reaps at its own pace
	if out, err := exec.Command("pgrep", "-f", "sleep 4[12].25").Output(); err == nil {
		t.Errorf("commands outlived their limits:\n%s", out)
	}
}

// async is refused at once, before the host is contacted, for modules it
// cannot run and in check mode: the task fails, the host is not unreachable.
func TestAsyncRefusedBeforeConnecting(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "hosts.yml")
	writeFile(t, inv, "all:\n  hosts:\n    down:\n      ansible_host: 127.0.0.9\n      ansible_port: 1\n")
	cases := []struct{ task, check, msg string }{
		{task: "copy: {content: x, dest: /tmp/x}\n      async: 10\n      poll: 0",
			msg: "async is not supported for module copy: it runs on the controller or copies files from it (ansible-playbook refuses it too); remove async and poll, or use timeout: to bound it"},
		{task: "file: {path: /tmp, state: directory}\n      async: 10\n      poll: 0",
			msg: "async is not supported for module file with poll: 0: only command, shell, raw and script run in the background; give poll a number of seconds to run it with the time limit instead"},
		{task: "command: 'true'\n      async: 10", check: "--check", msg: "check mode and async cannot be used on same task."},
	}
	for _, c := range cases {
		pb := filepath.Join(t.TempDir(), "pb.yml")
		writeFile(t, pb, "- hosts: down\n  gather_facts: false\n  tasks:\n    - "+c.task+"\n")
		args := []string{"-i", inv, pb}
		if c.check != "" {
			args = append(args, c.check)
		}
		res := play(t, args...)
		want := fmt.Sprintf(`fatal: [down]: FAILED! => {"changed": false, "msg": %q}`, c.msg)
		if res.code != 2 || !strings.Contains(res.stdout, want) {
			t.Errorf("%s: exit %d, want 2 and %s\n%s%s", c.task, res.code, want, res.stdout, res.stderr)
		}
	}
}

// pause runs once for the play's hosts, like Ansible's BYPASS_HOST_LOOP.
func TestPauseOncePerPlay(t *testing.T) {
	inv := labInventory(t)
	pb := filepath.Join(t.TempDir(), "pause.yml")
	writeFile(t, pb, `- hosts: all
  gather_facts: false
  tasks:
    - pause:
        seconds: 1
      register: p
    - pause:
        prompt: Continue?
`)
	start := time.Now()
	res := play(t, "-i", inv, pb)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("pause ran per host: %s", took)
	}
	want := "TASK [pause] *******************************************************************\n" +
		"Pausing for 1 seconds\n(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r\nok: [h1]\n\n" +
		"TASK [pause] *******************************************************************\n" +
		"[pause]\nContinue?:\n"
	if !strings.Contains(res.stdout, want) || strings.Count(res.stdout, "ok: [h2]") != 0 {
		t.Errorf("output:\n%s\nwant:\n%s", res.stdout, want)
	}
	if !strings.Contains(res.stderr+res.stdout, "[WARNING]: Not waiting for response to prompt as stdin is not interactive") {
		t.Errorf("no warning for the prompt without a terminal:\n%s%s", res.stdout, res.stderr)
	}
	if rc := recap(t, res.stdout); rc["h1"][0] != 2 || rc["h2"][0] != 0 {
		t.Errorf("recap %v", rc)
	}
}

// gate is a TCP proxy in front of a lab sshd that can refuse connections
// and cut the open ones: a host whose network restarts.
type gate struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	closed bool
	conns  []net.Conn
}

func newGate(t *testing.T, target string) *gate {
	ln, err := net.Listen("tcp", "127.0.0.10:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); g.cut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			g.mu.Lock()
			if g.closed {
				c.Close()
				g.mu.Unlock()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				g.mu.Unlock()
				continue
			}
			g.conns = append(g.conns, c, up)
			g.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return g
}

// cut drops every open connection; closed says whether new ones are refused.
func (g *gate) cut(closed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = closed
	for _, c := range g.conns {
		c.Close()
	}
	g.conns = nil
}

func (g *gate) open() {
	g.mu.Lock()
	g.closed = false
	g.mu.Unlock()
}

// gatedInventory is h1 reached through g (its host key known at g's port).
func gatedInventory(t *testing.T, g *gate) string {
	s := lab.Servers[0]
	known, err := os.ReadFile(lab.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	port := g.ln.Addr().(*net.TCPAddr).Port
	known = fmt.Appendf(known, "[%s]:%d %s", s.Addr, port, ssh.MarshalAuthorizedKey(s.HostKey))
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "known_hosts"), string(known))
	inv := filepath.Join(dir, "hosts.yml")
	writeFile(t, inv, fmt.Sprintf(`all:
  hosts:
    h1:
      ansible_host: %s
      ansible_port: %d
      ansible_user: root
      ansible_ssh_private_key_file: %s
      ansible_ssh_common_args: -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes
`, s.Addr, port, lab.KeyFile, filepath.Join(dir, "known_hosts")))
	return inv
}

// wait_for_connection waits for a host whose network is down at first, and
// an async job polled across a network restart still reports its result.
func TestWaitForConnectionAndNetworkRestart(t *testing.T) {
	g := newGate(t, fmt.Sprintf("%s:%d", lab.Servers[0].Addr, lab.Servers[0].Port))
	inv := gatedInventory(t, g)
	pb := filepath.Join(t.TempDir(), "wait.yml")
	marker := filepath.Join(t.TempDir(), "restart-network")
	writeFile(t, pb, `- hosts: h1
  gather_facts: false
  tasks:
    - name: wait for the network
      wait_for_connection:
        sleep: 1
        timeout: 30
      register: w
    - assert:
        that: [w.elapsed >= 1, not w.changed]
    - name: restart the network
      shell: touch `+marker+`; sleep 3; echo survived
      async: 30
      poll: 1
      register: job
    - assert:
        that: job.stdout == 'survived'
`)
	g.cut(true)
	go func() {
		time.Sleep(1500 * time.Millisecond)
		g.open()
		for range 200 {
			if _, err := os.Stat(marker); err == nil {
				g.cut(true)
				time.Sleep(1500 * time.Millisecond)
				g.open()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	res := play(t, "-i", inv, pb)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "ASYNC OK on h1: jid=") {
		t.Errorf("no ASYNC OK line:\n%s", res.stdout)
	}
}
