// Package keyorder remembers the order of a map's keys, so that play iterates
// dicts in insertion order as Ansible does (Python dicts keep it: a template's
// `for k, v in d.items()`, with_dict and dict2items follow the YAML file).
//
// Why a side table rather than an ordered map type: variables are
// map[string]any across the whole program (inventory, playbooks, runner,
// modules, the template engine), and hundreds of type switches read them.
// Keeping that type and recording the order beside the map changes nothing
// for code that does not care about order; only the places that build a dict
// in a meaningful order (YAML and JSON decoding, the template engine's
// filters) call Set, and only the places that iterate one for the user call
// Keys.
//
// The table is keyed by the map's identity (the runtime object a map value
// points to, which stays the same as the map grows and when it is converted
// between map types). An entry holds the map weakly, so a recorded map is
// still garbage collected, and an entry whose map died is never mistaken for
// a new map allocated at the same address. Keys validates the recorded order
// against the map's current keys: a key deleted since is skipped, a key
// added since comes after the recorded ones, sorted.
//
// A map with fewer than two keys, or whose keys were inserted in sorted
// order, is not recorded: sorted order is what an unrecorded map iterates in.
package keyorder

import (
	"slices"
	"sync"
	"unsafe"
	"weak"
)

// entry is one recorded map: the map itself (weakly) and its keys in order.
type entry struct {
	m    weak.Pointer[byte]
	keys []string
}

// shard is one lock's part of the table; maps are spread over shards by
// address so that hosts running in parallel rarely wait for one another.
type shard struct {
	mu      sync.Mutex
	entries map[uintptr]entry
	// sweepAt is the size at which dead entries are next removed: twice
	// the live size after the last sweep, so sweeping costs O(1) a Set.
	sweepAt int
}

const shards = 64

var table [shards]shard

// identity is the address of the runtime object a map value refers to; nil
// for a nil map. A Go map value is a single pointer to that object.
func identity[M ~map[string]V, V any](m M) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&m))
}

func shardOf(p unsafe.Pointer) *shard {
	// Heap objects are at least 8-byte aligned: skip the bits that never vary.
	return &table[(uintptr(p)>>4)%shards]
}

// Set records keys as m's key order. keys lists each key once; a key m lacks
// is skipped and a key of m that keys lacks comes after the others (see
// Keys). Set keeps the slice, so the caller must not change it afterwards.
func Set[M ~map[string]V, V any](m M, keys []string) {
	if len(keys) < 2 || slices.IsSorted(keys) {
		forget(m)
		return
	}
	p := identity(m)
	s := shardOf(p)
	w := weak.Make((*byte)(p))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[uintptr]entry{}
	}
	s.entries[uintptr(p)] = entry{m: w, keys: keys}
	if len(s.entries) >= s.sweepAt {
		s.sweep()
	}
}

// forget drops m's recorded order, if any (m was rebuilt in sorted order).
func forget[M ~map[string]V, V any](m M) {
	p := identity(m)
	if p == nil {
		return
	}
	s := shardOf(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[uintptr(p)]; ok && e.m.Value() == (*byte)(p) {
		delete(s.entries, uintptr(p))
	}
}

// sweep removes the entries whose map was garbage collected.
func (s *shard) sweep() {
	for addr, e := range s.entries {
		if e.m.Value() == nil {
			delete(s.entries, addr)
		}
	}
	s.sweepAt = max(2*len(s.entries), 64)
}

// recorded is m's recorded key order, or nil.
func recorded[M ~map[string]V, V any](m M) []string {
	p := identity(m)
	if p == nil || len(m) < 2 {
		return nil
	}
	s := shardOf(p)
	s.mu.Lock()
	e, ok := s.entries[uintptr(p)]
	s.mu.Unlock()
	if !ok || e.m.Value() != (*byte)(p) {
		return nil // never recorded, or recorded for a map that died since
	}
	return e.keys
}

// Recorded is m's key order when one was recorded and still lists exactly
// m's keys: what a copy of m can record as its own order without checking.
func Recorded[M ~map[string]V, V any](m M) ([]string, bool) {
	keys := recorded(m)
	return keys, keys != nil && listsKeys(keys, m)
}

// listsKeys says whether keys are exactly m's keys (keys has no duplicates).
func listsKeys[M ~map[string]V, V any](keys []string, m M) bool {
	if len(keys) != len(m) {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// Keys lists m's keys in insertion order: the recorded order, without the
// keys deleted since, then keys added since (and every key of a map never
// recorded) in sorted order. The result is the caller's to change.
func Keys[M ~map[string]V, V any](m M) []string {
	keys := recorded(m)
	out := make([]string, 0, len(m))
	seen := 0
	for _, k := range keys {
		if _, ok := m[k]; ok {
			out = append(out, k)
			seen++
		}
	}
	if seen == len(m) {
		return out
	}
	var known map[string]bool
	if seen > 0 {
		known = make(map[string]bool, seen)
		for _, k := range out {
			known[k] = true
		}
	}
	rest := make([]string, 0, len(m)-seen)
	for k := range m {
		if !known[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// Copy gives dst, a copy of src with the same keys, src's key order, if
// src has one.
func Copy[M ~map[string]V, N ~map[string]W, V, W any](dst N, src M) {
	keys := recorded(src)
	if keys == nil {
		return
	}
	if !listsKeys(keys, src) {
		keys = Keys(src)
	}
	Set(dst, keys)
}

// Clone copies m keeping its key order (maps.Clone's copy would iterate
// sorted).
func Clone[M ~map[string]V, V any](m M) M {
	if m == nil {
		return nil
	}
	out := make(M, len(m))
	for k, v := range m {
		out[k] = v
	}
	Copy(out, m)
	return out
}

// Builder makes a map that remembers the order its keys were first set in,
// as a Python dict does.
type Builder[M ~map[string]V, V any] struct {
	m    M
	keys []string
}

// NewBuilder starts a map for about n keys.
func NewBuilder[M ~map[string]V, V any](n int) *Builder[M, V] {
	return &Builder[M, V]{m: make(M, n), keys: make([]string, 0, n)}
}

// Set sets k; a key set again keeps its first place, as in Python.
func (b *Builder[M, V]) Set(k string, v V) {
	if _, ok := b.m[k]; !ok {
		b.keys = append(b.keys, k)
	}
	b.m[k] = v
}

// Get is k's value so far.
func (b *Builder[M, V]) Get(k string) (V, bool) {
	v, ok := b.m[k]
	return v, ok
}

// Map records the order and returns the map; the Builder is done.
func (b *Builder[M, V]) Map() M {
	Set(b.m, b.keys)
	return b.m
}
