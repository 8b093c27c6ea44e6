package connection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"play/internal/sshtest"
)

// keepAliveConfig is s's configuration with keepalives every second, to be
// answered within count seconds.
func keepAliveConfig(t *testing.T, s *sshtest.Server, keyFile, knownHosts string, count int) Config {
	t.Helper()
	vars := map[string]any{"ansible_host": s.Addr, "ansible_port": s.Port, "ansible_user": "root",
		"ansible_ssh_private_key_file": keyFile,
		"ansible_ssh_common_args":      fmt.Sprintf("-o UserKnownHostsFile=%s -o ServerAliveInterval=1 -o ServerAliveCountMax=%d", knownHosts, count)}
	cfg, err := ConfigFor(s.Name, vars, noSSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A host that stops answering without closing the connection (its sshd
// frozen with SIGSTOP) is unreachable once its keepalives go unanswered,
// whatever the command was waiting for: a new session (the x/crypto/ssh
// channel open has no timeout), a command running, a kept shell.
func TestHostStopsAnswering(t *testing.T) {
	own, err := sshtest.Start(1)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	s := own.Servers[0]
	tests := []struct {
		name string
		// run starts work on c; freeze is called when the host must stop
		// answering. It returns the error the work ended with.
		run func(c Conn, freeze func()) error
	}{
		{"new command on an idle connection", func(c Conn, freeze func()) error {
			freeze()
			_, err := c.Exec(context.Background(), Command{Script: "true"})
			return err
		}},
		{"command running", func(c Conn, freeze func()) error {
			go func() { time.Sleep(200 * time.Millisecond); freeze() }()
			_, err := c.Exec(context.Background(), Command{Script: "sleep 60"})
			return err
		}},
		{"many commands waiting for sessions", func(c Conn, freeze func()) error {
			freeze()
			errs := make(chan error, 2*maxSessions)
			for range cap(errs) {
				go func() {
					_, err := c.Exec(context.Background(), Command{Script: "true"})
					errs <- err
				}()
			}
			var all []error
			for range cap(errs) {
				all = append(all, <-errs)
			}
			return errors.Join(all...)
		}},
		{"kept shell", func(c Conn, freeze func()) error {
			sh := NewShell(c, nil, nil)
			defer sh.Close()
			if _, err := sh.Run(context.Background(), "true", nil); err != nil {
				return err
			}
			freeze()
			_, err := sh.Run(context.Background(), "true", nil)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, keepAliveConfig(t, s, own.KeyFile, own.KnownHosts, 2))
			if _, err := c.Exec(context.Background(), Command{Script: "true"}); err != nil {
				t.Fatal(err)
			}
			frozen := make(chan struct{})
			freeze := func() {
				if err := s.Freeze(); err != nil {
					t.Error(err)
				}
				close(frozen)
			}
			defer func() {
				<-frozen
				if err := s.Thaw(); err != nil {
					t.Error(err)
				}
			}()
			ended := make(chan error, 1)
			go func() { ended <- tt.run(c, freeze) }()
			var err error
			select {
			case err = <-ended:
			case <-time.After(time.Minute): // 20 times the keepalive's limit
				t.Fatal("still waiting a minute after the host stopped answering")
			}
			var unreachable *UnreachableError
			if !errors.As(err, &unreachable) || unreachable.Host != "h1" {
				t.Fatalf("err = %v, want *UnreachableError for h1", err)
			}
			want := "Failed to connect to the host via ssh: Timeout, server " + s.Addr + " not responding: no answer to a keepalive for 2s (ServerAliveInterval=1s, ServerAliveCountMax=2): the host stopped answering"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q, want %q", err, want)
			}
		})
	}
}

// A healthy host answers keepalives while a command runs longer than
// interval x count: the command is never cut. (3 s to answer: a loaded
// machine's sshd may be slow, not silent.)
func TestKeepAliveSparesLongCommand(t *testing.T) {
	c := dial(t, keepAliveConfig(t, lab.Servers[0], lab.KeyFile, lab.KnownHosts, 3))
	r, err := c.Exec(context.Background(), Command{Script: "sleep 7; echo done"})
	if err != nil || r.RC != 0 || string(r.Stdout) != "done\n" {
		t.Fatalf("sleep 7 with keepalives every 1s, 3s to answer: %q rc %d, %v", r.Stdout, r.RC, err)
	}
}

// Close ends the keepalive: a command after it fails at once, without
// reaching the host.
func TestExecAfterClose(t *testing.T) {
	c, err := Dial(context.Background(), labConfig(t, lab.Servers[0]))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(context.Background(), Command{Script: "true"}); !errors.Is(err, errClosed) {
		t.Fatalf("err = %v, want %v", err, errClosed)
	}
}
