package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// volatile matches the parts of a result that change from run to run.
var volatile = regexp.MustCompile(`"(delta|end|start)": "[^"]*"`)

// normalized is output with volatile values and the project directory
// replaced, for comparing play's with Ansible's.
func normalized(out, dir string) string {
	return volatile.ReplaceAllString(strings.ReplaceAll(out, dir, "DIR"), `"$1": "X"`)
}

// playLikeAnsible runs dir/site.yml with -f 1 and the inventory inv (the
// lab's sshd hosts) and compares play's output with dir/ansible.out, what ansible-playbook
// 2.14 printed for the same files over the same kind of hosts (-f 1,
// dir written as DIR, volatile values as X).
func playLikeAnsible(t *testing.T, dir string, code int, inv string, args ...string) result {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "ansible.out"))
	if err != nil {
		t.Fatal(err)
	}
	res := play(t, append([]string{"-i", inv, filepath.Join(abs, "site.yml"), "-f", "1"}, args...)...)
	if res.code != code {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, code, res.stdout, res.stderr)
	}
	if got, want := normalized(res.stdout, abs), normalized(string(want), abs); got != want {
		t.Errorf("output differs from ansible-playbook's (-want +got):\n%s", lineDiff(want, got))
	}
	return res
}

// lineDiff lists the lines of want and got from the first that differs.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	return "first difference at line " + strconv.Itoa(i+1) + "\n-" + strings.Join(w[i:], "\n-") + "\n+" + strings.Join(g[i:], "\n+")
}

// Handlers run in the order they are defined, once however often notified,
// at meta: flush_handlers and at the end of the section (a role's handlers
// with the play's); listen topics, chained notifications, a role's handler
// notified as "role : name", none for a host that failed.
func TestHandlerOrdering(t *testing.T) {
	res := playLikeAnsible(t, "testdata/lang/handlers", 2, sshInventory(t, "a", "b"))
	wantOutput(t, res, 2, "RUNNING HANDLER [svc : reload svc]", "RUNNING HANDLER [first]", "RUNNING HANDLER [second]",
		"RUNNING HANDLER [listener one]", "RUNNING HANDLER [listener two]", "TASK [after the flush]",
		"RUNNING HANDLER [first] ***", "changed: [a]\n\nRUNNING HANDLER [chained]", "RUNNING HANDLER [last]")
}

// block/rescue/always over three hosts: the block's keywords reach its
// tasks, only the hosts that failed run the rescue (which sees
// ansible_failed_task and ansible_failed_result), always runs for every
// host of the block, rescued= and failed= count as Ansible counts them.
func TestBlockRescueAlwaysCounts(t *testing.T) {
	res := playLikeAnsible(t, "testdata/lang/blocks", 2, sshInventory(t, "a", "b", "c"))
	got := recap(t, res.stdout)
	for host, want := range map[string][7]int{
		"a": {7, 2, 0, 1, 0, 1, 0},
		"b": {8, 1, 0, 0, 1, 1, 0},
		"c": {6, 1, 0, 1, 5, 0, 0},
	} {
		if got[host] != want {
			t.Errorf("recap %s = %v, want %v", host, got[host], want)
		}
	}
}

// The roles: list (strings, dicts with params, vars, when, tags), main.yaml
// and main, allow_duplicates, roles and an ns.name found on the roles path,
// import_role and include_role with tasks_from, vars_from, defaults_from,
// apply and public; the roles path comes from ansible.cfg's roles_path
// (relative to the file) or from ANSIBLE_ROLES_PATH.
func TestRolesFeatures(t *testing.T) {
	dir, err := filepath.Abs("testdata/lang/roles")
	if err != nil {
		t.Fatal(err)
	}
	for name, env := range map[string][2]string{
		"roles_path in ansible.cfg": {"ANSIBLE_CONFIG", filepath.Join(dir, "ansible.cfg")},
		"ANSIBLE_ROLES_PATH":        {"ANSIBLE_ROLES_PATH", filepath.Join(dir, "cfg_roles")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(env[0], env[1])
			res := playLikeAnsible(t, dir, 0, sshInventory(t, "a", "b"))
			if got := recap(t, res.stdout); got["a"] != [7]int{14, 1, 0, 0, 0, 0, 0} || got["b"] != [7]int{13, 0, 0, 0, 1, 0, 0} {
				t.Errorf("recap %v", got)
			}
		})
	}
}

// Magic variables (inventory_hostname_short, group_names, groups, hostvars,
// the play's host lists, playbook_dir, check and diff mode, ansible_version,
// run and skip tags, ansible_limit, ansible_forks), lazy evaluation,
// import_playbook with vars and with a when that skips every task of the
// imported play, import_tasks' keywords on each imported task, a loop over
// query() with index_var and extended ansible_loop.
func TestMagicVariablesAndImports(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "hosts")
	writeFile(t, inv, "[web]\n"+sshHost("a", 0)+" flavor=vanilla\n"+sshHost("b", 1)+" flavor=chocolate\n")
	playLikeAnsible(t, "testdata/lang/magic", 0, inv, "--diff", "-t", "all")
}

// The filters and tests the issue lists (indent, comment, regex_findall,
// split, zip, product, dict, list, min, max, sum, random and shuffle with a
// seed, human_readable, to_datetime, strftime, urlsplit, password_hash,
// version with loose, strict and semver, version_compare) print as
// ansible-playbook 2.14 prints them, and a template using them writes the
// same file on the host; a second run changes nothing.
func TestFiltersAndTemplateFile(t *testing.T) {
	dir, out := "testdata/lang/filters", t.TempDir()
	inv := sshInventory(t, "a")
	playLikeAnsible(t, dir, 0, inv, "-e", "out="+out)
	want, err := os.ReadFile(filepath.Join(dir, "a.conf.ansible"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(out, "a.conf")); err != nil || string(got) != string(want) {
		t.Errorf("a.conf = %q (%v), want %q", got, err, want)
	}
	again := play(t, "-i", inv, filepath.Join(dir, "site.yml"), "-e", "out="+out)
	wantOutput(t, again, 0, "TASK [template] ***", "ok: [a]", "changed=0")
}

// serial as a number, a percentage and a list, with the orders sorted,
// reverse_sorted and inventory (hosts listed c, a, b), run_once once per
// batch and handlers at the end of each batch.
func TestSerialOrdersAndRunOnce(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "hosts")
	writeFile(t, inv, sshHost("c", 2)+"\n"+sshHost("a", 0)+"\n"+sshHost("b", 1)+"\n")
	res := playLikeAnsible(t, "testdata/lang/serial", 0, inv)
	got := recap(t, res.stdout)
	for host, want := range map[string][7]int{"a": {5, 2, 0, 0, 0, 0, 0}, "b": {4, 1, 0, 0, 0, 0, 0}, "c": {5, 2, 0, 0, 0, 0, 0}} {
		if got[host] != want {
			t.Errorf("recap %s = %v, want %v", host, got[host], want)
		}
	}
}

// --step asks before each task on a terminal; without one play refuses
// before connecting (ansible-playbook 2.14 reads the answers from the pipe).
func TestStepNeedsATerminal(t *testing.T) {
	res := play(t, "-i", sshInventory(t, "a"), "testdata/lang/serial/site.yml", "--step")
	if res.code != 5 || !strings.Contains(res.stderr, "ERROR! --step asks before each task and needs a terminal on standard input") {
		t.Errorf("exit %d, want 5 and the reason\n%s%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout, "TASK [") {
		t.Errorf("a task ran:\n%s", res.stdout)
	}
}
