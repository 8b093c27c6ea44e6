package runner

import (
	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// width is how many hosts run a task at once: --forks, lowered by the
// task's (or its blocks', or the play's) throttle when that is positive.
func (r *Runner) width(pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState) int {
	v := sc.keyword(t, func(t *playbooks.Task) any { return t.Throttle })
	if v == nil {
		v = pc.play.Throttle
	}
	if v == nil || len(hosts) == 0 {
		return r.opts.Forks
	}
	rendered, err := jinja.RenderValue(v, r.taskVars(pc, sc, t, hosts[0]))
	if err != nil {
		return r.opts.Forks
	}
	n, err := modules.ToInt(rendered)
	if err != nil || n <= 0 {
		return r.opts.Forks
	}
	return min(n, r.opts.Forks)
}
