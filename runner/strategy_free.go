package runner

import (
	"context"
	"sync"

	"play/diag"
	"play/playbooks"
)

// Ansible's free strategy: every host runs the play's task list on its own,
// without waiting for the others at each task; handlers run at the end of
// each section, per host. Each host gets its own playCtx holding only itself,
// so the linear code runs unchanged on it.

// freeRun is what the hosts of a free play share.
type freeRun struct {
	// inv guards the inventory: a host holds it for reading while it runs,
	// and for writing while it applies its add_host/group_by changes, right
	// after its task (the others finish their current task first).
	inv sync.RWMutex
	// hosts are the per-host contexts, whose groups variable a change refreshes.
	hosts []*playCtx
}

func isFree(play *playbooks.Play) bool {
	return play.Strategy == "free" || play.Strategy == "ansible.builtin.free"
}

// runFree runs the batch's hosts each through the whole play, at most
// forks at a time.
func (r *Runner) runFree(ctx context.Context, pc *playCtx) {
	free := &freeRun{}
	hosts := pc.activeHosts()
	if len(hosts) == 0 {
		return
	}
	byHost := map[*hostState]*playCtx{}
	for _, h := range hosts {
		hc := pc.forHost(h, free)
		byHost[h] = hc
		free.hosts = append(free.hosts, hc)
	}
	r.forEachHost(hosts, r.opts.Forks, func(h *hostState) {
		free.inv.RLock()
		defer free.inv.RUnlock()
		defer r.out.endDeferredBanners(h.name())
		r.runSections(ctx, byHost[h])
	})
	pc.groups = free.hosts[0].groups
	pc.resetHostvars()
}

// forHost is the play's context for one host under the free strategy.
func (pc *playCtx) forHost(h *hostState, free *freeRun) *playCtx {
	playHosts := pc.playHosts
	if playHosts == nil {
		playHosts = pc.hosts
	}
	return &playCtx{
		pb: pc.pb, play: pc.play, hosts: []*hostState{h}, allHostNames: pc.allHostNames,
		groups: pc.groups, varsFiles: pc.varsFiles, all: pc.all, playHosts: playHosts,
		promptVars: pc.promptVars, free: free,
	}
}

// apply applies one host's inventory changes under the free strategy:
// it trades its read hold for the write lock, so no other host reads the
// inventory meanwhile, and gives every host the new groups.
func (free *freeRun) apply(change func() map[string]any) {
	free.inv.RUnlock()
	free.inv.Lock()
	groups := change()
	for _, hc := range free.hosts {
		hc.groups = groups
		hc.resetHostvars()
	}
	free.inv.Unlock()
	free.inv.RLock()
}

// taskBoundary lets waiting inventory changes of other hosts in before
// this host starts its next task.
func (pc *playCtx) taskBoundary() {
	if pc.free != nil {
		pc.free.inv.RUnlock()
		pc.free.inv.RLock()
	}
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
