package modules

import (
	"errors"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: "echo a  b", want: []string{"echo", "a", "b"}},
		{in: `echo 'a b' "c d"`, want: []string{"echo", "a b", "c d"}},
		{in: `echo a"b c"d`, want: []string{"echo", "ab cd"}},
		{in: `echo "a\"b\\c\$d"`, want: []string{"echo", `a"b\c\$d`}},
		{in: `echo a\ b \'`, want: []string{"echo", "a b", "'"}},
		{in: `echo '' x`, want: []string{"echo", "", "x"}},
		{in: `echo $HOME`, want: []string{"echo", "$HOME"}},
		{in: `echo 'a`, err: "no closing quotation"},
		{in: `echo a\`, err: "no escaped character"},
	}
	for _, tt := range tests {
		got, err := shlexSplit(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("shlexSplit(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("shlexSplit(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestShellWord(t *testing.T) {
	expand, glob := wordMode{expand: true}, wordMode{expand: true, glob: true}
	tests := []struct {
		in   string
		mode wordMode
		want string
	}{
		{"plain", wordMode{}, "plain"},
		{"$HOME/x y", wordMode{}, `'$HOME/x y'`},
		{"$HOME/x y", expand, `"${HOME-\$HOME}"'/x y'`},
		{"${HOME}x", expand, `"${HOME-\${HOME\}}"x`},
		{"$1 ${a b} $", expand, `'$1 ${a b} $'`},
		{"~/x", expand, "~/x"},
		{"~root", expand, "~root"},
		{"~a b/x", expand, `'~a b/x'`},
		{"/tmp/*.lo?[0-9]", glob, "/tmp/*.lo?[0-9]"},
		{"/tmp/a b*", glob, `'/tmp/a b'*`},
		{"/tmp/[x y]", glob, `'/tmp/[x y]'`},
		{"", expand, "''"},
	}
	for _, tt := range tests {
		if got := shellWord(tt.in, tt.mode); got != tt.want {
			t.Errorf("shellWord(%q, %+v) = %s, want %s", tt.in, tt.mode, got, tt.want)
		}
	}
}

func TestPythonTimes(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 31, 19, 851651123, time.Local)
	end := time.Date(2026, 11, 23, 12, 31, 19, 878259000, time.Local)
	noNano := time.Date(2026, 11, 23, 12, 31, 20, 0, time.Local)
	tests := []struct{ got, want string }{
		{pythonTime(start), "2026-11-23 12:31:19.851651"},
		{pythonTime(noNano), "2026-11-23 12:31:20"},
		{pythonDelta(end.Sub(start)), "0:00:00.026607"},
		{pythonDelta(26*time.Hour + 3*time.Second), "1 day, 2:00:03"},
		{pythonDelta(0), "0:00:00"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// runCommand plans and applies a command or shell task on the local shell.
func runCommand(e *testEnv, module string, args map[string]any) (*Plan, map[string]any, error) {
	p, err := e.plan(module, args)
	if err != nil {
		return nil, nil, err
	}
	res, err := e.apply(p)
	if res == nil {
		res = p.Result
	}
	return p, res, err
}

func TestCommandRuns(t *testing.T) {
	t.Setenv("PLAY_TEST_VAR", "v a l")
	tests := []struct {
		name   string
		module string
		args   map[string]any
		want   map[string]any
	}{
		{"words are not shell", "command", map[string]any{"_raw_params": `echo 'a  b' "|" $PLAY_TEST_VAR $UNSET_VAR_X`},
			map[string]any{"stdout": "a  b | v a l $UNSET_VAR_X", "cmd": []string{"echo", "a  b", "|", "$PLAY_TEST_VAR", "$UNSET_VAR_X"}}},
		{"no expansion when asked", "command", map[string]any{"_raw_params": `echo $PLAY_TEST_VAR ~`, "expand_argument_vars": false},
			map[string]any{"stdout": "$PLAY_TEST_VAR ~"}},
		{"tilde", "command", map[string]any{"_raw_params": `echo ~/x`},
			map[string]any{"stdout": os.Getenv("HOME") + "/x"}},
		{"argv", "command", map[string]any{"argv": []any{"printf", "%s|", "a b", "$(id)"}},
			map[string]any{"stdout": "a b|$(id)|", "cmd": []string{"printf", "%s|", "a b", "$(id)"}}},
		{"cmd alias", "command", map[string]any{"cmd": "echo hi"}, map[string]any{"stdout": "hi"}},
		{"shell pipes", "shell", map[string]any{"_raw_params": "echo hi | tr a-z A-Z; echo err >&2"},
			map[string]any{"stdout": "HI", "stderr": "err", "stderr_lines": []string{"err"}, "cmd": "echo hi | tr a-z A-Z; echo err >&2"}},
		{"shell executable", "shell", map[string]any{"_raw_params": `echo "${BASH_VERSION:+bash}"`, "executable": "/bin/bash"},
			map[string]any{"stdout": "bash"}},
		{"strip empty ends", "command", map[string]any{"_raw_params": `printf 'x\n\ny\n\n'`},
			map[string]any{"stdout": "x\n\ny", "stdout_lines": []string{"x", "", "y"}}},
		{"keep empty ends", "command", map[string]any{"_raw_params": `printf 'x\n\n'`, "strip_empty_ends": false},
			map[string]any{"stdout": "x\n\n", "stdout_lines": []string{"x", ""}}},
		{"stdin with newline", "command", map[string]any{"_raw_params": "od -c", "stdin": "ab"},
			map[string]any{"stdout_lines": []string{"0000000   a   b  \\n", "0000003"}}},
		{"stdin without newline", "shell", map[string]any{"_raw_params": "cat; echo .", "stdin": "ab", "stdin_add_newline": false},
			map[string]any{"stdout": "ab."}},
		{"chdir", "command", map[string]any{"_raw_params": "pwd", "chdir": "/usr"}, map[string]any{"stdout": "/usr"}},
		{"creates absent runs", "command", map[string]any{"_raw_params": "echo ran", "creates": "$DIR/nothing*"},
			map[string]any{"stdout": "ran"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			p, res, err := runCommand(e, tt.module, tt.args)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			probed := tt.args["creates"] != nil
			if len(p.Steps) != 1 || p.SkipInCheck == probed {
				t.Errorf("steps %d, SkipInCheck %v", len(p.Steps), p.SkipInCheck)
			}
			if want := map[bool]int{false: 1, true: 2}[probed]; len(e.host.Scripts) != want {
				t.Errorf("host runs = %d, want %d", len(e.host.Scripts), want)
			}
			checkCommandResult(t, res, 0)
			for k, v := range tt.want {
				if !reflect.DeepEqual(res[k], v) {
					t.Errorf("%s = %#v, want %#v", k, res[k], v)
				}
			}
		})
	}
}

var (
	ansibleTime  = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$`)
	ansibleDelta = regexp.MustCompile(`^0:00:0\d(\.\d{6})?$`)
)

