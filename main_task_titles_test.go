package main

import "testing"

// Task names are templated with the variables of the first host that runs
// the task, as ansible-playbook 2.14's linear strategy does: an included
// task sees its include's loop variable, host variables count, and a name
// that does not render (item is only defined per loop item) stays as written.
func TestTaskTitlesUseTheFirstHostsVars(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a", "b") + "[all:vars]\ngreeting=hi\n",
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - name: "One include per {{ greeting }}"
      include_tasks: owner.yml
      loop: [alice, bob]
      loop_control:
        loop_var: owner
    - name: "Loop {{ item }}"
      debug: msg=x
      loop: [1]
      when: false
`,
		"owner.yml": `- name: "Directory for {{ owner }} on {{ inventory_hostname }}"
  debug: msg="{{ owner }}"
`,
	})
	wantOutput(t, playIn(t, dir), 0,
		"TASK [One include per hi]",
		"TASK [Directory for alice on a]", `"msg": "alice"`, `"msg": "alice"`,
		"TASK [Directory for bob on a]", `"msg": "bob"`, `"msg": "bob"`,
		"TASK [Loop {{ item }}]")
}

// A delegated command skipped by --check is labelled with its host alone, as
// ansible-playbook 2.14 prints it; a delegated task that runs shows both.
func TestCheckSkippedDelegationLabel(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts": sshHosts("a"),
		"site.yml": `- hosts: all
  gather_facts: false
  tasks:
    - name: command on the controller
      command: "true"
      delegate_to: localhost
      changed_when: false
    - name: debug on the controller
      debug: msg=x
      delegate_to: localhost
`,
	})
	res := playIn(t, dir, "--check")
	wantOutput(t, res, 0, "TASK [command on the controller]", "skipping: [a]\n", "TASK [debug on the controller]", "ok: [a -> localhost]")
}
