package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"time"

	"play/modules"
	"play/playbooks"
)

// defaultPoll is Ansible's DEFAULT_POLL_INTERVAL: poll's value when only
// async is given.
const defaultPoll = 15

// asyncLimits evaluates async and poll into l. async: 0 (or none) runs the
// task normally, as in Ansible. Modules async cannot run, poll: 0 for a
// module that cannot run in the background, and check mode are refused.
func (ex *execution) asyncLimits(l *taskLimits, vars map[string]any) error {
	var err error
	if l.async, err = ex.intKeyword(ex.t.Async, 0, vars); err != nil {
		return fmt.Errorf("async: %w", err)
	}
	if l.async <= 0 {
		l.async = 0
		return nil
	}
	if l.poll, err = ex.intKeyword(ex.t.Poll, defaultPoll, vars); err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if l.background, err = modules.AsyncSupport(actionName(ex.t)); err != nil {
		return err
	}
	if !l.background && l.poll <= 0 {
		return fmt.Errorf("async is not supported for module %s with poll: 0: only command, shell, raw and script run in the background; give poll a number of seconds to run it with the time limit instead", ex.t.Module)
	}
	check, err := ex.checkMode(vars)
	if err != nil {
		return err
	}
	if check {
		return errors.New("check mode and async cannot be used on same task.")
	}
	if !l.background {
		l.jid = fmt.Sprintf("j%012d.%d", rand.Int64N(1e12), os.Getpid())
	}
	return nil
}

// checkMode says whether the task runs in check mode: its check_mode
// keyword (or its blocks' or play's), else --check.
func (ex *execution) checkMode(vars map[string]any) (bool, error) {
	v, set, err := ex.boolKeyword(func(t *playbooks.Task) any { return t.CheckMode }, ex.pc.play.CheckMode, vars)
	if err != nil || !set {
		return ex.r.opts.Check, err
	}
	return v, nil
}

// foreground says whether async runs the module in the foreground, bounded
// by the async time.
func (l *taskLimits) foreground() bool { return l.async > 0 && !l.background }

// runsJob says whether the plan runs as a background job: an async command
// that is to run (creates= and removes= decide at once, in the foreground).
func (l *taskLimits) runsJob(plan *modules.Plan) bool {
	return l.async > 0 && l.background && len(plan.Steps) == 1
}

// pollLines prints Ansible's ASYNC POLL line every poll seconds while a
// foreground async run goes on; the returned func stops them.
func (ex *execution) pollLines(l *taskLimits) func() {
	tick := time.NewTicker(time.Duration(l.poll) * time.Second)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				ex.r.out.line(colorDebug, fmt.Sprintf("ASYNC POLL on %s: jid=%s started=1 finished=0", ex.h.name(), l.jid))
			}
		}
	}()
	return func() {
		tick.Stop()
		close(done)
	}
}

// foregroundDone gives a foreground async run the keys and the line of an
// async task Ansible polled: to its end, or cut at the time limit.
func (ex *execution) foregroundDone(l *taskLimits, res *taskResult, cut bool) {
	if res.unreachable || res.skipped {
		return
	}
	word := "OK"
	if res.failed {
		word = "FAILED"
	}
	if res.result == nil {
		res.result = map[string]any{}
	}
	if cut {
		res.result["async_result"] = map[string]any{"ansible_job_id": l.jid, "started": 1, "finished": 0}
	} else {
		res.result["ansible_job_id"], res.result["started"], res.result["finished"] = l.jid, 1, 1
	}
	res.asyncLine = fmt.Sprintf("ASYNC %s on %s: jid=%s", word, ex.h.name(), l.jid)
}

// runJob starts the plan's step as a background job on the host. With
// poll: 0 the task ends at once with the job's id (fire and forget);
// otherwise it polls the job every poll seconds, as Ansible does, for up
// to async seconds, and its result is the module's.
func (ex *execution) runJob(ctx context.Context, host modules.Host, plan *modules.Plan, args map[string]any, l *taskLimits, res *taskResult, vars map[string]any) {
	job, err := modules.StartJob(ctx, host, actionName(ex.t), args, plan.Steps[0], l.async)
	if err != nil {
		ex.fail(res, err)
		return
	}
	if l.poll <= 0 {
		res.result = map[string]any{"ansible_job_id": job.ID, "results_file": job.ResultsFile, "started": 1, "finished": 0, "changed": true, "failed": false}
		res.changed = true
		ex.applyConditions(res, vars)
		return
	}
	result, err := ex.pollJob(ctx, host, job, l)
	word := "OK"
	if err != nil {
		word = "FAILED"
		ex.fail(res, err)
	} else {
		res.result = result
		res.changed, _ = result["changed"].(bool)
	}
	if !res.unreachable {
		res.asyncLine = fmt.Sprintf("ASYNC %s on %s: jid=%s", word, ex.h.name(), job.ID)
	}
	ex.applyConditions(res, vars)
}

// pollJob reads the job every poll seconds until it finished or async
// seconds of polls passed, then removes a finished job's files. A read the
// connection failed (the job restarted the network) reconnects and tries
// again at the next poll, as Ansible does.
func (ex *execution) pollJob(ctx context.Context, host modules.Host, job modules.Job, l *taskLimits) (map[string]any, error) {
	var st *modules.JobState
	var lastErr error
	for left := l.async; left > 0; left -= l.poll {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(l.poll) * time.Second):
		}
		st, lastErr = modules.ReadJob(ctx, host, job.ID)
		if lastErr != nil {
			if r, ok := host.(modules.Reconnector); ok && ctx.Err() == nil {
				_ = r.Reconnect(ctx)
			}
			continue
		}
		if st.Finished || st.Missing {
			break
		}
		ex.r.out.line(colorDebug, fmt.Sprintf("ASYNC POLL on %s: jid=%s started=1 finished=0", ex.h.name(), job.ID))
	}
	if st == nil && lastErr != nil {
		return nil, lastErr
	}
	if st == nil || !st.Finished || st.TimedOut {
		result := map[string]any{"ansible_job_id": job.ID, "started": 1, "finished": 0, "results_file": job.ResultsFile}
		if st != nil && st.Finished {
			result["finished"] = 1
		}
		return nil, &modules.Failure{Msg: fmt.Sprintf("async task did not complete within the requested time - %ds", l.async), Result: map[string]any{"async_result": result}}
	}
	result, failure := st.Result()
	if err := modules.CleanupJob(ctx, host, job.ID); err != nil {
		ex.r.out.warn(fmt.Sprintf("could not remove the files of job %s: %v", job.ID, err))
	}
	if failure != nil {
		return nil, failure
	}
	return maps.Clone(result), nil
}
