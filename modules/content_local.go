package modules

import (
	"io/fs"
	"os"
	"path/filepath"
)

// PathResolver is implemented by controllers that can find a controller
// path the way ReadFile does without reading it: copy needs it for a src
// directory (ReadFile only reads files).
type PathResolver interface {
	Resolve(kind, path string) (string, error)
}

// controllerDir finds src as a directory on the controller.
func controllerDir(ctl Controller, src string) (string, bool) {
	dir := src
	if r, ok := ctl.(PathResolver); ok {
		resolved, err := r.Resolve("files", src)
		if err != nil {
			return "", false
		}
		dir = resolved
	} else if !filepath.IsAbs(src) {
		return "", false
	}
	fi, err := os.Stat(dir)
	return dir, err == nil && fi.IsDir()
}

// localEntry is one entry below a controller directory.
type localEntry struct {
	rel  string // slash-separated, relative to the walked directory
	dir  bool
	data []byte
	mode uint32
}

// walkLocal reads a controller directory tree, parents before children.
func walkLocal(root string) ([]localEntry, error) {
	var out []localEntry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := localEntry{rel: filepath.ToSlash(rel), dir: d.IsDir(), mode: localMode(p)}
		if !e.dir {
			if e.data, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// localMode is a controller file's permission bits (0644 if unknown).
func localMode(p string) uint32 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0o644
	}
	return uint32(fi.Mode().Perm())
}
