package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"play/playbooks"
)

// taskLimits are the timeout, async and poll keywords of one run of a
// task's action (each loop item and until attempt is a run, as in Ansible).
type taskLimits struct {
	timeout int // the timeout keyword, seconds; 0: none
	async   int // the async keyword, seconds; 0: not async
	poll    int
	// background: the module runs as a job on the host (command, shell,
	// raw, script); otherwise async runs it in the foreground within async
	// seconds.
	background bool
	action     string
	jid        string // the foreground async run's job id
}

// limits evaluates the task's timeout, async and poll keywords, and refuses
// an async task whose module cannot run so, before any connection.
func (ex *execution) limits(vars map[string]any) (*taskLimits, error) {
	l := &taskLimits{action: ex.t.Module}
	timeout := ex.keyword(func(t *playbooks.Task) any { return t.Timeout })
	if timeout == nil {
		timeout = ex.pc.play.Timeout
	}
	var err error
	if l.timeout, err = ex.intKeyword(timeout, 0, vars); err != nil {
		return nil, fmt.Errorf("timeout: %w", err)
	}
	if err := ex.asyncLimits(l, vars); err != nil {
		return nil, err
	}
	return l, nil
}

// errTimeLimit ends a task run at its time limit: the connection kills the
// command at once (an interrupted run's commands get a grace period).
var errTimeLimit = errors.New("the task's time limit was reached")

// bound applies the limits to ctx. The returned stop rewrites a result the
// time limit cut short into Ansible's failure; the connection has killed
// the remote command (its process group) when ctx ended.
func (ex *execution) bound(ctx context.Context, l *taskLimits) (context.Context, func(*taskResult)) {
	seconds, msg := l.timeout, fmt.Sprintf("The %s action failed to execute in the expected time frame (%d) and was terminated", l.action, l.timeout)
	if l.foreground() && (seconds == 0 || l.async < seconds) {
		seconds, msg = l.async, fmt.Sprintf("async task did not complete within the requested time - %ds", l.async)
	}
	if seconds <= 0 {
		return ctx, func(*taskResult) {}
	}
	limited, cancel := context.WithTimeoutCause(ctx, time.Duration(seconds)*time.Second, errTimeLimit)
	stopLines := func() {}
	if l.foreground() {
		stopLines = ex.pollLines(l)
	}
	return limited, func(res *taskResult) {
		defer cancel()
		stopLines()
		cut := (res.failed || res.unreachable) && errors.Is(limited.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		if cut {
			res.failed, res.unreachable, res.changed = true, false, false
			res.result = map[string]any{"changed": false, "failed": true, "msg": msg}
		}
		if l.foreground() {
			ex.foregroundDone(l, res, cut)
		}
	}
}
