package modules

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"play/connection"
	"play/jinja"
)

func init() {
	Register(Info{Name: "postgresql_query", New: func() Module { return &PostgresqlQuery{} }})
	RegisterAlias("community.postgresql.postgresql_query", "postgresql_query")
	RegisterAlias("community.general.postgresql_query", "postgresql_query")
}

// PostgresqlQuery runs SQL queries and returns their rows. Like Ansible, it
// runs them in a transaction: rolled back to observe (what --check shows),
// run again and committed only when they change something (DML that
// touched rows, DDL). SELECTs run once and change nothing.
type PostgresqlQuery struct {
	PGConn
	// DB is the database to run the queries in.
	DB string `arg:"db" aliases:"login_db"`
	// Query is one SQL statement, or a list of them, run in order; values
	// are written %s (positional_args) or %(name)s (named_args).
	Query queryList `arg:"query,required"`
	// PositionalArgs are the values of the %s placeholders, quoted as SQL
	// literals (a list becomes a PostgreSQL array).
	PositionalArgs []any `arg:"positional_args"`
	// NamedArgs are the values of the %(name)s placeholders.
	NamedArgs map[string]any `arg:"named_args"`
	// Autocommit runs each query on its own, outside a transaction (VACUUM,
	// CREATE DATABASE); such queries cannot be tried first, so --check skips them.
	Autocommit bool `arg:"autocommit"`
	// Encoding is the session's client encoding.
	Encoding string `arg:"encoding"`
	// SearchPath are the schemas to look in.
	SearchPath []string `arg:"search_path"`
}

// queryList is query: a string is one statement (commas and all).
type queryList []string

// DecodeArg accepts a string or a list of strings.
func (q *queryList) DecodeArg(v any) error {
	switch v := v.(type) {
	case string:
		*q = queryList{v}
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return errors.New("query argument must be of type string or list")
			}
			*q = append(*q, s)
		}
	default:
		return errors.New("query argument must be of type string or list")
	}
	return nil
}

// Validate applies Ansible's exclusions.
func (m *PostgresqlQuery) Validate() error {
	if m.PositionalArgs != nil && m.NamedArgs != nil {
		return errors.New("parameters are mutually exclusive: positional_args|named_args")
	}
	return nil
}

// Plan tries the queries in a rolled-back transaction; if they change
// something, the step runs them again and commits.
func (m *PostgresqlQuery) Plan(ctx context.Context, env *Env) (*Plan, error) {
	bound := make([]string, len(m.Query))
	for i, q := range m.Query {
		var err error
		if bound[i], err = m.bind(q); err != nil {
			return nil, m.failure(q, err.Error())
		}
	}
	if m.Autocommit {
		script, stdin := m.psql(m.DB, m.script(bound, ""))
		return &Plan{SkipInCheck: true, Steps: []Step{{Script: script, Stdin: stdin}},
			Finish: func(out []connection.Result) (map[string]any, error) { return m.result(bound, out[0]) }}, nil
	}
	script, stdin := m.psql(m.DB, m.script(bound, "ROLLBACK"))
	res, err := env.Host.Run(ctx, script, stdin)
	if err != nil {
		return nil, err
	}
	tried, err := m.result(bound, res)
	if err != nil {
		return nil, err
	}
	p := &Plan{Result: tried}
	if tried["changed"] == true {
		script, stdin := m.psql(m.DB, m.script(bound, "COMMIT"))
		p.Steps = []Step{{Script: script, Stdin: stdin}}
		p.Finish = func(out []connection.Result) (map[string]any, error) { return m.result(bound, out[0]) }
	}
	delete(p.Result, "changed")
	return p, nil
}

// queryMark starts the lines that tell the sections of psql's output apart.
const queryMark = "@@play-query "

