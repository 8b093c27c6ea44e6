package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A template lookup in a loop sees the item; string methods' results compare
// equal to strings (an -e value here). Output as ansible-playbook 2.14 prints it.
func TestLookupInLoopAndStrMethods(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"t.j2":  "{{ item }}-{{ x }}\n",
		"site.yml": `- hosts: all
  gather_facts: false
  vars: {x: X}
  tasks:
    - debug: msg="{{ lookup('template', 't.j2') }}"
      loop: [1, 2]
    - command: echo a b 127.0.0.11
      register: r
      changed_when: r.stdout.split(' ')[2] != addr
    - assert:
        that: r.stdout.split()[2] == addr
`,
	})
	res := playIn(t, dir, "-e", "addr=127.0.0.11")
	wantOutput(t, res, 0,
		"ok: [a] => (item=1) => {\n    \"msg\": \"1-X\\n\"\n}\nok: [a] => (item=2) => {\n    \"msg\": \"2-X\\n\"\n}",
		"TASK [command] ***", "\nok: [a]\n",
		"TASK [assert] ***", "\nok: [a] => {\n    \"changed\": false,\n    \"msg\": \"All assertions passed\"\n}",
	)
}

// Every level of Ansible's variable precedence that play has: variable vNN
// is set at level NN-1 and NN (the level numbers are the values), so each
// pair of neighbouring levels is checked; ansible_system checks facts over
// playbook host_vars, ansible_os_family play vars over facts. Also hostvars
// of a host outside the play, inventory_dir/inventory_file, role_path,
// hash_behaviour=replace and omit inside dicts. Output as ansible-playbook
// 2.14 prints it for the same files (its omit token differs).
func TestVariablePrecedenceLevels(t *testing.T) {
	pair := func(a, b int) string {
		return fmt.Sprintf("v%02d: %q\nv%02d: %q\n", a, strconv.Itoa(b), b, strconv.Itoa(b))
	}
	dir := project(t, map[string]string{
		"inv/hosts": "[g]\n" + sshHost("a", 0) + " v07=7 v06=7\n" + `[g:vars]
v01=2
v02=2
[h]
` + sshHost("other", 1) + " ov=fromother\n",
		"inv/group_vars/all.yml":    pair(2, 3),
		"group_vars/all.yml":        pair(3, 4) + "d: {a: 1, n: {x: 1}}\n",
		"inv/group_vars/g.yml":      pair(4, 5),
		"group_vars/g.yml":          pair(5, 6),
		"inv/host_vars/a.yml":       pair(7, 8),
		"host_vars/a.yml":           pair(8, 9) + "ansible_system: host_vars\n",
		"roles/r/defaults/main.yml": `v01: "1"` + "\n",
		"vars/vf.yml":               pair(12, 13),
		"roles/r/vars/main.yml":     pair(13, 14),
		"vars/iv.yml":               pair(16, 17),
		"roles/r/tasks/main.yml": `- include_vars: "{{ playbook_dir }}/vars/iv.yml"
- set_fact: {v17: "18", v18: "18"}
- block:
    - include_tasks: inc.yml
      vars: {v19: "20", v20: "20"}
  vars: {v14: "15", v15: "15"}
`,
		"roles/r/tasks/inc.yml": `- debug:
    msg: "{{ v01 }} {{ v02 }} {{ v03 }} {{ v04 }} {{ v05 }} {{ v06 }} {{ v07 }} {{ v08 }} {{ v09 }} {{ ansible_system }} {{ v11 }} {{ v12 }} {{ v13 }} {{ v14 }} {{ v15 }} {{ v16 }} {{ v17 }} {{ v18 }} {{ v19 }} {{ v20 }}"
  vars: {v15: "16", v16: "16"}
- debug: msg="{{ role_path }}"
`,
		"site.yml": `- hosts: g
  gather_facts: true
  gather_subset: [min]
  vars: {v11: "11", ansible_os_family: play, d: {b: 2, n: {y: 2}}}
  vars_prompt:
    - {name: v11, prompt: eleven, default: "12", private: false}
    - {name: v12, prompt: twelve, default: "12", private: false}
  vars_files: [vars/vf.yml]
  roles:
    - {role: r, v18: "19", v19: "19"}
  tasks:
    - debug: msg="{{ ansible_os_family }}"
    - debug: msg="{{ d }} {{ hostvars['other'].ov }} {{ hostvars.other.inventory_dir }} {{ inventory_dir }} {{ inventory_file }} {{ role_path | default('no role_path') }}"
    - set_fact:
        x: {a: "{{ omit }}", b: 1, l: [{c: "{{ omit }}", d: 2}], n: {e: "{{ omit }}"}}
    - debug: var=x
`,
	})
	res := play(t, "-i", filepath.Join(dir, "inv", "hosts"), filepath.Join(dir, "site.yml"), "-e", "v20=21")
	res.stdout = strings.ReplaceAll(res.stdout, dir, "DIR")
	wantOutput(t, res, 0,
		"TASK [r : debug] ***", `"msg": "2 3 4 5 6 7 8 9 9 Linux 12 13 14 15 16 17 18 19 20 21"`,
		"TASK [r : debug] ***", `"msg": "DIR/roles/r"`,
		"TASK [debug] ***", `"msg": "play"`,
		"TASK [debug] ***", `"msg": "{'b': 2, 'n': {'y': 2}} fromother DIR/inv DIR/inv DIR/inv/hosts no role_path"`,
		"TASK [debug] ***", "ok: [a] => {\n    \"x\": {\n        \"b\": 1,\n        \"l\": [\n            {\n                \"d\": 2\n            }\n        ],\n        \"n\": {}\n    }\n}",
	)
	if got := recap(t, res.stdout)["a"]; got != [7]int{10, 0, 0, 0, 0, 0, 0} {
		t.Errorf("recap a = %v, want ok=10", got)
	}
}

