package modules

import (
	"encoding/base64"
	"testing"
)

func TestSlurp(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/f", "bin\x00ary\n", 0o600)
	p, err := e.plan("slurp", map[string]any{"src": "$DIR/f"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Changed() || p.Result["content"] != base64.StdEncoding.EncodeToString([]byte("bin\x00ary\n")) || p.Result["encoding"] != "base64" {
		t.Errorf("result = %v", p.Result)
	}
	for args, want := range map[string]string{"$DIR/nope": "file not found: $DIR/nope", "$DIR": "source is a directory and must be a file"} {
		if _, err := e.plan("slurp", map[string]any{"path": args}); failure(err) != e.expand(want) {
			t.Errorf("slurp %s: error %q, want %q", args, failure(err), e.expand(want))
		}
	}
}

func TestFetchTimeline(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		dest string
	}{
		{"host layout", map[string]any{"src": "$DIR/etc/app.conf", "dest": "$DIR/fetched"}, "$DIR/fetched/web1$DIR/etc/app.conf"},
		{"flat file", map[string]any{"src": "$DIR/etc/app.conf", "dest": "$DIR/out.conf", "flat": true}, "$DIR/out.conf"},
		{"flat directory", map[string]any{"src": "$DIR/etc/app.conf", "dest": "$DIR/out/", "flat": true}, "$DIR/out/app.conf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.write("$DIR/etc/app.conf", "port=1\n", 0o644)
			p, _ := e.timeline("fetch", tt.args)
			if p.Result["dest"] != e.expand(tt.dest) || p.Result["checksum"] != sha1Hex([]byte("port=1\n")) {
				t.Errorf("result = %v", p.Result)
			}
			if got, _ := e.read(tt.dest); got != "port=1\n" {
				t.Errorf("fetched = %q", got)
			}
		})
	}
}

func TestFetchMissing(t *testing.T) {
	e := newTestEnv(t)
	_, err := e.plan("fetch", map[string]any{"src": "$DIR/nope", "dest": "$DIR/out"})
	if failure(err) != "the remote file does not exist, not transferring, ignored" {
		t.Errorf("error = %v", err)
	}
	p, err := e.plan("fetch", map[string]any{"src": "$DIR/nope", "dest": "$DIR/out", "fail_on_missing": false})
	if err != nil || p.Changed() || p.Msg != "the remote file does not exist, not transferring, ignored" {
		t.Errorf("fail_on_missing=false: %v %v", p, err)
	}
}
