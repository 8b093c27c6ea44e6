package main

import "testing"

// A template lookup in a loop sees the item; string methods' results compare
// equal to strings (an -e value here). Output as ansible-playbook 2.14 prints it.
func TestLookupInLoopAndStrMethods(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": "a ansible_connection=local\n",
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