// script is the psql input running the bound queries: for each, its
// result's columns (\gdesc), its rows in CSV and its row count, between
// marker lines. end (ROLLBACK or COMMIT) closes the transaction; without
// it each query commits on its own.
func (m *PostgresqlQuery) script(bound []string, end string) string {
	var b strings.Builder
	b.WriteString("\\pset format csv\n\\pset tuples_only off\n\\pset null '" + queryNull + "'\n")
	if m.Encoding != "" {
		fmt.Fprintf(&b, "SET client_encoding TO %s;\n", pgLiteral(m.Encoding))
	}
	if len(m.SearchPath) > 0 {
		schemas := make([]string, len(m.SearchPath))
		for i, s := range m.SearchPath {
			schemas[i] = pgIdent(strings.TrimSpace(s))
		}
		fmt.Fprintf(&b, "SET search_path TO %s;\n", strings.Join(schemas, ", "))
	}
	if end != "" {
		b.WriteString("BEGIN;\n")
	}
	b.WriteString("\\set QUIET off\n")
	for i, q := range bound {
		q = strings.TrimRight(strings.TrimSpace(q), "; \t\n")
		fmt.Fprintf(&b, "\\echo '%sD %d'\n%s\n\\gdesc\n\\echo '%sR %d'\n%s\n;\n\\echo '%sN %d' :ROW_COUNT\n", queryMark, i, q, queryMark, i, q, queryMark, i)
	}
	b.WriteString("\\set QUIET on\n")
	if end != "" {
		b.WriteString(end + ";\n")
	}
	return b.String()
}

// queryNull is how psql prints NULL, told apart from an empty string.
const queryNull = `\\N`

// bind replaces the placeholders with the arguments quoted as literals, as
// psycopg2 does (without arguments, the query is left as it is).
func (m *PostgresqlQuery) bind(q string) (string, error) {
	if m.PositionalArgs == nil && m.NamedArgs == nil {
		return q, nil
	}
	var b strings.Builder
	next := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '%' {
			b.WriteByte(q[i])
			continue
		}
		rest := q[i+1:]
		switch {
		case strings.HasPrefix(rest, "%"):
			b.WriteByte('%')
			i++
		case strings.HasPrefix(rest, "s"):
			if m.PositionalArgs == nil {
				return "", errors.New("dict is not a sequence")
			}
			if next >= len(m.PositionalArgs) {
				return "", errors.New("tuple index out of range")
			}
			b.WriteString(sqlValue(m.PositionalArgs[next]))
			next++
			i++
		case strings.HasPrefix(rest, "("):
			name, after, ok := strings.Cut(rest[1:], ")")
			if !ok || !strings.HasPrefix(after, "s") {
				return "", errors.New("incomplete placeholder: '%(' without ')'")
			}
			if m.NamedArgs == nil {
				return "", errors.New("argument formats can't be mixed")
			}
			v, ok := m.NamedArgs[name]
			if !ok {
				return "", fmt.Errorf("'%s'", name)
			}
			b.WriteString(sqlValue(v))
			i += len(name) + 3
		default:
			return "", errors.New("unsupported format character")
		}
	}
	if next < len(m.PositionalArgs) {
		return "", errors.New("not all arguments converted during string formatting")
	}
	return b.String(), nil
}

// sqlValue quotes a value as a SQL literal: NULL, a boolean, a number, a
// string, an array (for a list) or JSON text (for a dict).
func sqlValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return pgLiteral(v)
	case []any:
		elems := make([]string, len(v))
		for i, e := range v {
			if e == nil {
				elems[i] = "NULL"
				continue
			}
			s := fmt.Sprint(e)
			elems[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
		}
		return pgLiteral("{" + strings.Join(elems, ",") + "}")
	}
	data, _ := json.Marshal(v)
	return pgLiteral(string(data))
}

// pgErrorLine matches the prefix psql puts before a server error.
var pgErrorLine = regexp.MustCompile(`(?m)^psql:<stdin>:\d+: (ERROR|FATAL):  `)

