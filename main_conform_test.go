package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Differences from ansible-playbook 2.14 found by the conformance playbooks
// (testdata/conformance/m_*.yml), each reproduced on localhost: a playbook (DIR stands for
// a fresh directory), the flags, and what ansible-playbook printed for it, in order.
func TestConformanceLocal(t *testing.T) {
	for _, tt := range []struct {
		name, site string
		flags      []string
		want       []string
		absent     string // not in the output
	}{
		{name: "set_fact in a loop sees the facts of the items before",
			site: `
    - set_fact:
        urls: "{{ urls | default([]) + ['http://host:' ~ item] }}"
      loop: [80, 443]
    - debug: {var: urls}
`,
			want: []string{`"urls": [`, `"http://host:80",`, `"http://host:443"`, "ok=2"}},
		{name: "a directory file would create shows no mode under --check",
			site: `
    - file: {path: DIR/d, state: directory, mode: "0750"}
`,
			flags: []string{"--check", "--diff"}, absent: `"mode"`,
			want: []string{"-    \"state\": \"absent\"\n+    \"state\": \"directory\"\n }", "changed=1"}},
		{name: "a directory file creates shows its mode when applied",
			site: `
    - file: {path: DIR/d, state: directory, mode: "0750"}
`,
			flags: []string{"--diff"}, want: []string{`+    "mode": "0750",`, "changed=1"}},
		{name: "the attributes of a file lineinfile would create are not shown under --check",
			site: `
    - lineinfile: {path: DIR/f, line: x, create: true, mode: "0600"}
`,
			flags: []string{"--check", "--diff"}, absent: "(file attributes)",
			want: []string{"+++ after: DIR/f (content)", "+x", "changed=1"}},
		{name: "stat says what the user may do",
			site: `
    - stat: {path: /}
      register: s
    - debug: {msg: "{{ s.stat.readable }} {{ s.stat.writeable }} {{ s.stat.executable }}"}
`,
			want: []string{`"msg": "True True True"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			site := "- hosts: localhost\n  gather_facts: false\n  tasks:" + strings.ReplaceAll(tt.site, "DIR", dir)
			writeFile(t, filepath.Join(dir, "site.yml"), site)
			writeFile(t, filepath.Join(dir, "hosts"), "localhost ansible_connection=local\n")
			res := playIn(t, dir, tt.flags...)
			wantOutput(t, res, 0, tt.want...)
			if tt.absent != "" && strings.Contains(res.stdout, tt.absent) {
				t.Errorf("output has %q:\n%s", tt.absent, res.stdout)
			}
		})
	}
}
