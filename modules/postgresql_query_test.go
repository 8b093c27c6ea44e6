package modules

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// psql's output for a SELECT, an UPDATE and a DELETE ... RETURNING, in the
// format captured on a Debian 12 lab host (PostgreSQL 15).
const pgQueryOut = `@@play-query D 0
Column,Type
id,integer
name,text
ok,boolean
@@play-query R 0
id,name,ok
1,"it's, ""quoted""",t
2,\N,\N
@@play-query N 0 2
@@play-query D 1
The command has no result, or the result has no columns.
@@play-query R 1
UPDATE 3
@@play-query N 1 3
@@play-query D 2
Column,Type
id,integer
n,numeric
@@play-query R 2
id,n
4,2.5
DELETE 1
@@play-query N 2 1
`

func TestPostgresqlQueryResult(t *testing.T) {
	queries := []any{"SELECT id, name, ok FROM q", "UPDATE q SET n = 7", "DELETE FROM q WHERE id = 4 RETURNING id, n;"}
	m, err := New("community.postgresql.postgresql_query", map[string]any{"db": "shop", "query": queries})
	if err != nil {
		t.Fatal(err)
	}
	h := &stdinHost{Canned: modtest.Canned{Outputs: []connection.Result{modtest.Stdout(pgQueryOut)}}}
	p, err := m.Plan(t.Context(), &Env{Host: h})
	if err != nil {
		t.Fatal(err)
	}
	selected := []any{map[string]any{"id": int64(1), "name": `it's, "quoted"`, "ok": true}, map[string]any{"id": int64(2), "name": nil, "ok": nil}}
	deleted := []any{map[string]any{"id": int64(4), "n": 2.5}}
	want := map[string]any{"query": queries[2], "query_list": []string{queries[0].(string), queries[1].(string), queries[2].(string)},
		"statusmessage": "DELETE 1", "query_result": deleted, "query_all_results": []any{selected, map[string]any{}, deleted}, "rowcount": 6}
	if !reflect.DeepEqual(p.Result, want) {
		t.Errorf("result = %#v\nwant %#v", p.Result, want)
	}
	if !p.Changed() || !strings.HasSuffix(string(p.Steps[0].Stdin), "\\set QUIET on\nCOMMIT;\n") {
		t.Errorf("want one step that commits, got %d steps", len(p.Steps))
	}
	if len(h.stdins) != 1 || !strings.HasSuffix(h.stdins[0], "\\set QUIET on\nROLLBACK;\n") ||
		!strings.Contains(h.stdins[0], "\nDELETE FROM q WHERE id = 4 RETURNING id, n\n\\gdesc\n") {
		t.Errorf("the probe must describe each query and roll back:\n%s", h.stdins)
	}
	// Applying reads the step's own output.
	res, err := p.Finish([]connection.Result{{Stdout: []byte(pgQueryOut)}})
	if err != nil || res["changed"] != true || res["rowcount"] != 6 {
		t.Errorf("Finish = %v, %v; want changed and rowcount 6", res, err)
	}
}

// stdinHost is a canned host that also records what each script got on stdin.
type stdinHost struct {
	modtest.Canned
	stdins []string
}

func (h *stdinHost) Run(ctx context.Context, script string, stdin []byte) (connection.Result, error) {
	h.stdins = append(h.stdins, string(stdin))
	return h.Canned.Run(ctx, script, stdin)
}

func TestPostgresqlQueryChanged(t *testing.T) {
	tests := []struct {
		status string
		want   bool
	}{
		{"SELECT 3", false}, {"UPDATE 0", false}, {"UPDATE 2", true}, {"INSERT 0 0", false}, {"INSERT 0 1", true},
		{"DELETE 0", false}, {"CREATE TABLE", true}, {"SHOW", true},
	}
	for _, tt := range tests {
		if got := statusChanges(tt.status); got != tt.want {
			t.Errorf("statusChanges(%q) = %v, want %v", tt.status, got, tt.want)
		}
	}
	p, _, err := planCanned("postgresql_query", map[string]any{"db": "shop", "query": "UPDATE q SET n = 1 WHERE false"},
		"@@play-query D 0\nThe command has no result, or the result has no columns.\n@@play-query R 0\nUPDATE 0\n@@play-query N 0 0\n")
	if err != nil || p.Changed() || p.Result["query_result"] == nil {
		t.Errorf("UPDATE 0: changed %v, err %v; want unchanged and no step", p.Changed(), err)
	}
}

