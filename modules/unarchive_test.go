package modules

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUnarchivePlan(t *testing.T) {
	// Probe outputs captured on a Debian 12 lab host: app/a.txt, app/sub/b.txt.
	const tgz = "::play:: kind\ngz\n::play:: uid\n0\n::play:: dest\n755|root|root|0|0|4096\n::play:: list\napp/\napp/sub/\napp/sub/b.txt\napp/a.txt\n::play:: diff\n"
	const zipList = "::play:: kind\nzip\n::play:: uid\n0\n::play:: dest\n755|root|root|0|0|4096\n::play:: zip\n" +
		"Zip file size: 406 bytes, number of entries: 4\n" +
		"drwxr-xr-x  2.0 unx        0 b- stor 20261123.131532 app/\n" +
		"-rw-r--r--  2.0 unx        6 b- stor 20261123.131532 app/a.txt\n" +
		"drwxr-xr-x  2.0 unx        0 b- stor 20261123.131532 app/sub/\n" +
		"-rw-r--r--  2.0 unx        6 b- stor 20261123.131532 app/sub/b.txt\n::play:: tz\n+0000\n::play:: stat\n"
	const zipDone = "app/|directory|4096|1795439732|755|root|root|0|0\napp/a.txt|regular file|6|1795439732|644|root|root|0|0\n" +
		"app/sub/|directory|4096|1795439732|755|root|root|0|0\napp/sub/b.txt|regular file|6|1795439732|644|root|root|0|0\n"
	remote := map[string]any{"src": "/tmp/app.tgz", "dest": "/srv/t", "remote_src": true}
	tests := []struct {
		name    string
		args    map[string]any
		probe   string
		steps   int
		diff    string
		extract string // in the first step
		err     string
	}{
		{"tar, missing", remote, tgz + "tar: app: Warning: Cannot stat: No such file or directory\ntar: app/a.txt: Warning: Cannot stat: No such file or directory\n",
			1, "tar: app: Warning: Cannot stat: No such file or directory\ntar: app/a.txt: Warning: Cannot stat: No such file or directory\n",
			`tar --extract -C /srv/t -z -f "$src"`, ""},
		{"tar, unpacked", remote, tgz, 0, "", "", ""},
		{"tar, mode differs but mode is set", map[string]any{"src": "/tmp/app.tgz", "dest": "/srv/t", "remote_src": true, "mode": "0600", "exclude": "app/sub"},
			tgz + "app/a.txt: Mode differs\n::play:: attrs\napp/a.txt|regular file|6|1795439732|644|root|root|0|0\napp/|directory|4096|1795439732|600|root|root|0|0\n",
			1, "", "", ""},
		{"tar, newer file", remote, tgz + "app/sub/b.txt: Mod time differs\napp/sub/b.txt: Size differs\n", 1,
			"app/sub/b.txt: Mod time differs\napp/sub/b.txt: Size differs\n", "tar --extract", ""},
		{"zip, missing", map[string]any{"src": "/tmp/app.zip", "dest": "/srv/z", "remote_src": true},
			zipList + "app/|-\napp/a.txt|-\napp/sub/|-\napp/sub/b.txt|-\n", 1,
			">d++++++.?? app/\n>f++++++.?? app/a.txt\n>d++++++.?? app/sub/\n>f++++++.?? app/sub/b.txt\n", `unzip -o "$src" -d /srv/z`, ""},
		{"zip, unpacked", map[string]any{"src": "/tmp/app.zip", "dest": "/srv/z", "remote_src": true}, zipList + zipDone, 0, "", "", ""},
		{"zip, changed size", map[string]any{"src": "/tmp/app.zip", "dest": "/srv/z", "remote_src": true},
			zipList + strings.Replace(zipDone, "b.txt|regular file|6|", "b.txt|regular file|7|", 1), 1, ">f.st......? app/sub/b.txt\n", "unzip", ""},
		{"creates", map[string]any{"src": "/tmp/app.zip", "dest": "/srv/z", "remote_src": true, "creates": "/srv/z/app"}, "::play:: created\n", 0, "", "", ""},
		{"no dest", remote, "::play:: fail\ndest '/srv/t' must be an existing dir\n", 0, "", "", "dest '/srv/t' must be an existing dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New("unarchive", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.(*Unarchive).plan(parseSections(tt.probe), tt.args["src"].(string), nil)
			if failure(err) != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err != nil {
				return
			}
			if len(p.Steps) != tt.steps {
				t.Fatalf("%d steps, want %d: %v", len(p.Steps), tt.steps, p.Steps)
			}
			var diff string
			if len(p.Diffs) > 0 {
				diff = p.Diffs[0].Prepared
			}
			if diff != tt.diff {
				t.Errorf("diff %q, want %q", diff, tt.diff)
			}
			if tt.extract != "" && !strings.Contains(p.Steps[0].Script, tt.extract) {
				t.Errorf("extract step lacks %q:\n%s", tt.extract, p.Steps[0].Script)
			}
		})
	}
}

