package runner

import (
	"context"
	"sync"
	"sync/atomic"

	"play/diag"
	"play/playbooks"
)

// Ansible's free strategy: every host runs the play's task list on its own,
// without waiting for the others at each task; handlers run at the end of
// each section, per host. Each host gets its own playCtx holding only itself,
// so the linear code runs unchanged on it.

// freeRun is what the hosts of a free play share.
type freeRun struct {
	// hosts are the per-host contexts, whose groups variable a change
	// refreshes (see Runner.changeInventory).
	hosts []*playCtx
	// batch are the batch's hosts: ansible_play_batch.
	batch []*hostState
	// forks lets at most --forks hosts run a task at a time; a host waiting
	// for one runs its next task as soon as any host finished a task (not a
	// whole play), as Ansible's workers.
	forks *forkQueue
	// ended is set by meta: end_play, which ends the play for every host.
	ended atomic.Bool
	// err is the error that aborted the play (add_host under free).
	errMu sync.Mutex
	err   error
}

func isFree(play *playbooks.Play) bool {
	return play.Strategy == "free" || play.Strategy == "ansible.builtin.free"
}

// runFree runs the batch's hosts each through the whole play, at most
// forks tasks at a time. Its error aborts the playbook.
func (r *Runner) runFree(ctx context.Context, pc *playCtx) error {
	hosts := pc.activeHosts()
	if len(hosts) == 0 {
		return nil
	}
	if pc.play.MaxFailPercentage != nil {
		r.warnOnce("Using max_fail_percentage with the free strategy is not supported, as tasks are executed independently on each host")
	}
	free := &freeRun{batch: hosts, forks: &forkQueue{free: r.opts.Forks}}
	byHost := map[*hostState]*playCtx{}
	for _, h := range hosts {
		hc := pc.forHost(h, free)
		byHost[h] = hc
		free.hosts = append(free.hosts, hc)
	}
	// Forks go to the hosts in inventory order first.
	turns := map[*hostState]chan struct{}{}
	for _, h := range hosts {
		turns[h] = free.forks.request()
	}
	r.forEachHost(hosts, len(hosts), func(h *hostState) {
		<-turns[h]
		defer free.forks.release()
		defer r.out.endDeferredBanners(h.name())
		r.runSections(ctx, byHost[h])
	})
	pc.groups = free.hosts[0].groups
	pc.allHostNames = free.hosts[0].allHostNames
	pc.ended = pc.ended || free.ended.Load()
	pc.resetHostvars()
	return free.err
}

// abort ends the free play for every host with err, the first one kept.
func (free *freeRun) abort(err error) {
	free.errMu.Lock()
	if free.err == nil {
		free.err = err
	}
	free.errMu.Unlock()
	free.endPlay(true)
}

// endPlay ends the free play for every host (meta: end_play, end_batch):
// each stops before its next task, as Ansible marks them all complete.
func (free *freeRun) endPlay(play bool) {
	for _, hc := range free.hosts {
		for _, h := range hc.hosts {
			h.mu.Lock()
			h.setEndPlayLocked(true)
			h.mu.Unlock()
		}
	}
	if play {
		free.ended.Store(true)
	}
}

// freeTaskAllowed prints Ansible's warnings for the keywords the free
// strategy does not honour, before the task runs. A module that bypasses
// the host loop (add_host) is refused: Ansible's free strategy raises its
// error, which ends the playbook, as soon as a host reaches the task.
func (r *Runner) freeTaskAllowed(pc *playCtx, sc *scope, t *playbooks.Task, h *hostState) bool {
	ex := &execution{r: r, pc: pc, sc: sc, t: t, h: h}
	if actionName(t) == "add_host" {
		pc.free.abort(diag.Errorf(t.Pos, "The '%s' module bypasses the host loop, which is currently not supported in the free strategy and would instead execute for every host in the inventory list.", t.Module))
		return false
	}
	if r.runsOnce(pc, sc, t, []*hostState{h}) {
		r.warnOnce("Using run_once with the free strategy is not currently supported. This task will still be executed for every host in the inventory list.")
	}
	fatal, _, _ := ex.boolKeyword(func(t *playbooks.Task) any { return t.AnyErrorsFatal }, pc.play.AnyErrorsFatal, pc.play.Vars)
	if fatal {
		r.warnOnce("Using any_errors_fatal with the free strategy is not supported, as tasks are executed independently on each host")
	}
	return true
}

// forHost is the play's context for one host under the free strategy.
func (pc *playCtx) forHost(h *hostState, free *freeRun) *playCtx {
	playHosts := pc.playHosts
	if playHosts == nil {
		playHosts = pc.hosts
	}
	return &playCtx{
		r: pc.r, pb: pc.pb, play: pc.play, hosts: []*hostState{h}, allHostNames: pc.allHostNames,
		groups: pc.groups, varsFiles: pc.varsFiles, all: pc.all, playHosts: playHosts,
		promptVars: pc.promptVars, free: free,
	}
}

// taskBoundary lets a host waiting for a fork run its task before this
// host starts its next one.
func (pc *playCtx) taskBoundary() {
	if pc.free != nil {
		pc.free.forks.release()
		<-pc.free.forks.request()
	}
}

// forkQueue hands out forks in the order they were asked for: a host that
// finished a task queues behind the hosts already waiting, as Ansible's
// free strategy goes round the hosts.
type forkQueue struct {
	mu      sync.Mutex
	free    int
	waiting []chan struct{}
}

// request returns a channel closed once the fork is the caller's.
func (q *forkQueue) request() chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	turn := make(chan struct{})
	if q.free > 0 && len(q.waiting) == 0 {
		q.free--
		close(turn)
	} else {
		q.waiting = append(q.waiting, turn)
	}
	return turn
}

// release gives the fork to the longest waiting host, if any.
func (q *forkQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		q.free++
		return
	}
	close(q.waiting[0])
	q.waiting = q.waiting[1:]
}

// batchHosts are the hosts of the batch: under free, all of them, not only
// the host of this context.
func (pc *playCtx) batchHosts() []*hostState {
	if pc.free != nil {
		return pc.free.batch
	}
	return pc.hosts
}

// taskBanner prints a task's banner; under the free strategy it is printed
// only before a result of the task, when the previous result printed was
// another task's, as Ansible's default callback does.
func (r *Runner) taskBanner(pc *playCtx, t *playbooks.Task, hosts []*hostState, msg string) {
	if pc.free == nil {
		r.out.banner(msg)
		return
	}
	for _, h := range hosts {
		r.out.deferBanner(h.name(), deferredBanner{pos: t.Pos, msg: msg})
	}
}

// deferredBanner is a task banner waiting for the task's first result; pos
// and msg tell tasks apart (the implicit fact gathering has no position).
type deferredBanner struct {
	pos diag.Pos
	msg string
}

func (o *output) deferBanner(host string, b deferredBanner) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.deferred == nil {
		o.deferred = map[string]deferredBanner{}
	}
	o.deferred[host] = b
}

// endDeferredBanners forgets a host's banner when its free run ends.
func (o *output) endDeferredBanners(host string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.deferred, host)
}

// deferredBannerLocked prints the banner of the task a result is for, unless
// the last banner printed is already that one.
func (o *output) deferredBannerLocked(host string) {
	b, ok := o.deferred[host]
	if !ok || o.lastBanner == b {
		return
	}
	o.bannerLocked(b.msg)
	o.lastBanner = b
}
