package modules

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fileServer serves name → content as a real server does (HEAD, If-Modified-Since: the files
// date from 2020), and records the requests' headers, with the method as X-Test-Method.
func fileServer(t *testing.T, files map[string]string) (*httptest.Server, *[]http.Header) {
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Clone()
		h.Set("X-Test-Method", r.Method)
		seen = append(seen, h)
		content, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
		}
		http.ServeContent(w, r, r.URL.Path, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), strings.NewReader(content))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

// methods lists the methods of the requests seen since the n-th.
func methods(seen *[]http.Header, n int) string {
	var ms []string
	for _, h := range (*seen)[n:] {
		ms = append(ms, h.Get("X-Test-Method"))
	}
	return strings.Join(ms, " ")
}

// TestGetURL downloads with the machine's curl, and as a minimal Debian host does, with
// neither curl nor wget (bash's own HTTP client).
func TestGetURL(t *testing.T) {
	t.Run("curl", testGetURL)
	t.Run("bash", func(t *testing.T) {
		withoutCommands(t, "curl", "wget")
		testGetURL(t)
	})
}

// withoutCommands makes PATH a directory of links to every command on it but names.
func withoutCommands(t *testing.T, names ...string) {
	bin := t.TempDir()
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !slices.Contains(names, e.Name()) {
				// The first directory on PATH wins, as for the shell: later links fail.
				_ = os.Symlink(filepath.Join(dir, e.Name()), filepath.Join(bin, e.Name()))
			}
		}
	}
	t.Setenv("PATH", bin)
}

func testGetURL(t *testing.T) {
	srv, seen := fileServer(t, map[string]string{"/app.tar": "payload\n"})
	e := newTestEnv(t)
	const sha256 = "sha256:7cdb2d1e8b2b4b6e4b1b8bcd5d60b1d0c3fbc4f0e4c1b4b9f0e0a5d3e2c1b0a9"
	url := srv.URL + "/app.tar"

	// A HEAD to plan, one GET to apply, a conditional HEAD answered 304 to plan again.
	p, res := e.timeline("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar", "mode": "0640", "headers": map[string]any{"X-Token": "s3"}})
	if got, mode := e.read("$DIR/app.tar"); got != "payload\n" || mode != "0640" {
		t.Errorf("downloaded %q mode %s", got, mode)
	}
	if got := methods(seen, 0); got != "HEAD GET HEAD" {
		t.Errorf("requests %q, want HEAD GET HEAD", got)
	}
	if p.Result["status_code"] != 200 || res["checksum_src"] != sha1Hex([]byte("payload\n")) || res["changed"] != true || res["size"] != 8 || res["msg"] != "OK (8 bytes)" {
		t.Errorf("plan result %v, applied %v", p.Result, res)
	}
	if (*seen)[0].Get("X-Token") != "s3" || (*seen)[0].Get("User-Agent") != "ansible-httpget" || (*seen)[2].Get("If-Modified-Since") == "" {
		t.Errorf("request headers %v", *seen)
	}
	if again, _ := e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar"}); again.Msg != notModified {
		t.Errorf("not modified: msg %q", again.Msg)
	}

	// Into a directory, under the URL's name; a matching checksum skips any request.
	e.write("$DIR/sub/other", "", 0o644)
	e.timeline("get_url", map[string]any{"url": url, "dest": "$DIR/sub"})
	if got, _ := e.read("$DIR/sub/app.tar"); got != "payload\n" {
		t.Errorf("downloaded into a directory: %q", got)
	}
	n := len(*seen)
	p, err := e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar", "checksum": "sha1:" + sha1Hex([]byte("payload\n"))})
	if err != nil || p.Changed() || p.Msg != "file already exists" || len(*seen) != n {
		t.Errorf("matching checksum: %v %v %q, %d requests", p, err, p.Msg, len(*seen)-n)
	}

	// Forced, the download is planned (changed under --check, as Ansible's HEAD says), and
	// applying it finds the same content: only the attributes change, or nothing.
	for _, tt := range []struct {
		mode    string
		changed bool
	}{{"0640", false}, {"0600", true}} {
		n := len(*seen)
		p, err = e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar", "force": true, "mode": tt.mode})
		if err != nil || !p.Changed() {
			t.Fatalf("forced: %v, changed %v", err, p.Changed())
		}
		res, err = e.apply(p)
		if _, mode := e.read("$DIR/app.tar"); err != nil || res["changed"] != tt.changed || mode != tt.mode || methods(seen, n) != "HEAD GET" {
			t.Errorf("forced, mode %s: %v %v, mode %s, requests %q", tt.mode, res, err, mode, methods(seen, n))
		}
	}

	// Changed content replaces the file, keeping a backup.
	e.write("$DIR/old.tar", "old\n", 0o644)
	p, err = e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/old.tar", "force": true, "backup": true})
	if err != nil {
		t.Fatal(err)
	}
	if res, err = e.apply(p); err != nil || res["changed"] != true || !strings.HasPrefix(res["backup_file"].(string), e.expand("$DIR/old.tar.")) {
		t.Errorf("replaced: %v %v", res, err)
	}
	if got, _ := e.read("$DIR/old.tar"); got != "payload\n" {
		t.Errorf("replaced with %q", got)
	}

	// A wrong checksum fails and removes dest, as Ansible's get_url (which checks after moving
	// the download into place); changed unless dest already had the download's content.
	for _, tt := range []struct {
		old     string
		changed bool
	}{{"", true}, {"old\n", true}, {"payload\n", false}} {
		if tt.old != "" {
			e.write("$DIR/new", tt.old, 0o644)
		}
		p, err = e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/new", "checksum": sha256})
		if err != nil {
			t.Fatal(err)
		}
		_, err := e.apply(p)
		var f *Failure
		if !errors.As(err, &f) || !strings.HasPrefix(f.Msg, "The checksum for "+e.expand("$DIR/new")+" did not match 7cdb2d1e8b2b4b6e4b1b8bcd5d60b1d0c3fbc4f0e4c1b4b9f0e0a5d3e2c1b0a9; it was") || f.Result["changed"] != tt.changed {
			t.Errorf("wrong checksum, dest %q: %v, want changed=%v", tt.old, err, tt.changed)
		}
		if _, err := os.Stat(e.expand("$DIR/new")); !os.IsNotExist(err) {
			t.Errorf("wrong checksum, dest %q: dest not removed: %v", tt.old, err)
		}
	}

	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"url": srv.URL + "/nope", "dest": "$DIR/nope"}, "Request failed"},
		{map[string]any{"url": url, "dest": "$DIR/no/such/dir/f"}, "Destination " + e.expand("$DIR/no/such/dir") + " does not exist"},
		{map[string]any{"url": url, "dest": "$DIR/f", "checksum": "sha256"}, "The checksum parameter has to be in format <algorithm>:<checksum>"},
	} {
		if _, err := e.plan("get_url", tt.args); !strings.HasPrefix(failure(err), tt.want) {
			t.Errorf("%v: error %q, want %q", tt.args, failure(err), tt.want)
		}
	}
}
