package main

import "testing"

// lookup, query and q are Jinja globals in Ansible: a variable of the same
// name hides them (register: q is common), the others still work. Output as
// ansible-playbook 2.14 prints it.
func TestVariablesHideLookupGlobals(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - command: echo hi
      register: q
    - debug: msg="{{ q.stdout }} {{ query('items', 1) }} {{ lookup('items', 2) }}"
`,
	})
	wantOutput(t, playIn(t, dir), 0, "ok: [a] => {\n    \"msg\": \"hi [1] 2\"\n}")
}
