package modules

import (
	"context"
	"errors"
	"strings"
	"time"

	"play/connection"
)

func init() {
	Register(Info{Name: "wait_for_connection", New: func() Module { return &WaitForConnection{} }})
}

// WaitForConnection waits until the host answers again (after a reboot or
// a network restart): it reconnects and runs a test command until it
// succeeds, as ansible.builtin.wait_for_connection runs its ping module.
type WaitForConnection struct {
	// Delay is how many seconds to wait before the first try.
	Delay int `arg:"delay"`
	// Sleep is how many seconds to wait between tries (default 1).
	Sleep *int `arg:"sleep"`
	// Timeout is how many seconds to try for (default 600).
	Timeout *int `arg:"timeout"`
	// ConnectTimeout is how many seconds one try (connect and test) may
	// take (default 5).
	ConnectTimeout *int `arg:"connect_timeout"`
}

// waitTest is what proves the host answers: a shell that runs a command.
const waitTest = "echo pong"

// Plan runs nothing on the host (it may be down): the wait is in Finish,
// which check mode skips, as Ansible does.
func (w *WaitForConnection) Plan(ctx context.Context, env *Env) (*Plan, error) {
	host, ok := env.Host.(Reconnector)
	if !ok {
		return nil, Failf("wait_for_connection needs a connection that can be reopened")
	}
	return &Plan{
		SkipInCheck: true,
		Finish: func([]connection.Result) (map[string]any, error) {
			return w.wait(ctx, host)
		},
	}, nil
}

// wait tries until the test command answers or the timeout passes.
func (w *WaitForConnection) wait(ctx context.Context, host Reconnector) (map[string]any, error) {
	start := time.Now()
	if !sleepCtx(ctx, time.Duration(w.Delay)*time.Second) {
		return nil, ctx.Err()
	}
	deadline := time.Now().Add(time.Duration(intOr(w.Timeout, 600)) * time.Second)
	tries := retry{host: host, deadline: deadline, interval: time.Duration(intOr(w.Sleep, 1)) * time.Second,
		tryTimeout: time.Duration(intOr(w.ConnectTimeout, 5)) * time.Second}
	last, err := tries.until(ctx, func(ctx context.Context) (bool, string) {
		res, err := host.Run(ctx, waitTest, nil)
		if err != nil {
			return false, err.Error()
		}
		if strings.TrimSpace(string(res.Stdout)) != "pong" {
			return false, "ping test failed"
		}
		return true, ""
	})
	elapsed := int(time.Since(start).Seconds())
	if err == errRetryTimedOut {
		return nil, &Failure{Msg: "timed out waiting for ping module test: " + last, Result: map[string]any{"elapsed": elapsed}}
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"changed": false, "elapsed": elapsed}, nil
}

// retry reconnects to a host and runs a test until it passes (a host
// coming back after a reboot or a network restart).
type retry struct {
	host     Reconnector
	deadline time.Time
	interval time.Duration
	// tryTimeout bounds one reconnect and test; 0: the connection's own.
	tryTimeout time.Duration
}

var errRetryTimedOut = errors.New("timed out")

// until reconnects and runs test every interval until it passes. After the
// deadline it returns errRetryTimedOut with the last reason test gave.
func (r retry) until(ctx context.Context, test func(context.Context) (bool, string)) (string, error) {
	last := ""
	for {
		passed, why := r.try(ctx, test)
		if passed {
			return "", nil
		}
		last = why
		if ctx.Err() != nil {
			return last, ctx.Err()
		}
		if time.Now().After(r.deadline) {
			return last, errRetryTimedOut
		}
		if !sleepCtx(ctx, r.interval) {
			return last, ctx.Err()
		}
	}
}

func (r retry) try(ctx context.Context, test func(context.Context) (bool, string)) (bool, string) {
	if r.tryTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.tryTimeout)
		defer cancel()
	}
	if err := r.host.Reconnect(ctx); err != nil {
		return false, err.Error()
	}
	return test(ctx)
}

var _ Module = (*WaitForConnection)(nil)
