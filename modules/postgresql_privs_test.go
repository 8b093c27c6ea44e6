package modules

import (
	"reflect"
	"strings"
	"testing"
)

func TestPostgresqlPrivsPlan(t *testing.T) {
	const (
		none      = `{"roles" : ["reader", "app"], "objs" : [{"name" : "items", "held" : {"reader" : [], "app" : []}}]}`
		selecting = `{"roles" : ["reader", "app"], "objs" : [{"name" : "items", "held" : {"reader" : ["SELECT"], "app" : ["SELECT*"]}}]}`
		noRole    = `{"roles" : [], "objs" : [{"name" : "items", "held" : {"bob" : []}}]}`
		noTable   = `{"roles" : ["reader"], "objs" : []}`
		seqs      = `{"roles" : ["reader"], "objs" : [{"name" : "s1", "held" : {"reader" : ["SELECT", "UPDATE", "USAGE"]}}, {"name" : "s2", "held" : {"reader" : ["USAGE"]}}]}`
		defaults  = `{"roles" : ["reader"], "objs" : [{"name" : "TABLES@postgres", "held" : {"reader" : ["SELECT"]}}, {"name" : "TYPES@postgres", "held" : {"reader" : ["USAGE"]}}]}`
	)
	tests := []struct {
		name    string
		args    map[string]any
		probe   string
		queries []string
		fail    string
	}{
		{"grant", map[string]any{"db": "shop", "roles": "reader", "privs": "select", "objs": "items"}, none,
			[]string{`GRANT SELECT ON table "public"."items" TO "reader";`}, ""},
		{"held", map[string]any{"db": "shop", "roles": "reader,app", "privs": "SELECT", "objs": "items"}, selecting, []string{}, ""},
		{"grant option wanted", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT", "objs": "items", "grant_option": true}, selecting,
			[]string{`GRANT SELECT ON table "public"."items" TO "reader" WITH GRANT OPTION;`}, ""},
		{"grant option revoked", map[string]any{"db": "shop", "roles": "app", "privs": "SELECT", "objs": "items", "grant_option": false}, selecting,
			[]string{"GRANT SELECT ON table \"public\".\"items\" TO \"app\";\nREVOKE GRANT OPTION FOR SELECT ON table \"public\".\"items\" FROM \"app\";"}, ""},
		{"revoke", map[string]any{"db": "shop", "roles": "reader", "privs": "ALL", "objs": "items", "state": "absent"}, selecting,
			[]string{`REVOKE ALL ON table "public"."items" FROM "reader";`}, ""},
		{"revoked already", map[string]any{"db": "shop", "roles": "reader", "privs": "INSERT", "objs": "items", "state": "absent"}, selecting, []string{}, ""},
		{"quoted names", map[string]any{"db": "shop", "roles": `re"ader`, "privs": "SELECT", "objs": "items", "schema": "my schema"},
			`{"roles" : ["re\"ader"], "objs" : [{"name" : "items", "held" : {}}]}`,
			[]string{`GRANT SELECT ON table "my schema"."items" TO "re""ader";`}, ""},
		{"all sequences in schema", map[string]any{"db": "shop", "roles": "reader", "privs": "ALL", "objs": "ALL_IN_SCHEMA", "type": "sequence"}, seqs,
			[]string{`GRANT ALL ON ALL SEQUENCES IN SCHEMA "public" TO "reader";`}, ""},
		{"empty schema", map[string]any{"db": "shop", "roles": "reader", "privs": "ALL", "objs": "ALL_IN_SCHEMA"}, noTable, []string{}, ""},
		{"function", map[string]any{"db": "shop", "roles": "reader", "privs": "EXECUTE", "objs": "add(int:int)", "type": "function"},
			`{"roles" : ["reader"], "objs" : [{"name" : "add(int,int)", "held" : {"reader" : []}}]}`,
			[]string{`GRANT EXECUTE ON function "public"."add"(int,int) TO "reader";`}, ""},
		{"database", map[string]any{"db": "shop", "roles": "PUBLIC", "privs": "CONNECT,TEMP", "type": "database"},
			`{"roles" : [], "objs" : [{"name" : "shop", "held" : {"PUBLIC" : ["CONNECT", "TEMPORARY"]}}]}`, []string{}, ""},
		{"default privileges held", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT", "objs": "TABLES", "type": "default_privs"}, defaults, []string{}, ""},
		{"default privileges", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT,INSERT", "objs": "tables", "type": "default_privs", "target_roles": "app"}, defaults, []string{
			"ALTER DEFAULT PRIVILEGES FOR ROLE \"app\" IN SCHEMA \"public\" REVOKE ALL ON TABLES FROM \"reader\";\n" +
				"ALTER DEFAULT PRIVILEGES FOR ROLE \"app\" IN SCHEMA \"public\" GRANT SELECT,INSERT ON TABLES TO \"reader\";\n" +
				"ALTER DEFAULT PRIVILEGES FOR ROLE \"app\" IN SCHEMA \"public\" GRANT USAGE ON TYPES TO \"reader\";"}, ""},
		{"default privileges revoked", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT", "objs": "TABLES", "type": "default_privs", "state": "absent"}, defaults, []string{
			"ALTER DEFAULT PRIVILEGES IN SCHEMA \"public\" REVOKE ALL ON TABLES FROM \"reader\";\n" +
				"ALTER DEFAULT PRIVILEGES IN SCHEMA \"public\" REVOKE ALL ON SEQUENCES FROM \"reader\";\n" +
				"ALTER DEFAULT PRIVILEGES IN SCHEMA \"public\" REVOKE ALL ON TYPES FROM \"reader\";"}, ""},
		{"missing role", map[string]any{"db": "shop", "roles": "bob", "privs": "SELECT", "objs": "items"}, noRole, nil, "Role 'bob' does not exist"},
		{"missing role passed", map[string]any{"db": "shop", "roles": "bob", "privs": "SELECT", "objs": "items", "fail_on_role": false}, noRole, []string{}, ""},
		{"missing table", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT", "objs": "nope"}, noTable, nil, "table nope does not exist"},
		{"bad privilege", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT,FLY", "objs": "items"}, "", nil, "Invalid privileges specified: frozenset({'FLY'})"},
		{"privilege of another type", map[string]any{"db": "shop", "roles": "reader", "privs": "CONNECT", "objs": "items"}, "", nil, "Invalid privs specified for table: CONNECT"},
		{"schema not allowed", map[string]any{"db": "shop", "roles": "reader", "privs": "CONNECT", "type": "database", "schema": "s"}, "", nil, `Argument "schema" is not allowed for type "database".`},
		{"objs required", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT"}, "", nil, `Argument "objs" is required for type "table".`},
		{"privs required", map[string]any{"db": "shop", "roles": "reader", "objs": "items"}, "", nil, `Argument "privs" is required for type "table".`},
		{"ALL_IN_SCHEMA of schemas", map[string]any{"db": "shop", "roles": "reader", "privs": "USAGE", "type": "schema", "objs": "ALL_IN_SCHEMA"}, "", nil,
			`Argument "objs": ALL_IN_SCHEMA can be used only for type: table, sequence, function or procedure, schema was passed.`},
		{"bad default object", map[string]any{"db": "shop", "roles": "reader", "privs": "SELECT", "type": "default_privs", "objs": "VIEWS"}, "", nil, "Invalid Object set specified: frozenset({'VIEWS'})"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, h, err := planCanned("community.postgresql.postgresql_privs", tt.args, tt.probe)
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
			if len(p.Steps) > 0 && !strings.HasSuffix(string(p.Steps[0].Stdin), tt.queries[0]+"\n") {
				t.Errorf("step stdin = %q, want the query", p.Steps[0].Stdin)
			}
			if len(h.Scripts) != 1 || !strings.Contains(h.Scripts[0], "dbname=shop") {
				t.Errorf("probe scripts = %q, want one psql run on shop", h.Scripts)
			}
		})
	}
}

// The probe names every object and role as a literal, never spliced raw.
func TestPostgresqlPrivsProbeQuotes(t *testing.T) {
	m, err := New("postgresql_privs", map[string]any{"db": "shop", "roles": "a'b", "privs": "SELECT", "objs": "t'1"})
	if err != nil {
		t.Fatal(err)
	}
	probe := m.(*PostgresqlPrivs).probeSQL([]string{"a'b"})
	for _, want := range []string{`rolname IN ('a''b')`, `ARRAY['t''1']`, `nspname = 'public'`} {
		if !strings.Contains(probe, want) {
			t.Errorf("probe lacks %s:\n%s", want, probe)
		}
	}
}
