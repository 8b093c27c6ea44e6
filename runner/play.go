package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"play/internal/keyorder"
	"play/inventory"
	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// playCtx is the state of one play being run.
type playCtx struct {
	r            *Runner
	pb           *playbooks.Playbook
	play         *playbooks.Play
	hosts        []*hostState // hosts of the play (of the batch with serial), in inventory order
	allHostNames []any
	groups       map[string]any
	varsFiles    []map[string]any

	hvMu    sync.Mutex
	hvCache jinja.HostVars
	// hvOrder is the hosts' order in hostvars (the inventory's), built
	// once per inventory generation hvOrderGen.
	hvOrder    []string
	hvOrderGen uint64
	// batchNames and playNames hand out ansible_play_batch and
	// ansible_play_hosts.
	batchNames, playNames nameCache
	// all are every host hostvars shows, and the inventory generation.
	all func() ([]*hostState, uint64)
	// roles are what include_role adds while the play runs.
	roles roleState

	// aborted is set by any_errors_fatal or max_fail_percentage.
	aborted bool
	// ended is set by meta: end_play: no more batches run.
	ended bool
	// playHosts are all the play's hosts, in order, when it runs in batches.
	playHosts []*hostState
	// invChanges are add_host/group_by changes waiting for the task's end.
	invChanges inventoryChanges
	// promptVars are the vars_prompt answers.
	promptVars map[string]any
	// free is set on each host's own context under strategy: free.
	free *freeRun

	stopMu sync.Mutex
	// stopErr ends the run once the current task is done on every host.
	stopErr error
}

// stop ends the run with err after the current task, as an error Ansible
// raises while processing results does; the first error wins.
func (pc *playCtx) stop(err error) {
	pc.stopMu.Lock()
	defer pc.stopMu.Unlock()
	if pc.stopErr == nil {
		pc.stopErr = err
	}
}

func (pc *playCtx) stopped() error {
	pc.stopMu.Lock()
	defer pc.stopMu.Unlock()
	return pc.stopErr
}

// hostNames lists the play's hosts that are still active.
func (pc *playCtx) hostNames() []any { return pc.batchNames.active(pc.batchHosts()) }

// nameCache is the last list of active host names handed out. Every host's
// variables hold such lists for every task: hosts share one list while it is
// still right instead of each building its own, which made a run's memory
// and time grow with hosts² (1,000 hosts: 10 million names per 10 tasks).
// It is checked against the hosts only after a host's activity changed
// (activityChanges), not by every host for every task, which was hosts²
// too. The list is read-only, like the shared groups and hostvars.
type nameCache struct {
	mu    sync.Mutex
	names []any
	// hosts and changes are what names were checked against last.
	hosts   []*hostState
	changes uint64
}

// active lists the active hosts among hosts.
func (c *nameCache) active(hosts []*hostState) []any {
	changes := activityChanges.Load()
	c.mu.Lock()
	defer c.mu.Unlock()
	if changes == c.changes && c.hosts != nil && sameSlice(hosts, c.hosts) {
		return c.names
	}
	c.hosts, c.changes = hosts, changes
	i := 0
	for _, h := range hosts {
		if !h.active() {
			continue
		}
		if i == len(c.names) || c.names[i] != any(h.name()) {
			return c.rebuild(hosts)
		}
		i++
	}
	if i != len(c.names) {
		return c.rebuild(hosts)
	}
	return c.names
}

// sameSlice says whether a and b are the same slice (not only equal).
func sameSlice(a, b []*hostState) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (c *nameCache) rebuild(hosts []*hostState) []any {
	var out []any
	for _, h := range hosts {
		if h.active() {
			out = append(out, h.name())
		}
	}
	c.names = out
	return out
}

