package runner

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"play/internal/keyorder"
	"play/inventory"
	"play/modules"
)

// add_host and group_by change the in-memory inventory. Hosts only ask the
// inventory whether it would change (it is read by every host while a task
// runs); the changes are queued and applied once all hosts finished the
// task, as Ansible's strategy applies them from its main loop.

func init() {
	runnerActions["add_host"] = addHost
	runnerActions["group_by"] = groupBy
}

// inventoryChanges are the changes the hosts of one task queued, by host.
type inventoryChanges struct {
	mu      sync.Mutex
	pending map[string][]func(inv *inventory.Inventory)
}

func (c *inventoryChanges) queue(host string, f func(inv *inventory.Inventory)) {
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[string][]func(inv *inventory.Inventory){}
	}
	c.pending[host] = append(c.pending[host], f)
	c.mu.Unlock()
}

// applyInventoryChanges applies the queued changes in the task's host order
// (not the order hosts finished in), gives new hosts their state (for
// hostvars) and refreshes the groups variable.
func (r *Runner) applyInventoryChanges(pc *playCtx, hosts []*hostState) {
	pc.invChanges.mu.Lock()
	pending := pc.invChanges.pending
	pc.invChanges.pending = nil
	pc.invChanges.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	r.changeInventory(pc, func() {
		inv := r.opts.Inventory
		for _, h := range hosts {
			for _, f := range pending[h.name()] {
				f(inv)
			}
		}
		for _, ih := range inv.Hosts() {
			r.host(ih)
		}
	})
}

// changeInventory applies change under the inventory's write lock and
// gives the play's contexts (every host's under free) the new groups. Under
// free the other hosts see it from their next read of the inventory, as
// Ansible's strategy applies a result at once, without waiting for their
// tasks.
func (r *Runner) changeInventory(pc *playCtx, change func()) {
	contexts := []*playCtx{pc}
	if pc.free != nil {
		contexts = pc.free.hosts
	}
	r.invMu.Lock()
	change()
	groups := groupsVar(r.opts.Inventory)
	for _, c := range contexts {
		c.groups = groups
	}
	r.inventoryChanged()
	r.invMu.Unlock()
	for _, c := range contexts {
		c.resetHostvars()
	}
}

// refreshInventory reads the inventory sources again, as Ansible's meta:
// refresh_inventory: groups, hostvars and ansible_play_hosts_all show the
// new inventory at once, new hosts run from the next play on, and hosts
// add_host made are gone unless the sources have them. A source that no
// longer reads keeps the inventory as it was, with a warning.
func (r *Runner) refreshInventory(pc *playCtx) {
	if r.opts.ReloadInventory == nil {
		return
	}
	r.changeInventory(pc, func() {
		inv, err := r.opts.ReloadInventory()
		if err != nil {
			r.out.warn("refresh_inventory: keeping the inventory as it was: " + err.Error())
			return
		}
		r.opts.Inventory = inv
		r.mu.Lock()
		for name, h := range r.hosts {
			if ih, ok := inv.Host(name); ok {
				h.mu.Lock()
				h.inv = ih
				h.mu.Unlock()
			}
		}
		r.mu.Unlock()
		if selected, err := r.playInventoryHosts(pc.play); err == nil {
			names := make([]any, len(selected))
			for i, ih := range selected {
				names[i] = ih.Name
			}
			pc.allHostNames = names
			if pc.free != nil { // every host's play sees the new ansible_play_hosts_all
				for _, hc := range pc.free.hosts {
					hc.allHostNames = names
				}
			}
		}
	})
}

// inventoryChanged makes every hostvars entry stale (group_names, group
// and add_host variables may have changed).
func (r *Runner) inventoryChanged() {
	r.mu.Lock()
	r.invGen++
	r.mu.Unlock()
}

// groupsVar is the `groups` magic variable: every group and its hosts.
func groupsVar(inv *inventory.Inventory) map[string]any {
	names := inv.GroupNames()
	groups := make(map[string]any, len(names))
	for _, g := range names {
		groups[g] = stringsToAny(inv.GroupHosts(g))
	}
	keyorder.Set(groups, names) // Ansible's order: all, ungrouped, then as the inventory lists them
	return groups
}

// addHostSpecial are add_host's arguments that are not host variables
// (Ansible's own list: the host and group aliases outside it become vars).
var addHostSpecial = []string{"name", "hostname", "groupname", "groups"}

// addHost is Ansible's add_host: a host (new or not) with groups and vars.
func addHost(_ context.Context, ex *execution, args, _ map[string]any) (map[string]any, error) {
	name := firstArg(args, "name", "hostname", "host")
	if name == "" {
		return nil, fmt.Errorf("name, host or hostname needs to be provided")
	}
	groups, err := groupList(args["groupname"], args["groups"], args["group"])
	if err != nil {
		return nil, err
	}
	vars := map[string]any{}
	for k, v := range args {
		if !containsString(addHostSpecial, k) && k != "_raw_params" {
			vars[k] = v
		}
	}
	ex.r.invMu.RLock()
	changed := ex.r.opts.Inventory.AddHost(name, groups, vars, false)
	ex.r.invMu.RUnlock()
	if changed {
		ex.pc.invChanges.queue(ex.h.name(), func(inv *inventory.Inventory) { inv.AddHost(name, groups, vars, true) })
	}
	return map[string]any{
		"changed":  changed,
		"add_host": map[string]any{"host_name": name, "groups": stringsToAny(groups), "host_vars": vars},
	}, nil
}

// groupBy is Ansible's group_by: the host joins the group named key.
func groupBy(_ context.Context, ex *execution, args, _ map[string]any) (map[string]any, error) {
	key := firstArg(args, "key")
	if key == "" {
		return nil, &modules.Failure{Msg: "the 'key' param is required when using group_by"}
	}
	for k := range args {
		if k != "key" && k != "parents" {
			return nil, fmt.Errorf("Invalid options for group_by: %s", k)
		}
	}
	parents := []string{"all"}
	if args["parents"] != nil {
		var err error
		if parents, err = modules.ToStringList(args["parents"]); err != nil {
			return nil, fmt.Errorf("parents: %w", err)
		}
	}
	// Ansible turns spaces in group names into dashes.
	key = strings.ReplaceAll(key, " ", "-")
	for i, p := range parents {
		parents[i] = strings.ReplaceAll(p, " ", "-")
	}
	host := ex.h.name()
	ex.r.invMu.RLock()
	changed := ex.r.opts.Inventory.GroupBy(host, key, parents, false)
	ex.r.invMu.RUnlock()
	if changed {
		ex.pc.invChanges.queue(ex.h.name(), func(inv *inventory.Inventory) { inv.GroupBy(host, key, parents, true) })
	}
	return map[string]any{"changed": changed, "add_group": key, "parent_groups": stringsToAny(parents)}, nil
}

func firstArg(args map[string]any, names ...string) string {
	for _, n := range names {
		if v, ok := args[n]; ok && v != nil {
			s, _ := modules.ToString(v)
			return s
		}
	}
	return ""
}

// groupList reads add_host's groups: the first alias set, a list or a
// comma-separated string.
func groupList(values ...any) ([]string, error) {
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			continue
		case string:
			var out []string
			for _, g := range strings.Split(v, ",") {
				if g = strings.TrimSpace(g); g != "" && !containsString(out, g) {
					out = append(out, g)
				}
			}
			return out, nil
		case []any:
			return modules.ToStringList(v)
		default:
			return nil, fmt.Errorf("Groups must be specified as a list.")
		}
	}
	return nil, nil
}
