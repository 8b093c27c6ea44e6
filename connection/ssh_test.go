package connection

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"play/internal/sshtest"
)

// lab's servers: h1 and h2 stay up; h3 is stopped by TestServerStoppedMidRun.
var lab *sshtest.Lab

func TestMain(m *testing.M) {
	// Tests choose their keys and ssh_config themselves.
	os.Unsetenv("SSH_AUTH_SOCK")
	var err error
	if lab, err = sshtest.Start(3); err != nil {
		fmt.Fprintln(os.Stderr, "sshtest:", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := lab.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "sshtest:", err)
	}
	os.Exit(code)
}

// noSSHConfig keeps the machine's ~/.ssh/config out of tests.
var noSSHConfig = Options{SSHConfigFile: "/nonexistent/ssh_config"}

// labVars are the inventory variables sshtest writes for s.
func labVars(s *sshtest.Server) map[string]any {
	return map[string]any{
		"ansible_host":                 s.Addr,
		"ansible_port":                 s.Port,
		"ansible_user":                 "root",
		"ansible_ssh_private_key_file": lab.KeyFile,
		"ansible_ssh_common_args":      "-o UserKnownHostsFile=" + lab.KnownHosts + " -o StrictHostKeyChecking=yes",
	}
}

func labConfig(t testing.TB, s *sshtest.Server) Config {
	t.Helper()
	cfg, err := ConfigFor(s.Name, labVars(s), noSSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func dial(t testing.TB, cfg Config) Conn {
	t.Helper()
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// execCases run on every transport (SSH and local).
var execCases = []struct {
	name string
	cmd  Command
	want Result
}{
	{"stdout stderr rc", Command{Script: "echo out; echo err >&2; exit 3"}, Result{Stdout: []byte("out\n"), Stderr: []byte("err\n"), RC: 3}},
	{"stdin", Command{Script: "tr a-z A-Z", Stdin: []byte("hello\n")}, Result{Stdout: []byte("HELLO\n")}},
	{"no stdin reads empty", Command{Script: "cat; echo end"}, Result{Stdout: []byte("end\n")}},
	{"quotes survive", Command{Script: `printf '%s\n' "it's" 'a "b"'`}, Result{Stdout: []byte("it's\na \"b\"\n")}},
	{"env exported", Command{Script: `printf '%s|%s\n' "$A" "$B_2"`, Env: map[string]string{"A": "x y", "B_2": "it's $HOME"}},
		Result{Stdout: []byte("x y|it's $HOME\n")}},
	{"signal gives 128+n", Command{Script: "kill -TERM $$"}, Result{RC: 143}},
	{"become root as root is a no-op", Command{Script: "id -un", Become: &Become{}}, Result{Stdout: []byte("root\n")}},
	{"become nobody via sudo", Command{Script: "id -un; cat", Stdin: []byte("in\n"), Env: map[string]string{"E": "v"}, Become: &Become{User: "nobody"}},
		Result{Stdout: []byte("nobody\nin\n")}},
	{"become env kept", Command{Script: `echo "$E"`, Env: map[string]string{"E": "v"}, Become: &Become{User: "nobody"}}, Result{Stdout: []byte("v\n")}},
	{"become nobody via su", Command{Script: "id -un", Become: &Become{User: "nobody", Method: "su"}}, Result{Stdout: []byte("nobody\n")}},
	// root is never prompted, so this checks the marker is stripped and
	// stdin reaches the command only after sudo let us in.
	{"become with password", Command{Script: "id -un; cat; echo e >&2", Stdin: []byte("in\n"), Become: &Become{User: "nobody", Password: "secret"}},
		Result{Stdout: []byte("nobody\nin\n"), Stderr: []byte("e\n")}},
}

func testExec(t *testing.T, c Conn) {
	for _, tc := range execCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Exec(context.Background(), tc.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Stdout) != string(tc.want.Stdout) || string(got.Stderr) != string(tc.want.Stderr) || got.RC != tc.want.RC {
				t.Errorf("got stdout %q stderr %q rc %d, want %q %q %d", got.Stdout, got.Stderr, got.RC, tc.want.Stdout, tc.want.Stderr, tc.want.RC)
			}
		})
	}
}

func TestExecSSH(t *testing.T) { testExec(t, dial(t, labConfig(t, lab.Servers[0]))) }

