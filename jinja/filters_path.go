package jinja

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Path filters and file tests. Like Ansible's, they look at the controller's
// file system, relative paths from the current directory.

func init() {
	registerFilters(map[string]filterFunc{
		"realpath":  func(_ *exec.Evaluator, in any, _ args) (any, error) { return realpath(pyStr(in)) },
		"relpath":   filterRelpath,
		"path_join": filterPathJoin,
	})
	fileTests := map[string]testFunc{
		"exists":      fileTest(os.Stat, func(os.FileInfo) bool { return true }),
		"link_exists": fileTest(os.Lstat, func(os.FileInfo) bool { return true }),
		"file":        fileTest(os.Stat, func(fi os.FileInfo) bool { return fi.Mode().IsRegular() }),
		"directory":   fileTest(os.Stat, os.FileInfo.IsDir),
		"link":        fileTest(os.Lstat, func(fi os.FileInfo) bool { return fi.Mode()&os.ModeSymlink != 0 }),
		"abs":         func(in any, _ args) (bool, error) { return strings.HasPrefix(pyStr(in), "/"), nil },
		"same_file":   testSameFile,
		"mount":       testMount,
	}
	for name, fn := range fileTests {
		fileTests["is_"+name] = fn
	}
	fileTests["is_dir"] = fileTests["directory"]
	registerTests(fileTests)
}

// fileTest is true when stat finds the path and it is what want says.
func fileTest(stat func(string) (os.FileInfo, error), want func(os.FileInfo) bool) testFunc {
	return func(in any, _ args) (bool, error) {
		fi, err := stat(pyStr(in))
		return err == nil && want(fi), nil
	}
}

func testSameFile(in any, a args) (bool, error) {
	first, err := os.Stat(pyStr(in))
	if err != nil {
		return false, err
	}
	second, err := os.Stat(a.str(0, "path", ""))
	if err != nil {
		return false, err
	}
	return os.SameFile(first, second), nil
}

// testMount is Python's os.path.ismount: not a link, and on another device
// than its parent, or its own parent (/).
func testMount(in any, _ args) (bool, error) {
	p := pyStr(in)
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeSymlink != 0 {
		return false, nil
	}
	parent, err := os.Lstat(filepath.Join(p, ".."))
	if err != nil {
		return false, nil
	}
	st, ok1 := fi.Sys().(*syscall.Stat_t)
	pst, ok2 := parent.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && (st.Dev != pst.Dev || st.Ino == pst.Ino), nil
}

// abspath is Python's os.path.abspath.
func abspath(p string) (string, error) {
	if path.IsAbs(p) {
		return path.Clean(p), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("cannot make %q absolute: %w", p, err)
	}
	return path.Join(wd, p), nil
}

// realpath is Python's os.path.realpath (not strict): symbolic links are
// resolved as far as they exist, so a dangling link gives its target.
func realpath(p string) (string, error) {
	resolved, _ := joinRealpath("", p, map[string]*string{})
	return abspath(resolved)
}

// joinRealpath is posixpath._joinrealpath: it appends rest to the resolved
// prefix p, following links; ok is false on a link loop.
func joinRealpath(p, rest string, seen map[string]*string) (string, bool) {
	if strings.HasPrefix(rest, "/") {
		rest, p = rest[1:], "/"
	}
	for rest != "" {
		var name string
		name, rest, _ = strings.Cut(rest, "/")
		switch name {
		case "", ".":
			continue
		case "..":
			if p == "" {
				p = ".."
			} else if dir, base := pySplit(p); base == ".." {
				p = pyJoin(p, "..")
			} else {
				p = dir
			}
			continue
		}
		next := pyJoin(p, name)
		fi, err := os.Lstat(next)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			p = next
			continue
		}
		if done, ok := seen[next]; ok {
			if done != nil {
				p = *done
				continue
			}
			return pyJoin(next, rest), false
		}
		seen[next] = nil
		target, err := os.Readlink(next)
		if err != nil {
			p = next
			continue
		}
		var ok bool
		if p, ok = joinRealpath(p, target, seen); !ok {
			return pyJoin(p, rest), false
		}
		seen[next] = &p
	}
	return p, true
}

// pySplit is os.path.split: the head keeps no trailing slash unless it is all slashes.
func pySplit(p string) (head, tail string) {
	i := strings.LastIndex(p, "/") + 1
	head, tail = p[:i], p[i:]
	if trimmed := strings.TrimRight(head, "/"); trimmed != "" {
		head = trimmed
	}
	return head, tail
}

// pyJoin is os.path.join: an absolute part starts over, a slash is added
// only where missing.
func pyJoin(first string, rest ...string) string {
	out := first
	for _, p := range rest {
		switch {
		case strings.HasPrefix(p, "/"):
			out = p
		case out == "" || strings.HasSuffix(out, "/"):
			out += p
		default:
			out += "/" + p
		}
	}
	return out
}

func filterRelpath(_ *exec.Evaluator, in any, a args) (any, error) {
	p := pyStr(in)
	if p == "" {
		return nil, errors.New("relpath: no path specified")
	}
	target, err := abspath(p)
	if err != nil {
		return nil, err
	}
	start, err := abspath(a.str(0, "start", "."))
	if err != nil {
		return nil, err
	}
	return filepath.Rel(start, target)
}

func filterPathJoin(_ *exec.Evaluator, in any, _ args) (any, error) {
	switch t := in.(type) {
	case string:
		return t, nil
	case tuple:
		return filterPathJoin(nil, list(t), args{})
	case list:
		if len(t) == 0 {
			return nil, errors.New("path_join needs at least one path")
		}
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = pyStr(x)
		}
		return pyJoin(parts[0], parts[1:]...), nil
	}
	return nil, fmt.Errorf("path_join expects a string or a list of strings, got %s", typeName(in))
}