// hostvars is built once per task (resetHostvars) and shared by all hosts.
// Each host's variables are rendered lazily, against that host's own
// variables, when a template reads them.
func (pc *playCtx) hostvars() jinja.HostVars {
	pc.hvMu.Lock()
	defer pc.hvMu.Unlock()
	if pc.hvCache == nil {
		all, gen := pc.all()
		pc.r.invMu.RLock()
		groups := pc.groups
		if pc.hvOrder == nil || pc.hvOrderGen != gen {
			// Ansible's hostvars iterate in inventory order (an implicit localhost last).
			pc.hvOrder, pc.hvOrderGen = []string{}, gen
			for _, ih := range pc.r.opts.Inventory.Hosts() {
				pc.hvOrder = append(pc.hvOrder, ih.Name)
			}
		}
		pc.r.invMu.RUnlock()
		hosts := make(map[string]map[string]any, len(all))
		for _, h := range all {
			hosts[h.name()] = h.hostVarsView(pc, gen, groups)
		}
		keyorder.Set(hosts, pc.hvOrder)
		pc.hvCache = jinja.NewHostVars(hosts)
	}
	return pc.hvCache
}

func (pc *playCtx) resetHostvars() {
	pc.hvMu.Lock()
	pc.hvCache = nil
	pc.hvMu.Unlock()
}

func (r *Runner) runPlay(ctx context.Context, pb *playbooks.Playbook, play *playbooks.Play) error {
	name := play.Name
	if name == "" {
		name = play.Hosts
	}
	// Questions come before the banner, even for a play that matches no
	// host, as in Ansible.
	promptVars, err := r.promptVars(play)
	if err != nil {
		return err
	}
	for _, unmatched := range r.opts.Inventory.Unmatched(play.Hosts) {
		r.warnOnce("Could not match supplied host pattern, ignoring: " + unmatched)
	}
	r.out.banner("PLAY [" + name + "]")

	selected, err := r.playInventoryHosts(play)
	if err != nil {
		return err
	}
	pc := &playCtx{r: r, pb: pb, play: play, groups: groupsVar(r.opts.Inventory), all: r.allHosts, promptVars: promptVars}
	for _, ih := range selected {
		h := r.host(ih)
		h.mu.Lock()
		h.setEndPlayLocked(false)
		h.notified = map[int]bool{}
		h.mu.Unlock()
		pc.allHostNames = append(pc.allHostNames, h.name())
		if h.active() {
			pc.hosts = append(pc.hosts, h)
		}
	}
	r.playStarted(pc)
	if len(pc.hosts) == 0 {
		r.out.line(colorSkip, "skipping: no hosts matched")
		return nil
	}
	if r.startAtPending() && !r.playHoldsStartAt(pc) {
		return nil
	}
	if err := r.loadVarsFiles(pc); err != nil {
		return err
	}

	return r.runBatches(ctx, pc, name, func() error { return r.runBatch(ctx, pc) })
}

// playInventoryHosts are the inventory hosts play.Hosts selects, within
// --limit and the shard.
func (r *Runner) playInventoryHosts(play *playbooks.Play) ([]*inventory.Host, error) {
	selected, err := r.opts.Inventory.Select(play.Hosts)
	if err != nil {
		return nil, err
	}
	if r.opts.Limit != "" {
		if selected, err = r.opts.Inventory.Limit(selected, r.opts.Limit); err != nil {
			return nil, err
		}
	}
	if r.opts.Shard != nil {
		selected = slices.DeleteFunc(slices.Clone(selected), func(h *inventory.Host) bool { return !r.opts.Shard(h.Name) })
	}
	return selected, nil
}

// runBatch runs the play on the hosts of one batch (all of them without serial).
func (r *Runner) runBatch(ctx context.Context, pc *playCtx) error {
	if isFree(pc.play) {
		if err := r.runFree(ctx, pc); err != nil {
			return err
		}
		return ctx.Err()
	}
	return r.runSections(ctx, pc)
}

// runSections gathers facts and runs the play's sections on pc's hosts.
func (r *Runner) runSections(ctx context.Context, pc *playCtx) error {
	play := pc.play
	if play.GatherFacts == nil || *play.GatherFacts {
		r.gatherFacts(ctx, pc)
	}
	sections := [][]*playbooks.Task{play.PreTasks, play.Tasks, play.PostTasks}
	for _, tasks := range sections {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.runTasks(ctx, pc, nil, tasks)
		r.flushHandlers(ctx, pc)
		if err := pc.stopped(); err != nil {
			return err
		}
	}
	return nil
}

