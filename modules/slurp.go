package modules

import (
	"context"
	"encoding/base64"
)

func init() {
	Register(Info{Name: "slurp", New: func() Module { return &Slurp{} }})
}

// Slurp returns a file's content, base64-encoded.
type Slurp struct {
	// Src is the file to read.
	Src string `arg:"src,required" aliases:"path"`
}

// Plan implements Module: one probe, no steps.
func (s *Slurp) Plan(ctx context.Context, env *Env) (*Plan, error) {
	st, err := readRemoteFile(ctx, env, s.Src)
	if err != nil {
		return nil, err
	}
	return &Plan{Result: map[string]any{"content": base64.StdEncoding.EncodeToString(st.Content),
		"encoding": "base64", "source": s.Src}}, nil
}

// readRemoteFile probes a regular file with its content, failing with
// Ansible's messages when it is missing or a directory.
func readRemoteFile(ctx context.Context, env *Env, src string) (*FileState, error) {
	pr, err := ProbeFiles(ctx, env.Host, Probe{Path: src, Follow: true, Content: true})
	if err != nil {
		return nil, err
	}
	st := &pr.Files[0]
	switch {
	case !st.Exists:
		return st, Failf("file not found: %s", src)
	case st.IsDir():
		return st, Failf("source is a directory and must be a file")
	}
	return st, nil
}
