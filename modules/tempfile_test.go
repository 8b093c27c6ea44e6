package modules

import (
	"os"
	"strings"
	"testing"
)

func TestTempfile(t *testing.T) {
	tests := []struct {
		args  map[string]any
		state string
		mode  string
		name  string // the name's form, X for each random character
	}{
		{map[string]any{"path": "$DIR"}, "file", "0600", "ansible.XXXXXXXX"},
		{map[string]any{"path": "$DIR", "state": "directory", "prefix": "build-", "suffix": ".d"}, "directory", "0700", "build-XXXXXXXX.d"},
		{map[string]any{"path": "$DIR", "prefix": "", "suffix": "x"}, "file", "0600", "XXXXXXXXx"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.plan("tempfile", tt.args)
		if err != nil {
			t.Fatal(err)
		}
		if !p.SkipInCheck || !p.Changed() || len(e.host.Scripts) != 0 {
			t.Errorf("%v: want a step skipped in check mode, no probe", tt.args)
		}
		res, err := e.apply(p)
		if err != nil {
			t.Fatal(err)
		}
		path, _ := res["path"].(string)
		name := strings.TrimPrefix(path, e.dir+"/")
		if len(name) != len(tt.name) || res["state"] != tt.state || res["mode"] != tt.mode {
			t.Errorf("%v: result %v, want a %s %s named like %s", tt.args, res, tt.state, tt.mode, tt.name)
		}
		for i := range name {
			if tt.name[i] != 'X' && name[i] != tt.name[i] {
				t.Errorf("%v: name %q, want %q", tt.args, name, tt.name)
				break
			}
		}
		if fi, err := os.Stat(path); err != nil || fi.IsDir() != (tt.state == "directory") {
			t.Errorf("%v: %s: %v", tt.args, path, err)
		}
	}
}

func TestTempfileMissingDir(t *testing.T) {
	e := newTestEnv(t)
	p, err := e.plan("tempfile", map[string]any{"path": "$DIR/nope"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.apply(p)
	if got := failure(err); !strings.Contains(got, "mktemp: failed to create file via template") {
		t.Errorf("error %q", got)
	}
}
