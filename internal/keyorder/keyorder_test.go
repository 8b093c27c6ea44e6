package keyorder

import (
	"runtime"
	"slices"
	"sync"
	"testing"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		name   string
		m      map[string]any
		order  []string // recorded; nil: never recorded
		change func(map[string]any)
		want   []string
	}{
		{"unrecorded maps iterate sorted", map[string]any{"b": 1, "a": 2, "C": 3}, nil, nil, []string{"C", "a", "b"}},
		{"recorded order", map[string]any{"zeta": 1, "alpha": 2, "Mid": 3}, []string{"zeta", "alpha", "Mid"}, nil, []string{"zeta", "alpha", "Mid"}},
		{"deleted keys are skipped", map[string]any{"z": 1, "a": 2, "m": 3}, []string{"z", "a", "m"},
			func(m map[string]any) { delete(m, "a") }, []string{"z", "m"}},
		{"added keys come last, sorted", map[string]any{"z": 1, "a": 2}, []string{"z", "a"},
			func(m map[string]any) { m["y"], m["b"] = 1, 2 }, []string{"z", "a", "b", "y"}},
		{"sorted order needs no record", map[string]any{"a": 1, "b": 2}, []string{"a", "b"}, nil, []string{"a", "b"}},
		{"empty", map[string]any{}, []string{}, nil, []string{}},
		{"nil", nil, nil, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.order != nil {
				Set(tt.m, tt.order)
			}
			if tt.change != nil {
				tt.change(tt.m)
			}
			if got := Keys(tt.m); !slices.Equal(got, tt.want) {
				t.Errorf("Keys = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSetSortedForgetsAnEarlierOrder(t *testing.T) {
	m := map[string]any{"b": 1, "a": 2}
	Set(m, []string{"b", "a"})
	Set(m, []string{"a", "b"})
	if got := Keys(m); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Keys = %q, want the later, sorted order", got)
	}
}

func TestRecorded(t *testing.T) {
	m := map[string]any{"b": 1, "a": 2}
	if _, ok := Recorded(m); ok {
		t.Fatal("Recorded reports an order for a map never recorded")
	}
	Set(m, []string{"b", "a"})
	if keys, ok := Recorded(m); !ok || !slices.Equal(keys, []string{"b", "a"}) {
		t.Fatalf("Recorded = %q, %v; want [b a], true", keys, ok)
	}
	m["c"] = 3
	if _, ok := Recorded(m); ok {
		t.Error("Recorded reports an order that misses a key added since")
	}
}

// A map type defined on map[string]any (the template engine's dict) shares
// its map's order: the identity is the runtime map, not the Go type.
func TestNamedMapTypes(t *testing.T) {
	type dict map[string]any
	m := map[string]any{"b": 1, "a": 2}
	Set(m, []string{"b", "a"})
	if got := Keys(dict(m)); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("Keys(dict(m)) = %q, want [b a]", got)
	}
	c := Clone(dict(m))
	c["0"] = 0
	if got := Keys(c); !slices.Equal(got, []string{"b", "a", "0"}) {
		t.Errorf("Keys(Clone) = %q, want [b a 0]", got)
	}
}

// A recorded map that died must not lend its order to a new map that the
// allocator puts at the same address, and its entry must go away.
func TestDeadMapsAreForgotten(t *testing.T) {
	for range 3 * 64 { // past the first sweep of every shard
		m := map[string]any{"z": 1, "a": 2}
		Set(m, []string{"z", "a"})
	}
	runtime.GC()
	runtime.GC()
	for range 20 {
		m := map[string]any{"z": 1, "a": 2}
		if got := Keys(m); !slices.Equal(got, []string{"a", "z"}) {
			t.Fatalf("a fresh map has keys %q: it took a dead map's order", got)
		}
	}
	for range 3 * 64 * shards {
		m := map[string]any{"z": 1, "a": 2}
		Set(m, []string{"z", "a"})
		runtime.KeepAlive(m)
	}
	runtime.GC()
	runtime.GC()
	total := 0
	for i := range table {
		s := &table[i]
		s.mu.Lock()
		s.sweep()
		total += len(s.entries)
		s.mu.Unlock()
	}
	if total > 64 {
		t.Errorf("%d entries left after the maps died, want almost none", total)
	}
}

func TestConcurrentUse(t *testing.T) {
	shared := map[string]any{"z": 1, "a": 2, "m": 3}
	Set(shared, []string{"z", "a", "m"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				m := Clone(shared)
				if got := Keys(m); !slices.Equal(got, []string{"z", "a", "m"}) {
					t.Errorf("Keys(Clone) = %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkSetKeys(b *testing.B) {
	keys := []string{"zeta", "alpha", "mid", "beta", "gamma"}
	b.ReportAllocs()
	for b.Loop() {
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			m[k] = 1
		}
		Set(m, keys)
		if len(Keys(m)) != len(keys) {
			b.Fatal("keys lost")
		}
	}
}

func TestBuilder(t *testing.T) {
	b := NewBuilder[map[string]int](0)
	for i, k := range []string{"z", "a", "z", "m"} {
		b.Set(k, i)
	}
	if v, _ := b.Get("z"); v != 2 {
		t.Errorf("Get(z) = %d, want the last value set, 2", v)
	}
	m := b.Map()
	if got := Keys(m); !slices.Equal(got, []string{"z", "a", "m"}) {
		t.Errorf("Keys = %q, want a key set twice in its first place: [z a m]", got)
	}
}
