// Package inventory reads Ansible inventories (YAML, INI, directories, comma
// lists, group_vars/ and host_vars/) into plain data and selects hosts with
// Ansible host patterns. It never connects to a host.
package inventory

import (
	"cmp"
	"slices"
	"strconv"

	"play/diag"
	"play/internal/keyorder"
)

// Inventory is the merged result of every -i source.
type Inventory struct {
	hosts     map[string]*Host
	hostOrder []*Host
	groups    map[string]*Group
	// groupOrder is creation order: "all", "ungrouped", then as defined.
	groupOrder []*Group
	// localhost is Ansible's implicit localhost, used when the inventory
	// does not name one.
	localhost *Host
	// inventoryVars and playbookVars are the group_vars/ host_vars/ trees
	// beside the inventory sources and beside the playbook, in order.
	inventoryVars []*varsTree
	playbookVars  []*varsTree
}

// Host is one inventory host.
type Host struct {
	Name string
	// Groups are all the groups the host belongs to, ancestors and "all"
	// included, sorted by depth, ansible_group_priority, then name (the
	// order in which their variables apply).
	Groups []string

	vars     map[string]any // host variables from inventory files
	direct   []*Group       // groups that list the host themselves
	implicit bool
	inv      *Inventory
}

// Group is one inventory group.
type Group struct {
	Name string
	// Vars are the group's variables from inventory files (not group_vars/).
	Vars map[string]any
	// Hosts and Children are the direct members, in definition order.
	Hosts    []string
	Children []string
	// Priority is ansible_group_priority: among groups of the same depth,
	// a higher priority applies later and so wins.
	Priority int

	hosts    []*Host
	children []*Group
	parents  []*Group
	depth    int
}

// localhostNames are the names that reach the implicit localhost (Ansible's
// C.LOCALHOST).
var localhostNames = []string{"localhost", "127.0.0.1", "::1"}

func newInventory() *Inventory {
	inv := &Inventory{hosts: map[string]*Host{}, groups: map[string]*Group{}}
	inv.group("all")
	inv.group("ungrouped")
	inv.addChild(inv.groups["all"], inv.groups["ungrouped"], diag.Pos{})
	return inv
}

// group returns the named group, creating it when new.
func (inv *Inventory) group(name string) *Group {
	if g, ok := inv.groups[name]; ok {
		return g
	}
	g := &Group{Name: name, Vars: map[string]any{}}
	inv.groups[name] = g
	inv.groupOrder = append(inv.groupOrder, g)
	return g
}

// addHost returns the named host, creating it when new, and puts it in g
// (when not nil). Like Ansible, the port only applies when the host is new,
// and inventory_file/inventory_dir name the first source defining it.
func (inv *Inventory) addHost(name string, g *Group, port int, src source) *Host {
	h, ok := inv.hosts[name]
	if !ok {
		h = &Host{Name: name, vars: map[string]any{}, inv: inv}
		h.vars["inventory_file"] = src.file
		h.vars["inventory_dir"] = src.dir
		if port > 0 {
			h.vars["ansible_port"] = port
		}
		inv.hosts[name] = h
		inv.hostOrder = append(inv.hostOrder, h)
	}
	if g != nil && !slices.Contains(g.hosts, h) {
		g.hosts = append(g.hosts, h)
		g.Hosts = append(g.Hosts, name)
		h.direct = append(h.direct, g)
	}
	return h
}

// addChild makes child a child of parent, refusing cycles.
func (inv *Inventory) addChild(parent, child *Group, pos diag.Pos) error {
	if slices.Contains(parent.children, child) {
		return nil
	}
	if parent == child || child.isAncestorOf(parent) {
		return diag.Errorf(pos, "adding group %q as a child of %q creates a loop: %q is already an ancestor of %q",
			child.Name, parent.Name, child.Name, parent.Name).
			WithHint("a group cannot contain itself, directly or through its children; remove one of the two relations")
	}
	parent.children = append(parent.children, child)
	parent.Children = append(parent.Children, child.Name)
	child.parents = append(child.parents, parent)
	return nil
}

func (g *Group) isAncestorOf(other *Group) bool {
	for _, p := range other.parents {
		if p == g || g.isAncestorOf(p) {
			return true
		}
	}
	return false
}

// setVar sets a group variable; ansible_group_priority is the group's
// priority rather than a variable, as in Ansible.
func (g *Group) setVar(key string, value any, pos diag.Pos) error {
	if key != "ansible_group_priority" {
		g.Vars[key] = value
		return nil
	}
	n, ok := toInt(value)
	if !ok {
		return diag.Errorf(pos, "ansible_group_priority of group %q must be an integer, got %v", g.Name, value).
			WithHint("write a whole number such as ansible_group_priority: 10")
	}
	g.Priority = n
	return nil
}

