package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"play/inventory"
	"play/playbooks"
)

// BenchmarkHostvars is what hostvars costs a play of 20 tasks on 1,000
// hosts with 20 group variables each: every task starts afresh
// (resetHostvars), a tenth of the hosts registered a result in the task
// before, and one template per task reads hostvars.
func BenchmarkHostvars(b *testing.B) {
	const hosts, tasks, groupVars = 1000, 20, 20
	var inv strings.Builder
	inv.WriteString("[web]\n")
	for i := range hosts {
		fmt.Fprintf(&inv, "web%04d n=%d\n", i, i)
	}
	inv.WriteString("[web:vars]\n")
	for i := range groupVars {
		fmt.Fprintf(&inv, "v%d=value%d\n", i, i)
	}
	path := filepath.Join(b.TempDir(), "hosts")
	if err := os.WriteFile(path, []byte(inv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	i, err := inventory.Load([]string{path})
	if err != nil {
		b.Fatal(err)
	}
	r := New(Options{Inventory: i})
	pc := &playCtx{r: r, play: &playbooks.Play{}, groups: groupsVar(i), all: r.allHosts}
	var states []*hostState
	for _, ih := range i.Hosts() {
		states = append(states, r.host(ih))
	}
	b.ReportAllocs()
	for b.Loop() {
		for task := range tasks {
			pc.resetHostvars()
			for j := task % 10; j < len(states); j += 10 {
				h := states[j]
				h.mu.Lock()
				h.setFacts["result"] = map[string]any{"changed": false, "task": task}
				h.varsChangedLocked()
				h.mu.Unlock()
			}
			if _, ok := pc.hostvars().Host("web0000"); !ok {
				b.Fatal("web0000 missing from hostvars")
			}
		}
	}
}
