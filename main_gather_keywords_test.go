package main

import (
	"path/filepath"
	"testing"
)

// The play keywords gather_subset and fact_path reach the implicit
// "Gathering Facts" task, as in Ansible: '!all' leaves only the minimal
// facts (no ansible_mounts), fact_path points ansible_local elsewhere.
func TestGatherKeywordsReachGathering(t *testing.T) {
	dir := project(t, map[string]string{
		"hosts":          sshHosts("a"),
		"facts/app.fact": `{"version": "1.2"}`,
	})
	writeFile(t, filepath.Join(dir, "site.yml"), `- hosts: all
  gather_subset: ['!all', 'local']
  fact_path: `+filepath.Join(dir, "facts")+`
  tasks:
    - assert:
        that:
          - ansible_mounts is not defined
          - ansible_distribution is defined
          - ansible_local.app.version == '1.2'
`)
	wantOutput(t, playIn(t, dir), 0, "TASK [Gathering Facts]", "TASK [assert]", "All assertions passed")
}
