package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/lang/template_files is a role whose template extends a base,
// imports macros and includes files from the role's templates/ (a subdir)
// and the playbook's; another template sets its options with a #jinja2:
// header.
// The files and output are ansible-playbook 2.14's for the same project
// (same sha1 for every file written).
func TestTemplateFilesIncludeExtendsImport(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/template_files", map[string]string{"hosts": sshHosts("a", "b")})
	if res := playIn(t, dir, "--syntax-check"); res.code != 0 {
		t.Fatalf("--syntax-check: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	conf := func(host string) string {
		return "# Ansible managed for " + host + "\n" +
			"upstream app1 { server 127.0.0.1:8001; }\nupstream app2 { server 127.0.0.1:8002; }\n" +
			"server {\n        listen 80;\n\n" +
			"    location /app1 { proxy_pass http://app1; } # " + host +
			"    location /app2 { proxy_pass http://app2; } # " + host +
			"    # footer from the playbook's templates/ (2 upstreams)}\n"
	}
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		`ok: [a] => {
    "msg": "# Ansible managed for a\nupstream app1 { server 127.0.0.1:8001; }\nupstream app2 { server 127.0.0.1:8002; }\nserver {\n            listen 80;\n    \n            location /app1 { proxy_pass http://app1; } # a            location /app2 { proxy_pass http://app2; } # a            # footer from the playbook's templates/ (2 upstreams)}\n"
}`,
		"a                          : ok=4    changed=3 ",
		"b                          : ok=3    changed=2 ")
	for name, want := range map[string]string{
		"a.conf": conf("a"), "b.conf": conf("b"),
		"a.crlf": "app1\r\napp2\r\n", "b.crlf": "app1\r\napp2\r\n",
	} {
		got, err := os.ReadFile(filepath.Join(dir, "out", name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	wantOutput(t, playIn(t, dir), 0,
		"a                          : ok=4    changed=0 ",
		"b                          : ok=3    changed=0 ")
}

// A syntax error in an included file stops the run before any host is
// contacted and points at that file (ansible-playbook fails the task on
// every host with "TemplateSyntaxError: unexpected 'end of template'").
func TestTemplateFilesIncludedSyntaxError(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/template_files", map[string]string{
		"hosts": sshHosts("a", "b"),
		"roles/web/templates/partials/location.j2": "    location /{{ u.name }\n",
	})
	res := playIn(t, dir, "--syntax-check")
	if res.code != 4 {
		t.Fatalf("exit %d, want 4\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{
		"syntax error in DIR/roles/web/templates/partials/location.j2, which template 'site.conf.j2' of the task at DIR/roles/web/tasks/main.yml:3:3 uses: ",
		"The error appears to be in 'DIR/roles/web/templates/partials/location.j2:1'",
	} {
		if got := strings.ReplaceAll(res.stderr, dir, "DIR"); !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
}