func TestUnarchiveAttrs(t *testing.T) {
	// After unpacking every file and top folder gets the attributes.
	u := &Unarchive{Dest: "/srv/t"}
	if err := u.Mode.DecodeArg("0640"); err != nil {
		t.Fatal(err)
	}
	u.Owner = "deploy"
	s, err := u.attrScript([]archiveEntry{{name: "app/a.txt", typ: "file"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chown -- deploy /srv/t/app &&", "chmod -- 00640 /srv/t/app/a.txt"} {
		if !strings.Contains(s, want) {
			t.Errorf("attr script lacks %q:\n%s", want, s)
		}
	}
	// A symbolic mode is applied by chmod to the modes tar gave, after chown.
	if err := u.Mode.DecodeArg("u+rwX,go-w"); err != nil {
		t.Fatal(err)
	}
	s, err = u.attrScript([]archiveEntry{{name: "app/a.txt", typ: "file"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "chown -- deploy /srv/t/app/a.txt &&\nchmod -- u+rwX,go-w /srv/t/app/a.txt"; !strings.Contains(s, want) {
		t.Errorf("attr script lacks %q:\n%s", want, s)
	}
	if got := lsModeBits("-rwsr-x--T"); got != 0o5750 {
		t.Errorf("lsModeBits = %o", got)
	}
}

// tgz is a gzipped tar holding name → content.
func tgz(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), ModTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestUnarchiveURL(t *testing.T) {
	srv, seen := fileServer(t, map[string]string{"/app.tgz": tgz(t, map[string]string{"a.txt": "hello\n"})})
	e := newTestEnv(t)
	e.write("$DIR/x/keep", "", 0o644)
	args := map[string]any{"src": srv.URL + "/app.tgz", "dest": "$DIR/x", "remote_src": true}
	// Downloaded to compare (check mode stops here), again to unpack, once more to compare.
	p, res := e.timeline("unarchive", args)
	if got, _ := e.read("$DIR/x/a.txt"); got != "hello\n" {
		t.Errorf("unpacked %q", got)
	}
	if len(p.Diffs) != 1 || !strings.Contains(p.Diffs[0].Prepared, "a.txt") || res["extract_results"] == nil {
		t.Errorf("diffs %v, result %v", p.Diffs, res)
	}
	if got := methods(seen, 0); got != "GET GET GET" {
		t.Errorf("requests %q", got)
	}
	if out, _ := exec.Command("sh", "-c", "ls -A "+e.expand("$DIR/x")).Output(); string(out) != "a.txt\nkeep\n" {
		t.Errorf("dest holds %q: the download must not stay behind", out)
	}

	args["src"] = srv.URL + "/nope.tgz"
	if _, err := e.plan("unarchive", args); failure(err) != "Failure downloading "+srv.URL+"/nope.tgz, HTTP Error 404: Not Found" {
		t.Errorf("missing URL: %v", err)
	}
	delete(args, "remote_src")
	if _, err := New("unarchive", args); failure(err) != "src "+srv.URL+"/nope.tgz is a URL: add remote_src: true to download it on the host, as Ansible requires" {
		t.Errorf("URL without remote_src: %v", err)
	}
}
