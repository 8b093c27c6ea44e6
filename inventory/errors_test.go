package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"play/diag"
)

// writeTree writes files (path relative to a new temporary directory →
// content) and returns the directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// aliasBomb expands to 10^7 values (a "billion laughs" in YAML).
const aliasBomb = `all:
  vars:
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  hosts:
    web1:
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string // the source to load, inside the tree
		files map[string]string
		pos   string // "file:line:col" relative to the tree, "" for no line
		msg   string
		hint  string
	}{
		{
			name: "YAML syntax error", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "all:\n  hosts:\n    web1:\n  bad: [\n"},
			pos:   "hosts.yml:5:1", msg: "YAML syntax error", hint: "indentation", // PyYAML: the end of the stream
		},
		{
			name: "alias bomb", file: "hosts.yml",
			files: map[string]string{"hosts.yml": aliasBomb},
			pos:   "hosts.yml:7:40", msg: "too many YAML alias expansions (more than 10000)", hint: "&anchor",
		},
		{
			name: "group is a list", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "all:\n  children:\n    web: [a, b]\n"},
			pos:   "hosts.yml:3:10", msg: `group "web" must be a mapping`, hint: "hosts:",
		},
		{
			name: "group is a string", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web: web1\n"},
			pos:   "hosts.yml:1:6", msg: `group "web" must be a mapping with hosts:, vars: or children:, found the string "web1"`, hint: "hosts:",
		},
		{
			name: "inventory is a list", file: "hosts.yaml",
			files: map[string]string{"hosts.yaml": "- web1\n- web2\n"},
			pos:   "hosts.yaml:1:1", msg: "must be a mapping of group names, found a list", hint: "all:",
		},
		{
			name: "hosts as a list", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    - web1\n"},
			pos:   "hosts.yml:3:5", msg: `hosts: of group "web" must be a mapping, found a list`, hint: "not a leading dash",
		},
		{
			name: "misspelt group key", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  host:\n    web1:\n"},
			pos:   "hosts.yml:2:3", msg: `unknown key "host" in group "web"`, hint: "did you mean `hosts`?",
		},
		{
			name: "host vars as a list", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    web1: [a]\n"},
			pos:   "hosts.yml:3:11", msg: `the variables of host "web1" must be a mapping`, hint: "name: value",
		},
		{
			name: "host name is a number", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    10:\n"},
			pos:   "hosts.yml:3:5", msg: "must be a string", hint: "quote",
		},
		{
			name: "YAML range end before begin", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    web[5:1]:\n"},
			pos:   "hosts.yml:3:5", msg: "the beginning 5 is larger than the end 1", hint: "begin <= end",
		},
		{
			name: "plugin configuration", file: "aws_ec2.yml",
			files: map[string]string{"aws_ec2.yml": "plugin: amazon.aws.aws_ec2\n"},
			pos:   "aws_ec2.yml:1:1", msg: "inventory plugin configuration", hint: "not supported",
		},
		{
			// As in Ansible, b's children are read before b joins a.
			name: "YAML group cycle", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "a:\n  children:\n    b:\n      children:\n        a:\n"},
			pos:   "hosts.yml:3:5", msg: `adding group "b" as a child of "a" creates a loop`, hint: "cannot contain itself",
		},
		{
			name: "non-integer group priority", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  vars:\n    ansible_group_priority: high\n"},
			pos:   "hosts.yml:3:5", msg: "ansible_group_priority", hint: "whole number",
		},
		{
			name: "INI range of mixed kinds", file: "hosts",
			files: map[string]string{"hosts": "[web]\n  web[a:3] x=1\n"},
			pos:   "hosts:2:3", msg: `host range [a:3] in "web[a:3]": begin and end must both be numbers or both be single letters`, hint: "web[01:20]",
		},
		{
			name: "INI group cycle", file: "hosts.ini",
			files: map[string]string{"hosts.ini": "[a:children]\nb\n[b:children]\na\n"},
			pos:   "hosts.ini:4:1", msg: "creates a loop", hint: "remove one",
		},
		{
			name: "INI host variable without =", file: "hosts",
			files: map[string]string{"hosts": "[web]\nweb1 a=1 novalue\n"},
			pos:   "hosts:2:10", msg: `expected a key=value host variable, got "novalue"`, hint: "name=value",
		},
		{
			name: "INI unclosed quote", file: "hosts",
			files: map[string]string{"hosts": "[web]\nweb1 a=\"b\n"},
			pos:   "hosts:2:1", msg: "no closing quotation", hint: "close the quote",
		},
		{
			name: "INI unknown section type", file: "hosts",
			files: map[string]string{"hosts": "[web]\nweb1\n[web:var]\nx=1\n"},
			pos:   "hosts:3:1", msg: `unknown type "var"`, hint: "did you mean [web:vars]?",
		},
		{
			name: "INI section with a space", file: "hosts",
			files: map[string]string{"hosts": "[web servers]\n"},
			pos:   "hosts:1:1", msg: "invalid section [web servers]", hint: "no spaces",
		},
		{
			name: "INI group variable without =", file: "hosts",
			files: map[string]string{"hosts": "[web]\n[web:vars]\nflag\n"},
			pos:   "hosts:3:1", msg: "expected key=value in [web:vars]", hint: "name=value",
		},
		{
			name: "INI child group never defined", file: "hosts",
			files: map[string]string{"hosts": "[prod:children]\nweb\n"},
			pos:   "hosts:2:1", msg: `names group "web", which is never defined`, hint: "add a [web] section",
		},
		{
			name: "INI vars for a group never defined", file: "hosts",
			files: map[string]string{"hosts": "[web:vars]\nx=1\n"},
			pos:   "hosts:1:1", msg: "section [web:vars] is for a group that is never defined", hint: "add a [web] section",
		},
		{
			name: "INI bad child group name", file: "hosts",
			files: map[string]string{"hosts": "[a]\n[p:children]\na b\n"},
			pos:   "hosts:3:1", msg: "expected a group name in [p:children]", hint: "one group name per line",
		},
		{
			name: "INI trailing colon", file: "hosts.ini",
			files: map[string]string{"hosts.ini": "web1:\n"},
			pos:   "hosts.ini:1:1", msg: "trailing ':'", hint: "web[01:20]",
		},
		{
			name: "YAML file read as INI", file: "hosts",
			files: map[string]string{"hosts": "---\n- web1\n"},
			pos:   "hosts:1:1", msg: "'---' starts a YAML document", hint: ".yml",
		},
		{
			name: "group_vars file is a list", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    web1:\n", "group_vars/web.yml": "- a\n"},
			pos:   "group_vars/web.yml:1:1", msg: "a variables file must hold a mapping", hint: "name: value",
		},
		{
			name: "host_vars file with a syntax error", file: "hosts.yml",
			files: map[string]string{"hosts.yml": "web:\n  hosts:\n    web1:\n", "host_vars/web1/main.yml": "a: [\n"},
			pos:   "host_vars/web1/main.yml:2:1", msg: "YAML syntax error", hint: "indentation",
		},
		{
			name: "missing source", file: "nope.yml",
			files: map[string]string{},
			pos:   "nope.yml", msg: "cannot read inventory source: no such file or directory", hint: "-i",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			_, err := Load([]string{filepath.Join(dir, tc.file)})
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("Load: error = %v, want a *diag.Error", err)
			}
			if pos := strings.TrimPrefix(de.Pos.String(), dir+string(filepath.Separator)); pos != tc.pos {
				t.Errorf("position = %s, want %s (error: %v)", pos, tc.pos, err)
			}
			if !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("message = %q, want it to contain %q", de.Msg, tc.msg)
			}
			if !strings.Contains(de.Hint, tc.hint) {
				t.Errorf("hint = %q, want it to contain %q", de.Hint, tc.hint)
			}
		})
	}
}

func TestLoadAcceptsEmptyFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{"empty.yml": "", "comments": "# nothing\n", "group_vars/all.yml": "---\n"})
	inv, err := Load([]string{filepath.Join(dir, "empty.yml"), filepath.Join(dir, "comments")})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Hosts()) != 0 {
		t.Errorf("Hosts() = %q, want none", hostNames(inv.Hosts()))
	}
}

func TestErrorDetailShowsTheLine(t *testing.T) {
	dir := writeTree(t, map[string]string{"hosts": "[web]\nweb1 a=1 novalue\n"})
	_, err := Load([]string{filepath.Join(dir, "hosts")})
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v", err)
	}
	if detail := de.Detail(); !strings.Contains(detail, "web1 a=1 novalue\n         ^ here") {
		t.Errorf("Detail() does not point at the token:\n%s", detail)
	}
}
