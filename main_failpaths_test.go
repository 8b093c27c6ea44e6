package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// failPathCase is a playbook run on two local hosts, a and b, with the exit
// code, recap and output ansible-playbook 2.14 gives for it; or, with lang, a
// testdata/lang tree's site.yml run on two sshd lab hosts a and b.
type failPathCase struct {
	name     string
	playbook string
	lang     string
	args     []string
	code     int
	recap    map[string][7]int // ok changed unreachable failed skipped rescued ignored; nil: not checked
	noRecap  bool              // the run stops with an error before the recap
	out      []string
}

func runFailPathCases(t *testing.T, tests []failPathCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pb := filepath.Join(dir, "site.yml")
			args := []string{"-i", "a,b,", "-c", "local", pb}
			if tt.lang != "" {
				dir = projectFrom(t, tt.lang, map[string]string{"hosts": sshHosts("a", "b")})
				pb = filepath.Join(dir, "site.yml")
				args = []string{"-i", filepath.Join(dir, "hosts"), pb}
			} else {
				writeFile(t, pb, tt.playbook)
			}
			t.Chdir(dir)
			res := play(t, append(args, tt.args...)...)
			out := res.stdout + res.stderr
			if res.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", res.code, tt.code, out)
			}
			if tt.noRecap && strings.Contains(out, "PLAY RECAP") {
				t.Errorf("a PLAY RECAP, want none:\n%s", out)
			}
			if tt.recap != nil {
				got := recap(t, res.stdout)
				for host, want := range tt.recap {
					if got[host] != want {
						t.Errorf("recap %s %v, want %v\n%s", host, got[host], want, out)
					}
				}
				if len(got) != len(tt.recap) {
					t.Errorf("recap hosts %v, want %v", got, tt.recap)
				}
			}
			for _, s := range tt.out {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

// The outcomes below are ansible-playbook 2.14's on the same playbooks
// (testdata/conformance/f_* compare them on real hosts).
func TestRescueAndAbort(t *testing.T) {
	runFailPathCases(t, []failPathCase{
		{name: "only the hosts that failed run the rescue", playbook: `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: msg=broke
          when: inventory_hostname == 'b'
      rescue:
        - debug: msg="rescuing {{ inventory_hostname }}"
`, recap: map[string][7]int{"a": {0, 0, 0, 0, 1, 0, 0}, "b": {1, 0, 0, 0, 0, 1, 0}}},
		{name: "a rescued failure does not trip any_errors_fatal", playbook: `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - fail: msg=broke
          when: inventory_hostname == 'b'
      rescue:
        - debug: msg=rescued
    - debug: msg=on
`, recap: map[string][7]int{"a": {1, 0, 0, 0, 1, 0, 0}, "b": {2, 0, 0, 0, 0, 1, 0}}},
		{name: "a failed run_once task ends the playbook; only its host counts as failed", playbook: `- hosts: all
  gather_facts: false
  tasks:
    - fail: msg=once
      run_once: true
    - debug: msg=two
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=next
`, code: 2, recap: map[string][7]int{"a": {0, 0, 0, 1, 0, 0, 0}}, out: []string{"NO MORE HOSTS LEFT"}},
		{name: "max_fail_percentage exceeded", playbook: `- hosts: all
  gather_facts: false
  max_fail_percentage: 0
  tasks:
    - fail: msg=broke
      when: inventory_hostname == 'b'
    - debug: msg=never
`, code: 2, recap: map[string][7]int{"a": {0, 0, 0, 0, 1, 0, 0}, "b": {0, 0, 0, 1, 0, 0, 0}},
			out: []string{"NO MORE HOSTS LEFT *************************************************************\n\nNO MORE HOSTS LEFT ****"}},
		{name: "a failing rescue trips any_errors_fatal", playbook: `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - fail: msg=broke
          when: inventory_hostname == 'b'
      rescue:
        - fail: msg=again
    - debug: msg=on
`, code: 2, recap: map[string][7]int{"a": {0, 0, 0, 0, 1, 0, 0}, "b": {0, 0, 0, 1, 0, 1, 0}}, out: []string{"NO MORE HOSTS LEFT"}},
	})
}

func TestAbortExitsTwo(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "hosts.yml")
	writeFile(t, inv, "all:\n  hosts:\n    a: {ansible_connection: local}\n    gone: {ansible_host: 127.0.0.1, ansible_port: 1}\n")
	pb := filepath.Join(dir, "site.yml")
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  any_errors_fatal: true\n  tasks:\n    - ping:\n    - ping:\n")
	// ansible-playbook 2.14: a play any_errors_fatal broke exits 2, though the host is unreachable.
	if res := play(t, "-i", inv, pb); res.code != 2 || recap(t, res.stdout)["gone"] != [7]int{0, 0, 1, 0, 0, 0, 0} {
		t.Errorf("exit %d, want 2\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestClearHostErrors(t *testing.T) {
	runFailPathCases(t, []failPathCase{
		{name: "meta end_play runs once: the first host's when decides", lang: "testdata/lang/clear_host_errors/end_play_when", recap: map[string][7]int{"a": {1, 0, 0, 0, 0, 0, 0}, "b": {1, 0, 0, 0, 0, 0, 0}}, out: []string{"TASK [End play when b] *********************************************************\nskipping: [a]\n"}},
		{name: "a cleared host skips the rest of the play, runs the next, and exits 0", lang: "testdata/lang/clear_host_errors/cleared", recap: map[string][7]int{"a": {2, 0, 0, 0, 1, 0, 0}, "b": {1, 0, 0, 1, 0, 0, 0}}},
	})
}

func TestHandlerFailures(t *testing.T) {
	runFailPathCases(t, []failPathCase{
		{name: "a changed task notifying no handler stops the run with exit 1 and no recap", playbook: `- hosts: all
  gather_facts: false
  tasks:
    - command: echo
      notify: restart nginx
    - debug: msg=never
  handlers:
    - name: restart ngnix
      debug: msg=x
`, code: 1, noRecap: true, out: []string{"ERROR! The requested handler 'restart nginx' was not found in either the main handlers list nor in the listening handlers list", "did you mean `restart ngnix`?"}},
		{name: "an unchanged task notifying no handler is fine", playbook: `- hosts: all
  gather_facts: false
  tasks:
    - command: echo
      changed_when: false
      notify: restart nginx
`, recap: map[string][7]int{"a": {1, 0, 0, 0, 0, 0, 0}, "b": {1, 0, 0, 0, 0, 0, 0}}},
		{name: "with force_handlers a host whose handler fails runs no more handlers", playbook: `- hosts: all
  gather_facts: false
  force_handlers: true
  tasks:
    - command: echo
      notify: [second, first]
    - fail: msg=late
      when: inventory_hostname == 'b'
  handlers:
    - name: first
      fail:
        msg: handler broke
      when: inventory_hostname == 'a'
    - name: second
      debug: msg=second
`, code: 2, recap: map[string][7]int{"a": {1, 1, 0, 1, 1, 0, 0}, "b": {2, 1, 0, 1, 1, 0, 0}}},
	})
}

// Errors found loading a playbook exit 1 when a file is missing, as
// ansible-playbook's plain errors, and 4 when it does not parse.
func TestLoadExitCodes(t *testing.T) {
	runFailPathCases(t, []failPathCase{
		{name: "missing role", playbook: "- hosts: all\n  roles: [nosuchrole]\n", code: 1, out: []string{"the role 'nosuchrole' was not found"}},
		{name: "missing import_tasks file", playbook: "- hosts: all\n  tasks:\n    - import_tasks: nosuch.yml\n", code: 1, out: []string{"Could not find or access"}},
		{name: "missing vars file", playbook: "- hosts: all\n  vars_files: [nosuch.yml]\n  tasks: []\n", code: 1, out: []string{"vars file not found"}},
		{name: "unknown keyword", playbook: "- hosts: all\n  tasks:\n    - debug: msg=x\n      whne: true\n", code: 4, out: []string{"'whne' is not a valid attribute for a Task"}},
		{name: "missing role and a YAML error", playbook: "- hosts: all\n  roles: [nosuchrole]\n  tasks:\n    - debug: msg=x\n   - debug: msg=y\n", code: 4},
	})
}

// Undefined variables fail the task with Ansible's message; an ignored
// error in a loop's own expression counts as ignored.
func TestUndefinedVariableFailures(t *testing.T) {
	runFailPathCases(t, []failPathCase{
		{name: "in when", playbook: "- hosts: a\n  gather_facts: false\n  tasks:\n    - debug: msg=x\n      when: flag\n",
			code: 2, out: []string{`"msg": "The conditional check 'flag' failed. The error was: error while evaluating conditional (flag): 'flag' is undefined. 'flag' is undefined\n\nThe error appears to be in '`}},
		{name: "in an argument", playbook: "- hosts: a\n  gather_facts: false\n  tasks:\n    - name: echo\n      command: echo {{ who }}\n",
			code: 2, out: []string{`"msg": "The task includes an option with an undefined variable. The error was: 'who' is undefined. 'who' is undefined\n\nThe error appears to be in '`, `line 4, column 7, but may\nbe elsewhere`}},
		{name: "in a loop, ignored", playbook: "- hosts: a\n  gather_facts: false\n  tasks:\n    - debug: msg=x\n      loop: \"{{ nolist }}\"\n      ignore_errors: true\n",
			recap: map[string][7]int{"a": {1, 0, 0, 0, 0, 0, 1}}, out: []string{`{"msg": "'nolist' is undefined. 'nolist' is undefined"}`}},
		{name: "in until", playbook: "- hosts: a\n  gather_facts: false\n  tasks:\n    - command: echo\n      register: r\n      until: r.nothere\n",
			code: 2, out: []string{`{"msg": "The conditional check 'r.nothere' failed. The error was: error while evaluating conditional (r.nothere): 'dict object' has no attribute 'nothere'. 'dict object' has no attribute 'nothere'"}`}},
		{name: "in failed_when", playbook: "- hosts: a\n  gather_facts: false\n  tasks:\n    - command: echo\n      failed_when: zzz\n",
			code: 2, out: []string{`"failed_when_result": "The conditional check 'zzz' failed. The error was: error while evaluating conditional (zzz): 'zzz' is undefined. 'zzz' is undefined"`}},
	})
}

func TestLimitToNoHosts(t *testing.T) {
	pb := "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=x\n"
	runFailPathCases(t, []failPathCase{
		{name: "a limit matching no host is an error", playbook: pb, args: []string{"--limit", "nosuchhost"}, code: 1, noRecap: true,
			out: []string{"ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target."}},
		{name: "a limit matching a host", playbook: pb, args: []string{"--limit", "b"}, recap: map[string][7]int{"b": {1, 0, 0, 0, 0, 0, 0}}},
		{name: "a play matching no host is skipped", playbook: "- hosts: nosuch\n  tasks: []\n" + pb, out: []string{"[WARNING]: Could not match supplied host pattern, ignoring: nosuch", "skipping: no hosts matched"},
			recap: map[string][7]int{"a": {1, 0, 0, 0, 0, 0, 0}, "b": {1, 0, 0, 0, 0, 0, 0}}},
	})
}
