package runner

import (
	"context"
	"maps"
)

// runnerAction is a task action the runner carries out itself, on the
// controller, because it changes the run's own state (variables, the
// inventory) rather than a host. It returns the task's result.
type runnerAction func(ctx context.Context, ex *execution, args, vars map[string]any) (map[string]any, error)

// runnerActions are looked up by the action's short name.
var runnerActions = map[string]runnerAction{}

// runAction runs a runner action like a module: templated arguments in,
// result, then changed_when/failed_when.
func (ex *execution) runAction(ctx context.Context, act runnerAction, vars map[string]any, res *taskResult) {
	args, err := ex.renderArgs(actionName(ex.t), vars)
	if err != nil {
		ex.fail(res, err)
		return
	}
	result, err := act(ctx, ex, args, vars)
	if err != nil {
		ex.fail(res, err)
		return
	}
	res.result = maps.Clone(result)
	if _, ok := res.result["changed"]; !ok {
		res.result["changed"] = false
	}
	res.changed, _ = res.result["changed"].(bool)
	ex.applyConditions(res, vars)
}
