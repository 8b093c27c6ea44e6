package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegisteredOrderAndHostvars runs, over SSH on h1 and h2, what a user
// sees of a registered result's key order, dict(d, b=1, a=2), a recursive
// loop over a dict, hostvars of another host (extra vars, set_fact, magic
// variables; not play vars) and `for k, v in d` failing. The file and the
// failure are what ansible-playbook 2.14 wrote and printed for the same
// playbook (its command result also had ansible_facts, from Python
// interpreter discovery, which play has no use for).
func TestRegisteredOrderAndHostvars(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "out")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "site.yml"), `- hosts: all
  gather_facts: false
  vars:
    d: {z: 1, y: 2}
    tree: {z: {y: 1, b: 2}, a: 3}
  tasks:
    - command: echo hi
      register: cmd
    - stat: {path: "{{ work }}"}
      register: st
    - debug: {msg: "{{ item }}"}
      loop: [a]
      register: looped
    - set_fact: {mine: "{{ inventory_hostname }}"}
    - copy:
        dest: "{{ work }}/order.txt"
        content: |
          {{ cmd | list | join(' ') }}
          {{ st.stat | list | select('in', ['exists', 'path', 'mode', 'isdir', 'uid', 'pw_name', 'readable']) | join(' ') }}
          {{ looped | list | join(' ') }} / {{ looped.results[0] | list | join(' ') }}
          {{ dict(d, b=1, a=2) | list | join(' ') }}
          {% for k in tree recursive %}{{ k }}({% if tree[k] is mapping %}{{ loop(tree[k]) }}{% endif %}){% endfor %}

          {% for k in ['ev', 'mine', 'd', 'cmd', 'playbook_dir', 'omit', 'ansible_check_mode'] %}{{ k }}={{ k in hostvars['h2'] }} {% endfor %}

          {{ hostvars['h2'].ev }} {{ hostvars['h2'].mine }}
      when: inventory_hostname == 'h1'
    - debug: {msg: "{% for k, v in d %}{{ k }}{% endfor %}"}
      when: inventory_hostname == 'h1'
`)
	res := play(t, filepath.Join(dir, "site.yml"), "-i", labInventory(t), "-e", "work="+work, "-e", "ev=extra")
	if res.code != 2 {
		t.Fatalf("exit %d, want 2 (the last task fails)\n%s%s", res.code, res.stdout, res.stderr)
	}
	got, err := os.ReadFile(filepath.Join(work, "order.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := `changed stdout stderr rc cmd start end delta msg stdout_lines stderr_lines failed
exists path mode isdir uid readable pw_name
results skipped msg changed / msg failed changed item ansible_loop_var
z y b a
z(y()b())a()
ev=True mine=True d=False cmd=True playbook_dir=True omit=True ansible_check_mode=True 
extra h2
`
	if string(got) != want {
		t.Errorf("order.txt:\n got %q\nwant %q", got, want)
	}
	fail := `fatal: [h1]: FAILED! => {"msg": "the field 'args' has an invalid value ({'msg': '{% for k, v in d %}{{ k }}{% endfor %}'}), and could not be converted to an dict.The error was: not enough values to unpack (expected 2, got 1)`
	if !strings.Contains(res.stdout, fail) {
		t.Errorf("want %s\nin:\n%s", fail, res.stdout)
	}
}
