package jinja

import (
	"fmt"
	"maps"

	"github.com/nikolalohinski/gonja/v2/exec"

	"play/internal/keyorder"
)

// maxHostvarsDepth bounds hostvars[a].x -> hostvars[b].y -> ... chains: a
// variable that reaches itself through hostvars is a loop, not a stack overflow.
const maxHostvarsDepth = 20

// HostVars is the hostvars magic variable. A host's variables are rendered
// only when accessed, and against that host's own variables, as Ansible
// does: a group var may read hostvars[groups['db'][0]].ansible_host without
// the whole inventory being rendered (or looping) on every template. It is a
// map so that `in`, `length` and loops over it work as on a dict.
type HostVars map[string]hostEntry

// hostEntry is one host's raw variables; immutable, so one HostVars is
// shared by every host's renders.
type hostEntry struct {
	vars  map[string]any
	hosts map[string]map[string]any
	depth int
}

// NewHostVars wraps every host's (unrendered) variables. Each host's map
// should hold its own magic variables (groups, inventory_hostname...);
// "hostvars" is added on access.
func NewHostVars(hosts map[string]map[string]any) HostVars { return hostVarsAt(hosts, 0) }

func hostVarsAt(hosts map[string]map[string]any, depth int) HostVars {
	hv := make(HostVars, len(hosts))
	for name, vars := range hosts {
		hv[name] = hostEntry{vars: vars, hosts: hosts, depth: depth}
	}
	return hv
}

// names lists the hosts in the order recorded on the map NewHostVars was
// given (shared by every entry, see keyorder).
func (h HostVars) names() []string {
	for _, e := range h {
		return keyorder.Keys(e.hosts)
	}
	return nil
}

// Host returns a host's raw variables.
func (h HostVars) Host(name string) (map[string]any, bool) {
	e, ok := h[name]
	return e.vars, ok
}

// GetAttribute implements exec.AttributeGetter.
func (h HostVars) GetAttribute(name string) (*exec.Value, bool) { return h.GetItem(name) }

// GetItem implements exec.ItemGetter: hostvars['web1'].
func (h HostVars) GetItem(key any) (*exec.Value, bool) {
	name := fmt.Sprint(key)
	e, ok := h[name]
	if !ok {
		return exec.AsValue(missingAttribute("HostVars", name)), false
	}
	return exec.AsValue(e), true
}

// GetAttribute implements exec.AttributeGetter.
func (e hostEntry) GetAttribute(name string) (*exec.Value, bool) { return e.GetItem(name) }

// GetItem renders one of the host's variables in the host's own scope.
func (e hostEntry) GetItem(key any) (*exec.Value, bool) {
	name := fmt.Sprint(key)
	if _, ok := e.vars[name]; !ok {
		return exec.AsValue(missingAttribute("dict", name)), false
	}
	if e.depth >= maxHostvarsDepth {
		return exec.AsValue(&cycleError{template: "hostvars[...]." + name}), false
	}
	return e.scope().lookup(name)
}

func (e hostEntry) scope() *scope {
	scoped := maps.Clone(e.vars)
	scoped["hostvars"] = hostVarsAt(e.hosts, e.depth+1)
	return newScope(scoped)
}

// plain renders every variable of the host (for `{{ hostvars['h'] }}`).
func (e hostEntry) plain() map[string]any {
	sc := e.scope()
	out := make(map[string]any, len(e.vars))
	for k := range e.vars {
		if v, ok := sc.lookup(k); ok && !v.IsError() {
			out[k] = toGo(v.Interface())
		}
	}
	return out
}

// plain renders every host (for `{{ hostvars }}` as a whole).
func (h HostVars) plain() map[string]any {
	out := make(map[string]any, len(h))
	for name, e := range h {
		out[name] = e.plain()
	}
	return out
}
