package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"play/modules"
)

// panicModule stands for a bug in a module.
type panicModule struct{}

func (*panicModule) Plan(context.Context, *modules.Env) (*modules.Plan, error) {
	panic("a bug")
}

func init() {
	modules.Register(modules.Info{Name: "test_panic", New: func() modules.Module { return &panicModule{} }, Local: true})
}

// A bug hit on one host is an internal error (exit 250) with the host named,
// not a crash and not an ordinary failure.
func TestInternalErrorExit250(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "bug.yml")
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  tasks:\n    - test_panic:\n    - debug: msg=after\n")
	res := play(t, pb, "-i", "a,b,", "-c", "local")
	if res.code != 250 {
		t.Fatalf("exit %d, want 250\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "Unexpected internal error on [a]: a bug") {
		t.Errorf("the bug should be reported with the host:\n%s", res.stdout)
	}
}

// heapProbe records the live heap (after a GC) each time a task runs it.
type heapProbe struct{}

var (
	heapMu      sync.Mutex // hosts run the probe in parallel
	heapSamples []uint64
)

func (*heapProbe) Plan(context.Context, *modules.Env) (*modules.Plan, error) {
	heapMu.Lock()
	defer heapMu.Unlock()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	heapSamples = append(heapSamples, m.HeapAlloc)
	return &modules.Plan{}, nil
}

func init() {
	modules.Register(modules.Info{Name: "test_heap", New: func() modules.Module { return &heapProbe{} }, Local: true})
}

// Memory stays flat across a long run: the live heap after 1,000 tasks is
// about what it was after 100 (results are not kept once printed).
func TestMemoryFlatOverAThousandTasks(t *testing.T) {
	var b strings.Builder
	b.WriteString("- hosts: all\n  gather_facts: false\n  tasks:\n")
	for i := range 1000 {
		if i == 100 || i == 999 {
			b.WriteString("    - test_heap:\n")
			continue
		}
		fmt.Fprintf(&b, "    - set_fact:\n        v%d: \"{{ %d * 2 }}\"\n      when: %d > 0\n    - debug: msg=\"{{ inventory_hostname }} {{ item }}\"\n      loop: [a, b]\n", i%10, i, i)
	}
	pb := filepath.Join(t.TempDir(), "long.yml")
	writeFile(t, pb, b.String())
	heapSamples = nil
	code := run(context.Background(), []string{"play", pb, "-i", "a,b,c,", "-c", "local"}, strings.NewReader(""), io.Discard, io.Discard)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if len(heapSamples) != 6 {
		t.Fatalf("%d heap samples, want 6", len(heapSamples))
	}
	early, late := heapSamples[2], heapSamples[5]
	t.Logf("live heap after 100 tasks %d KB, after 1,000 %d KB", early>>10, late>>10)
	if late > early+8<<20 {
		t.Errorf("live heap grew from %d KB after 100 tasks to %d KB after 1,000", early>>10, late>>10)
	}
}
