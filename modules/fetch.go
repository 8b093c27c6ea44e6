package modules

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
)

func init() {
	Register(Info{Name: "fetch", New: func() Module { return &Fetch{} }})
}

// Fetch copies a file from the host to the controller, by default to
// dest/<inventory_hostname>/<src path>.
type Fetch struct {
	// Src is the file on the host.
	Src string `arg:"src,required"`
	// Dest is the controller directory (or, with flat, file) to write to.
	Dest string `arg:"dest,required"`
	// Flat writes to dest itself (or dest/<src name> when dest ends in /).
	Flat bool `arg:"flat"`
	// FailOnMissing fails when src does not exist; otherwise it is skipped with a message.
	FailOnMissing *bool `arg:"fail_on_missing"`
	// ValidateChecksum is accepted for compatibility: the data is checksummed as it is read.
	ValidateChecksum *bool `arg:"validate_checksum" aliases:"validate_md5"`
}

// Plan implements Module: the controller file is written when applying.
func (f *Fetch) Plan(ctx context.Context, env *Env) (*Plan, error) {
	st, err := readRemoteFile(ctx, env, f.Src)
	if err != nil {
		var fail *Failure
		if !errors.As(err, &fail) {
			return nil, err
		}
		msg := "the remote file does not exist, not transferring, ignored"
		if st.IsDir() {
			msg = "remote file is a directory, fetch cannot work on directories"
		}
		if f.FailOnMissing == nil || *f.FailOnMissing || st.IsDir() {
			return nil, &Failure{Msg: msg, Result: map[string]any{"file": f.Src}}
		}
		return &Plan{Msg: msg, Result: map[string]any{"file": f.Src}}, nil
	}
	dest := f.destPath(env.HostName)
	sum := sha1Hex(st.Content)
	p := &Plan{Result: map[string]any{"dest": dest, "checksum": sum, "md5sum": md5Hex(st.Content)}}
	if local, err := os.ReadFile(dest); err == nil && sha1Hex(local) == sum {
		p.Result["file"] = f.Src
		return p, nil
	}
	p.Result["remote_checksum"] = sum
	p.Result["remote_md5sum"] = nil
	p.LocalWrites = append(p.LocalWrites, LocalWrite{Path: dest, Data: st.Content, Mode: 0o644})
	return p, nil
}

// destPath is where Ansible's fetch puts the file on the controller.
func (f *Fetch) destPath(host string) string {
	if f.Flat {
		if strings.HasSuffix(f.Dest, "/") {
			return filepath.Join(f.Dest, path.Base(f.Src))
		}
		return f.Dest
	}
	return filepath.Join(f.Dest, host, filepath.FromSlash(strings.TrimPrefix(path.Clean(f.Src), "/")))
}