func TestExecLocal(t *testing.T) {
	cfg, err := ConfigFor("localhost", map[string]any{"ansible_connection": "local"}, noSSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	testExec(t, dial(t, cfg))
}

func TestExecRefusesBadEnvName(t *testing.T) {
	c := dial(t, labConfig(t, lab.Servers[0]))
	_, err := c.Exec(context.Background(), Command{Script: "true", Env: map[string]string{"A;rm": "x"}})
	if err == nil || !strings.Contains(err.Error(), `"A;rm" is not valid`) {
		t.Errorf("err = %v", err)
	}
}

// Many concurrent Execs share one TCP connection.
func TestConcurrentSessionsOneConnection(t *testing.T) {
	s := lab.Servers[1]
	before, err := s.Connections()
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, labConfig(t, s))
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Go(func() {
			r, err := c.Exec(context.Background(), Command{Script: fmt.Sprintf("sleep 0.2; echo %d", i)})
			if err == nil && string(r.Stdout) != fmt.Sprintf("%d\n", i) {
				err = fmt.Errorf("exec %d printed %q", i, r.Stdout)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if after, _ := s.Connections(); after-before != 1 {
		t.Errorf("%d TCP connections for 30 Execs, want 1", after-before)
	}
}

func TestCancelStopsCommand(t *testing.T) {
	local, err := Dial(context.Background(), Config{Connection: "local"})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Conn{"ssh": dial(t, labConfig(t, lab.Servers[0])), "local": local} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := c.Exec(ctx, Command{Script: "sleep 30"})
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
				t.Errorf("err = %v after %s, want DeadlineExceeded promptly", err, time.Since(start))
			}
		})
	}
}

func TestUnreachableClosedPort(t *testing.T) {
	cfg := labConfig(t, lab.Servers[0])
	cfg.Port = 1 // nothing listens there
	start := time.Now()
	_, err := Dial(context.Background(), cfg)
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Host != "h1" || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %s, want *UnreachableError quickly", err, time.Since(start))
	}
	want := "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.10 port 1: Connection refused"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestServerStoppedMidRun(t *testing.T) {
	s := lab.Servers[2]
	c := dial(t, labConfig(t, s))
	if _, err := c.Exec(context.Background(), Command{Script: "true"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	_, err := c.Exec(context.Background(), Command{Script: "true"})
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("err = %v, want *UnreachableError", err)
	}
}

func BenchmarkExecTrue(b *testing.B) {
	c := dial(b, labConfig(b, lab.Servers[0]))
	for b.Loop() {
		if _, err := c.Exec(context.Background(), Command{Script: "true"}); err != nil {
			b.Fatal(err)
		}
	}
}

// A session is opened ahead of time while a command runs, so the next
// command costs one round trip (exec, reply and output) instead of two (a
// channel open first): each command must run on the spare opened before it.
// (The time saved is measured by the benchmark: bench -rtt.)
func TestSpareSessionSavesARoundTrip(t *testing.T) {
	c := dial(t, labConfig(t, lab.Servers[0])).(*sshConn)
	for i := range 3 {
		before := waitSpare(t, c)
		c.spare <- before
		r, err := c.Exec(context.Background(), Command{Script: fmt.Sprintf("echo %d", i)})
		if err != nil || string(r.Stdout) != fmt.Sprintf("%d\n", i) {
			t.Fatalf("exec %d: %q, %v", i, r.Stdout, err)
		}
		after := waitSpare(t, c)
		c.spare <- after
		if after == before {
			t.Fatalf("command %d did not run on the spare session opened before it", i)
		}
	}
}

// waitSpare takes the connection's spare session once it is open.
func waitSpare(t *testing.T, c *sshConn) *ssh.Session {
	t.Helper()
	for range 500 {
		select {
		case s := <-c.spare:
			return s
		default:
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Fatal("no spare session after 5s")
	return nil
}

// A spare the host closed meanwhile is replaced by a new session, and no
// session slot leaks.
func TestSpareClosedByHost(t *testing.T) {
	c := dial(t, labConfig(t, lab.Servers[0])).(*sshConn)
	s := waitSpare(t, c)
	s.Close()
	c.spare <- s
	r, err := c.Exec(context.Background(), Command{Script: "echo again"})
	if err != nil || string(r.Stdout) != "again\n" {
		t.Fatalf("exec after the spare was closed: %q, %v", r.Stdout, err)
	}
	c.spare <- waitSpare(t, c)
	if held := len(c.sessions); held != 1 {
		t.Errorf("%d session slots held when idle, want 1 (the spare)", held)
	}
}

// A failed connect reads as OpenSSH's message, which Ansible shows.
func TestDialErrorWordsItAsOpenSSH(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
			"ssh: connect to host h port 22: Connection refused"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)},
			"ssh: connect to host h port 22: No route to host"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}},
			"ssh: Could not resolve hostname h: Name or service not known"},
	}
	for _, tt := range tests {
		err := dialError(context.Background(), "h", 22, tt.err)
		if err.Error() != tt.want {
			t.Errorf("dialError(%v) = %q, want %q", tt.err, err, tt.want)
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("dialError(%v) does not wrap it", tt.err)
		}
	}
}
