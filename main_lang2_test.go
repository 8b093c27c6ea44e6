package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// add_host runs once (for the first host) and its hosts and groups serve
// the next plays; group_by puts each host in a group under its parents.
// Output and counts as ansible-playbook 2.14 prints them.
func TestAddHostAndGroupBy(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/add_host", map[string]string{"hosts": sshHosts("a", "b")})
	res := playIn(t, dir)
	wantOutput(t, res, 0,
		"TASK [add_host] ***", "\nchanged: [a] => (item=1)\nchanged: [a] => (item=2)\n\n",
		"TASK [add_host] ***", "\nchanged: [a]\n\n",
		"TASK [add_host] ***", "\nok: [a]\n\n",
		"TASK [group_by] ***", "\nchanged: [a]\nchanged: [b]\n\n",
		"TASK [group_by] ***", "\nchanged: [a]\nchanged: [b]\n\n",
		"TASK [debug] ***", `"msg": "['new1', 'new2', 'c'] ['a', 'b'] blue"`,
		"PLAY [extra] ***",
		"ok: [new1] => {\n    \"msg\": \"blue ['extra', 'more']\"\n}",
		"ok: [new2] => {\n    \"msg\": \"blue ['extra', 'more']\"\n}",
		"ok: [c] => {\n    \"msg\": \"none ['extra']\"\n}",
		"PLAY [parentg] ***",
		"ok: [a] => {\n    \"group_names\": [\n        \"kind\",\n        \"os_a\",\n        \"parentg\"\n    ]\n}",
	)
	got := recap(t, res.stdout)
	for host, want := range map[string][7]int{"a": {7, 4, 0, 0, 0, 0, 0}, "b": {3, 2, 0, 0, 0, 0, 0}, "c": {1, 0, 0, 0, 0, 0, 0}} {
		if got[host] != want {
			t.Errorf("recap %s = %v, want %v", host, got[host], want)
		}
	}
}

// environment at play, block and task level adds up; the innermost wins.
func TestEnvironmentLevels(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/environment", map[string]string{"hosts": sshHosts("a")})
	wantOutput(t, playIn(t, dir), 0, `"r.stdout": "play block task"`, `"r.stdout": "play play play"`)
}

// module_defaults of the play and of a block (which replaces the play's
// entry for the module) fill arguments the tasks leave out, required ones
// included; files and output as ansible-playbook 2.14 leaves them.
func TestModuleDefaults(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/module_defaults", map[string]string{"hosts": sshHosts("a")})
	wantOutput(t, playIn(t, dir), 0, "TASK [file]", "changed: [a]", `"r.stdout": "/"`, "ok=5    changed=4")
	for name, want := range map[string]os.FileMode{"f1": 0o600, "f2": os.ModeDir | 0o755, "f3": 0o644} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode(); got != want {
			t.Errorf("%s mode %v, want %v", name, got, want)
		}
	}
}

// --start-at-task, --list-tags and --flush-cache as ansible-playbook 2.14
// handles the same playbook.
func TestStartAtTaskAndListTags(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/start_at_task", map[string]string{"hosts": sshHosts("a")})
	for _, tc := range []struct {
		start string
		want  []string
		lacks string
	}{
		{"second", []string{"PLAY [all]", "TASK [second]", "TASK [third]", "PLAY [last]", "TASK [fourth]", "ok=3 "}, "TASK [first]"},
		{"th*", []string{"PLAY [all]", "TASK [third]", "TASK [fourth]", "ok=2 "}, "TASK [second]"},
		{"fourth", []string{"PLAY [all] ***", "PLAY [last] ***", "TASK [fourth]", "ok=1 "}, "TASK [third]"},
	} {
		res := playIn(t, dir, "--start-at-task", tc.start, "--flush-cache")
		wantOutput(t, res, 0, tc.want...)
		if strings.Contains(res.stdout, tc.lacks) {
			t.Errorf("--start-at-task %s ran %s:\n%s", tc.start, tc.lacks, res.stdout)
		}
	}
	res := playIn(t, dir, "--start-at-task", "nope")
	wantOutput(t, res, 0, "PLAY [all] ***", "PLAY [last] ***", "PLAY RECAP")
	if want := `[ERROR]: No matching task "nope" found.`; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr lacks %s:\n%s", want, res.stderr)
	}
	wantOutput(t, playIn(t, dir, "--list-tags"), 0,
		"\n  play #1 (all): all\tTAGS: [p]\n      TASK TAGS: [a, b, blk, p, z]\n",
		"\n  play #2 (all): last\tTAGS: []\n      TASK TAGS: []\n")
}

// vars_prompt without a terminal: the default, or -e, answers; a question
// with neither stops the run before any host is contacted (Ansible warns
// and goes on with an empty value: play refuses on purpose).
func TestVarsPromptWithoutTerminal(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/vars_prompt", map[string]string{"hosts": sshHosts("a")})
	// As ansible-playbook 2.14 with stdin not a terminal: one warning,
	// before the play's banner, and the default.
	res := playIn(t, dir, "-e", "nodef=x")
	wantOutput(t, res, 0, `"msg": "dflt x"`)
	if want := "[WARNING]: Not prompting as we are not in interactive mode\n\nPLAY [all] ***"; !strings.HasPrefix(res.stdout, want) || strings.Count(res.stdout, "Not prompting") != 1 {
		t.Errorf("output does not start with %q (once):\n%s", want, res.stdout)
	}
	res = playIn(t, dir)
	wantOutput(t, res, 1, "Not prompting")
	if want := "vars_prompt nodef needs an answer but no terminal is attached: pass it with -e nodef=VALUE"; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
	}
}

// throttle: 1 runs the task on one host at a time even with -f 5; without
// it the hosts overlap.
func TestThrottle(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/throttle", map[string]string{"hosts": sshHosts("a", "b", "c")})
	for _, tc := range []struct{ width, want string }{
		{"1", "start end start end start end "},
		{"0", "start start start end end end "},
	} {
		log := "log" + tc.width
		res := play(t, "-i", filepath.Join(dir, "hosts"), filepath.Join(dir, "site.yml"), "-f", "5", "-e", "width="+tc.width, "-e", "log="+log)
		wantOutput(t, res, 0, "ok=1    changed=1")
		data, err := os.ReadFile(filepath.Join(dir, log))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(string(data), "\n", " "); got != tc.want {
			t.Errorf("throttle %s: order %q, want %q", tc.width, got, tc.want)
		}
	}
}
