package runner

import (
	"fmt"
	"time"

	"play/playbooks"
)

// Listener receives the run's progress for machine-readable reports.
// HostResult is called from the host workers concurrently: implementations
// must be safe for concurrent use.
type Listener interface {
	PlayStart(PlayEvent)
	TaskStart(TaskEvent)
	HostResult(HostEvent)
}

// PlayEvent is a play starting.
type PlayEvent struct {
	Name  string
	Hosts []string // the play's hosts that take part
	Start time.Time
}

// TaskEvent identifies a task (or handler) in a play.
type TaskEvent struct {
	Play    string
	Name    string
	Action  string // the module as written
	Handler bool
	Path    string // file:line of the task, "" for implicit tasks
	Start   time.Time
}

// Result statuses, as the recap counts them.
const (
	StatusOK          = "ok"
	StatusChanged     = "changed"
	StatusFailed      = "failed"
	StatusSkipped     = "skipped"
	StatusUnreachable = "unreachable"
)

// HostEvent is one host's final result for a task.
type HostEvent struct {
	Task   TaskEvent
	Host   string
	Status string
	// Ignored is a failure that ignore_errors turned into ok.
	Ignored bool
	// Result is the result as registered, without internal keys; under
	// no_log it holds only "censored" and "changed".
	Result     map[string]any
	Start, End time.Time
}

func playName(p *playbooks.Play) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Hosts
}

func (r *Runner) emit(f func(Listener)) {
	for _, l := range r.opts.Listeners {
		f(l)
	}
}

// playStarted tells the listeners a play begins on hosts.
func (r *Runner) playStarted(pc *playCtx) {
	if len(r.opts.Listeners) == 0 {
		return
	}
	ev := PlayEvent{Name: playName(pc.play), Start: time.Now()}
	for _, h := range pc.hosts {
		ev.Hosts = append(ev.Hosts, h.name())
	}
	r.emit(func(l Listener) { l.PlayStart(ev) })
}

func (r *Runner) taskEvent(pc *playCtx, t *playbooks.Task, kind, title string) TaskEvent {
	ev := TaskEvent{Play: playName(pc.play), Name: title, Action: t.Module, Handler: kind != "TASK"}
	if t.Pos.File != "" {
		ev.Path = fmt.Sprintf("%s:%d", t.Pos.File, t.Pos.Line)
	}
	return ev
}

// taskStarted tells the listeners a task begins.
func (r *Runner) taskStarted(pc *playCtx, t *playbooks.Task, kind, title string) {
	if len(r.opts.Listeners) == 0 {
		return
	}
	ev := r.taskEvent(pc, t, kind, title)
	ev.Start = time.Now()
	r.emit(func(l Listener) { l.TaskStart(ev) })
}

// hostFinished tells the listeners a host's result for a task.
func (r *Runner) hostFinished(pc *playCtx, t *playbooks.Task, kind, title string, res *taskResult, start time.Time) {
	if len(r.opts.Listeners) == 0 {
		return
	}
	ev := HostEvent{Task: r.taskEvent(pc, t, kind, title), Host: res.host, Status: res.status(), Ignored: res.ignored, Result: res.reported(), Start: start, End: time.Now()}
	r.emit(func(l Listener) { l.HostResult(ev) })
}

func (r *taskResult) status() string {
	switch {
	case r.unreachable:
		return StatusUnreachable
	case r.failed:
		return StatusFailed
	case r.skipped:
		return StatusSkipped
	case r.changed:
		return StatusChanged
	}
	return StatusOK
}

// censoredMsg is Ansible's text for a result hidden by no_log.
const censoredMsg = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

// reported is the result as reports show it: no internal keys, and nothing
// but "censored" under no_log.
func (r *taskResult) reported() map[string]any {
	if r.noLog {
		return map[string]any{"censored": censoredMsg, "changed": r.changed}
	}
	out := publicResult(r.result)
	out["changed"] = r.changed
	return out
}
