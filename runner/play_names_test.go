package runner

import (
	"slices"
	"testing"

	"play/inventory"
)

// Hosts share one list of names while it is right; a host leaving the play
// gives a new list and leaves the lists handed out before untouched.
func TestNameCacheSharesTheListWhileItIsRight(t *testing.T) {
	var hosts []*hostState
	for _, n := range []string{"a", "b", "c"} {
		hosts = append(hosts, newHostState(&inventory.Host{Name: n}))
	}
	var c nameCache
	first := c.active(hosts)
	if again := c.active(hosts); &again[0] != &first[0] {
		t.Error("a second call built a new list though no host changed")
	}
	// Without an activity change counted by the setters the hosts are not
	// walked again (every host asks for every task: hosts² walks): a flag
	// changed behind the setters' back goes unseen.
	hosts[0].failed = true
	if again := c.active(hosts); len(again) != 3 {
		t.Errorf("the hosts were walked again without an activity change: %v", again)
	}
	hosts[0].failed = false
	hosts[1].setFailedLocked(true)
	after := c.active(hosts)
	if !slices.Equal(after, []any{"a", "c"}) || !slices.Equal(first, []any{"a", "b", "c"}) {
		t.Errorf("after b failed: %v (the earlier list is now %v)", after, first)
	}
	for _, h := range hosts {
		h.setUnreachableLocked(true)
	}
	if none := c.active(hosts); none != nil {
		t.Errorf("no active host: %v, want nil", none)
	}
}