// result reads psql's output into Ansible's return values.
func (m *PostgresqlQuery) result(bound []string, res connection.Result) (map[string]any, error) {
	sections := map[string]string{}
	last := ""
	for _, part := range strings.Split("\n"+string(res.Stdout), "\n"+queryMark)[1:] {
		head, body, _ := strings.Cut(part, "\n")
		if f := strings.Fields(head); len(f) == 3 && f[0] == "N" {
			head, body = "N "+f[1], f[2] // the row count is on the marker line
		}
		last = head
		sections[head] = body
	}
	if res.RC != 0 {
		if res.RC == 2 || res.RC == 127 || last == "" {
			return nil, pgFailure(res)
		}
		i, _ := strconv.Atoi(strings.Fields(last)[1])
		msg := pgErrorLine.ReplaceAllString(strings.TrimSpace(string(res.Stderr)), "")
		return nil, m.failure(m.Query[i], msg+"\n")
	}
	changed, rowcount := false, 0
	status := ""
	var all []any
	var rows any
	for i, q := range bound {
		id := strconv.Itoa(i)
		count, _ := strconv.Atoi(sections["N "+id])
		rowcount += count
		var err error
		if rows, status, err = queryRows(sections["D "+id], sections["R "+id], count); err != nil {
			return nil, Failf("Cannot fetch rows from cursor: %v", err)
		}
		if status == "" {
			status = "SELECT " + strconv.Itoa(count)
			if w := strings.Fields(strings.ToUpper(q)); len(w) > 0 && (w[0] == "SHOW" || w[0] == "EXPLAIN") {
				status = w[0]
			}
		}
		all = append(all, rows)
		changed = changed || statusChanges(status)
	}
	return map[string]any{"changed": changed, "query": bound[len(bound)-1], "query_list": []string(m.Query),
		"statusmessage": status, "query_result": rows, "query_all_results": all, "rowcount": rowcount}, nil
}

// statusChanges is Ansible's reading of a command tag: DML changes when it
// touched rows, a SELECT never, anything else (DDL) always.
func statusChanges(status string) bool {
	if strings.Contains(status, "SELECT") {
		return false
	}
	if !strings.Contains(status, "UPDATE") && !strings.Contains(status, "INSERT") && !strings.Contains(status, "DELETE") {
		return true
	}
	f := strings.Fields(status)
	return len(f) < 2 || len(f) > 3 || f[len(f)-1] != "0"
}

// queryRows reads one query's rows: desc is \gdesc's CSV (column, type),
// out the rows in CSV followed by the command tag of DML, or the tag alone.
// A command without rows gives {} as psycopg2's "no results to fetch" does.
func queryRows(desc, out string, count int) (any, string, error) {
	types, err := csv.NewReader(strings.NewReader(desc)).ReadAll()
	if err != nil || len(types) < 2 {
		return map[string]any{}, strings.TrimSpace(out), nil
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil || len(records) < count+1 {
		return nil, "", fmt.Errorf("unexpected psql output %q", out)
	}
	rows := []any{}
	for _, rec := range records[1 : count+1] {
		row := map[string]any{}
		for j, col := range records[0] {
			if j < len(rec) && j+1 < len(types) {
				row[col] = pgValue(rec[j], types[j+1][1])
			}
		}
		rows = append(rows, row)
	}
	status := ""
	if len(records) > count+1 {
		status = strings.Join(records[count+1], ",")
	}
	return rows, status, nil
}

// pgValue converts psql's text for a column of type typ to the value
// psycopg2 returns (numbers, booleans, JSON, NULL; text otherwise).
func pgValue(s, typ string) any {
	if s == `\N` {
		return nil
	}
	switch {
	case typ == "smallint" || typ == "integer" || typ == "bigint" || typ == "oid":
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case strings.HasPrefix(typ, "numeric") || typ == "real" || typ == "double precision":
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case typ == "boolean":
		return s == "t"
	case typ == "json" || typ == "jsonb":
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			return v
		}
	}
	return s
}

// failure is Ansible's message for a query that failed.
func (m *PostgresqlQuery) failure(query, msg string) error {
	var args any
	if m.PositionalArgs != nil {
		args = m.PositionalArgs
	} else if m.NamedArgs != nil {
		args = m.NamedArgs
	}
	repr, err := jinja.RenderString("{{ args }}, query list: {{ list }}", map[string]any{"args": args, "list": []string(m.Query)})
	if err != nil {
		repr = fmt.Sprint(args)
	}
	head, tail, _ := strings.Cut(repr, ", query list: ")
	if args == nil {
		head = "None"
	}
	return Failf("Cannot execute SQL '%s' %s: %s, query list: %s", query, head, msg, tail)
}

var (
	_ Validator  = (*PostgresqlQuery)(nil)
	_ ArgDecoder = (*queryList)(nil)
)
