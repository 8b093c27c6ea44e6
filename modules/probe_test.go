package modules

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"play/modules/modtest"
)

// TestProbeFilesOnLocalShell runs the probe script with the local sh and
// coreutils: every kind of path, followed or not, in one script.
func TestProbeFilesOnLocalShell(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	write("f", "hello\n")
	if err := os.MkdirAll(filepath.Join(dir, "d", "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	write("d/x", "x")
	for link, target := range map[string]string{"l": "f", "dangling": "nowhere"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	probes := []Probe{
		{Path: p("missing")},
		{Path: p("f"), Checksum: true},
		{Path: p("l"), Follow: true, Content: true},
		{Path: p("l")},
		{Path: p("dangling"), Follow: true},
		{Path: p("d"), Tree: true},
		{Path: p("f"), Checksum: true, Algorithm: "sha256"},
	}
	pr, err := ProbeFiles(context.Background(), &modtest.Host{Dir: dir}, probes...)
	if err != nil {
		t.Fatal(err)
	}
	const helloSHA1 = "f572d396fae9206628714fb2ce00f72e94f2258f"
	tests := []struct {
		i                  int
		exists             bool
		typ                string
		mode               uint32
		checksum, linkTo   string
		realPath, content  string
		children, sizeWant int
	}{
		{i: 0},
		{i: 1, exists: true, typ: "file", mode: 0o640, checksum: helloSHA1, sizeWant: 6},
		{i: 2, exists: true, typ: "file", mode: 0o640, checksum: helloSHA1, linkTo: "f", realPath: p("f"), content: "hello\n", sizeWant: 6},
		{i: 3, exists: true, typ: "link", mode: 0o777, linkTo: "f", realPath: p("f"), sizeWant: 1},
		{i: 4, exists: true, typ: "link", mode: 0o777, linkTo: "nowhere", realPath: p("nowhere"), sizeWant: 7},
		{i: 5, exists: true, typ: "directory", mode: 0o750, children: 2, sizeWant: -1},
		{i: 6, exists: true, typ: "file", mode: 0o640, checksum: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", sizeWant: 6},
	}
	for _, tt := range tests {
		st := pr.Files[tt.i]
		if st.Exists != tt.exists || st.Type != tt.typ || st.Mode != tt.mode || st.Checksum != tt.checksum ||
			st.LinkTarget != tt.linkTo || st.RealPath != tt.realPath || string(st.Content) != tt.content ||
			len(st.Children) != tt.children || tt.sizeWant >= 0 && st.Size != int64(tt.sizeWant) {
			t.Errorf("probe %d (%+v) = %+v", tt.i, probes[tt.i], st)
		}
	}
	if pr.User.UID != os.Getuid() || pr.User.GID != os.Getgid() || pr.User.Owner == "" || pr.User.Group == "" {
		t.Errorf("user = %+v, want uid %d gid %d with names", pr.User, os.Getuid(), os.Getgid())
	}
}

func TestParseProbeRecords(t *testing.T) {
	probes := []Probe{{Path: "/a"}, {Path: "/b"}}
	tests := []struct {
		name, out string
		user      FileState
		bExists   bool
		err       bool
	}{
		{"user from /proc/$$, names unknown", "- U 0022\n- Q\n0 A\n1 Q\n= directory|555|4242|4243|UNKNOWN|UNKNOWN|0|1|1|9|1:2\n= regular file|644|0|0|root|root|3|1|1|1|1:3\n",
			FileState{UID: 4242, Owner: "4242", GID: 4243, Group: "4243"}, true, false},
		{"user from id without /proc", "- U 0022\n- I uid=0(root) gid=0(root) groups=0(root)\n0 A\n1 A\n",
			FileState{Owner: "root", Group: "root"}, false, false},
		{"stat line without a queued path", "- U 0022\n= regular file|644|0|0|root|root|3|1|1|1|1:3\n", FileState{}, false, true},
		{"queued path without its stat line", "- U 0022\n0 Q\n", FileState{}, false, true},
		{"index out of range", "- U 0022\n2 A\n", FileState{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := parseProbe([]byte(tt.out), probes)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			u := pr.User
			if u.UID != tt.user.UID || u.GID != tt.user.GID || u.Owner != tt.user.Owner || u.Group != tt.user.Group || pr.Files[1].Exists != tt.bExists || pr.Umask != 0o022 {
				t.Errorf("user %+v, /b exists %v, umask %o", pr.User, pr.Files[1].Exists, pr.Umask)
			}
		})
	}
}
