package modules

import (
	"reflect"
	"strings"
	"testing"
)

func TestPostgresqlUserGroups(t *testing.T) {
	args := map[string]any{"name": "appuser", "groups": []any{"readers", " writers"}}
	app := strings.TrimSuffix(pgUserApp, "}") // the probe's object, open for more keys
	tests := []struct {
		name, probe string
		queries     []string
		fail        string
	}{
		{"new user", `{"role": null, "privs": [], "memberof": null, "groups": ["readers", "writers"]}`,
			[]string{`CREATE USER "appuser" `, `GRANT "readers" TO "appuser"`, `GRANT "writers" TO "appuser"`}, ""},
		{"one missing", app + `, "memberof": ["writers", "other"], "groups": ["writers", "readers"]}`,
			[]string{`GRANT "readers" TO "appuser"`}, ""},
		{"member of both", app + `, "memberof": ["writers", "readers"], "groups": ["writers", "readers"]}`, []string{}, ""},
		{"no such group", app + `, "memberof": null, "groups": ["readers"]}`, nil, "Role writers does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := planCanned("postgresql_user", args, tt.probe)
			if got := failure(err); got != tt.fail {
				t.Fatalf("error = %q, want %q", got, tt.fail)
			}
			if err != nil {
				return
			}
			if got := p.Result["queries"]; !reflect.DeepEqual(got, tt.queries) {
				t.Errorf("queries = %q, want %q", got, tt.queries)
			}
		})
	}
	m, err := New("postgresql_user", args)
	if err != nil {
		t.Fatal(err)
	}
	if sql := m.(*PostgresqlUser).probeSQL(nil); !strings.Contains(sql, `rolname = ANY (ARRAY['readers', ' writers']::text[])`) {
		t.Errorf("the probe does not look the groups up:\n%s", sql)
	}
}
