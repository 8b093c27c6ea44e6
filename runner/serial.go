package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// errPlaybookAborted stops the playbook after a play was aborted (a batch
// failed entirely, any_errors_fatal, max_fail_percentage), as Ansible does.
var errPlaybookAborted = errors.New("playbook aborted")

// orderHosts applies the play's order keyword to its hosts.
func orderHosts(hosts []*hostState, order string) ([]*hostState, error) {
	out := append([]*hostState(nil), hosts...)
	byName := func(i, j int) bool { return out[i].name() < out[j].name() }
	switch order {
	case "", "inventory":
	case "reverse_inventory":
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	case "sorted":
		sort.SliceStable(out, byName)
	case "reverse_sorted":
		sort.SliceStable(out, func(i, j int) bool { return byName(j, i) })
	case "shuffle":
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	default:
		return nil, fmt.Errorf("invalid play order '%s': use inventory, reverse_inventory, sorted, reverse_sorted or shuffle", order)
	}
	return out, nil
}

// batches splits hosts by serial: a number, a percentage ("30%"), or a list
// of them whose last size repeats. No serial is one batch.
func batches(hosts []*hostState, serial any, vars map[string]any) ([][]*hostState, error) {
	if serial == nil {
		return [][]*hostState{hosts}, nil
	}
	rendered, err := jinja.RenderValue(serial, vars)
	if err != nil {
		return nil, fmt.Errorf("serial: %w", err)
	}
	specs, ok := rendered.([]any)
	if !ok {
		specs = []any{rendered}
	}
	var sizes []int
	for _, s := range specs {
		n, err := batchSize(s, len(hosts))
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, n)
	}
	var out [][]*hostState
	for i, rest := 0, hosts; len(rest) > 0; i++ {
		size := sizes[min(i, len(sizes)-1)]
		if size <= 0 || size > len(rest) {
			size = len(rest)
		}
		out = append(out, rest[:size])
		rest = rest[size:]
	}
	return out, nil
}

// batchSize is one serial entry for a play of total hosts; a percentage
// rounds down but is at least one host.
func batchSize(spec any, total int) (int, error) {
	s, err := modules.ToString(spec)
	if err != nil {
		return 0, err
	}
	s = strings.TrimSpace(s)
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		p, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			return 0, fmt.Errorf("serial: invalid percentage '%s'", s)
		}
		return max(int(p/100*float64(total)), 1), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("serial: '%s' is neither a number of hosts nor a percentage like \"30%%\"", s)
	}
	return n, nil
}

// runBatches runs the play on its hosts batch by batch (serial), printing
// the PLAY banner again for each batch after the first, like Ansible. A
// batch whose hosts all fail, or an abort, ends the playbook.
func (r *Runner) runBatches(ctx context.Context, pc *playCtx, title string, run func() error) error {
	ordered, err := orderHosts(pc.hosts, pc.play.Order)
	if err != nil {
		return err
	}
	all, err := batches(ordered, pc.play.Serial, pc.play.Vars)
	if err != nil {
		return err
	}
	if len(all) != 1 || !slices.Equal(all[0], pc.hosts) {
		// ansible_play_hosts differs from the batch: build both lists. In
		// one batch in inventory order they are the same list, built once.
		pc.playHosts = pc.hosts
	}
	for i, batch := range all {
		if i > 0 {
			r.out.banner("PLAY [" + title + "]")
		}
		pc.hosts = batch
		if err := run(); err != nil {
			return err
		}
		if pc.aborted {
			return errPlaybookAborted
		}
		if pc.ended {
			return nil
		}
		failed := 0
		for _, h := range batch {
			h.mu.Lock()
			if h.failed || h.unreachable {
				failed++
			}
			h.mu.Unlock()
		}
		if failed == len(batch) {
			return errPlaybookAborted
		}
	}
	return nil
}

// checkAbort applies any_errors_fatal and max_fail_percentage after a task:
// either ends the play for every host, with Ansible's NO MORE HOSTS LEFT.
func (r *Runner) checkAbort(pc *playCtx, sc *scope, t *playbooks.Task) {
	if pc.free != nil {
		// Ansible's free strategy does not support them either.
		return
	}
	failed := 0
	for _, h := range pc.hosts {
		h.mu.Lock()
		if h.failed && !h.toRescue || h.unreachable {
			failed++
		}
		h.mu.Unlock()
	}
	if failed == 0 || pc.aborted {
		return
	}
	ex := &execution{r: r, pc: pc, sc: sc, t: t, h: pc.hosts[0]}
	fatal, _, _ := ex.boolKeyword(func(t *playbooks.Task) any { return t.AnyErrorsFatal }, pc.play.AnyErrorsFatal, pc.play.Vars)
	abort := fatal
	if pc.play.MaxFailPercentage != nil {
		limit, err := modules.ToInt(pc.play.MaxFailPercentage)
		if err == nil && float64(failed)/float64(len(pc.hosts))*100 > float64(limit) {
			// Ansible's linear strategy says it twice here: once for
			// max_fail_percentage, once as every host has failed.
			r.out.banner("NO MORE HOSTS LEFT")
			abort = true
		}
	}
	if abort {
		r.abortPlay(pc)
	}
}

// abortPlay ends the play for every host, and the playbook after it, with
// Ansible's NO MORE HOSTS LEFT.
func (r *Runner) abortPlay(pc *playCtx) {
	pc.aborted = true
	r.brokePlay.Store(true)
	for _, h := range pc.hosts {
		h.mu.Lock()
		h.setEndPlayLocked(true)
		h.mu.Unlock()
	}
	r.out.banner("NO MORE HOSTS LEFT")
}

// handlerHosts are the hosts whose notified handlers run: the active ones,
// and with force_handlers (play keyword or --force-handlers) also those
// that failed.
func (r *Runner) handlerHosts(pc *playCtx) []*hostState {
	force := r.opts.ForceHandlers
	if v := pc.play.ForceHandlers; v != nil {
		force, _ = modules.ToBool(v)
	}
	if !force {
		return pc.activeHosts()
	}
	var out []*hostState
	for _, h := range pc.hosts {
		h.mu.Lock()
		if !h.unreachable && !h.endPlay {
			out = append(out, h)
		}
		h.mu.Unlock()
	}
	return out
}

// playHostNames are the play's active hosts over all batches
// (ansible_play_hosts): batch, the current batch's (hostNames), when the
// play runs in one batch.
func (pc *playCtx) playHostNames(batch []any) []any {
	if pc.playHosts == nil {
		return batch
	}
	return pc.playNames.active(pc.playHosts)
}

// processed keeps the hosts that got a result, as Ansible's recap lists
// only those (a host in a batch that never ran is left out).
func processed(order []string, stats map[string]*HostStats) []string {
	var out []string
	for _, name := range order {
		if s := stats[name]; s != nil && *s != (HostStats{}) {
			out = append(out, name)
		}
	}
	return out
}
