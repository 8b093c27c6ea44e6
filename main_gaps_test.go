package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// gapsRun runs playbook (hosts from the package's sshd lab: h1..h3) with
// one fork; DIR stands for the playbook's directory in stdout.
func gapsRun(t *testing.T, playbook string, args ...string) result {
	t.Helper()
	dir := project(t, map[string]string{"site.yml": playbook})
	res := play(t, append([]string{"-i", labInventory(t), filepath.Join(dir, "site.yml"), "-f", "1"}, args...)...)
	res.stdout = strings.ReplaceAll(res.stdout, dir, "DIR")
	return res
}

// Expected lines are what ansible-playbook 2.14 printed for the same play.
func TestDebugNullAndUndefinedThroughFilters(t *testing.T) {
	res := gapsRun(t, `- hosts: h1
  gather_facts: false
  vars:
    x: null
    d: {a: 1}
  tasks:
    - debug: msg="{{ x }}"
    - debug:
        msg: "{{ 'b' | extract(d) | default('z') }}"
    - debug:
        msg: "{{ [] | first | default('z') }}"
    - debug:
        msg: "{{ nope | mandatory }}"
      ignore_errors: true
    - debug:
        msg: "{{ 'b' | extract(d) | upper | default('z') }}"
`)
	wantOutput(t, res, 2, `ok: [h1] => {
    "msg": null
}`, `ok: [h1] => {
    "msg": "z"
}`, `ok: [h1] => {
    "msg": "z"
}`, `fatal: [h1]: FAILED! => {"msg": "Mandatory variable 'nope'  not defined."}
...ignoring`,
		`fatal: [h1]: FAILED! => {"msg": "The task includes an option with an undefined variable. The error was: 'dict object' has no attribute 'b'.`,
		"h1                         : ok=4    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=1")
}

// Conditions that read a missing key fail with Ansible's "error while
// evaluating conditional"; until keeps nothing of the result, changed_when
// and failed_when keep the module's result and add their *_result key.
func TestConditionErrors(t *testing.T) {
	pb := `- hosts: h1
  gather_facts: false
  tasks:
    - debug: msg=a
      when: nope == 1
      ignore_errors: true
    - command: echo hi
      register: r
      until: r.missing.x == 'hi'
      retries: 2
      delay: 0
      ignore_errors: true
    - command: echo hi
      register: r
      until: r.stdout == 'hi'
      retries: 1
      delay: 0
      ignore_errors: true
    - command: echo hi
      register: r
      changed_when: r.nokey == 'hi'
      ignore_errors: true
    - assert:
        that: nope
`
	res := gapsRun(t, pb, "--check")
	wantOutput(t, res, 2,
		`fatal: [h1]: FAILED! => {"msg": "The conditional check 'nope == 1' failed. The error was: error while evaluating conditional (nope == 1): 'nope' is undefined. 'nope' is undefined\n\nThe error appears to be in 'DIR/site.yml': line 4, column 7`,
		`fatal: [h1]: FAILED! => {"msg": "The conditional check 'r.missing.x == 'hi'' failed. The error was: error while evaluating conditional (r.missing.x == 'hi'): 'dict object' has no attribute 'missing'. 'dict object' has no attribute 'missing'"}`,
		"FAILED - RETRYING: [h1]: command (1 retries left).",
		`fatal: [h1]: FAILED! => {"attempts": 1, "changed": false, "cmd": ["echo", "hi"], "delta": null, "end": null, "msg": "Command would have run if not in check mode", "rc": 0, "start": null, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`,
		// under --check the command is skipped, and changed_when is not evaluated (as in Ansible)
		"skipping: [h1]",
		`fatal: [h1]: FAILED! => {"msg": "The conditional check 'nope' failed. The error was: error while evaluating conditional (nope): 'nope' is undefined. 'nope' is undefined"}`,
		"h1                         : ok=3    changed=0    unreachable=0    failed=1    skipped=1    rescued=0    ignored=3")
	res = gapsRun(t, pb)
	wantOutput(t, res, 2,
		`"changed_when_result": "The conditional check 'r.nokey == 'hi'' failed. The error was: error while evaluating conditional (r.nokey == 'hi'): 'dict object' has no attribute 'nokey'. 'dict object' has no attribute 'nokey'"`,
		"h1                         : ok=4    changed=2    unreachable=0    failed=1    skipped=0    rescued=0    ignored=3")
}

// ansible-playbook 2.14's free strategy refuses add_host (it bypasses the
// host loop) as soon as a host reaches it: ERROR!, exit 1.
func TestFreeStrategyRefusesAddHost(t *testing.T) {
	res := gapsRun(t, `- hosts: all
  strategy: free
  gather_facts: false
  tasks:
    - add_host:
        name: "new_{{ inventory_hostname }}"
        groups: added
    - debug: msg=never
`)
	want := "ERROR! The 'add_host' module bypasses the host loop, which is currently not supported in the free strategy and would instead execute for every host in the inventory list."
	if res.code != 1 || !strings.Contains(res.stderr, want) || strings.Contains(res.stdout, "never") {
		t.Fatalf("exit %d, want 1 and %q\n%s%s", res.code, want, res.stdout, res.stderr)
	}
}

