package connection

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeSudo prompts like sudo -S -p PROMPT and accepts the password "right",
// so the password exchange can be tested without a user that needs one.
const fakeSudo = `#!/bin/sh
prompt=
while [ $# -gt 0 ]; do
	case $1 in -p|-u) [ "$1" = -p ] && prompt=$2; shift 2;; -*) shift;; *) break;; esac
done
tries=0
while [ $tries -lt 3 ]; do
	printf '%s' "$prompt" >&2
	IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
	[ "$pw" = right ] && exec "$@"
	echo "Sorry, try again." >&2
	tries=$((tries+1))
done
echo "sudo: 3 incorrect password attempts" >&2
exit 1
`

func TestBecomePassword(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte(fakeSudo), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	c, err := Dial(context.Background(), Config{Connection: "local"})
	if err != nil {
		t.Fatal(err)
	}
	// The command's stdin holds the right password: it must never reach sudo.
	cmd := Command{Script: "cat; echo err >&2", Stdin: []byte("right\n")}

	cmd.Become = &Become{User: "nobody", Password: "right"}
	r, err := c.Exec(context.Background(), cmd)
	if err != nil || string(r.Stdout) != "right\n" || string(r.Stderr) != "err\n" || r.RC != 0 {
		t.Errorf("right password: stdout %q stderr %q rc %d err %v", r.Stdout, r.Stderr, r.RC, err)
	}

	// A task's scripts in one session: sudo prompts once, the next script
	// and its data reach the shell sudo started.
	counted := &sessionCounter{Conn: c}
	sh := NewShell(counted, nil, &Become{User: "nobody", Password: "right"})
	defer sh.Close()
	for i, want := range []string{"first\n", "right\n"} {
		script, data := "echo first; cat", ""
		if i == 1 {
			script, data = "cat", "right\n"
		}
		if r, err := sh.Run(context.Background(), script, []byte(data)); err != nil || string(r.Stdout) != want || r.RC != 0 {
			t.Errorf("shell script %d: stdout %q rc %d err %v, want %q", i, r.Stdout, r.RC, err, want)
		}
	}
	if n := counted.sessions.Load(); n != 1 {
		t.Errorf("%d sessions for the shell's two scripts, want 1", n)
	}

	cmd.Become.Password = "wrong"
	start := time.Now()
	_, err = c.Exec(context.Background(), cmd)
	var become *BecomeError
	if !errors.As(err, &become) || err.Error() != "Incorrect sudo password" || time.Since(start) > 2*time.Second {
		t.Errorf("wrong password: err %v after %s, want Incorrect sudo password at once", err, time.Since(start))
	}
}

func TestBecomeRefused(t *testing.T) {
	c := dial(t, labConfig(t, lab.Servers[0]))
	for _, b := range []*Become{{Method: "su", User: "nobody", Password: "x"}, {Method: "doas", User: "nobody"}} {
		_, err := c.Exec(context.Background(), Command{Script: "true", Become: b})
		var become *BecomeError
		if !errors.As(err, &become) {
			t.Errorf("%s: err = %v, want *BecomeError", b.Method, err)
		}
	}
}
