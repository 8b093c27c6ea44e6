package modules

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"play/connection"
)

// PGConn holds the connection arguments every postgresql_* module takes. The
// modules talk to the server with the host's own psql, run as whoever the
// task becomes (become_user: postgres for peer authentication). SQL and the
// password travel on psql's stdin, never on a command line that ps shows.
type PGConn struct {
	// LoginUser is the role psql connects as (default postgres).
	LoginUser string `arg:"login_user" aliases:"login"`
	// LoginPassword is that role's password, when the server asks for one.
	LoginPassword string `arg:"login_password"`
	// LoginHost is the server's host name; empty means the Unix socket.
	LoginHost string `arg:"login_host" aliases:"host"`
	// LoginUnixSocket is the directory of the server's Unix socket.
	LoginUnixSocket string `arg:"login_unix_socket" aliases:"unix_socket"`
	// Port is the server's port (default 5432).
	Port int `arg:"port" aliases:"login_port"`
	// SSLMode is libpq's sslmode (default prefer).
	SSLMode string `arg:"ssl_mode" choices:"allow,disable,prefer,require,verify-ca,verify-full"`
	// CACert is libpq's sslrootcert.
	CACert string `arg:"ca_cert" aliases:"ssl_rootcert"`
	// SessionRole is a role to SET ROLE to after connecting.
	SessionRole string `arg:"session_role"`
	// TrustInput is accepted for compatibility: every identifier and value
	// is quoted, so no input can inject SQL.
	TrustInput *bool `arg:"trust_input"`
}

// conninfo is the libpq connection string for db ("" for libpq's default).
func (c *PGConn) conninfo(db string) string {
	user := c.LoginUser
	if user == "" {
		user = "postgres"
	}
	port := c.Port
	if port == 0 {
		port = 5432
	}
	host := c.LoginHost
	if (host == "" || host == "localhost") && c.LoginUnixSocket != "" {
		host = c.LoginUnixSocket // community.postgresql prefers the socket for localhost (peer auth)
	}
	kv := []string{"user=" + pgConnValue(user), "port=" + strconv.Itoa(port)}
	if db != "" {
		kv = append(kv, "dbname="+pgConnValue(db))
	}
	if host != "" {
		kv = append(kv, "host="+pgConnValue(host))
	}
	if c.SSLMode != "" {
		kv = append(kv, "sslmode="+c.SSLMode)
	}
	if c.CACert != "" {
		kv = append(kv, "sslrootcert="+pgConnValue(c.CACert))
	}
	return strings.Join(kv, " ")
}

// pgScript runs a psql-family program: the first stdin line is the password
// (exported only when not empty), the rest is the program's input. The
// command is appended to it. It runs in the user's home: psql complains about
// a working directory that become_user cannot enter (sudo keeps root's).
const pgScript = `cd 2>/dev/null || cd /
IFS= read -r PGPASSWORD || true
if [ -n "$PGPASSWORD" ]; then export PGPASSWORD; else unset PGPASSWORD; fi
command -v psql >/dev/null || { echo "psql: command not found: install postgresql-client on the host" >&2; exit 127; }
`

// psql returns the script and stdin that run sql with psql in db: unaligned,
// tuples only, stopping at the first error.
func (c *PGConn) psql(db, sql string) (string, []byte) {
	if c.SessionRole != "" {
		sql = "SET ROLE " + pgIdent(c.SessionRole) + ";\n" + sql
	}
	script := pgScript + "exec psql -X -q -A -t -v ON_ERROR_STOP=1 -d " + Quote(c.conninfo(db)) + " -f -\n"
	return script, []byte(c.LoginPassword + "\n" + sql)
}

// pgStep is a step that runs sql in db.
func (c *PGConn) pgStep(db, sql string) Step {
	script, stdin := c.psql(db, sql)
	return Step{Script: script, Stdin: stdin}
}

// pgProbe runs sql, which must print one JSON value, and decodes it into dst:
// the one round trip a postgresql module observes with.
func (c *PGConn) pgProbe(ctx context.Context, host Host, db, sql string, dst any) error {
	script, stdin := c.psql(db, sql)
	res, err := host.Run(ctx, script, stdin)
	if err != nil {
		return err
	}
	if res.RC != 0 {
		return pgFailure(res)
	}
	if err := json.Unmarshal(res.Stdout, dst); err != nil {
		return fmt.Errorf("reading what psql printed: %w: %q", err, res.Stdout)
	}
	return nil
}

// pgFailure turns a failed psql run into Ansible's messages.
func pgFailure(res connection.Result) error {
	msg := strings.TrimSpace(string(res.Stderr))
	switch res.RC {
	case 127:
		return Failf("%s", msg)
	case 2: // psql: the connection failed
		return Failf("unable to connect to database: %s", strings.TrimPrefix(msg, "psql: error: "))
	}
	return Failf("Database query failed: %s", strings.TrimPrefix(msg, "psql:<stdin>:"))
}

// pgIdent quotes one SQL identifier.
func pgIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// pgQualified quotes a dotted name (schema.table) part by part.
func pgQualified(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = pgIdent(p)
	}
	return strings.Join(parts, ".")
}

// pgLiteral quotes a SQL string literal (standard_conforming_strings is on
// since PostgreSQL 9.1, so only quotes need doubling).
func pgLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// pgConnValue quotes a libpq connection string value when it needs it.
func pgConnValue(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\\") {
		return s
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
