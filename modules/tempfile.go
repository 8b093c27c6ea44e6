package modules

import (
	"context"
	"fmt"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "tempfile", New: func() Module { return &Tempfile{} }})
}

// Tempfile creates a temporary file or directory that only its creator can
// use, and returns its path. Like Ansible's, it always changes the host and
// is skipped under --check.
type Tempfile struct {
	// State is what to create.
	State string `arg:"state" choices:"file,directory"`
	// Path is the directory to create it in; the host's $TMPDIR or /tmp by default.
	Path string `arg:"path"`
	// Prefix starts the name.
	Prefix *string `arg:"prefix"`
	// Suffix ends the name.
	Suffix string `arg:"suffix"`
}

// Plan implements Module: no probe, one step whose output is the result.
func (t *Tempfile) Plan(_ context.Context, _ *Env) (*Plan, error) {
	return &Plan{Steps: []Step{{Script: t.script()}}, SkipInCheck: true, Finish: finishTempfile}, nil
}

// script creates the entry with mktemp (mode 0600, or 0700 for a
// directory, as Python's mkstemp and mkdtemp) and prints its stat.
func (t *Tempfile) script() string {
	prefix := "ansible."
	if t.Prefix != nil {
		prefix = *t.Prefix
	}
	dir := "--tmpdir"
	if t.Path != "" {
		dir = "--tmpdir=" + remoteShellPath(t.Path)
	}
	d := ""
	if t.State == "directory" {
		d = " -d"
	}
	return fmt.Sprintf("export LC_ALL=C\np=$(mktemp%s %s --suffix=%s -- %s) || exit 1\nprintf '%%s\\n' \"$p\"\nstat -c '%s' -- \"$p\"\n",
		d, dir, Quote(t.Suffix), Quote(prefix+"XXXXXXXX"), statFormat)
}

// finishTempfile reads the path and stat the step printed: Ansible's
// result for a module that returns a path (owner, mode, size, state...).
func finishTempfile(out []connection.Result) (map[string]any, error) {
	o := out[0]
	if o.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: map[string]any{"rc": o.RC}}
	}
	path, stat, _ := strings.Cut(strings.TrimSuffix(string(o.Stdout), "\n"), "\n")
	st := FileState{Path: path}
	if err := st.parseStat(strings.TrimPrefix(stat, "= ")); err != nil {
		return nil, err
	}
	r := fileResult(st)
	r["path"] = path
	return r, nil
}
