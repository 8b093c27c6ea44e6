package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"os/user"
	"syscall"
	"time"
)

// localConn runs commands on the controller itself (ansible_connection=local).
type localConn struct {
	user string // who we are, so becoming ourselves is a no-op
}

func newLocal() (Conn, error) {
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("local connection: who am I: %w", err)
	}
	return &localConn{user: u.Username}, nil
}

func (c *localConn) Exec(ctx context.Context, cmd Command) (Result, error) {
	return run(ctx, c.start, cmd, c.user)
}

func (c *localConn) Stream(ctx context.Context, cmd Command, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	return stream(ctx, c.start, cmd, c.user, stdin, stdout, stderr)
}

// start runs line with /bin/sh -c in its own process group, so cancelling
// ctx stops the whole pipeline, not only the shell.
func (c *localConn) start(ctx context.Context, line string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := exec.Command("/bin/sh", "-c", line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A grandchild that escaped the group must not keep Wait waiting on the
	// output pipes for ever.
	cmd.WaitDelay = 2 * time.Second
	// Fed by our own goroutine: exec's would make Wait wait for stdin too.
	in, err := cmd.StdinPipe()
	if err != nil {
		return -1, err
	}
	if err := cmd.Start(); err != nil {
		return -1, fmt.Errorf("local connection: %w", err)
	}
	go func() {
		_, _ = io.Copy(in, stdin)
		in.Close()
	}()
	exited := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		terminate(exited, func(kill bool) {
			sig := syscall.SIGTERM
			if kill {
				sig = syscall.SIGKILL
			}
			_ = syscall.Kill(-cmd.Process.Pid, sig)
		})
	})
	err = cmd.Wait()
	close(exited)
	if !stop() {
		return -1, ctx.Err()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return 128 + int(status.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	return -1, fmt.Errorf("local connection: %w", err)
}

func (c *localConn) Close() error { return nil }
