package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBadInputsThroughTheCLI runs the CLI on malformed inputs (files in
// testdata/bad/cli, and generated ones too big to keep): each must exit
// non-zero, within 10 s, without a panic, with a message saying what is
// wrong and where, and, except for run-time errors, before any task runs.
// The playbook parser's own cases (testdata/bad/*.yml) are in playbooks.
func TestBadInputsThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	gen := func(name, content string) string {
		p := filepath.Join(dir, name)
		writeFile(t, p, content)
		return p
	}
	var big strings.Builder
	big.WriteString("- hosts: all\n  gather_facts: false\n  tasks:\n")
	for i := range 20000 {
		fmt.Fprintf(&big, "    - debug: msg=%d\n", i)
	}
	big.WriteString("    - debug: msg=last\n      whne: true\n")

	bad := func(name string) string { return filepath.Join("testdata", "bad", "cli", name) }
	ok := bad("undefined_var.yml")
	tests := []struct {
		name    string
		args    []string
		code    int
		msg     string
		runtime bool // fails while running, after the play started
	}{
		{"empty playbook", []string{bad("empty.yml")}, 4, "empty.yml:1:1', but may", false},
		{"non-UTF-8 bytes", []string{bad("non_utf8.yml")}, 4, "syntax error while loading YAML: invalid leading UTF-8 octet", false},
		{"mutually exclusive arguments", []string{bad("copy_exclusive.yml")}, 4, "parameters are mutually exclusive: content|src", false},
		{"undefined variable", []string{ok}, 2, "'nope' is undefined. 'nope' is undefined\\n\\nThe error appears to be in '", true},
		{"undefined variable unquoted", []string{bad("undefined_var_unquoted.yml")}, 2, "'undefined_var' is undefined", true},
		{"playbook is a directory", []string{"testdata/bad"}, 4, "could not read '", false},
		{"missing playbook", []string{"no-such-playbook.yml"}, 1, "Could not find or access '", false},
		{"alias bomb", []string{gen("bomb.yml", aliasBomb("- hosts: all\n  vars:\n", "  tasks: []\n"))}, 4, "too many YAML alias expansions", false},
		{"500-level nesting", []string{gen("deep.yml", "- hosts: all\n  gather_facts: false\n  vars:\n    x: "+strings.Repeat("[", 500)+strings.Repeat("]", 500)+"\n  tasks:\n    - debug: msg={{ y }}\n")}, 2, "'y' is undefined", true},
		{"20,000 tasks and a typo at the end", []string{gen("big.yml", big.String())}, 4, "big.yml:20005:7', but may", false},
		{"-e missing file", []string{"-e", "@no-such-vars.yml", ok}, 5, "extra vars @no-such-vars.yml: no-such-vars.yml: Could not find or access", false},
		{"-e broken JSON", []string{"-e", "{bad", ok}, 5, `invalid extra vars "{bad": yaml: line 1: did not find expected ',' or '}'`, false},
		{"-e a bare word", []string{"-e", "justaword", ok}, 5, `invalid extra vars "justaword": expected k=v pairs, YAML/JSON or @file`, false},
		{"-e a directory", []string{"-e", "@testdata/bad", ok}, 5, "is a directory", false},
		{"inventory range without end", []string{"-i", bad("inv_bad_range.yml"), ok}, 4, `host range [01:] in "web[01:]": a range must have an end value`, false},
		{"inventory group cycle", []string{"-i", bad("inv_cycle.yml"), ok}, 4, `creates a loop: "a" is already an ancestor of "b"`, false},
		{"inventory hosts as a list", []string{"-i", bad("inv_hosts_list.yml"), ok}, 4, `hosts: of group "all" must be a mapping, found a list`, false},
		{"INI header not closed", []string{"-i", bad("inv_ini_header.ini"), ok}, 4, `has no closing ']'`, false},
		{"INI variable without value", []string{"-i", bad("inv_ini_var.ini"), ok}, 4, `expected a key=value host variable, got "ansible_port"`, false},
		{"inventory YAML syntax", []string{"-i", bad("inv_yaml_syntax.yml"), ok}, 4, "YAML syntax error: mapping values are not allowed in this context\n\nThe error appears to be in 'testdata/bad/cli/inv_yaml_syntax.yml:3:9'", false},
		{"missing inventory", []string{"-i", "no-such-dir/hosts.yml", ok}, 4, "cannot read inventory source: no such file or directory", false},
		{"template file syntax error", []string{filepath.Join("testdata", "bad", "template_file_unclosed.yml")}, 4, "templates/site.conf.j2:3', but may", false},
		{"inventory alias bomb", []string{"-i", gen("inv_bomb.yml", aliasBomb("all:\n  vars:\n", "  hosts:\n    h1:\n")), ok}, 4, "too many YAML alias expansions", false},
		{"inventory range backwards", []string{"-i", bad("inv_range_backwards.yml"), ok}, 4, `host range [3:1] in "web[3:1]": the beginning 3 is larger than the end 1`, false},
		{"-e file with a YAML syntax error", []string{"-e", "@" + bad("vars_yaml_syntax.yml"), ok}, 5, "vars_yaml_syntax.yml:3:1: syntax error while loading YAML: did not find expected ',' or ']'", false},
		{"bad report", []string{"--report", "html=x", ok}, 5, `unknown format "html"`, false},
		{"missing vault password file", []string{"--vault-password-file", "no-such-file", ok}, 1, "The vault password file no-such-file was not found", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if !strings.Contains(strings.Join(args, " "), "-i ") {
				args = append([]string{"-i", "127.0.0.1:1,"}, args...)
			}
			start := time.Now()
			res := play(t, args...)
			out := res.stdout + res.stderr
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if res.code != tt.code || !strings.Contains(out, tt.msg) {
				t.Errorf("exit %d, want %d with %q:\n%s", res.code, tt.code, tt.msg, out)
			}
			if strings.Contains(out, "internal error") || strings.Contains(out, "UNREACHABLE") || (!tt.runtime && strings.Contains(out, "TASK [")) {
				t.Errorf("a panic, a connection or a task run:\n%s", out)
			}
		})
	}
	files, _ := filepath.Glob("testdata/bad/*.yml")
	cli, _ := filepath.Glob("testdata/bad/cli/*")
	if n := len(files) + len(tests); n < 50 {
		t.Errorf("%d bad inputs (%d playbook files, %d here, %d files in cli/), want at least 50", n, len(files), len(tests), len(cli))
	}
}

// aliasBomb is a YAML "billion laughs" between head and tail: ten levels of
// anchors, each aliasing the previous one nine times (9^10 nodes expanded),
// written at the indentation of vars.
func aliasBomb(head, tail string) string {
	var b strings.Builder
	b.WriteString(head + "    l0: &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "    l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	return b.String() + tail
}
