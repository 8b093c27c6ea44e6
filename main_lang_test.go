package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// project writes files (path relative to a fresh directory -> content) and
// returns the directory.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, content)
	}
	return dir
}

// playIn runs play in dir with its "hosts" inventory and site.yml, one fork
// so that host lines come in inventory order; DIR stands for dir in stdout.
func playIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	res := play(t, append([]string{"-i", filepath.Join(dir, "hosts"), filepath.Join(dir, "site.yml"), "-f", "1"}, args...)...)
	res.stdout = strings.ReplaceAll(res.stdout, dir, "DIR")
	return res
}

// wantOutput checks the exit code and that stdout holds each part in order.
func wantOutput(t *testing.T, res result, code int, parts ...string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, code, res.stdout, res.stderr)
	}
	rest := res.stdout
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks (in order):\n%s\n--- output:\n%s", p, res.stdout)
		}
		rest = rest[i+len(p):]
	}
}

// Output and counts as ansible-playbook 2.14 prints them for the same files.
func TestIncludeTasksAndVars(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a", "b"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: sub.yml
    - include_tasks: "{{ item }}.yml"
      loop: [sub, sub2]
    - include_tasks:
        file: sub2.yml
        apply:
          tags: [x]
      when: inventory_hostname == 'a'
    - include_vars: vars/one.yml
    - debug: var=one
    - include_vars:
        dir: vars
        name: all_vars
    - debug: var=all_vars
    - include_tasks: nope.yml
`,
		"sub.yml":       "- debug: msg=\"in sub {{ item | default('none') }}\"\n",
		"sub2.yml":      "- name: sub2 task\n  command: \"true\"\n  changed_when: false\n",
		"vars/one.yml":  "one: 1\n",
		"vars/two.yaml": "two: 2\n",
	})
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"TASK [include_tasks] ***", "\nincluded: DIR/sub.yml for a, b\n",
		"TASK [debug] ***", `"msg": "in sub none"`,
		"TASK [include_tasks] ***", "\nincluded: DIR/sub.yml for a, b => (item=sub)\nincluded: DIR/sub2.yml for a, b => (item=sub2)\n",
		"TASK [debug] ***", `"msg": "in sub sub"`,
		"TASK [sub2 task] ***", "ok: [a]\nok: [b]\n",
		"TASK [include_tasks] ***", "\nskipping: [b]\nincluded: DIR/sub2.yml for a\n",
		"TASK [sub2 task] ***", "\nok: [a]\n\n",
		"TASK [include_vars] ***", "ok: [a]\nok: [b]\n",
		"TASK [debug] ***", "ok: [a] => {\n    \"one\": 1\n}",
		"TASK [include_vars] ***",
		"TASK [debug] ***", "ok: [a] => {\n    \"all_vars\": {\n        \"one\": 1,\n        \"two\": 2\n    }\n}",
		"TASK [include_tasks] ***",
		`fatal: [a]: FAILED! => {"reason": "Could not find or access 'DIR/nope.yml' on the Ansible Controller."}`,
	)
	got := recap(t, res.stdout)
	if want := [7]int{12, 0, 0, 1, 0, 0, 0}; got["a"] != want {
		t.Errorf("recap a = %v, want %v", got["a"], want)
	}
	if want := [7]int{10, 0, 0, 1, 1, 0, 0}; got["b"] != want {
		t.Errorf("recap b = %v, want %v", got["b"], want)
	}
}

// include_vars sits above task vars and below set_fact; apply: tags select
// the included tasks while the include itself runs for any tag selection
// it matches.
func TestIncludeVarsPrecedenceAndApplyTags(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"site.yml": `- hosts: all
  gather_facts: false
  vars: {v: play}
  tasks:
    - include_vars: {file: v.yml}
      tags: [t]
    - assert: {that: "v == 'include_vars'"}
      vars: {v: task}
      tags: [t]
    - set_fact: {v: set_fact}
      tags: [t]
    - include_vars: v.yml
      tags: [t]
    - assert: {that: "v == 'set_fact'"}
      tags: [t]
    - include_tasks:
        file: tagged.yml
        apply: {tags: [t]}
      tags: [t]
`,
		"v.yml":      "v: include_vars\n",
		"tagged.yml": "- name: applied\n  debug: msg=hi\n- name: also applied\n  debug: msg=hi\n  tags: [other]\n",
	})
	res := playIn(t, dir, "-t", "t")
	wantOutput(t, res, 0, "TASK [applied] ***", "TASK [also applied] ***")
	if got, want := recap(t, res.stdout)["a"], [7]int{8, 0, 0, 0, 0, 0, 0}; got != want {
		t.Errorf("recap = %v, want %v\n%s", got, want, res.stdout)
	}
}

// until/retries/delay print Ansible's retry lines and attempts counts:
// retries+1 attempts, and attempts=retries when all of them failed.
func TestUntilRetries(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - name: count up
      shell: "echo x >> {{ playbook_dir }}/cnt; wc -l < {{ playbook_dir }}/cnt"
      register: r
      until: r.stdout | int >= 3
      retries: 5
      delay: 0
    - assert: {that: r.attempts == 3}
    - name: never
      command: "false"
      register: n
      until: n.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
    - assert: {that: [n.attempts == 2, n is failed]}
`,
	})
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		"TASK [count up] ***", "\nFAILED - RETRYING: [a]: count up (5 retries left).\nFAILED - RETRYING: [a]: count up (4 retries left).\nchanged: [a]\n",
		"TASK [never] ***", "\nFAILED - RETRYING: [a]: never (2 retries left).\nFAILED - RETRYING: [a]: never (1 retries left).\nfatal: [a]: FAILED! => {\"attempts\": 2, ",
		"...ignoring",
	)
	if got, want := recap(t, res.stdout)["a"], [7]int{4, 2, 0, 0, 0, 0, 1}; got != want {
		t.Errorf("recap = %v, want %v", got, want)
	}
}

