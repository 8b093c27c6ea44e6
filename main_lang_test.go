package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// project writes files (path relative to a fresh directory -> content) and
// returns the directory.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

// projectFrom copies the playbook tree src (testdata/lang/<feature>) into a
// fresh directory, writes files over it as project does (the inventory names
// the sshd lab's ports and keys, so tests generate it), and returns the
// directory.
func projectFrom(t *testing.T, src string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, files)
	return dir
}

// writeTree writes files (path relative to dir -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, content)
	}
}

// playIn runs play in dir with its "hosts" inventory and site.yml, one fork
// so that host lines come in inventory order; DIR stands for dir in stdout.
func playIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	res := play(t, append([]string{"-i", filepath.Join(dir, "hosts"), filepath.Join(dir, "site.yml"), "-f", "1"}, args...)...)
	res.stdout = strings.ReplaceAll(res.stdout, dir, "DIR")
	return res
}

// wantOutput checks the exit code and that stdout holds each part in order.
func wantOutput(t *testing.T, res result, code int, parts ...string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, code, res.stdout, res.stderr)
	}
	rest := res.stdout
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks (in order):\n%s\n--- output:\n%s", p, res.stdout)
		}
		rest = rest[i+len(p):]
	}
}

// Output and counts as ansible-playbook 2.14 prints them for the same files.
func TestIncludeTasksAndVars(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/include", map[string]string{"hosts": sshHosts("a", "b")})
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"TASK [include_tasks] ***", "\nincluded: DIR/sub.yml for a, b\n",
		"TASK [debug] ***", `"msg": "in sub none"`,
		"TASK [include_tasks] ***", "\nincluded: DIR/sub.yml for a, b => (item=sub)\nincluded: DIR/sub2.yml for a, b => (item=sub2)\n",
		"TASK [debug] ***", `"msg": "in sub sub"`,
		"TASK [sub2 task] ***", "ok: [a]\nok: [b]\n",
		"TASK [include_tasks] ***", "\nskipping: [b]\nincluded: DIR/sub2.yml for a\n",
		"TASK [sub2 task] ***", "\nok: [a]\n\n",
		"TASK [include_vars] ***", "ok: [a]\nok: [b]\n",
		"TASK [debug] ***", "ok: [a] => {\n    \"one\": 1\n}",
		"TASK [include_vars] ***",
		"TASK [debug] ***", "ok: [a] => {\n    \"all_vars\": {\n        \"one\": 1,\n        \"two\": 2\n    }\n}",
		"TASK [include_tasks] ***",
		`fatal: [a]: FAILED! => {"reason": "Could not find or access 'DIR/nope.yml' on the Ansible Controller."}`,
	)
	got := recap(t, res.stdout)
	if want := [7]int{12, 0, 0, 1, 0, 0, 0}; got["a"] != want {
		t.Errorf("recap a = %v, want %v", got["a"], want)
	}
	if want := [7]int{10, 0, 0, 1, 1, 0, 0}; got["b"] != want {
		t.Errorf("recap b = %v, want %v", got["b"], want)
	}
}

// include_vars sits above task vars and below set_fact; apply: tags select
// the included tasks while the include itself runs for any tag selection
// it matches.
func TestIncludeVarsPrecedenceAndApplyTags(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/include_vars", map[string]string{"hosts": sshHosts("a")})
	res := playIn(t, dir, "-t", "t")
	wantOutput(t, res, 0, "TASK [applied] ***", "TASK [also applied] ***")
	if got, want := recap(t, res.stdout)["a"], [7]int{8, 0, 0, 0, 0, 0, 0}; got != want {
		t.Errorf("recap = %v, want %v\n%s", got, want, res.stdout)
	}
}

// until/retries/delay print Ansible's retry lines and attempts counts:
// retries+1 attempts, and attempts=retries when all of them failed.
func TestUntilRetries(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/until", map[string]string{"hosts": sshHosts("a")})
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		"TASK [count up] ***", "\nFAILED - RETRYING: [a]: count up (5 retries left).\nFAILED - RETRYING: [a]: count up (4 retries left).\nchanged: [a]\n",
		"TASK [never] ***", "\nFAILED - RETRYING: [a]: never (2 retries left).\nFAILED - RETRYING: [a]: never (1 retries left).\nfatal: [a]: FAILED! => {\"attempts\": 2, ",
		"...ignoring",
	)
	if got, want := recap(t, res.stdout)["a"], [7]int{4, 2, 0, 0, 0, 0, 1}; got != want {
		t.Errorf("recap = %v, want %v", got, want)
	}
}

