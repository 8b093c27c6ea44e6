// Package runner runs playbooks against an inventory: plays in order, tasks in
// order with Ansible's linear strategy (every host finishes a task before the
// next starts), hosts in parallel up to --forks, one connection per host for
// the whole run.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"play/connection"
	"play/inventory"
	"play/playbooks"
)

// Exit codes of ansible-playbook.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitFailed      = 2
	ExitUnreachable = 4
	ExitParseError  = 4
	ExitBadOptions  = 5
	ExitInterrupted = 99
	ExitInternal    = 250
)

// Options are the run's settings (mostly command-line flags).
type Options struct {
	Inventory *inventory.Inventory
	Limit     string
	ExtraVars map[string]any
	Forks     int
	Check     bool
	Diff      bool
	Tags      []string
	SkipTags  []string
	Verbosity int
	// Connection holds -u, --private-key, -T.
	Connection connection.Options
	// ConnectionType is -c: the default ansible_connection.
	ConnectionType string
	// Become settings from the command line (-b, --become-user, -K).
	Become         bool
	BecomeUser     string
	BecomeMethod   string
	BecomePassword string
	Out            io.Writer
	Color          bool
	// Live shows which hosts are still running the current task (terminals only).
	Live bool
	// Listeners receive the run's events (reports).
	Listeners []Listener
	// ConnectRetries is how many times a failed first connection is retried.
	ConnectRetries int
	// KillGrace is how long commands running when the run is interrupted
	// may go on before they are killed (0: killed at once).
	KillGrace time.Duration
	// ForceHandlers runs notified handlers on hosts that failed (--force-handlers).
	ForceHandlers bool
	// StartAtTask skips the tasks before the first one with this name or
	// name pattern (--start-at-task).
	StartAtTask string
	// Prompt asks vars_prompt questions (and --step's); nil without a terminal.
	Prompt Prompter
	// Step asks before each task whether to run it (--step).
	Step bool
	// ReloadInventory reads the inventory sources again (meta:
	// refresh_inventory); nil keeps the inventory as it is.
	ReloadInventory func() (*inventory.Inventory, error)
	// Shard keeps the hosts of this run's share (--shard), after Limit,
	// in every play (hosts added by add_host too); nil keeps them all.
	Shard func(host string) bool
}

// HostStats are one host's recap counters.
type HostStats struct {
	OK, Changed, Unreachable, Failures, Skipped, Rescued, Ignored int
}

// Runner runs one or more playbooks with shared connections and stats.
type Runner struct {
	opts  Options
	out   *output
	hosts map[string]*hostState // by inventory name
	order []string              // hosts seen, for the recap
	// idle are inventory hosts no play ran on yet, for hostvars.
	idle map[string]*hostState
	// invGen counts inventory changes (add_host, group_by,
	// refresh_inventory): hostvars entries built before one are stale.
	invGen uint64
	// invMu guards the inventory (r.opts.Inventory and what it holds, each
	// hostState's inv) and the play contexts' groups and allHostNames:
	// add_host, group_by and refresh_inventory write them while free hosts
	// run, so readers hold it only while they read, and a change applies at
	// once. Lock order: invMu, then mu, then a hostState's mu.
	invMu sync.RWMutex
	mu    sync.Mutex
	dials sync.Map // name -> *dialOnce
	// panicked records a bug (a recovered panic): the run exits 250.
	panicked atomic.Bool
	// brokePlay records a play aborted by any_errors_fatal or
	// max_fail_percentage: the run exits 2, unreachable hosts or not.
	brokePlay atomic.Bool
	// stepAll is set once --step is answered "continue".
	stepAll atomic.Bool
	// warned are the warnings printed, each once per run as Ansible's.
	warned sync.Map
	// startAtFound is set once the --start-at-task task is reached.
	startAtFound bool
}

