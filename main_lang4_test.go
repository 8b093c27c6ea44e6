package main

import (
	"strings"
	"testing"
)

// A role used again the same way (same params, when, tags, vars) is listed
// by --list-tasks and skipped at run time on the hosts that ran it; one
// whose first use was skipped on a host runs there. Listing, results and
// recap are ansible-playbook 2.14's for the same files.
func TestRoleRepeatedIsListedAndSkipped(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/role_repeated", map[string]string{"hosts": sshHosts("a", "b")})
	list := playIn(t, dir, "--list-tasks")
	wantList := `
  play #1 (all): all	TAGS: []
    tasks:
      r : r task	TAGS: []
      r : r task	TAGS: []
      r : r task	TAGS: []
      r : r task	TAGS: []
      base : base task	TAGS: []
      app : app task	TAGS: []
      base : base task	TAGS: []
      base : base task	TAGS: []
      app : app task	TAGS: []
`
	if list.code != 0 || !strings.HasSuffix(list.stdout, wantList) {
		t.Fatalf("exit %d, --list-tasks:\n%s\nwant it to end with:\n%s", list.code, list.stdout, wantList)
	}
	res := playIn(t, dir)
	wantOutput(t, res, 0, `
TASK [r : r task] **************************************************************
ok: [a] => {
    "msg": "r 0"
}
skipping: [b]

TASK [r : r task] **************************************************************
ok: [a] => {
    "msg": "r 0"
}
ok: [b] => {
    "msg": "r 0"
}

TASK [r : r task] **************************************************************
ok: [a] => {
    "msg": "r 1"
}
ok: [b] => {
    "msg": "r 1"
}

TASK [base : base task] ********************************************************
ok: [a] => {
    "msg": "base"
}
ok: [b] => {
    "msg": "base"
}

TASK [app : app task] **********************************************************
ok: [a] => {
    "msg": "app"
}
ok: [b] => {
    "msg": "app"
}

PLAY RECAP ***`)
	if got := recap(t, res.stdout); got["a"] != [7]int{5, 0, 0, 0, 0, 0, 0} || got["b"] != [7]int{4, 0, 0, 0, 1, 0, 0} {
		t.Errorf("recap %v", got)
	}
}

// import_role inside a file include_tasks reads at run time brings that
// role's handlers (notify works), and its tasks stay that role's even when
// a role's include_tasks reads the file; as ansible-playbook 2.14.
func TestImportRoleInIncludedFileKeepsHandlers(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/import_role_handlers", map[string]string{"hosts": sshHosts("a", "b")})
	wantOutput(t, playIn(t, dir), 0, `
TASK [outer : include_tasks] ***************************************************
included: DIR/roles/outer/tasks/more.yml for a, b

TASK [w : w task] **************************************************************
changed: [a]
changed: [b]

TASK [outer : outer more] ******************************************************
ok: [a] => {
    "msg": "outer"
}
ok: [b] => {
    "msg": "outer"
}

TASK [include_tasks] ***********************************************************
included: DIR/tasks/inc.yml for a, b

TASK [w : w task] **************************************************************
changed: [a]
changed: [b]

RUNNING HANDLER [w : w handler] ************************************************
ok: [a] => {
    "msg": "handled"
}
ok: [b] => {
    "msg": "handled"
}

PLAY RECAP *********************************************************************
a                          : ok=6    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
b                          : ok=6    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
`)
}

// The role name variables, as ansible-playbook 2.14 shows them for the
// same files: ansible_parent_role_names/paths only under an
// import_role/include_role made from a role (nearest first); role_names
// and ansible_play_role_names are the play's roles (roles:, every
// import_role, also one read at run time); ansible_role_names adds the
// dependencies (Ansible's is a set: compared sorted).
func TestRoleNameVariables(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/role_names", map[string]string{
		"hosts": sshHosts("a"),
	})
	oneLine := strings.NewReplacer("\n", "", " ", "")
	res := playIn(t, dir)
	got := oneLine.Replace(res.stdout)
	for _, want := range []string{
		`TASK[dep:dep]***`, `"msg":["U","U",["top","leaf"],["dep","leaf","top"],["top","leaf"],["dep"]]`,
		`TASK[top:top]***`, `"msg":["U","U",["top","leaf"],["dep","leaf","top"],["top","leaf"],["dep"]]`,
		`TASK[leaf:leaf]***`, `"msg":[["mid","top"],["DIR/roles/mid","DIR/roles/top"],["top","leaf","leaf"],["dep","leaf","top"],["top","leaf","leaf"],["dep"]]`,
		`TASK[play]***`, `"msg":["U","U",["top","leaf","leaf"],`,
		`TASK[leaf:leaf]***`, `"msg":["U","U",["top","leaf","leaf"],`,
	} {
		i := strings.Index(got, oneLine.Replace(want))
		if i < 0 {
			t.Fatalf("output lacks (in order) %s:\n%s%s", want, res.stdout, res.stderr)
		}
		got = got[i:]
	}
}

// meta: refresh_inventory reads the inventory file again: a host a task
// appended shows in groups and ansible_play_hosts_all at once and runs
// from the next play on; as ansible-playbook 2.14.
func TestRefreshInventory(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/refresh_inventory", map[string]string{
		"hosts":    sshHosts("a", "b"),
		"more.ini": sshHost("c", 2) + "\n[new]\nc\n",
	})
	wantOutput(t, playIn(t, dir), 0, `
TASK [before] ******************************************************************
ok: [a] => {
    "msg": "['a', 'b'] ['a', 'b']"
}
ok: [b] => {
    "msg": "['a', 'b'] ['a', 'b']"
}

TASK [meta] ********************************************************************

TASK [after] *******************************************************************
ok: [a] => {
    "msg": "['a', 'b', 'c'] ['c'] ['a', 'b', 'c']"
}
ok: [b] => {
    "msg": "['a', 'b', 'c'] ['c'] ['a', 'b', 'c']"
}

PLAY [all] *********************************************************************

TASK [second play] *************************************************************
ok: [a] => {
    "msg": "['a', 'b', 'c'] ['ungrouped']"
}
ok: [b] => {
    "msg": "['a', 'b', 'c'] ['ungrouped']"
}
ok: [c] => {
    "msg": "['a', 'b', 'c'] ['new']"
}

PLAY RECAP *********************************************************************
a                          : ok=4    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
b                          : ok=3    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
c                          : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
`)
}

// hostvars holds every inventory host and the implicit localhost, as
// ansible-playbook 2.14 shows for the same inventory; a host's entry
// follows its set_fact and register.
func TestHostvarsKeysAndUpdates(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/hostvars", map[string]string{"hosts": sshHosts("a", "b")})
	wantOutput(t, playIn(t, dir), 0, `"msg": "3 ['a', 'b', 'localhost'] localhost"`, `"msg": "1 hi unset"`)
}