// Under free, a host's group_by and refresh_inventory apply at once, while
// another host is in the middle of a task: h2 waits for the file h1 writes
// after them (both hosts share this machine's filesystem), which would
// never come if a change waited for h2's task. refresh_inventory, run by
// h1 only, gives h2 too the new ansible_play_hosts_all, as ansible-playbook
// 2.14 printed for every host of such a play.
func TestFreeStrategyInventoryChangesApplyAtOnce(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inv")
	if err := os.MkdirAll(inv, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := lab.WriteInventory(filepath.Join(inv, "hosts.yml"), nil); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(inv, "pair"), "[pair]\nh1\nh2\n")
	writeFile(t, filepath.Join(dir, "h1.yml"), `- group_by: key=g_h1
- copy: content="{{ groups.g_h1 }}" dest=`+filepath.Join(dir, "grouped")+`
  delegate_to: localhost
- shell: echo h9 ansible_connection=local >> `+filepath.Join(inv, "pair")+`
  delegate_to: localhost
- meta: refresh_inventory
- copy: content=done dest=`+filepath.Join(dir, "refreshed")+`
  delegate_to: localhost
`)
	writeFile(t, filepath.Join(dir, "h2.yml"), `- shell: timeout 60 sh -c 'until [ -f `+filepath.Join(dir, "refreshed")+` ]; do sleep 0.1; done'
`)
	pb := filepath.Join(dir, "site.yml")
	writeFile(t, pb, `- hosts: pair
  strategy: free
  gather_facts: false
  tasks:
    - include_tasks: "{{ inventory_hostname }}.yml"
    - debug: msg="{{ ansible_play_hosts_all }}"
`)
	res := play(t, "-i", inv, pb)
	wantOutput(t, res, 0)
	for _, host := range []string{"h1", "h2"} {
		want := "ok: [" + host + "] => {\n    \"msg\": [\n        \"h1\",\n        \"h2\",\n        \"h9\"\n    ]\n}"
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
}

// The template module and lookup define Ansible's template_* variables;
// import exports the imported file's top-level sets. The lines are what
// ansible-playbook 2.14 rendered from the same files (its host name and
// file owner being this machine's).
func TestTemplateVariablesAndImportedSets(t *testing.T) {
	dir := project(t, map[string]string{
		"templates/t.j2": `host={{ template_host }}
path={{ template_path }}
fullpath={{ template_fullpath }}
dest={{ template_destpath }}
date={{ template_run_date | type_debug }}
uid={{ template_uid }}
{% import 'macros.j2' as m %}
{{ m.greet('x') }} {{ m.top }}
`,
		"templates/macros.j2": "{% set top = 'TOPVAL' %}\n{% macro greet(n) %}hi {{ n }}{% endmacro %}\n",
	})
	out := filepath.Join(dir, "out.txt")
	writeFile(t, filepath.Join(dir, "site.yml"), `- hosts: h1
  gather_facts: false
  tasks:
    - template: src=t.j2 dest=`+out+`
    - debug: msg="{{ lookup('template', 't.j2') }}"
`)
	res := play(t, "-i", labInventory(t), filepath.Join(dir, "site.yml"))
	host, _ := os.Hostname()
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(dir, "templates", "t.j2")
	want := "host=" + host + "\npath=t.j2\nfullpath=" + tmpl + "\ndest=%s\ndate=datetime\nuid=" + me.Username + "\nhi x TOPVAL\n"
	wantOutput(t, res, 0, "changed: [h1]", `"msg": "`+strings.ReplaceAll(fmt.Sprintf(want, ""), "\n", `\n`)+`"`)
	if got, err := os.ReadFile(out); err != nil || string(got) != fmt.Sprintf(want, out) {
		t.Errorf("template wrote %q, %v; want %q", got, err, fmt.Sprintf(want, out))
	}
}

// Backslashes inside {{ }} of playbook strings are kept as written (Ansible's
// escape_backslashes), in `when:` and {% %} Jinja decodes them: the values
// ansible-playbook 2.14 printed for the same tasks.
func TestBackslashesInPlaybookStrings(t *testing.T) {
	res := gapsRun(t, `- hosts: h1
  gather_facts: false
  vars:
    v: '{{ "a\nb" }}'
  tasks:
    - debug:
        msg: '{{ "a\\b" }}|{{ "a\tb" | length }}|{{ "\u00e9" }}|{{ "C:\Users" }}|{{ "a\x41" }}'
    - debug:
        msg: '{{ "a1b22" | regex_replace("(\d+)", "<\1>") }}'
    - debug:
        msg: "{{ 'a1b22' | regex_replace('(\\d+)', '<\\1>') }}"
    - debug:
        msg: '{% if "a\nb" | length == 3 %}yes{% endif %} {{ v | length }}'
    - debug: msg=ok
      when: '"a\nb" | length == 3'
`)
	wantOutput(t, res, 0,
		`"msg": "a\\\\b|4|\\u00e9|C:\\Users|a\\x41"`,
		`"msg": "a<1>b<22>"`, `"msg": "a<1>b<22>"`,
		`"msg": "yes 4"`,
		`"msg": "ok"`)
}
