package modules

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// listen serves greeting to every connection on a loopback port.
func listen(t *testing.T, greeting string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprint(c, greeting)
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestWaitFor(t *testing.T) {
	open, closed := listen(t, "220 hello v1.2\n"), closedPort(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "ready")
	if err := os.WriteFile(file, []byte("boot\nlistening on port 8080\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	late := filepath.Join(dir, "late")
	tests := []struct {
		name    string
		args    map[string]any
		want    map[string]any
		quick   bool // done at once: elapsed is 0, or 1 across a second boundary
		failMsg string
		setup   func()
	}{
		{name: "port open", args: map[string]any{"port": open, "timeout": 5},
			want: map[string]any{"state": "started", "port": open, "path": nil, "match_groups": []any{}}, quick: true},
		{name: "port closed times out", args: map[string]any{"port": closed, "timeout": 1},
			failMsg: fmt.Sprintf("Timeout when waiting for 127.0.0.1:%d", closed)},
		{name: "custom msg", args: map[string]any{"port": closed, "timeout": 1, "msg": "db is down"}, failMsg: "db is down"},
		{name: "port stopped", args: map[string]any{"port": closed, "state": "stopped", "timeout": 5},
			want: map[string]any{"state": "stopped", "port": closed}},
		{name: "open port not stopped", args: map[string]any{"port": open, "state": "stopped", "timeout": 1},
			failMsg: fmt.Sprintf("Timeout when waiting for 127.0.0.1:%d to stop.", open)},
		{name: "port search_regex", args: map[string]any{"port": open, "search_regex": `v(\d+)\.(?P<minor>\d+)`, "timeout": 5},
			want: map[string]any{"match_groups": []any{"1", "2"}, "match_groupdict": map[string]any{"minor": "2"}, "search_regex": `v(\d+)\.(?P<minor>\d+)`}},
		{name: "drained", args: map[string]any{"port": closed, "state": "drained", "timeout": 5}, want: map[string]any{"state": "drained"}},
		{name: "path present", args: map[string]any{"path": file, "timeout": 5},
			want: map[string]any{"path": file, "port": nil, "state": "file", "mode": "0640", "size": 28, "uid": os.Getuid()}},
		{name: "path search_regex", args: map[string]any{"path": file, "search_regex": `port (\d+)`, "timeout": 5},
			want: map[string]any{"match_groups": []any{"8080"}}},
		{name: "path appears", args: map[string]any{"path": late, "timeout": 10, "sleep": 1}, want: map[string]any{"path": late},
			setup: func() { time.AfterFunc(1200*time.Millisecond, func() { os.WriteFile(late, nil, 0o644) }) }},
		{name: "path missing", args: map[string]any{"path": filepath.Join(dir, "never"), "timeout": 1},
			failMsg: "Timeout when waiting for file " + filepath.Join(dir, "never")},
		{name: "path absent times out", args: map[string]any{"path": file, "state": "absent", "timeout": 1},
			failMsg: "Timeout when waiting for " + file + " to be absent."},
		{name: "sleep only", args: map[string]any{"timeout": 1}, want: map[string]any{"elapsed": 1, "state": "started"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup == nil {
				t.Parallel()
			} else {
				tt.setup()
			}
			e := newTestEnv(t)
			p, err := e.plan("wait_for", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			// The wait is the step (Ansible's wait_for is skipped under --check)
			// and changes nothing.
			if !p.SkipInCheck || p.Changed() {
				t.Errorf("plan skipped in check %v, changed %v; want skipped, unchanged", p.SkipInCheck, p.Changed())
			}
			result, err := e.apply(p)
			if len(e.host.Scripts) != 1 {
				t.Errorf("%d round trips, want 1", len(e.host.Scripts))
			}
			if tt.failMsg != "" {
				var f *Failure
				if !errors.As(err, &f) || f.Msg != tt.failMsg {
					t.Fatalf("error %v, want %q", err, tt.failMsg)
				}
				if n, _ := f.Result["elapsed"].(int); n < 1 {
					t.Errorf("elapsed = %v, want >= 1", f.Result["elapsed"])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if !reflect.DeepEqual(result[k], v) {
					t.Errorf("%s = %#v, want %#v", k, result[k], v)
				}
			}
			// elapsed counts whole seconds: a quick wait may cross one.
			if n, _ := result["elapsed"].(int); tt.quick && n > 1 {
				t.Errorf("elapsed = %d, want at most 1", n)
			}
		})
	}
}

func TestWaitForArgErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"port": 1, "path": "/x"}, "port and path parameter can not both be passed to wait_for"},
		{map[string]any{"path": "/x", "state": "stopped"}, "state=stopped should only be used for checking a port in the wait_for module"},
		{map[string]any{"path": "/x", "state": "drained"}, "state=drained should only be used"},
		{map[string]any{"port": 1, "exclude_hosts": "a"}, "exclude_hosts should only be with state=drained"},
		{map[string]any{"path": "/x", "search_regex": "("}, "Invalid regular expression"},
		{map[string]any{"port": 1, "state": "up"}, "value of state must be one of"},
	}
	for _, tt := range tests {
		if _, err := New("wait_for", tt.args); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("New(%v) error = %v, want %q", tt.args, err, tt.want)
		}
	}
}
