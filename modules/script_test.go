package modules

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestScript(t *testing.T) {
	e := newTestEnv(t)
	e.write("@files/args.sh", "#!/bin/sh\nprintf '%s|' \"$@\"; pwd; echo err >&2\n", 0o644)
	e.write("@files/fail.sh", "#!/bin/sh\necho out\nexit 4\n", 0o644)
	e.write("@files/noshebang", "echo \"$0\" | grep -q play-script && echo tmp\n", 0o644)
	e.write("$DIR/exists", "", 0o644)
	tests := []struct {
		name    string
		args    map[string]any
		want    map[string]any
		steps   int
		failMsg string
	}{
		{name: "args as written", args: map[string]any{"_raw_params": "args.sh a 'b c' \"$HOME\"x", "chdir": "/usr"}, steps: 1,
			want: map[string]any{"rc": 0, "stdout": "a|b c|" + os.Getenv("HOME") + "x|/usr\n", "stderr": "err\n", "changed": true}},
		{name: "executable", args: map[string]any{"_raw_params": "noshebang", "executable": "sh"}, steps: 1,
			want: map[string]any{"rc": 0, "stdout": "tmp\n", "changed": true}},
		{name: "rc kept", args: map[string]any{"_raw_params": "fail.sh"}, steps: 1, failMsg: "non-zero return code",
			want: map[string]any{"rc": 4, "stdout": "out\n", "stdout_lines": []string{"out"}, "changed": true}},
		{name: "creates", args: map[string]any{"_raw_params": "args.sh", "creates": "$DIR/exist*"},
			want: map[string]any{"skipped": true}},
		{name: "removes", args: map[string]any{"_raw_params": "args.sh", "removes": "$DIR/gone"},
			want: map[string]any{"skipped": true}},
		{name: "missing script", args: map[string]any{"_raw_params": "nope.sh"}, failMsg: "Could not find or access 'nope.sh' on the Ansible Controller: could not find or access 'nope.sh'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, res, err := runCommand(e, "script", tt.args)
			if tt.failMsg != "" {
				var f *Failure
				if !errors.As(err, &f) || f.Msg != tt.failMsg {
					t.Fatalf("error %v, want %q", err, tt.failMsg)
				}
				res = f.Result
			} else if err != nil {
				t.Fatal(err)
			}
			if p != nil && len(p.Steps) != tt.steps {
				t.Errorf("%d steps, want %d", len(p.Steps), tt.steps)
			}
			for k, v := range tt.want {
				if !reflect.DeepEqual(res[k], v) {
					t.Errorf("%s = %#v, want %#v", k, res[k], v)
				}
			}
		})
	}
	if out, _ := e.host.Run(t.Context(), "ls ${TMPDIR:-/tmp} | grep -c play-script", nil); strings.TrimSpace(string(out.Stdout)) != "0" {
		t.Errorf("temp scripts left behind: %s", out.Stdout)
	}
	for _, bad := range []map[string]any{{"_raw_params": "x.sh", "chdir": "rel"}, {"_raw_params": ""}} {
		if _, err := New("script", bad); err == nil {
			t.Errorf("New(script, %v) accepted", bad)
		}
	}
}
