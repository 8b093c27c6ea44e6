package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// testEnv is a module environment on the local shell, in a temp dir that
// args refer to as $DIR.
type testEnv struct {
	t    *testing.T
	dir  string
	host *modtest.Host
	ctl  *modtest.Controller
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	dir := t.TempDir()
	ctlDir := filepath.Join(t.TempDir(), "ctl")
	for _, d := range []string{"files", "templates"} {
		if err := os.MkdirAll(filepath.Join(ctlDir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &testEnv{t: t, dir: dir, host: &modtest.Host{Dir: dir},
		ctl: &modtest.Controller{Dir: ctlDir, Vars: map[string]any{"inventory_hostname": "web1", "port": 8080}}}
}

// expand replaces $DIR in a string with the temp dir.
func (e *testEnv) expand(s string) string { return strings.ReplaceAll(s, "$DIR", e.dir) }

// write creates a file below the temp dir ("$DIR/x") or the controller dir ("@files/x").
func (e *testEnv) write(name, content string, mode fs.FileMode) {
	e.t.Helper()
	p := e.expand(name)
	if rest, ok := strings.CutPrefix(name, "@"); ok {
		p = filepath.Join(e.ctl.Dir, rest)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		e.t.Fatal(err)
	}
}

// read returns a file's content and mode ("" and 0 when absent).
func (e *testEnv) read(name string) (string, string) {
	e.t.Helper()
	p := e.expand(name)
	fi, err := os.Lstat(p)
	if err != nil {
		return "", ""
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		return "-> " + target, "link"
	}
	if fi.IsDir() {
		return "<dir>", fmt.Sprintf("%04o", fi.Mode().Perm())
	}
	data, err := os.ReadFile(p)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(data), fmt.Sprintf("%04o", uint32(fi.Mode().Perm()))
}

// snapshot describes every entry below the temp dir, to prove planning
// touches nothing.
func (e *testEnv) snapshot() string {
	var lines []string
	_ = filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := os.Lstat(p)
		data := ""
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			data = string(b)
		}
		lines = append(lines, fmt.Sprintf("%s %v %d %q", p, fi.Mode(), fi.ModTime().UnixNano(), data))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// expandArgs replaces $DIR in every string value.
func (e *testEnv) expandArgs(args map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range args {
		if s, ok := v.(string); ok {
			v = e.expand(s)
		}
		out[k] = v
	}
	return out
}

// plan decodes, validates and plans a module with diffs wanted.
func (e *testEnv) plan(name string, args map[string]any) (*Plan, error) {
	m, err := New(name, e.expandArgs(args))
	if err != nil {
		return nil, err
	}
	return m.Plan(context.Background(), &Env{Host: e.host, Ctl: e.ctl, HostName: "web1", WantDiff: true})
}

// apply runs a plan's steps the way the runner does.
// planOn writes input to $DIR/f and plans module on it with args (path
// added): the table tests of the content-editing modules.
func (e *testEnv) planOn(module, input string, args map[string]any) (*Plan, error) {
	e.write("$DIR/f", input, 0o644)
	withPath := map[string]any{"path": "$DIR/f"}
	for k, v := range args {
		withPath[k] = v
	}
	return e.plan(module, withPath)
}

func (e *testEnv) apply(p *Plan) (map[string]any, error) {
	var outs []connection.Result
	for _, st := range p.Steps {
		out, err := e.host.Run(context.Background(), st.Script, st.Stdin)
		if err != nil {
			return nil, err
		}
		outs = append(outs, out)
		if out.RC != 0 {
			if p.Finish == nil {
				return nil, fmt.Errorf("step failed (rc %d): %s\nscript:\n%s", out.RC, out.Stderr, st.Script)
			}
			break
		}
	}
	for _, w := range p.LocalWrites {
		if err := os.MkdirAll(filepath.Dir(w.Path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(w.Path, w.Data, w.Mode); err != nil {
			return nil, err
		}
	}
	if p.Finish != nil {
		return p.Finish(outs)
	}
	return nil, nil
}

// timeline plans in check mode (one round trip, host untouched, steps present), applies,
// then plans again (no steps). It returns the first plan and the applied result.
func (e *testEnv) timeline(name string, args map[string]any) (*Plan, map[string]any) {
	e.t.Helper()
	before := e.snapshot()
	runs := len(e.host.Scripts)
	p, err := e.plan(name, args)
	if err != nil {
		e.t.Fatalf("plan: %v", err)
	}
	if n := len(e.host.Scripts) - runs; n != 1 {
		e.t.Errorf("planning took %d round trips, want 1", n)
	}
	if after := e.snapshot(); after != before {
		e.t.Fatalf("planning changed the host:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if !p.Changed() {
		e.t.Fatalf("first plan has no steps (msg %q)", p.Msg)
	}
	res, err := e.apply(p)
	if err != nil {
		e.t.Fatalf("apply: %v", err)
	}
	again, err := e.plan(name, args)
	if err != nil {
		e.t.Fatalf("second plan: %v", err)
	}
	if again.Changed() {
		e.t.Fatalf("not idempotent: second plan has steps:\n%v", again.Steps)
	}
	return p, res
}

// failure returns the message of a *Failure or an argument error.
func failure(err error) string {
	var f *Failure
	if errors.As(err, &f) {
		return f.Msg
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