// Each lookup's value as ansible-playbook 2.14 computed it for the same files.
func TestLookups(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts":           sshHosts("a"),
		"files/greet.txt": "hello file  \n",
		"files/a.conf":    "a\n",
		"files/b.conf":    "b\n",
		"templates/t.j2":  "T={{ x }}\n",
		"site.yml": `- hosts: all
  gather_facts: false
  vars:
    x: 42
    dd: {k: 1}
    users:
      - {name: u1, keys: [k1, k2]}
      - {name: u2, keys: [k3]}
  tasks:
    - assert:
        that:
          - lookup('file', 'greet.txt') == 'hello file'
          - lookup('template', 't.j2') == 'T=42\n'
          - lookup('env', 'PLAY_LOOKUP_TEST') == 'from env'
          - lookup('env', 'PLAY_UNSET_VAR', default='d') == 'd'
          - lookup('pipe', 'echo hi; echo there') == 'hi\nthere'
          - lookup('sequence', 'start=1 end=3') == '1,2,3'
          - query('sequence', 'count=2 format=h%02d') == ['h01', 'h02']
          - query('sequence', '4-8/2') == ['4', '6', '8']
          - lookup('items', ['a', 'b']) == 'a,b'
          - lookup('list', ['a', 'b'], wantlist=True) == [['a', 'b']]
          - lookup('list', 'a', 'b', wantlist=True) == ['a', 'b']
          - "lookup('dict', dd) == {'key': 'k', 'value': 1}"
          - lookup('vars', 'x') == 42
          - lookup('first_found', ['nope.txt', 'b.conf']) == playbook_dir + '/files/b.conf'
          - lookup('file', 'missing', errors='ignore') == ''
          - q('file', 'missing', errors='warn') == []
          - q('indexed_items', ['a', 'b']) == [[0, 'a'], [1, 'b']]
          - q('fileglob', '*.conf') == [playbook_dir + '/files/a.conf', playbook_dir + '/files/b.conf']
          - q('nested', [1, 2], ['a']) == [[1, 'a'], [2, 'a']]
          - q('together', [1, 2], ['a']) == [[1, 'a'], [2, None]]
    - debug: {msg: "{{ item }}"}
      with_sequence: start=1 end=2 format=n%d
    - debug: {msg: "{{ item.0.name }} {{ item.1 }}"}
      with_subelements: ["{{ users }}", keys]
    - debug: {msg: "{{ item }}"}
      with_indexed_items: [x, y]
    - debug: {msg: "{{ item }}"}
      with_fileglob: "*.conf"
    - set_fact: {pw: "{{ lookup('password', 'pw/secret length=8 chars=digits') }}"}
    - assert: {that: ["pw is match('^[0-9]{8}$')", "pw == lookup('file', playbook_dir + '/pw/secret')"]}
    - debug: {msg: "{{ lookup('file', 'missing') }}"}
`,
	})
	t.Setenv("PLAY_LOOKUP_TEST", "from env")
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"ok: [a] => (item=n1) => {\n    \"msg\": \"n1\"\n}\nok: [a] => (item=n2)",
		"ok: [a] => (item=[{'name': 'u1'}, 'k1']) => {\n    \"msg\": \"u1 k1\"\n}\nok: [a] => (item=[{'name': 'u1'}, 'k2'])",
		"(item=[{'name': 'u2'}, 'k3'])",
		"ok: [a] => (item=[0, 'x'])", "(item=[1, 'y'])",
		"(item=DIR/files/a.conf)", "(item=DIR/files/b.conf)",
		`fatal: [a]: FAILED! => {"msg": "An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: missing. could not locate file in lookup: missing"}`,
	)
	first, err := os.ReadFile(filepath.Join(dir, "pw", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	playIn(t, dir)
	if again, _ := os.ReadFile(filepath.Join(dir, "pw", "secret")); string(again) != string(first) {
		t.Errorf("password file rewritten: %q then %q", first, again)
	}
}

// delegate_to, local_action, run_once and delegate_facts print and count as
// ansible-playbook 2.14 does: run_once runs on the first host and counts
// there only, while every host gets its result.
func TestDelegateAndRunOnce(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a", "b"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - command: echo {{ inventory_hostname }}
      delegate_to: localhost
      register: d
    - assert: {that: "d.stdout == inventory_hostname"}
    - command: echo once
      run_once: true
      register: o
    - assert: {that: "o.stdout == 'once'"}
    - set_fact: {sf: "{{ inventory_hostname }}"}
      run_once: true
    - assert: {that: "sf == 'a'"}
    - local_action: command echo local
    - command: echo other
      delegate_to: b
    - setup: {gather_subset: [min]}
      delegate_to: b
      delegate_facts: true
      run_once: true
    - assert: {that: "hostvars['b'].ansible_hostname is defined and (ansible_hostname is defined) == (inventory_hostname == 'b')"}
`,
	})
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		"TASK [command] ***", "\nchanged: [a -> localhost]\nchanged: [b -> localhost]\n",
		"TASK [command] ***", "\nchanged: [a]\n\n",
		"TASK [set_fact] ***", "\nok: [a]\n\n",
		"TASK [command] ***", "\nchanged: [a -> localhost]\nchanged: [b -> localhost]\n",
		"TASK [command] ***", "\nchanged: [a -> b]\nchanged: [b]\n",
		"TASK [setup] ***", "\nok: [a -> b]\n\n",
	)
	got := recap(t, res.stdout)
	if want := [7]int{10, 4, 0, 0, 0, 0, 0}; got["a"] != want {
		t.Errorf("recap a = %v, want %v", got["a"], want)
	}
	if want := [7]int{7, 3, 0, 0, 0, 0, 0}; got["b"] != want {
		t.Errorf("recap b = %v, want %v", got["b"], want)
	}
}

// A delegated task connects with the delegate's connection variables.
func TestDelegateToUsesTheDelegatesConnection(t *testing.T) {
	dir := project(t, map[string]string{"site.yml": `- hosts: h1
  gather_facts: false
  tasks:
    - shell: echo $SSH_CONNECTION
      delegate_to: h2
      register: r
    - assert: {that: "(' ' + addr + ' ') in r.stdout"}
`})
	res := play(t, "-i", labInventory(t), filepath.Join(dir, "site.yml"), "-e", "addr="+lab.Servers[1].Addr)
	wantOutput(t, res, 0, "changed: [h1 -> h2]")
}

// serial batches with order, a PLAY banner per batch, handlers flushed per
// batch, and the playbook stopped when a whole batch fails (Ansible 2.14).
func TestSerialBatches(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a", "b", "c"),
		"site.yml": `- hosts: all
  gather_facts: false
  serial: [1, "50%"]
  order: reverse_inventory
  tasks:
    - debug: msg="{{ ansible_play_batch }} {{ ansible_play_hosts }} {{ play_hosts }}"
      changed_when: true
      notify: h
    - fail:
      when: inventory_hostname == 'b'
  handlers:
    - name: h
      debug: msg=handler
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=never_reached
`,
	})
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"PLAY [all] ***", "TASK [debug] ***", "changed: [c] => {\n    \"msg\": \"['c'] ['a', 'b', 'c'] ['c']\"\n}",
		"TASK [fail] ***", "skipping: [c]", "RUNNING HANDLER [h] ***", "ok: [c]",
		"PLAY [all] ***", "TASK [debug] ***", "changed: [b] => {\n    \"msg\": \"['b'] ['a', 'b', 'c'] ['b']\"\n}",
		"TASK [fail] ***", "fatal: [b]: FAILED!", "PLAY RECAP",
	)
	if strings.Contains(res.stdout, "never_reached") || strings.Contains(res.stdout, "\na  ") {
		t.Errorf("the playbook went on after a failed batch, or the recap lists a host that never ran:\n%s", res.stdout)
	}
}

// any_errors_fatal ends the playbook after the failing task; a failure
// under max_fail_percentage does not; force_handlers runs the failed
// host's handlers.
func TestAbortAndForceHandlers(t *testing.T) {
	fatal := project(t, map[string]string{
		"hosts": sshHosts("a", "b", "c"),
		"site.yml": `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - fail:
      when: inventory_hostname == 'b'
    - debug: msg=after
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=next_play
`,
	})
	res := playIn(t, fatal)
	wantOutput(t, res, 2, "skipping: [a]\nfatal: [b]: FAILED! => {\"changed\": false, \"msg\": \"Failed as requested from task\"}\nskipping: [c]\n\nNO MORE HOSTS LEFT ***", "PLAY RECAP")
	if strings.Contains(res.stdout, "msg=after") || strings.Contains(res.stdout, "next_play") {
		t.Errorf("tasks ran after any_errors_fatal:\n%s", res.stdout)
	}

	tolerated := project(t, map[string]string{
		"hosts": sshHosts("a", "b", "c"),
		"site.yml": `- hosts: all
  gather_facts: false
  max_fail_percentage: 40
  tasks:
    - debug: msg=x
      changed_when: true
      notify: h
    - fail:
      when: inventory_hostname == 'b'
    - debug: msg=after
  handlers:
    - name: h
      debug: msg=handler
`,
	})
	res = playIn(t, tolerated, "--force-handlers")
	wantOutput(t, res, 2, "TASK [debug] ***", "ok: [a]", "ok: [c]", "RUNNING HANDLER [h] ***", "ok: [a]", "ok: [b]", "ok: [c]")
	if got, want := recap(t, res.stdout)["b"], [7]int{2, 1, 0, 1, 0, 0, 0}; got != want {
		t.Errorf("recap b = %v, want %v", got, want)
	}
	res = playIn(t, tolerated)
	if got, want := recap(t, res.stdout)["b"], [7]int{1, 1, 0, 1, 0, 0, 0}; got != want {
		t.Errorf("without --force-handlers, recap b = %v, want %v", got, want)
	}
}
