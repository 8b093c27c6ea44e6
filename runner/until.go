package runner

import (
	"context"
	"fmt"
	"maps"
	"time"

	"play/jinja"
	"play/modules"
)

// colorDebug is Ansible's COLOR_DEBUG (dark gray), used for retry lines.
const colorDebug = "\x1b[1;30m"

// runUntil runs the module until the task's until condition holds, as
// Ansible 2.14 does: retries+1 attempts, delay seconds apart, a "FAILED -
// RETRYING" line before each retry, and "attempts" in the result (retries
// when every attempt failed).
func (ex *execution) runUntil(ctx context.Context, vars map[string]any, res *taskResult) {
	if ex.t.Until == "" {
		ex.runModule(ctx, vars, res)
		return
	}
	retries, err := ex.intKeyword(ex.t.Retries, 3, vars)
	if err != nil {
		ex.fail(res, fmt.Errorf("retries: %w", err))
		return
	}
	delay, err := ex.intKeyword(ex.t.Delay, 5, vars)
	if err != nil {
		ex.fail(res, fmt.Errorf("delay: %w", err))
		return
	}
	attempts := max(retries+1, 1)
	fresh := *res
	for attempt := 1; ; attempt++ {
		*res = fresh
		ex.runModule(ctx, vars, res)
		if res.unreachable {
			return
		}
		if res.result == nil {
			res.result = map[string]any{}
		}
		res.result["attempts"] = attempt
		done, err := evalAll([]string{ex.t.Until}, ex.conditionVars(res, vars))
		if err != nil {
			// Ansible reports only the condition: no result, no task position.
			res.failed, res.changed, res.skipped = true, false, false
			res.result = map[string]any{"failed": true, "msg": err.Error()}
			return
		}
		if done {
			return
		}
		if attempt >= attempts {
			res.result["attempts"] = attempts - 1
			// A skipped attempt (command under --check) is a failure now.
			res.failed, res.skipped = true, false
			res.result["failed"] = true
			delete(res.result, "skipped")
			return
		}
		ex.r.out.line(colorDebug, fmt.Sprintf("FAILED - RETRYING: %s: %s (%d retries left).", hostLabel(res), ex.r.hostTaskTitle(ex.pc, ex.sc, ex.t, ex.h), attempts-attempt))
		select {
		case <-ctx.Done():
			ex.fail(res, ctx.Err())
			return
		case <-time.After(time.Duration(max(delay, 0)) * time.Second):
		}
	}
}

// intKeyword evaluates an integer keyword (a number or a template).
func (ex *execution) intKeyword(v any, def int, vars map[string]any) (int, error) {
	if v == nil {
		return def, nil
	}
	rendered, err := jinja.RenderValue(v, vars)
	if err != nil {
		return 0, err
	}
	return modules.ToInt(rendered)
}

// conditionVars are the variables changed_when, failed_when and until see:
// the task's, the result under the register name, and the result's keys.
func (ex *execution) conditionVars(res *taskResult, vars map[string]any) map[string]any {
	cv := maps.Clone(vars)
	if ex.t.Register != "" {
		cv[ex.t.Register] = res.result
	}
	for k, v := range res.result {
		if _, shadow := cv[k]; !shadow {
			cv[k] = v
		}
	}
	ex.r.bindLookups(cv, ex.pc, ex.t) // lookups see the result
	return cv
}

// hostLabel is "[host]" or "[host -> delegate]".
func hostLabel(r *taskResult) string {
	if r.delegatedTo != "" {
		return "[" + r.host + " -> " + r.delegatedTo + "]"
	}
	return "[" + r.host + "]"
}
