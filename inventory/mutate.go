package inventory

import (
	"maps"
	"reflect"
	"slices"

	"play/diag"
)

// The inventory changes a run makes (add_host, group_by). Each takes apply,
// like the modules' check/apply split: with apply false it only says
// whether the inventory would change, and never writes, so hosts may ask
// concurrently; the runner applies the changes once every host is done.

// AddHost adds a host (to "all" when new), merges vars into its host
// variables (top-level keys replace) and puts it in groups, creating them.
// It reports whether anything changed, as Ansible's add_host does.
func (inv *Inventory) AddHost(name string, groups []string, vars map[string]any, apply bool) bool {
	h, exists := inv.hosts[name]
	changed := !exists
	if exists {
		merged := maps.Clone(h.vars)
		maps.Copy(merged, vars)
		changed = !reflect.DeepEqual(merged, h.vars)
	}
	for _, g := range groups {
		grp, ok := inv.groups[g]
		changed = changed || !ok || !exists || !slices.Contains(grp.hosts, h)
	}
	if !apply || !changed {
		return changed
	}
	h = inv.addHost(name, inv.groups["all"], 0, source{})
	maps.Copy(h.vars, vars)
	for _, g := range groups {
		inv.addHost(name, inv.group(g), 0, source{})
	}
	inv.reconcile()
	return true
}

// GroupBy puts a host in the group key, creating it under parents (and
// the parents under "all"), as Ansible's group_by does.
func (inv *Inventory) GroupBy(host, key string, parents []string, apply bool) bool {
	h, ok := inv.hosts[host]
	if !ok {
		return false
	}
	g, exists := inv.groups[key]
	changed := !exists || !slices.Contains(g.hosts, h)
	for _, p := range parents {
		pg, ok := inv.groups[p]
		changed = changed || !ok || !exists || !slices.Contains(pg.children, g)
	}
	if !apply || !changed {
		return changed
	}
	g = inv.group(key)
	for _, p := range parents {
		if p != key {
			// A parent that would form a loop is left out, as Ansible does.
			_ = inv.addChild(inv.group(p), g, diag.Pos{})
		}
	}
	inv.addHost(host, g, 0, source{})
	inv.reconcile()
	return true
}
