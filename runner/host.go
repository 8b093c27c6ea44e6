package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"play/connection"
	"play/inventory"
	"play/jinja"
	"play/playbooks"
)

// hostState is what the run knows about one host across plays.
type hostState struct {
	// hostname is inv's name, which refresh_inventory keeps.
	hostname string
	inv      *inventory.Host

	mu sync.Mutex
	// facts are ansible_facts (gathered or set_fact cacheable).
	facts map[string]any
	// plainFacts names facts that modules other than setup returned
	// (getent_passwd, services): Ansible injects them without a prefix.
	plainFacts map[string]bool
	// setFacts holds set_fact and register results (precedence level 19).
	setFacts map[string]any
	// includeVars holds include_vars results (level 18, under set_fact).
	includeVars map[string]any
	stats       HostStats
	// failed and unreachable hosts are removed from the rest of the run.
	failed      bool
	unreachable bool
	// notified handlers (by handler index in the play) waiting for a flush.
	notified map[int]bool
	// lastFailure holds ansible_failed_task and ansible_failed_result for
	// the rescue section of the block the host failed in.
	lastFailure map[string]any
	// rescuing is set while the host runs a rescue section.
	rescuing bool
	// toRescue is set when the host failed where a rescue section will
	// take over: the failure does not count for any_errors_fatal or
	// max_fail_percentage, as in Ansible.
	toRescue bool
	// endPlay is set by meta: end_host / end_play for this host.
	endPlay bool
	// connVars and connCfg are the last connection variables and the
	// settings made of them (connConfig).
	connVars map[string]any
	connCfg  connection.Config
	// view is the host's hostvars entry, built at inventory generation
	// viewGen for the playbook in viewDir; nil once the host's variables
	// change (varsChangedLocked).
	view    map[string]any
	viewGen uint64
	viewDir string
	// rolesRan are the role uses a task of which ran here (not skipped):
	// a repeated use of one of them is skipped, as in Ansible.
	rolesRan map[*playbooks.Role]bool
}

func newHostState(h *inventory.Host) *hostState {
	return &hostState{hostname: h.Name, inv: h, facts: map[string]any{}, setFacts: map[string]any{}, notified: map[int]bool{}}
}

func (h *hostState) name() string { return h.hostname }

// active says whether the host still takes part in the play.
func (h *hostState) active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.failed && !h.unreachable && !h.endPlay
}

// activityChanges counts the changes of what active() says, for nameCache.
var activityChanges atomic.Uint64

// setFailedLocked, setUnreachableLocked and setEndPlayLocked (h.mu held)
// change what active() says: through them, so the change is counted.
func (h *hostState) setFailedLocked(v bool)      { h.failed = v; activityChanges.Add(1) }
func (h *hostState) setUnreachableLocked(v bool) { h.unreachable = v; activityChanges.Add(1) }
func (h *hostState) setEndPlayLocked(v bool)     { h.endPlay = v; activityChanges.Add(1) }

func (h *hostState) count(f func(s *HostStats)) {
	h.mu.Lock()
	f(&h.stats)
	h.mu.Unlock()
}

// varsChangedLocked drops the host's hostvars entry after its facts,
// set_fact, registered or included variables changed (h.mu held).
func (h *hostState) varsChangedLocked() { h.view = nil }

// hostVarsView is what hostvars[h] shows: inventory vars, facts, set_fact
// and registered values, extra vars, the groups of inventory generation gen
// and the magic variables of the whole run, as Ansible's (not play or role
// vars). It is built once and shared until the host's variables, the
// inventory or the playbook change; callers must not modify it.
func (h *hostState) hostVarsView(pc *playCtx, gen uint64, groups map[string]any) map[string]any {
	r := pc.r
	h.mu.Lock()
	if h.view != nil && h.viewGen == gen && h.viewDir == pc.pb.Dir {
		defer h.mu.Unlock()
		return h.view
	}
	h.mu.Unlock()
	r.invMu.RLock()
	v := h.inv.Vars()
	v["group_names"] = groupNames(h.inv)
	r.invMu.RUnlock()
	v["groups"] = groups
	h.mu.Lock()
	defer h.mu.Unlock()
	h.view, h.viewGen, h.viewDir = v, gen, pc.pb.Dir
	injectFacts(v, h.facts, h.plainFacts)
	maps.Copy(v, h.includeVars)
	maps.Copy(v, h.setFacts)
	maps.Copy(v, r.opts.ExtraVars)
	r.runMagicVars(v, pc)
	v["inventory_hostname"] = h.name()
	v["inventory_hostname_short"], _, _ = strings.Cut(h.name(), ".")
	return v
}

