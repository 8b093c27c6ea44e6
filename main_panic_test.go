package main

import (
	"context"
	"path/filepath"
	"strings"
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