// allHosts are the hosts hostvars shows, with the inventory generation.
// Inventory hosts no play has run on yet show their inventory variables
// (hostvars['db1'].x from a play on web), and so does the implicit
// localhost, as in Ansible.
func (r *Runner) allHosts() ([]*hostState, uint64) {
	r.invMu.RLock()
	defer r.invMu.RUnlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	inv := r.opts.Inventory
	out := make([]*hostState, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.hosts[n])
	}
	idle := inv.Hosts()
	if ih, ok := inv.Host("localhost"); ok && ih.Name == "localhost" {
		idle = append(idle, ih)
	}
	for _, ih := range idle {
		if _, known := r.hosts[ih.Name]; known {
			continue
		}
		// Kept, so that their hostvars entries are built once.
		h := r.idle[ih.Name]
		if h == nil || h.inv != ih {
			h = newHostState(ih)
			if r.idle == nil {
				r.idle = map[string]*hostState{}
			}
			r.idle[ih.Name] = h
		}
		out = append(out, h)
	}
	return out, r.invGen
}

// loadVarsFiles reads the play's vars_files; a list entry is a set of
// candidates, the first that exists wins.
func (r *Runner) loadVarsFiles(pc *playCtx) error {
	base := map[string]any{}
	for k, v := range pc.play.Vars {
		base[k] = v
	}
	for k, v := range r.opts.ExtraVars {
		base[k] = v
	}
	dir := pc.play.Dir
	if dir == "" {
		dir = pc.pb.Dir
	}
	for _, entry := range pc.play.VarsFiles {
		candidates, _ := entry.([]any)
		if candidates == nil {
			candidates = []any{entry}
		}
		var loaded map[string]any
		var lastErr error
		for _, c := range candidates {
			path, err := jinja.RenderString(fmt.Sprint(c), base)
			if err != nil {
				return fmt.Errorf("vars_files %v: %w", c, err)
			}
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			vars, err := playbooks.ReadVarsFile(path)
			if err != nil {
				lastErr = err
				continue
			}
			loaded = vars
			break
		}
		if loaded == nil {
			return fmt.Errorf("vars_files: %w", lastErr)
		}
		pc.varsFiles = append(pc.varsFiles, loaded)
	}
	return nil
}

// gatherFacts runs the setup module on every host, as Ansible's implicit
// "Gathering Facts" task.
func (r *Runner) gatherFacts(ctx context.Context, pc *playCtx) {
	t := &playbooks.Task{Name: "Gathering Facts", Module: "setup", Args: gatherArgs(pc.play), Tags: []string{"always"}}
	r.runTask(ctx, pc, nil, t, "TASK", pc.activeHosts())
}

// gatherArgs are the setup arguments the play's gather_subset, gather_timeout
// and fact_path keywords set.
func gatherArgs(p *playbooks.Play) map[string]any {
	args := map[string]any{}
	for name, v := range map[string]any{"gather_subset": p.GatherSubset, "gather_timeout": p.GatherTimeout} {
		if v != nil {
			args[name] = v
		}
	}
	if p.FactPath != "" {
		args["fact_path"] = p.FactPath
	}
	return args
}

func (pc *playCtx) activeHosts() []*hostState {
	var out []*hostState
	for _, h := range pc.hosts {
		if h.active() {
			out = append(out, h)
		}
	}
	return out
}

// runTasks runs tasks in order on the play's active hosts.
func (r *Runner) runTasks(ctx context.Context, pc *playCtx, sc *scope, tasks []*playbooks.Task) {
	for _, t := range tasks {
		if ctx.Err() != nil || pc.stopped() != nil {
			return
		}
		hosts := sc.only(pc.activeHosts())
		if len(hosts) == 0 {
			return
		}
		if t.IsBlock() {
			if t.RoleRepeat {
				if hosts = notRan(hosts, t.RoleRef); len(hosts) == 0 {
					continue
				}
				r.runBlock(ctx, pc, &scope{parent: sc, hosts: hosts}, t, hosts)
				continue
			}
			r.runBlock(ctx, pc, sc, t, hosts)
			continue
		}
		if !r.tagsSelected(effectiveTags(pc, sc, t)) || r.skipBeforeStartAt(pc, t) {
			continue
		}
		if isMeta(t) {
			r.runMeta(ctx, pc, sc, t, hosts)
			continue
		}
		if isIncludeTasks(t) {
			r.runIncludeTasks(ctx, pc, sc, t, hosts)
			continue
		}
		if isIncludeRole(t) {
			r.runIncludeRole(ctx, pc, sc, t, hosts)
			continue
		}
		r.runTask(ctx, pc, sc, t, "TASK", hosts)
	}
}

