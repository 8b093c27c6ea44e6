package runner

import (
	"context"
	"fmt"
	"strings"

	"play/playbooks"
)

// perHostMeta are the meta actions Ansible's linear strategy runs host by
// host, printing the task's banner for each host; the others run once.
var perHostMeta = map[string]bool{"noop": true, "flush_handlers": true, "end_host": true, "reset_connection": true}

// runMeta carries out `meta:` actions, which change the flow of the play.
// Like Ansible, it prints the task banner (once per host for perHostMeta)
// and no host lines but a skipped one; noop does nothing.
func (r *Runner) runMeta(ctx context.Context, pc *playCtx, sc *scope, t *playbooks.Task, hosts []*hostState) {
	action := strings.TrimSpace(fmt.Sprint(t.Args["_raw_params"]))
	banner := "TASK [" + r.hostTaskTitle(pc, sc, t, hosts[0]) + "]"
	if !perHostMeta[action] {
		r.taskBanner(pc, t, hosts, banner)
	}
	switch action {
	case "noop", "flush_handlers":
		for range hosts {
			r.taskBanner(pc, t, hosts, banner)
		}
		if action == "flush_handlers" {
			r.flushHandlers(ctx, pc)
		}
	case "refresh_inventory":
		r.refreshInventory(pc)
	case "end_play", "end_host", "end_batch", "clear_host_errors", "clear_facts", "reset_connection":
		if !perHostMeta[action] {
			// Ansible runs these once, for the first host: its when decides for all.
			hosts = hosts[:1]
		}
		for _, h := range hosts {
			if perHostMeta[action] {
				r.taskBanner(pc, t, []*hostState{h}, banner)
			}
			ex := &execution{r: r, pc: pc, sc: sc, t: t, h: h}
			ok, err := ex.when(r.taskVars(pc, sc, t, h))
			if err == nil && !ok {
				r.out.hostResult(&taskResult{host: h.name(), skipped: true, result: map[string]any{"changed": false, "skip_reason": "Conditional result was False", "skipped": true}})
			}
			if err != nil || !ok {
				continue
			}
			if pc.free != nil && (action == "end_play" || action == "end_batch") {
				// Under free, pc holds only h: end every host's run.
				pc.free.endPlay(action == "end_play")
			}
			h.mu.Lock()
			switch action {
			case "end_play", "end_batch":
				pc.ended = pc.ended || action == "end_play"
				for _, other := range pc.hosts {
					if other != h {
						other.mu.Lock()
						other.setEndPlayLocked(true)
						other.mu.Unlock()
					}
				}
				h.setEndPlayLocked(true)
			case "end_host":
				h.setEndPlayLocked(true)
			case "clear_host_errors":
				h.mu.Unlock()
				pc.clearHostErrors()
				h.mu.Lock()
			case "clear_facts":
				h.mu.Unlock()
				for _, o := range pc.hosts {
					o.mu.Lock()
					o.facts = map[string]any{}
					o.varsChangedLocked()
					o.mu.Unlock()
				}
				h.mu.Lock()
			case "reset_connection":
				r.resetConnection(h.name())
			}
			h.mu.Unlock()
		}
	}
}

// clearHostErrors forgets the failures and unreachability of the play's
// hosts, as Ansible's meta clear_host_errors: they count as neither in the
// exit code and take part in later plays, though not in the rest of this
// one (the recap still counts what happened).
func (pc *playCtx) clearHostErrors() {
	hosts := pc.playHosts
	if hosts == nil {
		hosts = pc.hosts
	}
	for _, h := range hosts {
		h.mu.Lock()
		if h.failed || h.unreachable {
			h.setFailedLocked(false)
			h.setUnreachableLocked(false)
			h.setEndPlayLocked(true)
			h.toRescue = false
		}
		h.mu.Unlock()
	}
}