// New prepares a runner; connections are opened lazily, once per host.
func New(opts Options) *Runner {
	if opts.Forks <= 0 {
		opts.Forks = 5
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	return &Runner{
		opts:  opts,
		out:   &output{w: opts.Out, verbosity: opts.Verbosity, color: opts.Color, live: opts.Live},
		hosts: map[string]*hostState{},
	}
}

// Run runs every play of a playbook.
func (r *Runner) Run(ctx context.Context, pb *playbooks.Playbook) error {
	for _, play := range pb.Plays {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.runPlay(ctx, pb, play); errors.Is(err, errPlaybookAborted) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Recap prints PLAY RECAP and returns the exit code the results call for.
func (r *Runner) Recap() int {
	stats := r.Stats()
	r.out.recap(processed(r.order, stats), stats)
	if r.panicked.Load() {
		return ExitInternal
	}
	return r.exitCode()
}

// exitCode is ansible-playbook's exit code for the hosts' state at the end:
// unreachable (4) wins over failed (2). It reads the hosts' state, not the
// recap's counters, which keep failures meta clear_host_errors forgave.
func (r *Runner) exitCode() int {
	if r.brokePlay.Load() {
		return ExitFailed
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	code := ExitOK
	for _, h := range r.hosts {
		h.mu.Lock()
		switch {
		case h.unreachable:
			code = ExitUnreachable
		case h.failed && code == ExitOK:
			code = ExitFailed
		}
		h.mu.Unlock()
	}
	return code
}

// recoverHost turns a bug hit while working on one host into a failed host
// and, at the end, exit code 250, instead of killing the whole run.
func (r *Runner) recoverHost(h *hostState) {
	p := recover()
	if p == nil {
		return
	}
	r.panicked.Store(true)
	r.out.line(colorError, fmt.Sprintf("ERROR! Unexpected internal error on [%s]: %v\n%s", h.name(), p, debug.Stack()))
	h.mu.Lock()
	h.setFailedLocked(true)
	h.stats.Failures++
	h.mu.Unlock()
}

// warnOnce prints a warning the first time only, as Ansible's Display.
func (r *Runner) warnOnce(msg string) {
	if _, seen := r.warned.LoadOrStore(msg, true); !seen {
		r.out.warn(msg)
	}
}

// Stats returns a copy of the per-host counters.
func (r *Runner) Stats() map[string]*HostStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]*HostStats{}
	for name, h := range r.hosts {
		s := h.stats
		out[name] = &s
	}
	return out
}

// ExitCode maps recap counters to ansible-playbook's exit code: unreachable
// (4) wins over failed (2).
func ExitCode(stats map[string]*HostStats) int {
	code := ExitOK
	for _, s := range stats {
		if s.Unreachable > 0 {
			return ExitUnreachable
		}
		if s.Failures > 0 {
			code = ExitFailed
		}
	}
	return code
}

// Close closes every connection.
func (r *Runner) Close() error {
	var errs []error
	r.dials.Range(func(_, v any) bool {
		d := v.(*dialOnce)
		if d.conn != nil {
			errs = append(errs, d.conn.Close())
		}
		return true
	})
	return errors.Join(errs...)
}

// host returns the state of an inventory host, creating it on first use.
func (r *Runner) host(h *inventory.Host) *hostState {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.hosts[h.Name]; ok {
		return s
	}
	s := newHostState(h)
	r.hosts[h.Name] = s
	r.order = append(r.order, h.Name)
	return s
}

// dialOnce opens a host's connection once for the whole run.
type dialOnce struct {
	once sync.Once
	conn connection.Conn
	err  error
}

func (r *Runner) connect(ctx context.Context, name string, cfg connection.Config) (connection.Conn, error) {
	v, _ := r.dials.LoadOrStore(name, &dialOnce{})
	d := v.(*dialOnce)
	d.once.Do(func() {
		d.conn, d.err = r.dial(ctx, cfg)
	})
	return d.conn, d.err
}

// resetConnection closes a host's connections (meta: reset_connection); its
// next task dials again.
func (r *Runner) resetConnection(name string) {
	r.dials.Range(func(k, _ any) bool {
		if host, _, _ := strings.Cut(k.(string), "\x00"); host == name {
			r.forget(nil, k)
		}
		return true
	})
}

// forEachHost runs fn for every host, at most width at a time, and waits.
func (r *Runner) forEachHost(hosts []*hostState, width int, fn func(h *hostState)) {
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer r.recoverHost(h)
			fn(h)
		}()
	}
	wg.Wait()
}
