//go:build e2e

package e2e

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pip, postgresql_privs and postgresql_query on a lab host of their own (sysf1), each through
// sysTimeline, the host checked with pip list and psql.

// demoWheel writes a pure-Python wheel of the project sysfdemo at version into dir: the lab has
// no index, so pip installs it with --no-index --find-links.
func demoWheel(t *testing.T, dir, version string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "sysfdemo-"+version+"-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	info := "sysfdemo-" + version + ".dist-info/"
	files := [][2]string{
		{"sysfdemo/__init__.py", "VERSION = '" + version + "'\n"},
		{info + "METADATA", "Metadata-Version: 2.1\nName: sysfdemo\nVersion: " + version + "\n"},
		{info + "WHEEL", "Wheel-Version: 1.0\nGenerator: play-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{info + "RECORD", "sysfdemo/__init__.py,,\n" + info + "METADATA,,\n" + info + "WHEEL,,\n" + info + "RECORD,,\n"},
	}
	for _, file := range files {
		w, err := z.Create(file[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(file[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSysFPipAndPostgres(t *testing.T) {
	const host = "sysf1"
	l := sysCHost(t, host, "postgresql", "python3-pip", "python3-venv")

	wheels := t.TempDir()
	demoWheel(t, wheels, "1.0")
	demoWheel(t, wheels, "2.0")
	if r := play(t, "-i", l.Inventory, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {src: "+wheels+"/, dest: /srv/wheels/}\n", nil)); r.code != 0 {
		t.Fatalf("copying the wheels: exit %d", r.code)
	}
	pip := func(args string) string {
		return playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - pip: {virtualenv: /opt/venv, "+args+"}\n", nil)
	}
	const local = "extra_args: --no-index --find-links /srv/wheels, "
	listed := "/opt/venv/bin/pip list --format=freeze 2>/dev/null | grep sysfdemo"
	sysTimeline(t, l, host, pip(local+`name: "sysfdemo==1.0"`), func() {
		wantOnHost(t, l, host, "test -e /opt/venv || echo none", "none")
	}, func() {
		wantOnHost(t, l, host, listed, "sysfdemo==1.0")
	})
	// A version range the installed one misses: --check reports it and keeps 1.0.
	upgrade := pip(local + `name: sysfdemo, version: ">=2"`)
	sysTimeline(t, l, host, upgrade, func() {
		wantOnHost(t, l, host, listed, "sysfdemo==1.0")
	}, func() {
		wantOnHost(t, l, host, listed, "sysfdemo==2.0")
	})
	onHost(t, l, host, "echo 'sysfdemo==1.0' > /srv/requirements.txt")
	sysTimeline(t, l, host, pip(local+`requirements: /srv/requirements.txt`), func() {
		wantOnHost(t, l, host, listed, "sysfdemo==2.0")
	}, func() {
		wantOnHost(t, l, host, listed, "sysfdemo==1.0")
	})
	sysTimeline(t, l, host, pip(`name: sysfdemo, state: absent`), func() {
		wantOnHost(t, l, host, listed, "sysfdemo==1.0")
	}, func() {
		wantOnHost(t, l, host, listed, "")
	})
	runWant(t, l, pip(local+`name: nosuchproject`), 2, `"msg": "stdout: Looking in links: /srv/wheels\n\n:stderr: ERROR: Could not find a version that satisfies the requirement nosuchproject`)

	psql := func(sql string) string {
		return onHost(t, l, host, "cd / && su postgres -c 'psql -XAt -d shop' <<'EOF'\n"+sql+"\nEOF")
	}
	onHost(t, l, host, `cd / && su postgres -c 'psql -Xq -c "CREATE ROLE reader" -c "CREATE DATABASE shop"'`)
	psql(`CREATE TABLE items (id serial, name text); CREATE TABLE "odd ""name" (id int); CREATE SEQUENCE counter`)
	privs := playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_privs: {db: shop, roles: reader, privs: "SELECT,INSERT", objs: 'items,odd "name'}
    - community.postgresql.postgresql_privs: {db: shop, roles: reader, privs: USAGE, type: sequence, objs: ALL_IN_SCHEMA, grant_option: true}
    - community.postgresql.postgresql_privs: {db: shop, roles: reader, privs: SELECT, type: default_privs, objs: TABLES}
`, nil)
	held := `SELECT has_table_privilege('reader', 'items', 'INSERT'), has_table_privilege('reader', '"odd ""name"', 'SELECT'),
 has_sequence_privilege('reader', 'counter', 'USAGE WITH GRANT OPTION'), (SELECT count(*) FROM pg_default_acl)`
	sysTimeline(t, l, host, privs, func() {
		if got := psql(held); got != "f|f|f|0" {
			t.Errorf("privileges before = %q, want none", got)
		}
	}, func() {
		if got := psql(held); got != "t|t|t|2" {
			t.Errorf("privileges after = %q, want all and two default ACLs (tables, types)", got)
		}
	})

	query := playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_query:
        db: shop
        query: INSERT INTO items (name) SELECT %s WHERE NOT EXISTS (SELECT 1 FROM items WHERE name = %s) RETURNING id, name
        positional_args: ["it's; DROP TABLE items", "it's; DROP TABLE items"]
      register: res
    - debug: {msg: "{{ res.statusmessage }} {{ res.rowcount }} {{ res.query_result }}"}
`, nil)
	out := sysTimeline(t, l, host, query, func() {
		if got := psql("SELECT count(*) FROM items"); got != "0" {
			t.Errorf("--check inserted: %s rows", got)
		}
	}, func() {
		// id 3: a sequence is not rolled back, and the --check run and the rolled-back try
		// before the committed run each took a value (Ansible's check run takes one too).
		if got := psql("SELECT id, name FROM items"); got != "3|it's; DROP TABLE items" {
			t.Errorf("rows = %q, want the one inserted", got)
		}
	})
	if want := `"msg": "INSERT 0 1 1 [{'id': 3, 'name': `; !strings.Contains(out, want) {
		t.Errorf("result: want %s", want)
	}
	selected := play(t, "-i", l.Inventory, playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_query: {db: shop, query: "SELECT count(*) AS n FROM items"}
      register: res
    - debug: {msg: "{{ res.query_result[0].n + 1 }}"}
    - community.postgresql.postgresql_query: {db: shop, query: "SELECT * FROM nope"}
`, nil))
	if want := `"msg": "Cannot execute SQL 'SELECT * FROM nope' None: relation \"nope\" does not exist`; selected.code != 2 ||
		!strings.Contains(selected.out, `"msg": 2`) || !strings.Contains(selected.out, want) || selected.recap[host].Changed != 0 {
		t.Errorf("a SELECT and a failing query: exit %d, recap %+v; want 2, n typed as a number, no change and %s", selected.code, selected.recap[host], want)
	}
}
