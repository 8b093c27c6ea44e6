package jinja

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathFilters replays what ansible-core 2.14 printed for the same tree
// under /tmp/h13/fs (FS below): f a file, d a directory, l -> f, ld -> d,
// dangling -> nowhere; run from FS's parent.
func TestPathFilters(t *testing.T) {
	root := t.TempDir()
	fs := filepath.Join(root, "fs")
	for _, err := range []error{
		os.MkdirAll(filepath.Join(fs, "d"), 0o755),
		os.WriteFile(filepath.Join(fs, "f"), []byte("x\n"), 0o644),
		os.Symlink("f", filepath.Join(fs, "l")),
		os.Symlink("d", filepath.Join(fs, "ld")),
		os.Symlink("nowhere", filepath.Join(fs, "dangling")),
		os.Symlink("loop", filepath.Join(fs, "loop")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	cases := []ansibleCase{
		{"'FS/l' | realpath", "FS/f"},
		{"'FS/ld/../f' | realpath", "FS/f"},
		{"'FS/dangling' | realpath", "FS/nowhere"},
		{"'fs/l' | realpath", "FS/f"},
		{"'FS/loop/x' | realpath", "FS/loop/x"},
		{"'/etc/nginx/conf.d' | relpath('/etc')", "nginx/conf.d"},
		{"'/etc' | relpath('/etc/nginx/conf.d')", "../.."},
		{"'/a/b' | relpath('/c/d')", "../../a/b"},
		{"'/a/b' | relpath('/a/b')", "."},
		{"['/etc', 'nginx', 'x.conf'] | path_join", "/etc/nginx/x.conf"},
		{"['/etc', '/abs', 'x.conf'] | path_join", "/abs/x.conf"},
		{"['a', 'b/', 'c'] | path_join", "a/b/c"},
		{"'/etc' | path_join", "/etc"},
		{"['a', ''] | path_join", "a/"},
		{"'FS/f' is exists", "True"},
		{"'FS/nope' is exists", "False"},
		{"'FS/dangling' is exists", "False"},
		{"'FS/dangling' is link_exists", "True"},
		{"'FS/f' is file", "True"},
		{"'FS/l' is file", "True"},
		{"'FS/d' is file", "False"},
		{"'FS/d' is directory", "True"},
		{"'FS/ld' is directory", "True"},
		{"'FS/ld' is is_dir", "True"},
		{"'FS/f' is directory", "False"},
		{"'FS/l' is link", "True"},
		{"'FS/dangling' is link", "True"},
		{"'FS/f' is link", "False"},
		{"'FS/nope' is link", "False"},
		{"'/etc' is abs", "True"},
		{"'etc' is abs", "False"},
		{"'' is abs", "False"},
		{"'/etc' is is_abs", "True"},
		{"'etc' is is_abs", "False"},
		{"'FS/f' is same_file('FS/l')", "True"},
		{"'FS/f' is same_file('FS/d')", "False"},
		{"'/' is mount", "True"},
		{"'FS' is mount", "False"},
		{"'~' is exists", "False"},
	}
	for i, c := range cases {
		cases[i].expr = strings.ReplaceAll(c.expr, "FS", fs)
		cases[i].want = strings.ReplaceAll(c.want, "FS", fs)
	}
	runAnsibleCases(t, nil, cases)
	runErrorCases(t, nil, []errorCase{
		{"'' | relpath", "relpath: no path specified"},
		{"1 | path_join", "path_join expects a string or a list of strings, got int"},
	})
}

func TestAnyAll(t *testing.T) {
	runAnsibleCases(t, nil, []ansibleCase{
		{"[1, 0] is any", "True"},
		{"[0, 0] is any", "False"},
		{"[] is any", "False"},
		{"[1, 1] is all", "True"},
		{"[1, 0] is all", "False"},
		{"[] is all", "True"},
		{"['a', ''] is all", "False"},
	})
}
