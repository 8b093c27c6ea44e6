package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "postgresql_db", New: func() Module { return &PostgresqlDB{} }})
	RegisterAlias("community.postgresql.postgresql_db", "postgresql_db")
	RegisterAlias("community.general.postgresql_db", "postgresql_db")
}

// PostgresqlDB adds, removes, renames, dumps or restores a database.
type PostgresqlDB struct {
	PGConn
	// Name is the database.
	Name string `arg:"db,required" aliases:"name"`
	// Owner is the role that owns the database.
	Owner string `arg:"owner"`
	// Template is the database to copy when creating it.
	Template string `arg:"template"`
	// Encoding (UTF8...) used when creating; it cannot change later.
	Encoding string `arg:"encoding"`
	// LcCollate is the collation order used when creating.
	LcCollate string `arg:"lc_collate"`
	// LcCtype is the character classification used when creating.
	LcCtype string `arg:"lc_ctype"`
	// State is present, absent, dump, restore or rename.
	State string `arg:"state" choices:"present,absent,dump,restore,rename"`
	// Target is the file to dump to or restore from (default <db>.sql), or
	// the new name with state rename.
	Target string `arg:"target"`
	// TargetOpts are more options for pg_dump or pg_restore/psql.
	TargetOpts string `arg:"target_opts"`
	// DumpExtraArgs are more arguments for pg_dump.
	DumpExtraArgs string `arg:"dump_extra_args"`
	// MaintenanceDB is the database to connect to (default postgres).
	MaintenanceDB string `arg:"maintenance_db"`
	// ConnLimit is the database's connection limit.
	ConnLimit string `arg:"conn_limit"`
	// Tablespace is the database's default tablespace.
	Tablespace string `arg:"tablespace"`
	// Force drops the database even while sessions are connected to it.
	Force bool `arg:"force"`
}

// Validate applies Ansible's rules for rename.
func (m *PostgresqlDB) Validate() error {
	if m.State == "" {
		m.State = "present"
	}
	if m.MaintenanceDB == "" {
		m.MaintenanceDB = "postgres"
	}
	if _, err := strconv.Atoi(m.ConnLimit); m.ConnLimit != "" && err != nil {
		return fmt.Errorf("conn_limit must be a number, got %q", m.ConnLimit)
	}
	if m.State == "rename" {
		switch {
		case m.Target == "":
			return errors.New(`The "target" option must be defined when the "rename" option is used.`)
		case m.Target == m.Name:
			return errors.New(`The "name/db" option and the "target" option cannot be the same.`)
		case m.MaintenanceDB == m.Name:
			return errors.New(`The "maintenance_db" option and the "name/db" option cannot be the same.`)
		}
	}
	return nil
}

// pgDatabase is what the probe reports about a database.
type pgDatabase struct {
	Owner      string `json:"owner"`
	Encoding   string `json:"encoding"`
	LcCollate  string `json:"lc_collate"`
	LcCtype    string `json:"lc_ctype"`
	ConnLimit  string `json:"conn_limit"`
	Tablespace string `json:"tablespace"`
}

// pgDatabases is the probe's answer: the database, the rename target's
// existence, and the wanted encoding's canonical name ("" if unknown).
type pgDatabases struct {
	DB       *pgDatabase `json:"db"`
	Target   bool        `json:"target"`
	Encoding string      `json:"encoding"`
	Version  int         `json:"version"`
}

func (m *PostgresqlDB) probeSQL() string {
	return fmt.Sprintf(`SELECT json_build_object(
 'db', (SELECT json_build_object('owner', r.rolname, 'encoding', pg_encoding_to_char(d.encoding),
   'lc_collate', d.datcollate, 'lc_ctype', d.datctype, 'conn_limit', d.datconnlimit::text, 'tablespace', t.spcname)
  FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba JOIN pg_tablespace t ON t.oid = d.dattablespace
  WHERE d.datname = %s),
 'target', EXISTS (SELECT 1 FROM pg_database WHERE datname = %s),
 'encoding', pg_encoding_to_char(pg_char_to_encoding(%s)),
 'version', current_setting('server_version_num')::int);
`, pgLiteral(m.Name), pgLiteral(m.Target), pgLiteral(m.Encoding))
}

// Plan compares the database with the arguments; dump and restore always act.
func (m *PostgresqlDB) Plan(ctx context.Context, env *Env) (*Plan, error) {
	if m.State == "dump" || m.State == "restore" {
		return m.planDumpRestore(), nil
	}
	var seen pgDatabases
	if err := m.pgProbe(ctx, env.Host, m.MaintenanceDB, m.probeSQL(), &seen); err != nil {
		return nil, err
	}
	queries, err := m.queries(&seen)
	if err != nil {
		return nil, err
	}
	p := &Plan{Result: map[string]any{"db": m.Name, "executed_commands": queries}}
	if len(queries) > 0 {
		p.Steps = []Step{m.pgStep(m.MaintenanceDB, strings.Join(queries, ";\n")+";\n")}
	}
	return p, nil
}