// Each lookup's value as ansible-playbook 2.14 computed it for the same files.
func TestLookups(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/lookups", map[string]string{"hosts": sshHosts("a")})
	t.Setenv("PLAY_LOOKUP_TEST", "from env")
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"ok: [a] => (item=n1) => {\n    \"msg\": \"n1\"\n}\nok: [a] => (item=n2)",
		"ok: [a] => (item=[{'name': 'u1'}, 'k1']) => {\n    \"msg\": \"u1 k1\"\n}\nok: [a] => (item=[{'name': 'u1'}, 'k2'])",
		"(item=[{'name': 'u2'}, 'k3'])",
		"ok: [a] => (item=[0, 'x'])", "(item=[1, 'y'])",
		"(item=DIR/files/a.conf)", "(item=DIR/files/b.conf)",
		`fatal: [a]: FAILED! => {"msg": "An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: missing. could not locate file in lookup: missing"}`,
	)
	first, err := os.ReadFile(filepath.Join(dir, "pw", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	playIn(t, dir)
	if again, _ := os.ReadFile(filepath.Join(dir, "pw", "secret")); string(again) != string(first) {
		t.Errorf("password file rewritten: %q then %q", first, again)
	}
}

// delegate_to, local_action, run_once and delegate_facts print and count as
// ansible-playbook 2.14 does: run_once runs on the first host and counts
// there only, while every host gets its result.
func TestDelegateAndRunOnce(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/delegate", map[string]string{"hosts": sshHosts("a", "b")})
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		"TASK [command] ***", "\nchanged: [a -> localhost]\nchanged: [b -> localhost]\n",
		"TASK [command] ***", "\nchanged: [a]\n\n",
		"TASK [set_fact] ***", "\nok: [a]\n\n",
		"TASK [command] ***", "\nchanged: [a -> localhost]\nchanged: [b -> localhost]\n",
		"TASK [command] ***", "\nchanged: [a -> b]\nchanged: [b]\n",
		"TASK [setup] ***", "\nok: [a -> b]\n\n",
	)
	got := recap(t, res.stdout)
	if want := [7]int{10, 4, 0, 0, 0, 0, 0}; got["a"] != want {
		t.Errorf("recap a = %v, want %v", got["a"], want)
	}
	if want := [7]int{7, 3, 0, 0, 0, 0, 0}; got["b"] != want {
		t.Errorf("recap b = %v, want %v", got["b"], want)
	}
}

// A delegated task connects with the delegate's connection variables.
func TestDelegateToUsesTheDelegatesConnection(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/delegate_connection", nil)
	res := play(t, "-i", labInventory(t), filepath.Join(dir, "site.yml"), "-e", "addr="+lab.Servers[1].Addr)
	wantOutput(t, res, 0, "changed: [h1 -> h2]")
}

// serial batches with order, a PLAY banner per batch, handlers flushed per
// batch, and the playbook stopped when a whole batch fails (Ansible 2.14).
func TestSerialBatches(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/serial_batches", map[string]string{"hosts": sshHosts("a", "b", "c")})
	res := playIn(t, dir)
	wantOutput(t, res, 2,
		"PLAY [all] ***", "TASK [debug] ***", "changed: [c] => {\n    \"msg\": \"['c'] ['a', 'b', 'c'] ['c']\"\n}",
		"TASK [fail] ***", "skipping: [c]", "RUNNING HANDLER [h] ***", "ok: [c]",
		"PLAY [all] ***", "TASK [debug] ***", "changed: [b] => {\n    \"msg\": \"['b'] ['a', 'b', 'c'] ['b']\"\n}",
		"TASK [fail] ***", "fatal: [b]: FAILED!", "PLAY RECAP",
	)
	if strings.Contains(res.stdout, "never_reached") || strings.Contains(res.stdout, "\na  ") {
		t.Errorf("the playbook went on after a failed batch, or the recap lists a host that never ran:\n%s", res.stdout)
	}
}

// any_errors_fatal ends the playbook after the failing task; a failure
// under max_fail_percentage does not; force_handlers runs the failed
// host's handlers.
func TestAbortAndForceHandlers(t *testing.T) {
	fatal := projectFrom(t, "testdata/lang/abort/any_errors_fatal", map[string]string{"hosts": sshHosts("a", "b", "c")})
	res := playIn(t, fatal)
	wantOutput(t, res, 2, "skipping: [a]\nfatal: [b]: FAILED! => {\"changed\": false, \"msg\": \"Failed as requested from task\"}\nskipping: [c]\n\nNO MORE HOSTS LEFT ***", "PLAY RECAP")
	if strings.Contains(res.stdout, "msg=after") || strings.Contains(res.stdout, "next_play") {
		t.Errorf("tasks ran after any_errors_fatal:\n%s", res.stdout)
	}

	tolerated := projectFrom(t, "testdata/lang/abort/max_fail_percentage", map[string]string{"hosts": sshHosts("a", "b", "c")})
	res = playIn(t, tolerated, "--force-handlers")
	wantOutput(t, res, 2, "TASK [debug] ***", "ok: [a]", "ok: [c]", "RUNNING HANDLER [h] ***", "ok: [a]", "ok: [b]", "ok: [c]")
	if got, want := recap(t, res.stdout)["b"], [7]int{2, 1, 0, 1, 0, 0, 0}; got != want {
		t.Errorf("recap b = %v, want %v", got, want)
	}
	res = playIn(t, tolerated)
	if got, want := recap(t, res.stdout)["b"], [7]int{1, 1, 0, 1, 0, 0, 0}; got != want {
		t.Errorf("without --force-handlers, recap b = %v, want %v", got, want)
	}
}