// meta: end_play ends every remaining serial batch, end_batch only the
// current one; the next play runs either way. Output as ansible-playbook 2.14.
func TestMetaEndPlayAndBatch(t *testing.T) {
	for action, want := range map[string][]string{
		"end_play":  {"TASK [meta] ***", "PLAY [all] ***", "TASK [debug] ***", "ok: [a] => {\n    \"msg\": \"next\"\n}\nok: [b] => {\n    \"msg\": \"next\"\n}"},
		"end_batch": {"TASK [meta] ***", "PLAY [all] ***", "ok: [b] => {\n    \"msg\": \"one\"\n}", "TASK [meta] ***", "PLAY [all] ***", "\"msg\": \"next\""},
	} {
		t.Run(action, func(t *testing.T) {
			dir := project(t, map[string]string{
				"hosts": sshHosts("a", "b"),
				"site.yml": `- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - debug: msg=one
    - meta: ` + action + `
    - debug: msg=two
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=next
`,
			})
			res := playIn(t, dir)
			wantOutput(t, res, 0, want...)
			if strings.Contains(res.stdout, `"msg": "two"`) {
				t.Errorf("a task after meta: %s ran:\n%s", action, res.stdout)
			}
			wantB := [7]int{2, 0, 0, 0, 0, 0, 0}
			if action == "end_play" {
				wantB[0] = 1
			}
			if got := recap(t, res.stdout); got["a"] != [7]int{2, 0, 0, 0, 0, 0, 0} || got["b"] != wantB {
				t.Errorf("recap = %v, want a ok=2, b %v", got, wantB)
			}
		})
	}
}

// meta: reset_connection closes the host's SSH connection: the next task
// comes from a new client port; without it, tasks share one connection.
func TestMetaResetConnection(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "site.yml")
	writeFile(t, pb, `- hosts: h1
  gather_facts: false
  tasks:
    - shell: echo $SSH_CONNECTION
      register: first
    - shell: echo $SSH_CONNECTION
      register: same
    - meta: reset_connection
    - shell: echo $SSH_CONNECTION
      register: after
    - assert:
        that:
          - first.stdout == same.stdout
          - first.stdout != after.stdout
`)
	res := play(t, pb, "-i", labInventory(t))
	wantOutput(t, res, 0, "TASK [meta] ***", "TASK [assert] ***", "All assertions passed")
}
