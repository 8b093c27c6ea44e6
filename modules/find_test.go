package modules

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// The expected lists come from ansible-core 2.14's find on the same tree.
func TestFindMatchesAnsible(t *testing.T) {
	e := newTestEnv(t)
	for name, content := range map[string]string{"a.txt": "hello\n", "b.conf": "foo bar\n", "sub/c.txt": "x\n",
		"sub/deep/d.txt": "y\n", ".hidden": "", ".hid/e.txt": ""} {
		e.write("$DIR/t/"+name, content, 0o644)
	}
	for link, target := range map[string]string{"lsub": "sub", "la": "a.txt"} {
		if err := os.Symlink(target, filepath.Join(e.dir, "t", link)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args     map[string]any
		want     []string
		examined int
		msg      string
	}{
		{map[string]any{}, []string{"a.txt", "b.conf"}, 7, "All paths examined"},
		{map[string]any{"recurse": true, "patterns": "*.txt", "hidden": true}, []string{"a.txt", ".hid/e.txt", "sub/c.txt", "sub/deep/d.txt"}, 11, "All paths examined"},
		{map[string]any{"recurse": true, "depth": 1, "file_type": "any"}, []string{"la", "lsub", "a.txt", "b.conf", "sub"}, 10, "All paths examined"},
		{map[string]any{"recurse": true, "contains": "fo+"}, []string{"b.conf"}, 11, "All paths examined"},
		{map[string]any{"patterns": `^[ab]\.`, "use_regex": true, "excludes": "b.*", "file_type": "any", "size": "-1k"}, []string{"a.txt"}, 7, "All paths examined"},
		{map[string]any{"file_type": "directory", "recurse": true}, []string{"sub", "sub/deep"}, 11, "All paths examined"},
		{map[string]any{"file_type": "link"}, []string{"la", "lsub"}, 7, "All paths examined"},
		{map[string]any{"paths": []any{"$DIR/t/a.txt"}}, nil, 0, "Not all paths examined, check warnings for details"},
	}
	for _, tt := range tests {
		args := map[string]any{"paths": "$DIR/t"}
		for k, v := range tt.args {
			args[k] = v
		}
		if p, ok := args["paths"].([]any); ok {
			args["paths"] = e.expand(p[0].(string))
		}
		p, err := e.plan("find", args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		var got []string
		for _, f := range p.Result["files"].([]any) {
			rel, _ := filepath.Rel(filepath.Join(e.dir, "t"), f.(map[string]any)["path"].(string))
			got = append(got, rel)
		}
		// Siblings come in the directory's own order, as with os.walk.
		sort.Strings(got)
		sort.Strings(tt.want)
		if !reflect.DeepEqual(got, tt.want) || p.Result["examined"] != tt.examined || p.Result["matched"] != len(tt.want) ||
			p.Result["msg"] != tt.msg || p.Changed() {
			t.Errorf("%v: files %q, examined %v, msg %q; want %q, %d, %q", tt.args, got, p.Result["examined"], p.Result["msg"], tt.want, tt.examined, tt.msg)
		}
	}
}

// os.walk lists a directory's files (anything not a directory, symlinks
// to directories excepted), then its directories, then walks each.
func TestFindWalkOrder(t *testing.T) {
	entry := func(raw string, target byte, depth int) *findEntry {
		return &findEntry{raw: raw, target: target, depth: depth}
	}
	tree := &findTree{entries: []*findEntry{
		entry("t/sub", 'd', 1), entry("t/sub/deep", 'd', 2), entry("t/sub/deep/d", 'f', 3), entry("t/sub/c", 'f', 2),
		entry("t/a", 'f', 1), entry("t/lsub", 'd', 1), entry("t/la", 'f', 1),
	}}
	var got []string
	for _, e := range tree.walkOrder() {
		got = append(got, e.raw)
	}
	want := []string{"t/a", "t/la", "t/sub", "t/lsub", "t/sub/c", "t/sub/deep", "t/sub/deep/d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk order %q, want %q", got, want)
	}
}

func TestFindFileKeys(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/f", "hello\n", 0o640)
	p, err := e.plan("find", map[string]any{"paths": "$DIR", "get_checksum": true})
	if err != nil {
		t.Fatal(err)
	}
	f := p.Result["files"].([]any)[0].(map[string]any)
	want := map[string]any{"path": e.expand("$DIR/f"), "mode": "0640", "size": int64(6), "isreg": true, "isdir": false,
		"rusr": true, "wusr": true, "rgrp": true, "wgrp": false, "checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "nlink": 1}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %#v, want %#v", k, f[k], v)
		}
	}
	for _, k := range []string{"uid", "gid", "pw_name", "gr_name", "inode", "dev", "atime", "mtime", "ctime", "isuid", "islnk"} {
		if _, ok := f[k]; !ok {
			t.Errorf("no %s in %v", k, f)
		}
	}
}

func TestFindBadArgs(t *testing.T) {
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"paths": "/tmp", "age": "3y"}, "failed to process age"},
		{map[string]any{"paths": "/tmp", "size": "1x"}, "failed to process size"},
	} {
		e := newTestEnv(t)
		_, err := e.plan("find", tt.args)
		if got := failure(err); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
