package modules

import (
	"os"
	"testing"
)

func TestStat(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/f", "hi\n", 0o640)
	if err := os.Symlink("f", e.expand("$DIR/l")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args map[string]any
		want map[string]any
	}{
		{map[string]any{"path": "$DIR/f"}, map[string]any{"exists": true, "isreg": true, "isdir": false, "mode": "0640",
			"size": int64(3), "checksum": "55ca6286e3e4f4fba5d0448333fa99fc5a404a73", "rgrp": true, "wgrp": false, "path": "$DIR/f",
			"readable": true, "writeable": true, "executable": false}},
		{map[string]any{"path": "$DIR/f", "checksum_algorithm": "sha256", "get_mime": false},
			map[string]any{"checksum": "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"}},
		{map[string]any{"path": "$DIR/f", "get_checksum": false}, map[string]any{"checksum": nil}},
		{map[string]any{"path": "$DIR/l"}, map[string]any{"islnk": true, "isreg": false, "lnk_target": "f", "lnk_source": "$DIR/f"}},
		{map[string]any{"path": "$DIR/l", "follow": true}, map[string]any{"islnk": false, "isreg": true, "mode": "0640"}},
		{map[string]any{"path": "$DIR"}, map[string]any{"isdir": true}},
		{map[string]any{"path": "$DIR/nope"}, map[string]any{"exists": false, "isreg": nil}},
	}
	for _, tt := range tests {
		p, err := e.plan("stat", tt.args)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changed() {
			t.Errorf("%v: stat has steps", tt.args)
		}
		st := p.Result["stat"].(map[string]any)
		for k, want := range tt.want {
			if s, ok := want.(string); ok {
				want = e.expand(s)
			}
			if got := st[k]; got != want {
				t.Errorf("%v: stat.%s = %#v, want %#v", tt.args, k, got, want)
			}
		}
	}
}

func TestStatAccess(t *testing.T) {
	file := FileState{Mode: 0o750, UID: 1000, GID: 100}
	for _, tt := range []struct {
		name    string
		user    FileState
		r, w, x bool
	}{
		{"root reads and writes, executes an x bit", FileState{UID: 0, GID: 0}, true, true, true},
		{"owner", FileState{UID: 1000, GID: 1000}, true, true, true},
		{"group", FileState{UID: 1001, GID: 100}, true, false, true},
		{"others", FileState{UID: 1001, GID: 1001}, false, false, false},
	} {
		if r, w, x := access(&file, &tt.user); r != tt.r || w != tt.w || x != tt.x {
			t.Errorf("%s: readable %v writeable %v executable %v, want %v %v %v", tt.name, r, w, x, tt.r, tt.w, tt.x)
		}
	}
	if _, _, x := access(&FileState{Mode: 0o644}, &FileState{}); x {
		t.Error("root executes a file without an x bit")
	}
}
