package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"play/connection"
)

// firstBackoff is the wait before the first connection retry; each
// retry waits twice as long as the one before (a variable for tests).
var firstBackoff = time.Second

// dial opens a host's connection, retrying network failures
// (--connect-retries) with exponential backoff; a refused host key or
// login is not retried. The connection's commands outlive an interrupt by
// the kill grace period.
func (r *Runner) dial(ctx context.Context, cfg connection.Config) (connection.Conn, error) {
	wait := firstBackoff
	for attempt := 0; ; attempt++ {
		conn, err := connection.Dial(ctx, cfg)
		if err == nil {
			if r.opts.KillGrace > 0 {
				conn = &graceConn{Conn: conn, grace: r.opts.KillGrace}
			}
			return conn, nil
		}
		if attempt >= r.opts.ConnectRetries || !retryable(err) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// retryable says whether a dial failure may go away by itself (a host
// booting, a network blip), as opposed to a wrong key or credentials.
func retryable(err error) bool {
	var hk *connection.HostKeyError
	if errors.As(err, &hk) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded)
}

// graceConn lets a command that is running when the run is interrupted
// finish, and kills it only after the grace period.
type graceConn struct {
	connection.Conn
	grace time.Duration
}

func (g *graceConn) Exec(ctx context.Context, cmd connection.Command) (connection.Result, error) {
	ctx, stop := g.graced(ctx)
	defer stop()
	return g.Conn.Exec(ctx, cmd)
}

// Stream is Exec's grace for a task's kept session (connection.Shell); a
// dialed connection always streams.
func (g *graceConn) Stream(ctx context.Context, cmd connection.Command, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	ctx, stop := g.graced(ctx)
	defer stop()
	return g.Conn.(connection.Streamer).Stream(ctx, cmd, stdin, stdout, stderr)
}

// graced is ctx with the grace period added to an interruption (not to the
// task's own time limit).
func (g *graceConn) graced(ctx context.Context) (context.Context, func()) {
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(context.Cause(ctx), errTimeLimit) {
			cancel() // the task's own time limit: no grace
			return
		}
		t := time.AfterFunc(g.grace, cancel)
		context.AfterFunc(cctx, func() { t.Stop() })
	})
	return cctx, func() {
		stop()
		cancel()
	}
}