func TestPostgresqlQueryBind(t *testing.T) {
	tests := []struct {
		name  string
		args  map[string]any
		query string
		fail  string
	}{
		{"positional", map[string]any{"positional_args": []any{"it's", 1, true, nil, 2.5}}, `SELECT 'it''s', 1, true, NULL, 2.5, '%'`, ""},
		{"named", map[string]any{"named_args": map[string]any{"a": `x'); DROP TABLE t; --`, "l": []any{"a b", `c"d`, 3}, "d": map[string]any{"k": 1}}},
			`SELECT 'x''); DROP TABLE t; --', '{"a b","c\"d","3"}', '{"k":1}'`, ""},
		{"too few", map[string]any{"positional_args": []any{1}}, "", "tuple index out of range"},
		{"dict for %s", map[string]any{"named_args": map[string]any{"a": 1}}, "", "dict is not a sequence"},
		{"missing name", map[string]any{"named_args": map[string]any{"b": 1}}, "", "'a'"},
	}
	queries := map[string]string{"positional": "SELECT %s, %s, %s, %s, %s, '%%'", "named": "SELECT %(a)s, %(l)s, %(d)s",
		"too few": "SELECT %s, %s", "dict for %s": "SELECT %s", "missing name": "SELECT %(a)s"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := map[string]any{"db": "shop", "query": queries[tt.name]}
			for k, v := range tt.args {
				args[k] = v
			}
			m, err := New("postgresql_query", args)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.(*PostgresqlQuery).bind(queries[tt.name])
			if failure(err) != tt.fail || err == nil && got != tt.query {
				t.Errorf("bind = %q, %v; want %q, %q", got, err, tt.query, tt.fail)
			}
		})
	}
}

func TestPostgresqlQueryFailures(t *testing.T) {
	failed := connection.Result{RC: 3, Stdout: []byte("@@play-query D 0\n"),
		Stderr: []byte("psql:<stdin>:6: ERROR:  relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope\n                      ^\n")}
	plan := func(args map[string]any) error {
		m, err := New("postgresql_query", args)
		if err != nil {
			return err
		}
		_, err = m.Plan(t.Context(), &Env{Host: &modtest.Canned{Outputs: []connection.Result{failed}}})
		return err
	}
	want := "Cannot execute SQL 'SELECT * FROM nope' None: relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope\n                      ^\n, query list: ['SELECT * FROM nope']"
	if got := failure(plan(map[string]any{"db": "shop", "query": "SELECT * FROM nope"})); got != want {
		t.Errorf("failure = %q\nwant %q", got, want)
	}
	if got := failure(plan(map[string]any{"db": "shop", "query": "SELECT %s", "named_args": map[string]any{"x": 1}})); !strings.HasPrefix(got, "Cannot execute SQL 'SELECT %s' {'x': 1}: dict is not a sequence") {
		t.Errorf("failure = %q", got)
	}
	if got := failure(plan(map[string]any{"db": "shop", "query": 3})); !strings.HasSuffix(got, "query argument must be of type string or list") {
		t.Errorf("failure = %q", got)
	}
}

func TestPostgresqlQueryAutocommit(t *testing.T) {
	p, h, err := planCanned("postgresql_query", map[string]any{"db": "shop", "query": "VACUUM", "autocommit": true}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Scripts) != 0 || !p.SkipInCheck || len(p.Steps) != 1 || strings.Contains(string(p.Steps[0].Stdin), "BEGIN") {
		t.Errorf("autocommit: %d probes, SkipInCheck %v, %d steps; want no probe and one step outside a transaction", len(h.Scripts), p.SkipInCheck, len(p.Steps))
	}
}
