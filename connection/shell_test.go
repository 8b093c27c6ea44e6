package connection

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sessionCounter counts the sessions a Shell opens on a connection.
type sessionCounter struct {
	Conn
	sessions atomic.Int32
}

func (c *sessionCounter) Exec(ctx context.Context, cmd Command) (Result, error) {
	c.sessions.Add(1)
	return c.Conn.Exec(ctx, cmd)
}

func (c *sessionCounter) Stream(ctx context.Context, cmd Command, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	c.sessions.Add(1)
	return c.Conn.(Streamer).Stream(ctx, cmd, stdin, stdout, stderr)
}

// shellRun is one script of a task run on a Shell, in order.
type shellRun struct {
	name   string
	script string
	stdin  string
	last   bool
	want   Result
	// anyStderr: the shell may say how a command was killed.
	anyStderr bool
	// sessions is the number of sessions opened so far, this run included.
	sessions int32
}

var bigData = strings.Repeat("0123456789abcdef", 1<<14) // 256 KB, more than a pipe holds

// shellRuns are a task's probes and steps: they share one session until a
// script with stdin data, which reads the rest of the session's stdin.
var shellRuns = []shellRun{
	{name: "probe", script: "echo probe; printf perr >&2; exit 3", want: Result{Stdout: []byte("probe\n"), Stderr: []byte("perr"), RC: 3}, sessions: 1},
	{name: "stdin without data is empty", script: "cat; echo end", want: Result{Stdout: []byte("end\n")}, sessions: 1},
	{name: "exit, trap, cd and variables stay in the script", script: "x=1; trap 'echo trapped' EXIT; cd /; set -e; false",
		want: Result{Stdout: []byte("trapped\n"), RC: 1}, sessions: 1},
	{name: "next script starts clean", script: `echo "${x-unset} $([ "$PWD" = / ] && echo moved || echo home)"; false; echo "$E"`,
		want: Result{Stdout: []byte("unset home\nit's $E\n")}, sessions: 1},
	{name: "no newline, here-document", script: "cat <<'EOF'\n$E \\\nEOF\nprintf %s tail", want: Result{Stdout: []byte("$E \\\ntail")}, sessions: 1},
	{name: "signal gives 128+n", script: "sh -c 'kill -TERM $$'", want: Result{RC: 143}, anyStderr: true, sessions: 1},
	{name: "data ends the session", script: "wc -c; echo e >&2", stdin: bigData, want: Result{Stdout: []byte("262144\n"), Stderr: []byte("e\n")}, sessions: 1},
	{name: "then a new session", script: "echo new", want: Result{Stdout: []byte("new\n")}, sessions: 2},
	{name: "killing the session's shell", script: "kill -KILL $$", want: Result{RC: 137}, anyStderr: true, sessions: 2},
	{name: "a new session after it", script: "echo again", want: Result{Stdout: []byte("again\n")}, sessions: 3},
	{name: "last script", script: "echo last", last: true, want: Result{Stdout: []byte("last\n")}, sessions: 3},
	{name: "last script without a kept session runs alone", script: "echo alone", last: true, want: Result{Stdout: []byte("alone\n")}, sessions: 4},
	{name: "then a kept one again", script: "echo more", want: Result{Stdout: []byte("more\n")}, sessions: 5},
	{name: "in it", script: "echo in it", want: Result{Stdout: []byte("in it\n")}, sessions: 5},
}

func testShell(t *testing.T, conn Conn) {
	for _, become := range []*Become{nil, {User: "nobody"}, {User: "nobody", Method: "su"}, {User: "nobody", Password: "secret"}} {
		name := "no become"
		if become != nil {
			name = "become " + become.User + " " + become.Method + " " + become.Password
		}
		t.Run(name, func(t *testing.T) {
			c := &sessionCounter{Conn: conn}
			sh := NewShell(c, map[string]string{"E": "it's $E"}, become)
			defer sh.Close()
			for _, r := range shellRuns {
				run := sh.Run
				if r.last {
					run = sh.RunLast
				}
				got, err := run(context.Background(), r.script, []byte(r.stdin))
				if err != nil {
					t.Fatalf("%s: %v", r.name, err)
				}
				if string(got.Stdout) != string(r.want.Stdout) || (string(got.Stderr) != string(r.want.Stderr) && !r.anyStderr) || got.RC != r.want.RC {
					t.Errorf("%s: got stdout %q stderr %q rc %d, want %q %q %d", r.name, got.Stdout, got.Stderr, got.RC, r.want.Stdout, r.want.Stderr, r.want.RC)
				}
				if n := c.sessions.Load(); n != r.sessions {
					t.Errorf("%s: %d sessions so far, want %d", r.name, n, r.sessions)
				}
			}
		})
	}
}

func TestShellSSH(t *testing.T) { testShell(t, dial(t, labConfig(t, lab.Servers[0]))) }

func TestShellLocal(t *testing.T) {
	c, err := Dial(context.Background(), Config{Connection: "local"})
	if err != nil {
		t.Fatal(err)
	}
	testShell(t, c)
}

// A Run whose ctx ends stops its script (the session with it); the Shell
// then opens a new session.
func TestShellCancel(t *testing.T) {
	local, err := Dial(context.Background(), Config{Connection: "local"})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Conn{"ssh": dial(t, labConfig(t, lab.Servers[0])), "local": local} {
		t.Run(name, func(t *testing.T) {
			sh := NewShell(c, nil, nil)
			defer sh.Close()
			if _, err := sh.Run(context.Background(), "true", nil); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := sh.Run(ctx, "sleep 30", nil)
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > termGrace+3*time.Second {
				t.Errorf("err = %v after %s, want DeadlineExceeded promptly", err, time.Since(start))
			}
			if r, err := sh.Run(context.Background(), "echo next", nil); err != nil || string(r.Stdout) != "next\n" {
				t.Errorf("after a cancel: %q, %v", r.Stdout, err)
			}
		})
	}
}

// frames cuts a stream at the markers wherever the writes split it.
func TestFrames(t *testing.T) {
	stream := "a\nMARK 0\nMARK 12\nlong MA" + "R output\nMARK 1\nrest"
	for _, size := range []int{1, 2, 3, 5, len(stream)} {
		f := &frames{mark: []byte("MARK"), notify: make(chan struct{}, 1)}
		for i := 0; i < len(stream); i += size {
			_, _ = f.Write([]byte(stream[i:min(i+size, len(stream))]))
		}
		var got []string
		for f.ready() {
			body, tail := f.take()
			got = append(got, string(body)+"|"+tail)
		}
		got = append(got, string(f.rest()))
		want := "a\n| 0,| 12,long MAR output\n| 1,rest"
		if strings.Join(got, ",") != want {
			t.Errorf("writes of %d: got %q, want %q", size, strings.Join(got, ","), want)
		}
	}
}
