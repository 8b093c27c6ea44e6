package runner

import "strings"

// confirmStep asks, under --step, whether to run the next task, as
// ansible-playbook does: (N)o skips it, (y)es runs it, (c)ontinue runs it
// and every later task without asking.
func (r *Runner) confirmStep(title string) bool {
	if !r.opts.Step || r.stepAll.Load() || r.opts.Prompt == nil {
		return true
	}
	answer, err := r.opts.Prompt("Perform task: TASK: "+title+" (N)o/(y)es/(c)ontinue: ", false)
	if err != nil {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true
	case "c", "continue":
		r.stepAll.Store(true)
		return true
	}
	return false
}