// runBlock runs block, then rescue for hosts that failed in it, then always.
func (r *Runner) runBlock(ctx context.Context, pc *playCtx, sc *scope, b *playbooks.Task, hosts []*hostState) {
	inner := sc.push(b)
	r.runTasks(ctx, pc, inner, b.Block)
	var failed []*hostState
	for _, h := range hosts {
		h.mu.Lock()
		if h.failed && !h.unreachable {
			failed = append(failed, h)
		}
		h.mu.Unlock()
	}
	if len(b.Rescue) > 0 && len(failed) > 0 {
		for _, h := range failed {
			h.mu.Lock()
			h.setFailedLocked(false)
			h.rescuing = true
			h.stats.Failures--
			h.stats.Rescued++
			h.mu.Unlock()
		}
		// Only the hosts that failed in the block run its rescue.
		r.runTasks(ctx, pc, &scope{parent: sc, block: b, hosts: failed, handling: true}, b.Rescue)
		for _, h := range failed {
			h.mu.Lock()
			h.rescuing = false
			h.mu.Unlock()
		}
	}
	if len(b.Always) > 0 {
		// always runs for the block's hosts even when they failed.
		var rerun []*hostState
		for _, h := range hosts {
			h.mu.Lock()
			wasFailed := h.failed && !h.unreachable
			h.setFailedLocked(false)
			h.mu.Unlock()
			if wasFailed {
				rerun = append(rerun, h)
			}
		}
		r.runTasks(ctx, pc, &scope{parent: sc, block: b, handling: true}, b.Always)
		for _, h := range rerun {
			h.mu.Lock()
			h.setFailedLocked(true)
			h.mu.Unlock()
		}
	}
}

// flushHandlers runs notified handlers in definition order. A host whose
// handler fails runs no more of them, with force_handlers too.
func (r *Runner) flushHandlers(ctx context.Context, pc *playCtx) {
	failures := map[*hostState]int{}
	for _, h := range pc.hosts {
		h.mu.Lock()
		failures[h] = h.stats.Failures
		h.mu.Unlock()
	}
	for i, hd := range pc.handlers() {
		if pc.stopped() != nil {
			return
		}
		var hosts []*hostState
		for _, h := range r.handlerHosts(pc) {
			h.mu.Lock()
			if h.notified[i] {
				delete(h.notified, i)
				if h.stats.Failures == failures[h] {
					hosts = append(hosts, h)
				}
			}
			h.mu.Unlock()
		}
		if len(hosts) > 0 {
			r.runTask(ctx, pc, nil, hd, "RUNNING HANDLER", hosts)
		}
	}
}

// notify marks the handlers a changed task names (by name or listen topic).
func (pc *playCtx) notify(h *hostState, names []string, vars map[string]any) []string {
	var unknown []string
	for _, n := range names {
		if rendered, err := jinja.RenderString(n, vars); err == nil {
			n = rendered
		}
		// A name notifies the last handler defined with it (a role used
		// twice defines its handlers twice), a listen topic all listeners.
		named := -1
		var marked []int
		for i, hd := range pc.handlers() {
			if hd.Name == n || hd.Role+" : "+hd.Name == n {
				named = i
			}
			if containsString(hd.Listen, n) {
				marked = append(marked, i)
			}
		}
		if named >= 0 {
			marked = append(marked, named)
		}
		h.mu.Lock()
		for _, i := range marked {
			h.notified[i] = true
		}
		h.mu.Unlock()
		if len(marked) == 0 {
			unknown = append(unknown, n)
		}
	}
	return unknown
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isMeta(t *playbooks.Task) bool {
	info, ok := modules.Lookup(t.Module)
	return ok && info.Name == "meta"
}

// notRan are the hosts that did not run a task of role yet, those a
// repeated use of the role runs on.
func notRan(hosts []*hostState, role *playbooks.Role) []*hostState {
	var out []*hostState
	for _, h := range hosts {
		h.mu.Lock()
		if !h.rolesRan[role] {
			out = append(out, h)
		}
		h.mu.Unlock()
	}
	return out
}
