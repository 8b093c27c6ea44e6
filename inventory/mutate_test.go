package inventory

import (
	"reflect"
	"testing"
)

// Each step runs on the inventory the previous steps left: first asked
// (apply false, nothing may change), then applied. Expectations follow
// ansible-playbook 2.14's add_host/group_by results on the same steps.
func TestAddHostAndGroupBy(t *testing.T) {
	inv := mustLoad(t, "a,b")
	steps := []struct {
		name    string
		do      func(apply bool) bool
		changed bool
		groups  map[string][]string // group -> hosts afterwards
	}{
		// Ansible too lists hosts added to "all" before those of its children.
		{"new host in two groups", func(apply bool) bool {
			return inv.AddHost("n1", []string{"extra", "more"}, map[string]any{"color": "blue"}, apply)
		}, true, map[string][]string{"all": {"n1", "a", "b"}, "extra": {"n1"}, "more": {"n1"}, "ungrouped": {"a", "b"}}},
		{"same host again", func(apply bool) bool {
			return inv.AddHost("n1", []string{"extra"}, map[string]any{"color": "blue"}, apply)
		}, false, map[string][]string{"extra": {"n1"}}},
		{"existing host, new var", func(apply bool) bool {
			return inv.AddHost("n1", nil, map[string]any{"color": "red"}, apply)
		}, true, map[string][]string{"extra": {"n1"}}},
		{"group_by a new group", func(apply bool) bool {
			return inv.GroupBy("a", "kind", []string{"parentg"}, apply)
		}, true, map[string][]string{"kind": {"a"}, "parentg": {"a"}, "ungrouped": {"b"}}},
		{"group_by again", func(apply bool) bool {
			return inv.GroupBy("a", "kind", []string{"parentg"}, apply)
		}, false, map[string][]string{"kind": {"a"}}},
		{"group_by an unknown host", func(apply bool) bool {
			return inv.GroupBy("zz", "kind", []string{"all"}, apply)
		}, false, map[string][]string{"kind": {"a"}}},
	}
	for _, st := range steps {
		before := inv.GroupNames()
		if got := st.do(false); got != st.changed {
			t.Errorf("%s: asked changed = %v, want %v", st.name, got, st.changed)
		}
		if after := inv.GroupNames(); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s: asking changed the groups: %q -> %q", st.name, before, after)
		}
		if got := st.do(true); got != st.changed {
			t.Errorf("%s: applied changed = %v, want %v", st.name, got, st.changed)
		}
		for g, want := range st.groups {
			if got := inv.GroupHosts(g); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: hosts of %s = %q, want %q", st.name, g, got, want)
			}
		}
	}
	n1, _ := inv.Host("n1")
	if got := n1.Vars()["color"]; got != "red" {
		t.Errorf("n1 color = %v, want red", got)
	}
	a, _ := inv.Host("a")
	if want := []string{"all", "parentg", "kind"}; !reflect.DeepEqual(a.Groups, want) {
		t.Errorf("a.Groups = %q, want %q", a.Groups, want)
	}
}
