package modules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// pgValidPrivs are the privileges each object type takes, ALL expanding to
// all of them (TEMP is TEMPORARY's short name).
var pgValidPrivs = map[string][]string{
	"database": {"CREATE", "CONNECT", "TEMPORARY"},
	"table":    {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"},
	"sequence": {"SELECT", "UPDATE", "USAGE"},
	"schema":   {"CREATE", "USAGE"},
	"function": {"EXECUTE"},
	"type":     {"USAGE"},
}

// pgNormalizePrivs upper-cases, expands ALL and TEMP, sorts and dedups a
// privilege list, or says which privileges objType does not have.
func pgNormalizePrivs(objType string, privs []string) ([]string, error) {
	valid := pgValidPrivs[objType]
	var out, bad []string
	for _, p := range privs {
		p = strings.ToUpper(strings.TrimSpace(p))
		switch {
		case p == "":
		case p == "ALL" || p == "ALL PRIVILEGES":
			out = append(out, valid...)
		case p == "TEMP" && objType == "database":
			out = append(out, "TEMPORARY")
		case slices.Contains(valid, p):
			out = append(out, p)
		default:
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("Invalid privs specified for %s: %s", objType, strings.Join(bad, " "))
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// pgHeldSQL is a SQL expression giving the JSON array of the privileges role
// holds directly on the object (a table or sequence may be schema.name,
// default schema public). An object without an ACL has its type's default
// privileges, so the owner holds everything and PUBLIC what PostgreSQL
// grants it.
func pgHeldSQL(objType, object, role string) string {
	var from string
	switch objType {
	case "database":
		from = fmt.Sprintf("pg_database o, aclexplode(coalesce(o.datacl, acldefault('d', o.datdba))) a WHERE o.datname = %s", pgLiteral(object))
	case "schema":
		from = fmt.Sprintf("pg_namespace o, aclexplode(coalesce(o.nspacl, acldefault('n', o.nspowner))) a WHERE o.nspname = %s", pgLiteral(object))
	default: // table, sequence
		schema, name, ok := strings.Cut(object, ".")
		if !ok {
			schema, name = "public", object
		}
		kind := map[string]string{"table": "r", "sequence": "s"}[objType]
		from = fmt.Sprintf("pg_class o JOIN pg_namespace n ON n.oid = o.relnamespace, aclexplode(coalesce(o.relacl, acldefault(%s, o.relowner))) a WHERE n.nspname = %s AND o.relname = %s",
			pgLiteral(kind), pgLiteral(schema), pgLiteral(name))
	}
	return fmt.Sprintf("(SELECT coalesce(json_agg(DISTINCT a.privilege_type), '[]') FROM %s AND a.grantee = %s)", from, pgRoleOID(role))
}

// pgRoleOID is a SQL expression giving the role's oid (0 for PUBLIC, NULL
// for a role that does not exist).
func pgRoleOID(role string) string {
	if role == "PUBLIC" {
		return "0"
	}
	return fmt.Sprintf("(SELECT oid FROM pg_roles WHERE rolname = %s)", pgLiteral(role))
}

// pgACLItemsSQL is a SQL expression giving the JSON array of the privileges
// role holds in the aclitem[] expression acl, "SELECT*" for one it may grant
// on (as the ACL's own notation marks it).
func pgACLItemsSQL(acl, role string) string {
	return fmt.Sprintf("(SELECT coalesce(json_agg(DISTINCT a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END), '[]') FROM aclexplode(nullif(%s, '{}')) a WHERE a.grantee = %s)", acl, pgRoleOID(role))
}

// pgGrantee quotes a role for GRANT and REVOKE (PUBLIC is a keyword).
func pgGrantee(role string) string {
	if role == "PUBLIC" {
		return "PUBLIC"
	}
	return pgIdent(role)
}

// pgObjectName quotes an object for GRANT and REVOKE.
func pgObjectName(objType, object string) string {
	if objType == "table" || objType == "sequence" {
		return pgQualified(object)
	}
	return pgIdent(object)
}

// pgGrantSQL is GRANT (or REVOKE) privs ON objType object TO (FROM) role.
func pgGrantSQL(grant bool, privs []string, objType, object, role string) string {
	if grant {
		return fmt.Sprintf("GRANT %s ON %s %s TO %s", strings.Join(privs, ", "), strings.ToUpper(objType), pgObjectName(objType, object), pgGrantee(role))
	}
	return fmt.Sprintf("REVOKE %s ON %s %s FROM %s", strings.Join(privs, ", "), strings.ToUpper(objType), pgObjectName(objType, object), pgGrantee(role))
}
