package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A template lookup in a loop sees the item; string methods' results compare
// equal to strings (an -e value here). Output as ansible-playbook 2.14 prints it.
func TestLookupInLoopAndStrMethods(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/lookup_loop", map[string]string{"hosts": sshHosts("a")})
	res := playIn(t, dir, "-e", "addr=127.0.0.11")
	wantOutput(t, res, 0,
		"ok: [a] => (item=1) => {\n    \"msg\": \"1-X\\n\"\n}\nok: [a] => (item=2) => {\n    \"msg\": \"2-X\\n\"\n}",
		"TASK [command] ***", "\nok: [a]\n",
		"TASK [assert] ***", "\nok: [a] => {\n    \"changed\": false,\n    \"msg\": \"All assertions passed\"\n}",
	)
}

// Every level of Ansible's variable precedence that play has: variable vNN
// is set at level NN-1 and NN (the level numbers are the values), so each
// pair of neighbouring levels is checked; ansible_system checks facts over
// playbook host_vars, ansible_os_family play vars over facts. Also hostvars
// of a host outside the play, inventory_dir/inventory_file, role_path,
// hash_behaviour=replace and omit inside dicts. Output as ansible-playbook
// 2.14 prints it for the same files (its omit token differs).
func TestVariablePrecedenceLevels(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/precedence_levels", map[string]string{
		"inv/hosts": "[g]\n" + sshHost("a", 0) + " v07=7 v06=7\n" + `[g:vars]
v01=2
v02=2
[h]
` + sshHost("other", 1) + " ov=fromother\n",
	})
	res := play(t, "-i", filepath.Join(dir, "inv", "hosts"), filepath.Join(dir, "site.yml"), "-e", "v20=21")
	res.stdout = strings.ReplaceAll(res.stdout, dir, "DIR")
	wantOutput(t, res, 0,
		"TASK [r : debug] ***", `"msg": "2 3 4 5 6 7 8 9 9 Linux 12 13 14 15 16 17 18 19 20 21"`,
		"TASK [r : debug] ***", `"msg": "DIR/roles/r"`,
		"TASK [debug] ***", `"msg": "play"`,
		"TASK [debug] ***", `"msg": "{'b': 2, 'n': {'y': 2}} fromother DIR/inv DIR/inv DIR/inv/hosts no role_path"`,
		"TASK [debug] ***", "ok: [a] => {\n    \"x\": {\n        \"b\": 1,\n        \"l\": [\n            {\n                \"d\": 2\n            }\n        ],\n        \"n\": {}\n    }\n}",
	)
	if got := recap(t, res.stdout)["a"]; got != [7]int{10, 0, 0, 0, 0, 0, 0} {
		t.Errorf("recap a = %v, want ok=10", got)
	}
}

// meta: end_play ends every remaining serial batch, end_batch only the
// current one; the next play runs either way. Output as ansible-playbook 2.14.
func TestMetaEndPlayAndBatch(t *testing.T) {
	for action, want := range map[string][]string{
		"end_play":  {"TASK [meta] ***", "PLAY [all] ***", "TASK [debug] ***", "ok: [a] => {\n    \"msg\": \"next\"\n}\nok: [b] => {\n    \"msg\": \"next\"\n}"},
		"end_batch": {"TASK [meta] ***", "PLAY [all] ***", "ok: [b] => {\n    \"msg\": \"one\"\n}", "TASK [meta] ***", "PLAY [all] ***", "\"msg\": \"next\""},
	} {
		t.Run(action, func(t *testing.T) {
			dir := projectFrom(t, "testdata/lang/meta_end/"+action, map[string]string{"hosts": sshHosts("a", "b")})
			res := playIn(t, dir)
			wantOutput(t, res, 0, want...)
			if strings.Contains(res.stdout, `"msg": "two"`) {
				t.Errorf("a task after meta: %s ran:\n%s", action, res.stdout)
			}
			wantB := [7]int{2, 0, 0, 0, 0, 0, 0}
			if action == "end_play" {
				wantB[0] = 1
			}
			if got := recap(t, res.stdout); got["a"] != [7]int{2, 0, 0, 0, 0, 0, 0} || got["b"] != wantB {
				t.Errorf("recap = %v, want a ok=2, b %v", got, wantB)
			}
		})
	}
}

// meta: reset_connection closes the host's SSH connection: the next task
// comes from a new client port; without it, tasks share one connection.
func TestMetaResetConnection(t *testing.T) {
	pb := filepath.Join(projectFrom(t, "testdata/lang/reset_connection", nil), "site.yml")
	res := play(t, pb, "-i", labInventory(t))
	wantOutput(t, res, 0, "TASK [meta] ***", "TASK [assert] ***", "All assertions passed")
}
