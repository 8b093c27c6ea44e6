package modules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "postgresql_privs", New: func() Module { return &PostgresqlPrivs{} }})
	RegisterAlias("community.postgresql.postgresql_privs", "postgresql_privs")
	RegisterAlias("community.general.postgresql_privs", "postgresql_privs")
}

// PostgresqlPrivs grants or revokes privileges on database objects, or
// default privileges for objects created later.
type PostgresqlPrivs struct {
	PGConn
	// Database is the database to connect to (and the object of type database).
	Database string `arg:"database,required" aliases:"db,login_db"`
	// State is present (grant) or absent (revoke).
	State string `arg:"state" choices:"present,absent"`
	// Privs are comma-separated privileges (SELECT,INSERT, ALL...).
	Privs string `arg:"privs" aliases:"priv"`
	// Type is the kind of object objs names (default table).
	Type string `arg:"type" choices:"table,sequence,function,procedure,database,schema,default_privs"`
	// Objs are comma-separated object names; ALL_IN_SCHEMA means every table,
	// sequence or function of schema; functions are name(argtype:argtype).
	// For default_privs: TABLES, SEQUENCES, FUNCTIONS, TYPES, SCHEMAS or ALL_DEFAULT.
	Objs string `arg:"objs" aliases:"obj"`
	// Schema holds the objects (default public for the types that have one).
	Schema string `arg:"schema"`
	// Roles are comma-separated roles, or PUBLIC.
	Roles string `arg:"roles,required" aliases:"role"`
	// TargetRoles are the roles whose new objects default_privs applies to
	// (default the connected role).
	TargetRoles string `arg:"target_roles"`
	// GrantOption grants (true) or revokes (false) the right to grant the
	// privileges on; unset leaves it alone.
	GrantOption *bool `arg:"grant_option" aliases:"admin_option"`
	// FailOnRole fails when a role does not exist (default true); false skips it.
	FailOnRole *bool `arg:"fail_on_role"`
	// UsageOnTypes also grants USAGE on types with default_privs (default true).
	UsageOnTypes *bool `arg:"usage_on_types"`
}

// pgAllPrivs are the privileges Ansible accepts in privs.
var pgAllPrivs = []string{"ALL", "CONNECT", "CREATE", "DELETE", "EXECUTE", "INSERT", "REFERENCES", "SELECT", "TEMP", "TEMPORARY", "TRIGGER", "TRUNCATE", "UPDATE", "USAGE"}

// pgDefaultObjs are the object kinds of default privileges: their type in
// pgValidPrivs and their letter in pg_default_acl.defaclobjtype.
var pgDefaultObjs = map[string]struct{ typ, letter string }{
	"TABLES": {"table", "r"}, "SEQUENCES": {"sequence", "S"}, "FUNCTIONS": {"function", "f"},
	"TYPES": {"type", "T"}, "SCHEMAS": {"schema", "n"},
}

