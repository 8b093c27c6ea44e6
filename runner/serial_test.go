package runner

import (
	"slices"
	"testing"

	"play/inventory"
)

func TestBatches(t *testing.T) {
	var hosts []*hostState
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		hosts = append(hosts, newHostState(&inventory.Host{Name: n}))
	}
	sizes := func(bs [][]*hostState) []int {
		var out []int
		for _, b := range bs {
			out = append(out, len(b))
		}
		return out
	}
	for _, tc := range []struct {
		serial any
		want   []int
	}{
		{nil, []int{5}},
		{2, []int{2, 2, 1}},
		{"2", []int{2, 2, 1}},
		{"30%", []int{1, 1, 1, 1, 1}},
		{"50%", []int{2, 2, 1}},
		{"10%", []int{1, 1, 1, 1, 1}},
		{[]any{1, "50%"}, []int{1, 2, 2}},
		{[]any{1, 3}, []int{1, 3, 1}},
		{0, []int{5}},
		{"{{ n }}", []int{4, 1}},
	} {
		got, err := batches(hosts, tc.serial, map[string]any{"n": 4})
		if err != nil || !slices.Equal(sizes(got), tc.want) {
			t.Errorf("serial %v: batches %v, %v; want %v", tc.serial, sizes(got), err, tc.want)
		}
	}
	if _, err := batches(hosts, "many", nil); err == nil {
		t.Error("serial 'many' accepted")
	}
}

func TestOrderHosts(t *testing.T) {
	var hosts []*hostState
	for _, n := range []string{"b", "c", "a"} {
		hosts = append(hosts, newHostState(&inventory.Host{Name: n}))
	}
	names := func(hs []*hostState) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.name())
		}
		return out
	}
	for order, want := range map[string][]string{
		"": {"b", "c", "a"}, "inventory": {"b", "c", "a"}, "reverse_inventory": {"a", "c", "b"},
		"sorted": {"a", "b", "c"}, "reverse_sorted": {"c", "b", "a"},
	} {
		got, err := orderHosts(hosts, order)
		if err != nil || !slices.Equal(names(got), want) {
			t.Errorf("order %q: %v, %v; want %v", order, names(got), err, want)
		}
	}
	if got, _ := orderHosts(hosts, "shuffle"); len(got) != 3 {
		t.Errorf("shuffle lost hosts: %v", names(got))
	}
	if _, err := orderHosts(hosts, "random"); err == nil {
		t.Error("order 'random' accepted")
	}
}