// queries are the statements that converge the database, as Ansible
// reports them in executed_commands.
func (m *PostgresqlDB) queries(seen *pgDatabases) ([]string, error) {
	db, name := seen.DB, pgIdent(m.Name)
	switch m.State {
	case "absent":
		if db == nil {
			return []string{}, nil
		}
		if m.Force {
			return []string{"DROP DATABASE " + name + " WITH (FORCE)"}, nil
		}
		return []string{"DROP DATABASE " + name}, nil
	case "rename":
		switch {
		case db != nil && seen.Target:
			return nil, Failf("Both the source and the target databases exist.")
		case db == nil && !seen.Target:
			return nil, Failf("The source and the target databases do not exist.")
		case db == nil:
			return []string{}, nil
		}
		return []string{"ALTER DATABASE " + name + " RENAME TO " + pgIdent(m.Target)}, nil
	}
	if db == nil {
		if m.Encoding != "" && seen.Encoding == "" {
			return nil, Failf("Database query failed: %s is not a valid encoding name", m.Encoding)
		}
		return []string{m.createQuery()}, nil
	}
	switch {
	case m.Encoding != "" && seen.Encoding != db.Encoding:
		return nil, Failf("Changing database encoding is not supported. Current encoding: %s", db.Encoding)
	case m.LcCollate != "" && m.LcCollate != db.LcCollate:
		return nil, Failf("Changing LC_COLLATE is not supported. Current LC_COLLATE: %s", db.LcCollate)
	case m.LcCtype != "" && m.LcCtype != db.LcCtype:
		return nil, Failf("Changing LC_CTYPE is not supported.Current LC_CTYPE: %s", db.LcCtype)
	}
	q := []string{}
	if m.Owner != "" && m.Owner != db.Owner {
		q = append(q, "ALTER DATABASE "+name+" OWNER TO "+pgIdent(m.Owner))
	}
	if m.ConnLimit != "" && m.ConnLimit != db.ConnLimit {
		q = append(q, "ALTER DATABASE "+name+" CONNECTION LIMIT "+m.ConnLimit)
	}
	if m.Tablespace != "" && m.Tablespace != db.Tablespace {
		q = append(q, "ALTER DATABASE "+name+" SET TABLESPACE "+pgIdent(m.Tablespace))
	}
	return q, nil
}

// createQuery is CREATE DATABASE with the options given, in Ansible's order.
func (m *PostgresqlDB) createQuery() string {
	q := []string{"CREATE DATABASE " + pgIdent(m.Name)}
	for _, o := range []struct{ val, sql string }{
		{m.Owner, "OWNER " + pgIdent(m.Owner)},
		{m.Template, "TEMPLATE " + pgIdent(m.Template)},
		{m.Encoding, "ENCODING " + pgLiteral(m.Encoding)},
		{m.LcCollate, "LC_COLLATE " + pgLiteral(m.LcCollate)},
		{m.LcCtype, "LC_CTYPE " + pgLiteral(m.LcCtype)},
		{m.Tablespace, "TABLESPACE " + pgIdent(m.Tablespace)},
		{m.ConnLimit, "CONNECTION LIMIT " + m.ConnLimit},
	} {
		if o.val != "" {
			q = append(q, o.sql)
		}
	}
	return strings.Join(q, " ")
}

// planDumpRestore runs pg_dump, pg_restore or psql with the file's format
// told by its extension, as Ansible does; compressed files go through a
// temporary file so a failing pg_dump fails the step.
func (m *PostgresqlDB) planDumpRestore() *Plan {
	target := m.Target
	if target == "" {
		target = m.Name + ".sql"
	}
	ext := path.Ext(target)
	conn := Quote(m.conninfo(m.Name))
	var cmd string
	if m.State == "dump" {
		format := map[string]string{".tar": " --format=t", ".pgc": " --format=c", ".dir": " --format=d"}[ext]
		cmd = "pg_dump -d " + conn + format + joinOpts(m.DumpExtraArgs, m.TargetOpts)
		if zip := map[string]string{".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}[ext]; zip != "" {
			cmd = `t=$(mktemp) && ` + cmd + ` -f "$t" && ` + zip + ` < "$t" > ` + Quote(target) + `; rc=$?; rm -f "$t"; exit $rc`
		} else {
			cmd += " -f " + Quote(target)
		}
	} else {
		switch ext {
		case ".tar", ".pgc", ".dir":
			format := map[string]string{".tar": "Tar", ".pgc": "Custom", ".dir": "Directory"}[ext]
			cmd = "pg_restore -d " + conn + " --format=" + format + joinOpts(m.TargetOpts) + " " + Quote(target)
		case ".gz", ".bz2", ".xz":
			unzip := map[string]string{".gz": "zcat", ".bz2": "bzcat", ".xz": "xzcat"}[ext]
			cmd = unzip + " " + Quote(target) + " | psql -X -q -d " + conn + joinOpts(m.TargetOpts)
		default:
			cmd = "psql -X -q -d " + conn + joinOpts(m.TargetOpts) + " --file=" + Quote(target)
		}
	}
	return &Plan{
		Steps:  []Step{{Script: pgScript + cmd + "\n", Stdin: []byte(m.LoginPassword + "\n")}},
		Result: map[string]any{"db": m.Name, "cmd": cmd},
		Finish: func(out []connection.Result) (map[string]any, error) {
			res := out[0]
			r := map[string]any{"db": m.Name, "cmd": cmd, "rc": res.RC,
				"msg": string(res.Stdout), "stderr": string(res.Stderr), "executed_commands": []string{cmd}}
			if res.RC != 0 {
				return nil, &Failure{Msg: string(res.Stderr), Result: map[string]any{"stdout": string(res.Stdout), "rc": res.RC, "cmd": cmd}}
			}
			return r, nil
		},
	}
}

// joinOpts appends raw option strings (the user's own shell words).
func joinOpts(opts ...string) string {
	var b strings.Builder
	for _, o := range opts {
		if strings.TrimSpace(o) != "" {
			b.WriteString(" " + o)
		}
	}
	return b.String()
}

var _ Validator = (*PostgresqlDB)(nil)