// checkCommandResult checks the keys every command result has, as Ansible
// returns them.
func checkCommandResult(t *testing.T, res map[string]any, rc int) {
	t.Helper()
	for _, k := range []string{"cmd", "stdout", "stderr", "stdout_lines", "stderr_lines", "msg", "changed"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result lacks %q: %v", k, res)
		}
	}
	if res["rc"] != rc || res["changed"] != true {
		t.Errorf("rc = %v, changed = %v; want %d, true", res["rc"], res["changed"], rc)
	}
	if !ansibleTime.MatchString(res["start"].(string)) || !ansibleTime.MatchString(res["end"].(string)) || !ansibleDelta.MatchString(res["delta"].(string)) {
		t.Errorf("start %q end %q delta %q", res["start"], res["end"], res["delta"])
	}
}

func TestCommandFailures(t *testing.T) {
	tests := []struct {
		name    string
		module  string
		args    map[string]any
		msg     string
		want    map[string]any
		noTimes bool
	}{
		{name: "false", module: "command", args: map[string]any{"_raw_params": "false"}, msg: "non-zero return code",
			want: map[string]any{"rc": 1, "changed": true, "stdout": "", "stdout_lines": []string{}, "cmd": []string{"false"}}},
		{name: "shell exit", module: "shell", args: map[string]any{"_raw_params": "echo out; echo err >&2; exit 3"}, msg: "non-zero return code",
			want: map[string]any{"rc": 3, "changed": true, "stdout": "out", "stderr": "err", "cmd": "echo out; echo err >&2; exit 3"}},
		{name: "missing program", module: "command", args: map[string]any{"_raw_params": "nonexistentcmd 'a b'"},
			msg: "[Errno 2] No such file or directory: b'nonexistentcmd'", noTimes: true,
			want: map[string]any{"rc": 2, "changed": false, "cmd": "nonexistentcmd 'a b'", "stdout": ""}},
		{name: "not executable", module: "command", args: map[string]any{"_raw_params": "/etc/passwd"},
			msg: "[Errno 13] Permission denied: b'/etc/passwd'", noTimes: true, want: map[string]any{"rc": 13, "changed": false}},
		{name: "missing shell", module: "shell", args: map[string]any{"_raw_params": "true", "executable": "/nonexistent/sh"},
			msg: "[Errno 2] No such file or directory: b'/nonexistent/sh'", noTimes: true, want: map[string]any{"rc": 2}},
		{name: "bad chdir", module: "command", args: map[string]any{"_raw_params": "ls", "chdir": "/nonexist"},
			msg: "Unable to change directory before execution: [Errno 2] No such file or directory: b'/nonexist'", noTimes: true,
			want: map[string]any{"rc": nil, "changed": false, "cmd": []string{"ls"}, "start": nil}},
		{name: "chdir to a file with creates", module: "command", args: map[string]any{"_raw_params": "ls", "chdir": "/etc/passwd", "creates": "x"},
			msg: "Unable to change directory before execution: [Errno 20] Not a directory: b'/etc/passwd'", noTimes: true,
			want: map[string]any{"rc": nil, "changed": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCommand(newTestEnv(t), tt.module, tt.args)
			var f *Failure
			if !errors.As(err, &f) {
				t.Fatalf("error = %v, want a *Failure", err)
			}
			if f.Msg != tt.msg {
				t.Errorf("msg = %q, want %q", f.Msg, tt.msg)
			}
			for k, v := range tt.want {
				if got, ok := f.Result[k]; !ok || !reflect.DeepEqual(got, v) {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
			if _, hasStart := f.Result["start"]; !tt.noTimes && !hasStart {
				t.Errorf("result lacks start: %v", f.Result)
			}
		})
	}
}

func TestCommandGuardsSkip(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/made.log", "", 0o644)
	tests := []struct {
		args         map[string]any
		msg, stdout  string
		wantSkipping bool
	}{
		{map[string]any{"creates": "$DIR/made.log"}, "Did not run command since '$DIR/made.log' exists", "skipped, since $DIR/made.log exists", true},
		{map[string]any{"creates": "$DIR/*.log"}, "Did not run command since '$DIR/*.log' exists", "skipped, since $DIR/*.log exists", true},
		{map[string]any{"creates": "made.log", "chdir": "$DIR"}, "Did not run command since 'made.log' exists", "skipped, since made.log exists", true},
		{map[string]any{"removes": "$DIR/gone"}, "Did not run command since '$DIR/gone' does not exist", "skipped, since $DIR/gone does not exist", true},
		{map[string]any{"removes": "$DIR/made.*"}, "", "", false},
		{map[string]any{"creates": "$DIR/other", "removes": "$DIR/made.log"}, "", "", false},
	}
	for _, tt := range tests {
		args := map[string]any{"_raw_params": "touch ran"}
		for k, v := range tt.args {
			args[k] = v
		}
		e.host.Scripts = nil
		p, err := e.plan("command", args)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if len(e.host.Scripts) != 1 {
			t.Errorf("%v: %d round trips, want 1", tt.args, len(e.host.Scripts))
		}
		if !tt.wantSkipping {
			if len(p.Steps) != 1 || p.SkipInCheck || p.Msg != "Command would have run if not in check mode" {
				t.Errorf("%v: steps %d SkipInCheck %v msg %q", tt.args, len(p.Steps), p.SkipInCheck, p.Msg)
			}
			continue
		}
		want := map[string]any{"rc": 0, "cmd": []string{"touch", "ran"}, "stdout": e.expand(tt.stdout), "stdout_lines": []string{e.expand(tt.stdout)},
			"stderr": "", "stderr_lines": []string{}, "start": nil, "end": nil, "delta": nil}
		if p.Changed() || p.Msg != e.expand(tt.msg) || !reflect.DeepEqual(p.Result, want) {
			t.Errorf("%v: changed %v msg %q result %#v", tt.args, p.Changed(), p.Msg, p.Result)
		}
	}
}

func TestCommandArgErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"_raw_params": "  "}, "no command given"},
		{map[string]any{"_raw_params": "ls", "argv": []any{"ls"}}, "only command or argv can be given, not both"},
		{map[string]any{"_raw_params": "ls", "cmd": "ls"}, "parameters are mutually exclusive: _raw_params|cmd"},
		{map[string]any{"_raw_params": "ls", "bogus": 1}, "Unsupported parameters for module: bogus"},
	}
	for _, tt := range tests {
		_, err := New("command", tt.args)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("New(%v) error = %v, want %q", tt.args, err, tt.want)
		}
	}
	_, _, err := runCommand(newTestEnv(t), "command", map[string]any{"_raw_params": "echo 'a"})
	if err == nil || !strings.Contains(err.Error(), "no closing quotation") {
		t.Errorf("unbalanced quote error = %v", err)
	}
}
