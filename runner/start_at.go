package runner

import (
	"fmt"
	"path"

	"play/playbooks"
)

// --start-at-task: plays before the one holding the task show only their
// banner; in that play facts are gathered and the tasks before it are
// skipped silently; everything after runs, as ansible-playbook does. Only
// tasks known before the run count (imports, not include_tasks).

// startAtPending says whether --start-at-task is still looking for its task.
func (r *Runner) startAtPending() bool { return r.opts.StartAtTask != "" && !r.startAtFound }

// matchesStartAt tells whether a task is the one --start-at-task names: its
// name or its displayed name (role : name), possibly a shell pattern.
func (r *Runner) matchesStartAt(pc *playCtx, t *playbooks.Task) bool {
	want := r.opts.StartAtTask
	for _, name := range []string{t.Name, r.taskTitle(pc, t)} {
		if name == "" {
			continue
		}
		if ok, _ := path.Match(want, name); ok || name == want {
			return true
		}
	}
	return false
}

// playHoldsStartAt says whether the play has the task --start-at-task names.
func (r *Runner) playHoldsStartAt(pc *playCtx) bool {
	var walk func(tasks []*playbooks.Task) bool
	walk = func(tasks []*playbooks.Task) bool {
		for _, t := range tasks {
			if t.IsBlock() {
				if walk(t.Block) || walk(t.Rescue) || walk(t.Always) {
					return true
				}
			} else if r.matchesStartAt(pc, t) {
				return true
			}
		}
		return false
	}
	return walk(pc.play.PreTasks) || walk(pc.play.Tasks) || walk(pc.play.PostTasks)
}

// skipBeforeStartAt says whether a task comes before the --start-at-task
// one; reaching that task ends the skipping for the rest of the run.
func (r *Runner) skipBeforeStartAt(pc *playCtx, t *playbooks.Task) bool {
	if !r.startAtPending() {
		return false
	}
	if r.matchesStartAt(pc, t) {
		r.startAtFound = true
		return false
	}
	return true
}

// StartAtTaskError reports a --start-at-task that named no task.
func (r *Runner) StartAtTaskError() error {
	if !r.startAtPending() {
		return nil
	}
	return fmt.Errorf("No matching task %q found. Note: --start-at-task can only follow static includes.", r.opts.StartAtTask)
}