// Validate applies Ansible's rules between type, objs, schema and privs.
func (m *PostgresqlPrivs) Validate() error {
	m.State = cmp.Or(m.State, "present")
	m.Type = cmp.Or(m.Type, "table")
	switch {
	case m.qualified() && (m.Objs == "schemas" || m.Schema == "not-specified"):
		m.Schema = ""
	case m.qualified():
		m.Schema = cmp.Or(m.Schema, "public")
	case m.Schema != "":
		return fmt.Errorf(`Argument "schema" is not allowed for type "%s".`, m.Type)
	}
	if m.Objs == "ALL_IN_SCHEMA" && !slices.Contains([]string{"table", "sequence", "function", "procedure"}, m.Type) {
		return fmt.Errorf(`Argument "objs": ALL_IN_SCHEMA can be used only for type: table, sequence, function or procedure, %s was passed.`, m.Type)
	}
	if m.Type == "database" {
		m.Objs = cmp.Or(m.Objs, m.Database)
	} else if m.Objs == "" {
		return fmt.Errorf(`Argument "objs" is required for type "%s".`, m.Type)
	}
	if m.Privs == "" {
		return fmt.Errorf(`Argument "privs" is required for type "%s".`, m.Type)
	}
	privs := m.privList()
	if bad := slices.DeleteFunc(slices.Clone(privs), func(p string) bool { return slices.Contains(pgAllPrivs, p) }); len(bad) > 0 {
		return fmt.Errorf("Invalid privileges specified: %s", pyFrozenset(bad))
	}
	if m.Type == "default_privs" {
		var bad []string
		for _, o := range m.objList() {
			if _, ok := pgDefaultObjs[o]; !ok {
				bad = append(bad, o)
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("Invalid Object set specified: %s", pyFrozenset(bad))
		}
	}
	kinds := []string{m.Type}
	if m.Type == "default_privs" {
		kinds = m.objList()
	}
	for _, k := range kinds {
		if _, err := pgNormalizePrivs(m.privType(k), privs); err != nil {
			return err
		}
	}
	return nil
}

// qualified says whether objects of the type live in a schema.
func (m *PostgresqlPrivs) qualified() bool {
	return slices.Contains([]string{"table", "sequence", "function", "procedure", "default_privs"}, m.Type)
}

// privList is privs upper-cased and without duplicates, in the given order.
func (m *PostgresqlPrivs) privList() []string {
	var out []string
	for _, p := range strings.Split(m.Privs, ",") {
		if p = strings.ToUpper(strings.TrimSpace(p)); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// objList splits objs; function arguments are separated by ':' in it.
func (m *PostgresqlPrivs) objList() []string {
	if m.Type == "default_privs" {
		if m.Objs == "ALL_DEFAULT" {
			return []string{"FUNCTIONS", "SEQUENCES", "TABLES", "TYPES"}
		}
		objs := strings.Split(strings.ToUpper(m.Objs), ",")
		slices.Sort(objs)
		return slices.Compact(objs)
	}
	if m.Objs == "ALL_IN_SCHEMA" {
		return nil
	}
	objs := strings.Split(m.Objs, ",")
	if m.Type == "function" || m.Type == "procedure" {
		for i, o := range objs {
			objs[i] = strings.ReplaceAll(o, ":", ",")
		}
	}
	return objs
}

// privType is the type in pgValidPrivs that obj's privileges belong to.
func (m *PostgresqlPrivs) privType(obj string) string {
	switch m.Type {
	case "default_privs":
		return pgDefaultObjs[obj].typ
	case "procedure":
		return "function"
	}
	return m.Type
}

// roleList is the roles, or nil for PUBLIC.
func (m *PostgresqlPrivs) roleList() []string {
	if strings.EqualFold(m.Roles, "PUBLIC") {
		return nil
	}
	return strings.Split(m.Roles, ",")
}

// pgPrivsSeen is the probe's answer: the roles that exist and, for every
// object, what each role holds on it ("SELECT*" when grantable).
type pgPrivsSeen struct {
	Roles []string   `json:"roles"`
	Objs  []pgObjACL `json:"objs"`
}

// pgObjACL is what each role holds on one object.
type pgObjACL struct {
	Name string              `json:"name"`
	Held map[string][]string `json:"held"`
}

// Plan compares the privileges held with the wanted ones.
func (m *PostgresqlPrivs) Plan(ctx context.Context, env *Env) (*Plan, error) {
	grantees := m.roleList()
	if grantees == nil {
		grantees = []string{"PUBLIC"}
	}
	var seen pgPrivsSeen
	if err := m.pgProbe(ctx, env.Host, m.Database, m.probeSQL(grantees), &seen); err != nil {
		return nil, err
	}
	p := &Plan{Result: map[string]any{"queries": []string{}}}
	roles := m.roleList()
	var existing []string
	var warnings []any
	for _, r := range roles {
		if slices.Contains(seen.Roles, r) {
			existing = append(existing, r)
		} else if m.FailOnRole == nil || *m.FailOnRole {
			return nil, Failf("Role '%s' does not exist", strings.TrimSpace(r))
		} else {
			warnings = append(warnings, fmt.Sprintf("Role '%s' does not exist, pass it", strings.TrimSpace(r)))
		}
	}
	if warnings != nil {
		p.Result["warnings"] = warnings
	}
	if roles != nil && len(existing) == 0 {
		return p, nil
	}
	if roles == nil {
		existing = []string{"PUBLIC"}
	}
	if m.Objs != "ALL_IN_SCHEMA" && m.Type != "default_privs" {
		for _, want := range m.objList() {
			if !slices.ContainsFunc(seen.Objs, func(o pgObjACL) bool { return o.Name == want }) {
				return nil, Failf("%s %s does not exist", m.Type, want)
			}
		}
	}
	if len(seen.Objs) == 0 || !m.differs(&seen, existing) {
		return p, nil
	}
	q := m.query(existing)
	p.Result["queries"] = []string{q}
	p.Steps = []Step{m.pgStep(m.Database, q+"\n")}
	return p, nil
}

// differs says whether any role lacks (or, revoking, holds) a privilege.
func (m *PostgresqlPrivs) differs(seen *pgPrivsSeen, roles []string) bool {
	for _, o := range seen.Objs {
		kind, _, _ := strings.Cut(o.Name, "@") // default_privs: KIND@owner
		want, _ := pgNormalizePrivs(m.privType(kind), m.privList())
		for _, r := range roles {
			if m.objDiffers(kind, want, o.Held[r]) {
				return true
			}
		}
	}
	return false
}

// objDiffers compares what a role holds on one object with want.
func (m *PostgresqlPrivs) objDiffers(obj string, want, held []string) bool {
	has := func(p string) bool { return slices.Contains(held, p) || slices.Contains(held, p+"*") }
	grantable := func(p string) bool { return slices.Contains(held, p+"*") }
	if m.State == "absent" {
		if m.Type == "default_privs" {
			return len(held) > 0
		}
		return slices.ContainsFunc(want, has)
	}
	if m.Type == "default_privs" && !slices.Contains(m.objList(), obj) {
		// TYPES only because of usage_on_types.
		return !has("USAGE") || m.GrantOption != nil && *m.GrantOption && !grantable("USAGE")
	}
	for _, p := range want {
		switch {
		case !has(p):
			return true
		case m.GrantOption != nil && *m.GrantOption != grantable(p):
			return true
		}
	}
	if m.Type == "default_privs" {
		// REVOKE ALL before GRANT: nothing else stays, nor a grant option
		// nobody asked for.
		for _, h := range held {
			p, star := strings.CutSuffix(h, "*")
			if !slices.Contains(want, p) || star && (m.GrantOption == nil || !*m.GrantOption) {
				return true
			}
		}
	}
	return false
}

// probeSQL reads the roles that exist and the ACL of every object.
func (m *PostgresqlPrivs) probeSQL(grantees []string) string {
	lits := make([]string, len(grantees))
	held := make([]string, len(grantees))
	for i, r := range grantees {
		lits[i] = pgLiteral(r)
		held[i] = pgLiteral(r) + ", " + pgACLItemsSQL("o.acl", r)
	}
	return fmt.Sprintf(`SELECT json_build_object(
 'roles', (SELECT coalesce(json_agg(rolname), '[]') FROM pg_roles WHERE rolname IN (%s)),
 'objs', (SELECT coalesce(json_agg(json_build_object('name', o.name, 'held', json_build_object(%s))), '[]') FROM (%s) o));
`, strings.Join(lits, ", "), strings.Join(held, ", "), m.objectsSQL())
}

// objectsSQL selects (name, acl) for every object concerned; an object
// without an ACL has its type's default one.
func (m *PostgresqlPrivs) objectsSQL() string {
	schema := pgLiteral(m.Schema)
	if m.Type == "default_privs" {
		return m.defaultObjectsSQL()
	}
	var catalog, name, acl, where string
	switch m.Type {
	case "table", "sequence":
		catalog = "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		name, acl = "c.relname", "coalesce(c.relacl, acldefault('r', c.relowner))"
		where = "c.relkind IN ('r', 'v', 'm', 'p', 'f')"
		if m.Type == "sequence" {
			acl, where = "coalesce(c.relacl, acldefault('s', c.relowner))", "c.relkind = 'S'"
		}
		where += " AND n.nspname = " + schema
	case "function", "procedure":
		catalog = "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
		name, acl = "p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'", "coalesce(p.proacl, acldefault('f', p.proowner))"
		where = fmt.Sprintf("p.prokind = '%c' AND n.nspname = %s", m.Type[0], schema)
	case "database":
		catalog, name, acl, where = "pg_database d", "d.datname", "coalesce(d.datacl, acldefault('d', d.datdba))", "true"
	case "schema":
		catalog, name, acl, where = "pg_namespace n", "n.nspname", "coalesce(n.nspacl, acldefault('n', n.nspowner))", "true"
	}
	if m.Objs == "ALL_IN_SCHEMA" {
		return fmt.Sprintf("SELECT %s AS name, %s AS acl FROM %s WHERE %s", name, acl, catalog, where)
	}
	// Explicit objects keep the names they were given: a function is
	// found by its signature, whatever spelling of the types it uses.
	var names, match []string
	for _, o := range m.objList() {
		names = append(names, pgLiteral(o))
	}
	match = append(match, name+" = x.name")
	if m.Type == "function" || m.Type == "procedure" {
		match = []string{"p.oid = to_regprocedure(" + pgLiteral(pgIdent(m.Schema)+".") + " || x.name)"}
	}
	return fmt.Sprintf("SELECT x.name, %s AS acl FROM unnest(ARRAY[%s]::text[]) x(name) JOIN %s ON %s WHERE %s",
		acl, strings.Join(names, ", "), catalog, strings.Join(match, ""), where)
}

// defaultObjectsSQL selects the default ACL of each object kind concerned,
// named KIND@owner, for each target role (default: the connected role).
func (m *PostgresqlPrivs) defaultObjectsSQL() string {
	kinds := m.objList()
	if m.State == "absent" {
		kinds = []string{"SEQUENCES", "TABLES", "TYPES"}
	} else if m.UsageOnTypes == nil || *m.UsageOnTypes {
		kinds = append(kinds, "TYPES")
	}
	owners := []string{"NULL"}
	if m.TargetRoles != "" {
		owners = nil
		for _, r := range strings.Split(m.TargetRoles, ",") {
			owners = append(owners, pgLiteral(r))
		}
	}
	var rows []string
	for _, k := range slices.Compact(kinds) {
		for _, o := range owners {
			rows = append(rows, fmt.Sprintf("(%s, %s, %s)", pgLiteral(k), o, pgLiteral(pgDefaultObjs[k].letter)))
		}
	}
	nsp := "0"
	if m.Schema != "" {
		nsp = fmt.Sprintf("(SELECT oid FROM pg_namespace WHERE nspname = %s)", pgLiteral(m.Schema))
	}
	return fmt.Sprintf(`SELECT x.kind || '@' || coalesce(x.owner, current_user) AS name, (SELECT defaclacl FROM pg_default_acl
  WHERE defaclrole = (SELECT oid FROM pg_roles WHERE rolname = coalesce(x.owner, current_user))
  AND defaclnamespace = %s AND defaclobjtype = x.letter::"char") AS acl
 FROM (VALUES %s) x(kind, owner, letter)`, nsp, strings.Join(rows, ", "))
}

// query is the statement Ansible runs, one per task.
func (m *PostgresqlPrivs) query(roles []string) string {
	whom := "PUBLIC"
	if roles[0] != "PUBLIC" {
		quoted := make([]string, len(roles))
		for i, r := range roles {
			quoted[i] = pgIdent(r)
		}
		whom = strings.Join(quoted, ",")
	}
	privs := strings.Join(m.privList(), ",")
	inSchema := ""
	if m.Schema != "" {
		inSchema = " IN SCHEMA " + pgIdent(m.Schema)
	}
	if m.Type == "default_privs" {
		return strings.Join(m.defaultQueries(privs, whom, inSchema), "\n")
	}
	var what string
	if m.Objs == "ALL_IN_SCHEMA" {
		what = fmt.Sprintf("%s ON ALL %sS IN SCHEMA %s", privs, strings.ToUpper(m.Type), pgIdent(m.Schema))
	} else {
		ids := m.objList()
		for i, o := range ids {
			ids[i] = m.objectID(o)
		}
		what = fmt.Sprintf("%s ON %s %s", privs, m.Type, strings.Join(ids, ","))
	}
	if m.State == "absent" {
		return fmt.Sprintf("REVOKE %s FROM %s;", what, whom)
	}
	q := []string{fmt.Sprintf("GRANT %s TO %s", what, whom) + m.grantOption()}
	if m.GrantOption != nil && !*m.GrantOption {
		q = append(q, fmt.Sprintf("REVOKE GRANT OPTION FOR %s FROM %s;", what, whom))
	}
	return strings.Join(q, "\n")
}

// objectID quotes an object, schema-qualified for the types that have one.
func (m *PostgresqlPrivs) objectID(obj string) string {
	prefix := ""
	if m.Schema != "" {
		prefix = pgIdent(m.Schema) + "."
	}
	switch m.Type {
	case "function", "procedure":
		name, args, _ := strings.Cut(obj, "(")
		return prefix + pgIdent(name) + "(" + args
	case "table", "sequence":
		return prefix + pgIdent(obj)
	}
	return pgIdent(obj)
}

// grantOption ends a GRANT statement as Ansible does.
func (m *PostgresqlPrivs) grantOption() string {
	if m.GrantOption != nil && *m.GrantOption {
		return " WITH GRANT OPTION;"
	}
	return ";"
}

// defaultQueries are ALTER DEFAULT PRIVILEGES statements: revoke all, then
// grant privs, for each kind of object (and USAGE on types).
func (m *PostgresqlPrivs) defaultQueries(privs, whom, inSchema string) []string {
	forRole := ""
	if m.TargetRoles != "" {
		quoted := strings.Split(m.TargetRoles, ",")
		for i, r := range quoted {
			quoted[i] = pgIdent(r)
		}
		forRole = " FOR ROLE " + strings.Join(quoted, ",")
	}
	alter := "ALTER DEFAULT PRIVILEGES" + forRole + inSchema
	var q []string
	if m.State == "absent" {
		for _, k := range []string{"TABLES", "SEQUENCES", "TYPES"} {
			q = append(q, fmt.Sprintf("%s REVOKE ALL ON %s FROM %s;", alter, k, whom))
		}
		return q
	}
	objs := m.objList()
	for _, k := range objs {
		q = append(q, fmt.Sprintf("%s REVOKE ALL ON %s FROM %s;", alter, k, whom))
	}
	for _, k := range objs {
		q = append(q, fmt.Sprintf("%s GRANT %s ON %s TO %s", alter, privs, k, whom)+m.grantOption())
	}
	if m.UsageOnTypes == nil || *m.UsageOnTypes {
		q = append(q, fmt.Sprintf("%s GRANT USAGE ON TYPES TO %s", alter, whom)+m.grantOption())
	}
	return q
}

// pyFrozenset prints names as Python prints a frozenset of strings.
func pyFrozenset(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + n + "'"
	}
	return "frozenset({" + strings.Join(quoted, ", ") + "})"
}

var _ Validator = (*PostgresqlPrivs)(nil)
