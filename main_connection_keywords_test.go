package main

import (
	"path/filepath"
	"testing"
)

// The connection, remote_user and port keywords choose how a task reaches
// its host (task > block > play > -c), while a host's own connection
// variables win over them — Ansible's order, checked with ansible-playbook
// 2.14 on the same plays.
func TestConnectionKeywords(t *testing.T) {
	inv := labInventory(t)
	// SSH_CONNECTION is set for commands sshd runs and unset for local ones.
	const via = `shell: 'test -n "$SSH_CONNECTION" && echo ssh || echo local'`
	cases := []struct {
		name, play string
	}{
		{"play keyword", `- hosts: h1
  connection: local
  gather_facts: false
  tasks:
    - ` + via + `
      register: r
    - assert: {that: [r.stdout == 'local', ansible_connection == 'local']}
`},
		{"task keyword beats play keyword", `- hosts: h1
  connection: local
  gather_facts: false
  tasks:
    - ` + via + `
      connection: ssh
      register: r
    - assert: {that: [r.stdout == 'ssh']}
`},
		{"block keyword", `- hosts: h1
  gather_facts: false
  tasks:
    - block:
        - ` + via + `
          register: r
        - assert: {that: [r.stdout == 'local']}
      connection: local
`},
		{"variable beats keyword", `- hosts: h1
  connection: local
  gather_facts: false
  vars:
    ansible_connection: ssh
  tasks:
    - ` + via + `
      register: r
    - assert: {that: [r.stdout == 'ssh']}
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pb := filepath.Join(t.TempDir(), "pb.yml")
			writeFile(t, pb, c.play)
			res := play(t, "-i", inv, pb)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
			}
		})
	}

	// A host with no connection variables of its own: connection: local must
	// not dial it, and remote_user shows as ansible_user (h1's inventory
	// sets ansible_user, which would win).
	t.Run("host without connection variables", func(t *testing.T) {
		pb := filepath.Join(t.TempDir(), "pb.yml")
		writeFile(t, pb, `- hosts: all
  connection: local
  gather_facts: false
  remote_user: alice
  tasks:
    - command: 'true'
    - assert: {that: [ansible_user == 'alice']}
    - assert: {that: [ansible_user == 'bob']}
      remote_user: bob
`)
		res := play(t, "-i", "nosuchhost.invalid,", pb)
		if res.code != 0 {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
	})
}