// injectFacts adds ansible_facts and every fact as a variable, as Ansible's
// INJECT_FACTS_AS_VARS does: gathered facts as ansible_<name>, facts other
// modules returned under their own name.
func injectFacts(v map[string]any, facts map[string]any, plain map[string]bool) {
	if len(facts) == 0 {
		v["ansible_facts"] = map[string]any{}
		return
	}
	v["ansible_facts"] = maps.Clone(facts)
	for k, val := range facts {
		if plain[k] || strings.HasPrefix(k, "ansible_") {
			v[k] = val
		} else {
			v["ansible_"+k] = val
		}
	}
}

// groupNames is the group_names magic variable: the host's groups without
// "all" (Ansible keeps "ungrouped"), sorted by name as Ansible does.
func groupNames(h *inventory.Host) []any {
	var names []string
	for _, g := range h.Groups {
		if g != "all" {
			names = append(names, g)
		}
	}
	slices.Sort(names)
	return stringsToAny(names)
}

// conn returns the host's connection, dialled once per run with its
// connection variables (keywords applied: see applyConnectionKeywords)
// templated against vars.
func (r *Runner) conn(ctx context.Context, h *hostState, vars map[string]any) (connection.Conn, error) {
	connVars := map[string]any{}
	for _, k := range connection.ConfigVars {
		if v, ok := vars[k]; ok {
			connVars[k] = v
		}
	}
	rendered, err := jinja.RenderValue(connVars, vars)
	if err != nil {
		return nil, fmt.Errorf("connection variables: %w", err)
	}
	cfg, err := h.connConfig(rendered.(map[string]any), r.opts.Connection)
	if err != nil {
		return nil, err
	}
	// Plays may log in as different users: one connection per host and user.
	return r.connect(ctx, h.name()+"\x00"+cfg.User, cfg)
}

// connConfig is connection.ConfigFor for the host, kept while its
// connection variables stay the same: every task asks, and ConfigFor reads
// ssh_config each time.
func (h *hostState) connConfig(vars map[string]any, opts connection.Options) (connection.Config, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.connVars != nil && reflect.DeepEqual(vars, h.connVars) {
		return h.connCfg, nil
	}
	cfg, err := connection.ConfigFor(h.name(), vars, opts)
	if err != nil {
		return cfg, err
	}
	h.connVars, h.connCfg = vars, cfg
	return cfg, nil
}

// boundHost is a modules.Host: the connection with the task's become and
// environment applied to every script. A task's scripts (the module's
// probes, then its steps) share one session (connection.Shell), closed
// when the task ends.
type boundHost struct {
	conn   connection.Conn
	shell  *connection.Shell
	become *connection.Become
	env    map[string]string
	// redial reopens the connection (see Reconnect).
	redial func(context.Context) (connection.Conn, error)
}

// bind (re)binds b to conn.
func (b *boundHost) bind(conn connection.Conn) {
	if b.shell != nil {
		b.shell.Close()
	}
	b.conn, b.shell = conn, connection.NewShell(conn, b.env, b.become)
}

func (b *boundHost) Run(ctx context.Context, script string, stdin []byte) (connection.Result, error) {
	return b.shell.Run(ctx, script, stdin)
}

// RunLast runs the task's last script: no session is kept for more.
func (b *boundHost) RunLast(ctx context.Context, script string, stdin []byte) (connection.Result, error) {
	return b.shell.RunLast(ctx, script, stdin)
}

// Close ends the task's session.
func (b *boundHost) Close() { b.shell.Close() }

// isUnreachable tells a transport failure from a module failure.
func isUnreachable(err error) bool {
	var u *connection.UnreachableError
	return errors.As(err, &u)
}
