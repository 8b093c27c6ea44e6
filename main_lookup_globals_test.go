package main

import "testing"

// lookup, query and q are Jinja globals in Ansible: a variable of the same
// name hides them (register: q is common), the others still work. Output as
// ansible-playbook 2.14 prints it.
func TestVariablesHideLookupGlobals(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/lookup_globals", map[string]string{"hosts": sshHosts("a")})
	wantOutput(t, playIn(t, dir), 0, "ok: [a] => {\n    \"msg\": \"hi [1] 2\"\n}")
}
