package modules

import (
	"crypto/md5"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// Probe outputs captured on a Debian 12 lab host (PostgreSQL 15).
const (
	pgDBApp  = `{"db" : {"owner" : "postgres", "encoding" : "UTF8", "lc_collate" : "C.UTF-8", "lc_ctype" : "C.UTF-8", "conn_limit" : "-1", "tablespace" : "pg_default"}, "target" : false, "encoding" : "UTF8", "version" : 150020}`
	pgDBNone = `{"db" : null, "target" : false, "encoding" : "UTF8", "version" : 150020}`
	// appuser with password "other", CREATEDB, CONNECT on app, INSERT and SELECT on items.
	pgUserApp  = `{"role" : {"flags" : {"rolbypassrls" : false, "rolcanlogin" : true, "rolcreatedb" : true, "rolcreaterole" : false, "rolinherit" : true, "rolreplication" : false, "rolsuper" : false}, "rolconnlimit" : -1, "rolpassword" : "SCRAM-SHA-256$4096:j5AVdDMHF8iCNSDKZ15ADA==$T2IJ7EoekFc+b9iVBpAj+XIGbiTERwfi2aW6smOykeg=:4CSiz/1bFuXUAa5ZRifHOdFiW7HGf4P9iC4G9rAJfVQ=", "expires_same" : false, "comment" : "hello"}, "privs" : [["CONNECT"], ["INSERT", "SELECT"]]}`
	pgUserNone = `{"role" : null, "privs" : [[], []]}`
)

func TestPostgresqlDBPlan(t *testing.T) {
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		want  []string // executed_commands
		fail  string
	}{
		{"create with options", map[string]any{"name": "app", "owner": "bob", "template": "template0", "encoding": "UTF-8", "lc_collate": "C.UTF-8", "conn_limit": "5"},
			pgDBNone, []string{`CREATE DATABASE "app" OWNER "bob" TEMPLATE "template0" ENCODING 'UTF-8' LC_COLLATE 'C.UTF-8' CONNECTION LIMIT 5`}, ""},
		{"present and matching", map[string]any{"name": "app", "encoding": "utf-8", "owner": "postgres", "lc_ctype": "C.UTF-8"}, pgDBApp, []string{}, ""},
		{"owner and limit differ", map[string]any{"name": "app", "owner": "bob", "conn_limit": "3"}, pgDBApp,
			[]string{`ALTER DATABASE "app" OWNER TO "bob"`, `ALTER DATABASE "app" CONNECTION LIMIT 3`}, ""},
		{"quotes in names", map[string]any{"name": `a"b`}, pgDBNone, []string{`CREATE DATABASE "a""b"`}, ""},
		{"encoding cannot change", map[string]any{"name": "app", "encoding": "LATIN1"},
			strings.Replace(pgDBApp, `"encoding" : "UTF8", "version"`, `"encoding" : "LATIN1", "version"`, 1), nil,
			"Changing database encoding is not supported. Current encoding: UTF8"},
		{"collation cannot change", map[string]any{"name": "app", "lc_collate": "C"}, pgDBApp, nil,
			"Changing LC_COLLATE is not supported. Current LC_COLLATE: C.UTF-8"},
		{"absent", map[string]any{"name": "app", "state": "absent"}, pgDBApp, []string{`DROP DATABASE "app"`}, ""},
		{"absent with force", map[string]any{"name": "app", "state": "absent", "force": true}, pgDBApp, []string{`DROP DATABASE "app" WITH (FORCE)`}, ""},
		{"absent already", map[string]any{"name": "app", "state": "absent"}, pgDBNone, []string{}, ""},
		{"rename", map[string]any{"name": "app", "state": "rename", "target": "app2"}, pgDBApp, []string{`ALTER DATABASE "app" RENAME TO "app2"`}, ""},
		{"rename done", map[string]any{"name": "app", "state": "rename", "target": "app2"}, strings.Replace(pgDBNone, `"target" : false`, `"target" : true`, 1), []string{}, ""},
		{"rename neither", map[string]any{"name": "app", "state": "rename", "target": "app2"}, pgDBNone, nil, "The source and the target databases do not exist."},
		{"rename without target", map[string]any{"name": "app", "state": "rename"}, "", nil, `The "target" option must be defined when the "rename" option is used.`},
		{"bad conn_limit", map[string]any{"name": "app", "conn_limit": "1; DROP"}, "", nil, `conn_limit must be a number, got "1; DROP"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, h, err := planCanned("community.postgresql.postgresql_db", tt.args, tt.probe)
			if got := failure(err); got != tt.fail {
				t.Fatalf("error = %q, want %q", got, tt.fail)
			}
			if err != nil {
				return
			}
			if got := p.Result["executed_commands"]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("executed_commands = %q, want %q", got, tt.want)
			}
			if p.Changed() != (len(tt.want) > 0) {
				t.Errorf("changed = %v with %d commands", p.Changed(), len(tt.want))
			}
			if len(p.Steps) > 0 && !strings.HasSuffix(string(p.Steps[0].Stdin), strings.Join(tt.want, ";\n")+";\n") {
				t.Errorf("step stdin = %q, want the commands", p.Steps[0].Stdin)
			}
			if len(h.Scripts) != 1 || !strings.Contains(h.Scripts[0], `'user=postgres port=5432 dbname=postgres'`) {
				t.Errorf("probe scripts = %q, want one psql run on the maintenance db", h.Scripts)
			}
		})
	}
}

func TestPostgresqlDBDumpRestore(t *testing.T) {
	tests := []struct {
		args map[string]any
		cmd  string
	}{
		{map[string]any{"name": "app", "state": "dump", "target": "/tmp/app.sql.gz"},
			`t=$(mktemp) && pg_dump -d 'user=postgres port=5432 dbname=app' -f "$t" && gzip < "$t" > /tmp/app.sql.gz; rc=$?; rm -f "$t"; exit $rc`},
		{map[string]any{"name": "app", "state": "dump", "target": "/tmp/a b.tar"},
			`pg_dump -d 'user=postgres port=5432 dbname=app' --format=t -f '/tmp/a b.tar'`},
		{map[string]any{"name": "app", "state": "restore", "target": "/tmp/app.sql"},
			`psql -X -q -d 'user=postgres port=5432 dbname=app' --file=/tmp/app.sql`},
		{map[string]any{"name": "app", "state": "restore", "target": "/tmp/app.pgc", "target_opts": "--clean"},
			`pg_restore -d 'user=postgres port=5432 dbname=app' --format=Custom --clean /tmp/app.pgc`},
	}
	for _, tt := range tests {
		p, h, err := planCanned("postgresql_db", tt.args, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Scripts) != 0 || len(p.Steps) != 1 || p.Result["cmd"] != tt.cmd || !strings.HasSuffix(p.Steps[0].Script, tt.cmd+"\n") {
			t.Errorf("%v: %d probes, cmd %q, want no probe and\n%s", tt.args, len(h.Scripts), p.Result["cmd"], tt.cmd)
		}
	}
}

func TestPostgresqlUserPlan(t *testing.T) {
	base := map[string]any{"name": "appuser", "password": "other", "db": "app", "priv": "CONNECT/items:SELECT,INSERT", "role_attr_flags": "CREATEDB", "comment": "hello"}
	with := func(kv ...any) map[string]any { return argsWith(base, kv...) }
	tests := []struct {
		name    string
		args    map[string]any
		probe   string
		queries []string
		fail    string
	}{
		{"create", base, pgUserNone, []string{
			`CREATE USER "appuser" WITH ENCRYPTED PASSWORD %(password)s CREATEDB`,
			`GRANT CONNECT ON DATABASE "app" TO "appuser"`,
			`GRANT INSERT, SELECT ON TABLE "items" TO "appuser"`,
			`COMMENT ON ROLE "appuser" IS 'hello'`}, ""},
		{"same password, flags, privs and comment", base, pgUserApp, []string{}, ""},
		{"new password", with("password", "new"), pgUserApp, []string{`ALTER USER "appuser" WITH ENCRYPTED PASSWORD %(password)s CREATEDB`}, ""},
		{"no_password_changes", with("password", "new", "no_password_changes", true), pgUserApp, []string{}, ""},
		{"flag and limit", with("role_attr_flags", "nocreatedb,CREATEROLE", "conn_limit", 4), pgUserApp, []string{`ALTER USER "appuser" WITH NOCREATEDB CREATEROLE CONNECTION LIMIT 4`}, ""},
		{"expires", with("expires", "infinity"), pgUserApp, []string{`ALTER USER "appuser" WITH CREATEDB VALID UNTIL %(expires)s`}, ""},
		{"more privileges", with("priv", "CONNECT,TEMP/items:ALL"), pgUserApp, []string{
			`GRANT CONNECT, TEMPORARY ON DATABASE "app" TO "appuser"`,
			`GRANT DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE ON TABLE "items" TO "appuser"`}, ""},
		{"absent revokes then drops", with("state", "absent"), pgUserApp, []string{
			`REVOKE CONNECT ON DATABASE "app" FROM "appuser"`, `REVOKE INSERT, SELECT ON TABLE "items" FROM "appuser"`, `DROP USER "appuser"`}, ""},
		{"absent already", with("state", "absent"), pgUserNone, []string{}, ""},
		{"bad flag", with("role_attr_flags", "CREATEDB,FLY"), "", nil, "Invalid role_attr_flags specified: FLY"},
		{"bad priv", with("priv", "items:FLY"), "", nil, "Invalid privs specified for table: FLY"},
		{"priv without db", with("db", ""), "", nil, "privileges require a database to be specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, h, err := planCanned("community.postgresql.postgresql_user", tt.args, tt.probe)
			if got := failure(err); got != tt.fail {
				t.Fatalf("error = %q, want %q", got, tt.fail)
			}
			if err != nil {
				return
			}
			if got := p.Result["queries"]; !reflect.DeepEqual(got, tt.queries) {
				t.Errorf("queries = %q, want %q", got, tt.queries)
			}
			if p.Changed() != (len(tt.queries) > 0) {
				t.Errorf("changed = %v with %d queries", p.Changed(), len(tt.queries))
			}
			for _, s := range append(h.Scripts, stepScripts(p)...) {
				if strings.Contains(s, "other") || strings.Contains(s, "new") {
					t.Errorf("a password is on a command line:\n%s", s)
				}
			}
		})
	}
}

func TestPostgresqlUserPasswordOnStdin(t *testing.T) {
	p, _, err := planCanned("postgresql_user", map[string]any{"name": "u", "password": "it's", "login_password": "adm"}, pgUserNone)
	if err != nil {
		t.Fatal(err)
	}
	want := "adm\nCREATE USER \"u\" WITH ENCRYPTED PASSWORD 'it''s' ;\n"
	if got := string(p.Steps[0].Stdin); got != want {
		t.Errorf("stdin = %q, want %q", got, want)
	}
}

func TestPgPasswordDiffers(t *testing.T) {
	scram := "SCRAM-SHA-256$4096:j5AVdDMHF8iCNSDKZ15ADA==$T2IJ7EoekFc+b9iVBpAj+XIGbiTERwfi2aW6smOykeg=:4CSiz/1bFuXUAa5ZRifHOdFiW7HGf4P9iC4G9rAJfVQ="
	sum := md5.Sum([]byte("otherappuser"))
	md5 := "md5" + hex.EncodeToString(sum[:]) // how PostgreSQL stores "other" for appuser
	tests := []struct {
		password string
		stored   *string
		want     bool
	}{
		{"other", &scram, false},
		{"Other", &scram, true},
		{scram, &scram, false},
		{"x", nil, true},
		{"", nil, false},
		{"", &scram, true},
		{"other", &md5, false},
		{"x", &md5, true},
		{md5, &md5, false},
	}
	for _, tt := range tests {
		if got := pgPasswordDiffers("appuser", tt.password, tt.stored); got != tt.want {
			t.Errorf("pgPasswordDiffers(%q) = %v, want %v", tt.password, got, tt.want)
		}
	}
}

func stepScripts(p *Plan) []string {
	var s []string
	for _, st := range p.Steps {
		s = append(s, st.Script)
	}
	return s
}