// reconcile applies Ansible's rules once every source is read: groups
// without a parent become children of "all", hosts in no group go to
// "ungrouped" (and leave it once they are in another group), depths and
// each host's sorted group list are computed.
func (inv *Inventory) reconcile() {
	all, ungrouped := inv.groups["all"], inv.groups["ungrouped"]
	for _, g := range inv.groupOrder {
		if g != all && len(g.parents) == 0 {
			_ = inv.addChild(all, g, diag.Pos{}) // a root cannot form a loop
		}
	}
	for _, h := range inv.hostOrder {
		if slices.ContainsFunc(h.direct, func(g *Group) bool { return g != all && g != ungrouped }) {
			ungrouped.removeHost(h)
		} else {
			inv.addHost(h.Name, ungrouped, 0, source{})
		}
	}
	for _, g := range inv.groupOrder {
		g.depth = g.longestPathFromRoot()
	}
	for _, h := range inv.hostOrder {
		h.Groups = groupNames(h.allGroups())
	}
	inv.localhost = nil
	if _, ok := inv.hosts["localhost"]; !ok {
		inv.localhost = &Host{
			Name:     "localhost",
			Groups:   []string{"all"},
			vars:     map[string]any{"ansible_connection": "local"},
			implicit: true,
			inv:      inv,
		}
	}
}

func (g *Group) removeHost(h *Host) {
	if i := slices.Index(g.hosts, h); i >= 0 {
		g.hosts = slices.Delete(g.hosts, i, i+1)
		g.Hosts = slices.Delete(g.Hosts, i, i+1)
		h.direct = slices.DeleteFunc(h.direct, func(d *Group) bool { return d == g })
	}
}

func (g *Group) longestPathFromRoot() int {
	depth := 0
	for _, p := range g.parents {
		depth = max(depth, p.longestPathFromRoot()+1)
	}
	return depth
}

// allGroups is every group of h, ancestors included, in variable order.
func (h *Host) allGroups() []*Group {
	var out []*Group
	var visit func(g *Group)
	visit = func(g *Group) {
		if slices.Contains(out, g) {
			return
		}
		out = append(out, g)
		for _, p := range g.parents {
			visit(p)
		}
	}
	for _, g := range h.direct {
		visit(g)
	}
	sortGroups(out)
	return out
}

// sortGroups orders groups as Ansible's sort_groups: depth, priority, name.
func sortGroups(groups []*Group) {
	slices.SortFunc(groups, func(a, b *Group) int {
		return cmp.Or(cmp.Compare(a.depth, b.depth), cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.Name, b.Name))
	})
}

func groupNames(groups []*Group) []string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Name
	}
	return names
}

// Host looks a host up by name. The implicit localhost answers to
// "localhost", "127.0.0.1" and "::1" when the inventory has no localhost.
func (inv *Inventory) Host(name string) (*Host, bool) {
	if h, ok := inv.hosts[name]; ok {
		return h, true
	}
	if inv.localhost != nil && slices.Contains(localhostNames, name) {
		return inv.localhost, true
	}
	return nil, false
}

// Hosts lists every inventory host in inventory order (never the implicit
// localhost).
func (inv *Inventory) Hosts() []*Host {
	return slices.Clone(inv.hostOrder)
}

// Group looks a group up by name.
func (inv *Inventory) Group(name string) (*Group, bool) {
	g, ok := inv.groups[name]
	return g, ok
}

// GroupNames lists every group, "all" and "ungrouped" included, in the
// order they were defined (the keys of the `groups` magic variable).
func (inv *Inventory) GroupNames() []string {
	return groupNames(inv.groupOrder)
}

// GroupHosts lists the hosts of a group and of its descendants, without
// duplicates, in Ansible's order: the group's own hosts, then its children
// breadth first. An unknown group has no hosts.
func (inv *Inventory) GroupHosts(name string) []string {
	g, ok := inv.groups[name]
	if !ok {
		return nil
	}
	return hostNames(g.allHosts())
}

func (g *Group) allHosts() []*Host {
	var hosts []*Host
	seen := map[*Host]bool{}
	queue, visited := []*Group{g}, map[*Group]bool{g: true}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, h := range cur.hosts {
			if !seen[h] {
				seen[h] = true
				hosts = append(hosts, h)
			}
		}
		for _, c := range cur.children {
			if !visited[c] {
				visited[c] = true
				queue = append(queue, c)
			}
		}
	}
	return hosts
}

func hostNames(hosts []*Host) []string {
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = h.Name
	}
	return names
}

// Vars returns the host's variables merged in Ansible's order (levels 3 to
// 10 of its variable precedence): inventory file group vars ("all" first,
// then by depth, priority and name), inventory group_vars/all, playbook
// group_vars/all, inventory group_vars/*, playbook group_vars/*, inventory
// file host vars, inventory host_vars/*, playbook host_vars/*. Top-level
// keys replace (hash_behaviour=replace). The map is a deep copy.
func (h *Host) Vars() map[string]any {
	inv := h.inv
	var groups []*Group // the host's groups but "all", in variable order
	for _, name := range h.Groups {
		if name != "all" {
			groups = append(groups, inv.groups[name])
		}
	}
	out := map[string]any{}
	merge := func(vars map[string]any) {
		for k, v := range vars {
			out[k] = deepCopy(v)
		}
	}
	merge(inv.groups["all"].Vars)
	for _, g := range groups {
		merge(g.Vars)
	}
	trees := slices.Concat(inv.inventoryVars, inv.playbookVars) // inventory's first
	for _, t := range trees {
		merge(t.groups["all"])
	}
	for _, t := range trees {
		for _, g := range groups {
			merge(t.groups[g.Name])
		}
	}
	merge(h.vars)
	for _, t := range trees {
		merge(t.hosts[h.Name])
	}
	return out
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		keyorder.Copy(m, v)
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case string: // from an INI file
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}
