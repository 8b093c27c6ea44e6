package modules

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "postgresql_user", New: func() Module { return &PostgresqlUser{} }})
	RegisterAlias("community.postgresql.postgresql_user", "postgresql_user")
	RegisterAlias("community.general.postgresql_user", "postgresql_user")
}

// PostgresqlUser adds, changes or removes a role (user).
type PostgresqlUser struct {
	PGConn
	// Name is the role.
	Name string `arg:"user,required" aliases:"name"`
	// Password is the role's password: clear text, or an md5/SCRAM hash as
	// PostgreSQL stores it; "" removes it. A clear-text password is compared
	// with the stored hash, so a second run with the same password is ok.
	Password *string `arg:"password"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// DB is the database to connect to, and the one priv refers to.
	DB string `arg:"db" aliases:"login_db"`
	// Priv is "PRIVS/table:PRIVS/..." granted on DB and its tables.
	Priv string `arg:"priv"`
	// FailOnUser fails when the role cannot be removed (default true).
	FailOnUser *bool `arg:"fail_on_user" aliases:"fail_on_role"`
	// RoleAttrFlags are [NO]SUPERUSER,[NO]CREATEROLE,[NO]CREATEDB,[NO]INHERIT,
	// [NO]LOGIN,[NO]REPLICATION,[NO]BYPASSRLS, comma-separated.
	RoleAttrFlags string `arg:"role_attr_flags"`
	// Encrypted is accepted for compatibility (default true): PostgreSQL 10+
	// always stores passwords hashed.
	Encrypted *bool `arg:"encrypted"`
	// NoPasswordChanges leaves the password and attributes of an existing
	// role alone, except role_attr_flags.
	NoPasswordChanges bool `arg:"no_password_changes"`
	// Expires is the password's expiry (VALID UNTIL), e.g. "2030-01-01" or "infinity".
	Expires *string `arg:"expires"`
	// ConnLimit is the role's connection limit.
	ConnLimit *int `arg:"conn_limit"`
	// Comment is the role's comment.
	Comment *string `arg:"comment"`
	// Groups are roles the user is made a member of (never removed from), as GRANT group TO user.
	Groups []string `arg:"groups"`
}

// pgRoleFlags maps role_attr_flags to pg_authid's columns.
var pgRoleFlags = map[string]string{"SUPERUSER": "rolsuper", "CREATEROLE": "rolcreaterole", "CREATEDB": "rolcreatedb",
	"INHERIT": "rolinherit", "LOGIN": "rolcanlogin", "REPLICATION": "rolreplication", "BYPASSRLS": "rolbypassrls"}

// pgPriv is one item of priv: privileges on the database or on a table.
type pgPriv struct {
	Type, Object string
	Privs        []string
}

// Validate checks the flags and privileges and applies the defaults.
func (m *PostgresqlUser) Validate() error {
	if m.State == "" {
		m.State = "present"
	}
	if _, err := m.flags(); err != nil {
		return err
	}
	if m.Priv != "" && m.DB == "" {
		return errors.New("privileges require a database to be specified")
	}
	_, err := m.privs()
	return err
}

// flags parses role_attr_flags, keeping their order.
func (m *PostgresqlUser) flags() ([]string, error) {
	var flags, bad []string
	for _, f := range strings.Split(m.RoleAttrFlags, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		if f == "" || slices.Contains(flags, f) {
			continue
		}
		if _, ok := pgRoleFlags[strings.TrimPrefix(f, "NO")]; !ok {
			bad = append(bad, f)
		}
		flags = append(flags, f)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("Invalid role_attr_flags specified: %s", strings.Join(bad, " "))
	}
	return flags, nil
}

// privs parses priv: "CONNECT,CREATE/table1:SELECT/schema.t2:ALL".
func (m *PostgresqlUser) privs() ([]pgPriv, error) {
	var out []pgPriv
	for _, tok := range strings.Split(m.Priv, "/") {
		if strings.TrimSpace(tok) == "" {
			continue
		}
		p := pgPriv{Type: "database", Object: m.DB}
		if name, privs, ok := strings.Cut(tok, ":"); ok {
			p.Type, p.Object, tok = "table", name, privs
		}
		var err error
		if p.Privs, err = pgNormalizePrivs(p.Type, strings.Split(tok, ",")); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// pgRole is what the probe reports about the role.
type pgRole struct {
	Flags       map[string]bool `json:"flags"`
	ConnLimit   int             `json:"rolconnlimit"`
	Password    *string         `json:"rolpassword"`
	ExpiresSame bool            `json:"expires_same"`
	Comment     *string         `json:"comment"`
}

type pgUserSeen struct {
	Role     *pgRole    `json:"role"`
	Privs    [][]string `json:"privs"`    // held, in the order of privs()
	MemberOf []string   `json:"memberof"` // the roles the user is a member of
	Groups   []string   `json:"groups"`   // those of Groups that exist
}

// probeSQL reads the role from pg_authid when allowed (a superuser sees the
// password hash), else from pg_roles, and the privileges priv names.
func (m *PostgresqlUser) probeSQL(privs []pgPriv) string {
	expires := "NULL"
	if m.Expires != nil {
		expires = pgLiteral(*m.Expires) + "::timestamptz"
	}
	var held []string
	for _, p := range privs {
		held = append(held, pgHeldSQL(p.Type, p.Object, m.Name))
	}
	groups := make([]string, len(m.Groups))
	for i, g := range m.Groups {
		groups[i] = pgLiteral(g)
	}
	return fmt.Sprintf(`SELECT CASE WHEN has_table_privilege('pg_catalog.pg_authid', 'SELECT') THEN 'pg_authid' ELSE 'pg_roles' END AS roles \gset
SELECT json_build_object(
 'role', (SELECT json_build_object('flags', json_build_object(%s), 'rolconnlimit', rolconnlimit,
   'rolpassword', rolpassword, 'expires_same', rolvaliduntil IS NOT DISTINCT FROM %s,
   'comment', shobj_description(oid, 'pg_authid'))
  FROM pg_catalog.:roles WHERE rolname = %[3]s),
 'privs', json_build_array(%[4]s),
 'memberof', (SELECT json_agg(g.rolname) FROM pg_catalog.pg_auth_members a
   JOIN pg_catalog.pg_roles g ON a.roleid = g.oid JOIN pg_catalog.pg_roles r ON a.member = r.oid WHERE r.rolname = %[3]s),
 'groups', (SELECT json_agg(rolname) FROM pg_catalog.pg_roles WHERE rolname = ANY (ARRAY[%[5]s]::text[])));
`, pgFlagPairs(), expires, pgLiteral(m.Name), strings.Join(held, ", "), strings.Join(groups, ", "))
}

// pgFlagPairs lists 'column', column for every role flag, sorted.
func pgFlagPairs() string {
	cols := make([]string, 0, len(pgRoleFlags))
	for _, col := range pgRoleFlags {
		cols = append(cols, col)
	}
	slices.Sort(cols)
	for i, c := range cols {
		cols[i] = pgLiteral(c) + ", " + c
	}
	return strings.Join(cols, ", ")
}

// Plan compares the role with the arguments.
func (m *PostgresqlUser) Plan(ctx context.Context, env *Env) (*Plan, error) {
	privs, _ := m.privs()
	var seen pgUserSeen
	if err := m.pgProbe(ctx, env.Host, m.DB, m.probeSQL(privs), &seen); err != nil {
		return nil, err
	}
	q := &pgQueries{show: []string{}}
	result := map[string]any{"user": m.Name}
	if m.State == "absent" {
		if seen.Role != nil {
			m.grants(q, false, privs, seen.Privs)
			q.add("DROP USER " + pgIdent(m.Name))
			result["user_removed"] = true
		}
	} else {
		if seen.Role == nil {
			m.create(q)
		} else {
			m.alter(q, seen.Role)
		}
		m.grants(q, true, privs, seen.Privs)
		if err := m.memberships(q, &seen); err != nil {
			return nil, err
		}
		if m.Comment != nil && (seen.Role == nil || seen.Role.Comment == nil || *seen.Role.Comment != *m.Comment) {
			q.add("COMMENT ON ROLE " + pgIdent(m.Name) + " IS " + pgLiteral(*m.Comment))
		}
	}
	result["queries"] = q.show
	p := &Plan{Result: result}
	if len(q.run) > 0 {
		p.Steps = []Step{m.pgStep(m.DB, strings.Join(q.run, ";\n")+";\n")}
	}
	if m.State == "absent" && len(q.run) > 0 {
		p.Finish = m.finishDrop(q.show)
	}
	return p, nil
}

// create is CREATE USER, as Ansible writes it.
func (m *PostgresqlUser) create(q *pgQueries) {
	q.add(`CREATE USER ` + pgIdent(m.Name))
	if m.Password != nil && *m.Password != "" {
		q.part("WITH ENCRYPTED")
		q.secret("PASSWORD %(password)s", "PASSWORD "+pgLiteral(*m.Password))
	}
	if m.Expires != nil {
		q.secret("VALID UNTIL %(expires)s", "VALID UNTIL "+pgLiteral(*m.Expires))
	}
	if m.ConnLimit != nil {
		q.part("CONNECTION LIMIT " + strconv.Itoa(*m.ConnLimit))
	}
	flags, _ := m.flags()
	q.part(strings.Join(flags, " "))
}

// alter is ALTER USER for what differs, as Ansible writes it.
func (m *PostgresqlUser) alter(q *pgQueries, role *pgRole) {
	flags, _ := m.flags()
	flagsChanging := false
	for _, f := range flags {
		name, negated := strings.CutPrefix(f, "NO")
		if role.Flags[pgRoleFlags[name]] == negated {
			flagsChanging = true
		}
	}
	if m.NoPasswordChanges {
		if flagsChanging {
			q.add("ALTER USER " + pgIdent(m.Name))
			q.part("WITH " + strings.Join(flags, " "))
		}
		return
	}
	pwChanging := m.Password != nil && pgPasswordDiffers(m.Name, *m.Password, role.Password)
	expiresChanging := m.Expires != nil && !role.ExpiresSame
	limitChanging := m.ConnLimit != nil && *m.ConnLimit != role.ConnLimit
	if !pwChanging && !flagsChanging && !expiresChanging && !limitChanging {
		return
	}
	q.add("ALTER USER " + pgIdent(m.Name))
	switch {
	case pwChanging && *m.Password != "":
		q.part("WITH ENCRYPTED")
		q.secret("PASSWORD %(password)s", "PASSWORD "+pgLiteral(*m.Password))
		q.part(strings.Join(flags, " "))
	case pwChanging:
		q.part("WITH PASSWORD NULL")
		q.part(strings.Join(flags, " "))
	case len(flags) > 0:
		q.part("WITH " + strings.Join(flags, " "))
	}
	if m.Expires != nil {
		q.secret("VALID UNTIL %(expires)s", "VALID UNTIL "+pgLiteral(*m.Expires))
	}
	if m.ConnLimit != nil {
		q.part("CONNECTION LIMIT " + strconv.Itoa(*m.ConnLimit))
	}
}

// grants grants (or revokes) each priv item not yet held (or held).
func (m *PostgresqlUser) grants(q *pgQueries, grant bool, privs []pgPriv, held [][]string) {
	for i, p := range privs {
		var have []string
		if i < len(held) {
			have = held[i]
		}
		missing := slices.ContainsFunc(p.Privs, func(s string) bool { return !slices.Contains(have, s) })
		some := slices.ContainsFunc(p.Privs, func(s string) bool { return slices.Contains(have, s) })
		if grant && missing || !grant && some {
			q.add(pgGrantSQL(grant, p.Privs, p.Type, p.Object, m.Name))
		}
	}
}

// memberships grants each group the user is not yet a member of, as Ansible's PgMembership;
// a group that does not exist fails the task.
func (m *PostgresqlUser) memberships(q *pgQueries, seen *pgUserSeen) error {
	for _, g := range m.Groups {
		g = strings.TrimSpace(g)
		switch {
		case !slices.Contains(seen.Groups, g):
			return Failf("Role %s does not exist", g)
		case !slices.Contains(seen.MemberOf, g):
			q.add("GRANT " + pgIdent(g) + " TO " + pgIdent(m.Name))
		}
	}
	return nil
}

// finishDrop reports a role that could not be dropped (it owns objects)
// like Ansible: a failure, or user_removed false without fail_on_user.
func (m *PostgresqlUser) finishDrop(queries []string) func([]connection.Result) (map[string]any, error) {
	return func(out []connection.Result) (map[string]any, error) {
		res := map[string]any{"user": m.Name, "queries": queries, "user_removed": out[0].RC == 0}
		if out[0].RC != 0 && (m.FailOnUser == nil || *m.FailOnUser) {
			return nil, &Failure{Msg: "Unable to remove user", Result: map[string]any{"stderr": string(out[0].Stderr)}}
		}
		return res, nil
	}
}

var pgScramRe = regexp.MustCompile(`^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$`)

// pgPasswordDiffers says whether password is not the one stored: a stored
// SCRAM verifier is checked by deriving the server key from the password
// with its salt, an md5 one by hashing password+user.
func pgPasswordDiffers(user, password string, stored *string) bool {
	if password == "" {
		return stored != nil
	}
	if stored == nil {
		return true
	}
	if pgScramRe.MatchString(password) || strings.HasPrefix(password, "md5") && len(password) == 35 {
		return password != *stored
	}
	if m := pgScramRe.FindStringSubmatch(*stored); m != nil {
		iter, err1 := strconv.Atoi(m[1])
		salt, err2 := base64.StdEncoding.DecodeString(m[2])
		serverKey, err3 := base64.StdEncoding.DecodeString(m[4])
		if err1 != nil || err2 != nil || err3 != nil {
			return true
		}
		salted, err := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
		if err != nil {
			return true
		}
		mac := hmac.New(sha256.New, salted)
		mac.Write([]byte("Server Key"))
		return !hmac.Equal(mac.Sum(nil), serverKey)
	}
	sum := md5.Sum([]byte(password + user))
	return "md5"+hex.EncodeToString(sum[:]) != *stored
}

// pgQueries collects statements twice: as run, and as shown in the result,
// where secrets stay placeholders like Ansible's %(password)s.
type pgQueries struct {
	show, run []string
}

// add appends a statement, which part and secret may extend.
func (q *pgQueries) add(sql string) {
	q.show = append(q.show, sql)
	q.run = append(q.run, sql)
}

// part extends the last statement with a word (joined by a space).
func (q *pgQueries) part(sql string) { q.secret(sql, sql) }

// secret extends the last statement with words shown one way and run another.
func (q *pgQueries) secret(show, run string) {
	q.show[len(q.show)-1] += " " + show
	q.run[len(q.run)-1] += " " + run
}

var _ Validator = (*PostgresqlUser)(nil)
