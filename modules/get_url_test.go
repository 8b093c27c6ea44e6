package modules

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fileServer serves name → content, and records the requests' headers.
func fileServer(t *testing.T, files map[string]string) (*httptest.Server, *[]http.Header) {
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Clone())
		content, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
		}
		_, _ = w.Write([]byte(content))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestGetURL(t *testing.T) {
	srv, seen := fileServer(t, map[string]string{"/app.tar": "payload\n"})
	e := newTestEnv(t)
	const sha256 = "sha256:7cdb2d1e8b2b4b6e4b1b8bcd5d60b1d0c3fbc4f0e4c1b4b9f0e0a5d3e2c1b0a9"
	url := srv.URL + "/app.tar"

	p, res := e.timeline("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar", "mode": "0640", "headers": map[string]any{"X-Token": "s3"}})
	if got, _ := e.read("$DIR/app.tar"); got != "payload\n" {
		t.Errorf("downloaded %q", got)
	}
	if _, mode := e.read("$DIR/app.tar"); mode != "0640" {
		t.Errorf("mode %s", mode)
	}
	if p.Result["checksum_src"] != sha1Hex([]byte("payload\n")) || p.Result["status_code"] != 200 || res != nil {
		t.Errorf("result %v, applied %v", p.Result, res)
	}
	if (*seen)[0].Get("X-Token") != "s3" || (*seen)[0].Get("User-Agent") != "ansible-httpget" {
		t.Errorf("request headers %v", (*seen)[0])
	}

	// Into a directory, under the URL's name; a matching checksum skips the download.
	e.write("$DIR/sub/other", "", 0o644)
	e.timeline("get_url", map[string]any{"url": url, "dest": "$DIR/sub"})
	if got, _ := e.read("$DIR/sub/app.tar"); got != "payload\n" {
		t.Errorf("downloaded into a directory: %q", got)
	}
	sum := "sha1:" + sha1Hex([]byte("payload\n"))
	n := len(*seen)
	p, err := e.plan("get_url", map[string]any{"url": url, "dest": "$DIR/app.tar", "checksum": sum})
	if err != nil || p.Changed() || p.Msg != "file already exists" || len(*seen) != n {
		t.Errorf("matching checksum: %v %v %q, %d requests", p, err, p.Msg, len(*seen)-n)
	}

	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"url": url, "dest": "$DIR/new", "checksum": sha256}, "The checksum for " + e.expand("$DIR/new") + " did not match 7cdb2d1e8b2b4b6e4b1b8bcd5d60b1d0c3fbc4f0e4c1b4b9f0e0a5d3e2c1b0a9; it was"},
		{map[string]any{"url": srv.URL + "/nope", "dest": "$DIR/nope"}, "Request failed"},
		{map[string]any{"url": url, "dest": "$DIR/no/such/dir/f"}, "Destination " + e.expand("$DIR/no/such/dir") + " does not exist"},
		{map[string]any{"url": url, "dest": "$DIR/f", "checksum": "sha256"}, "The checksum parameter has to be in format <algorithm>:<checksum>"},
	} {
		if _, err := e.plan("get_url", tt.args); !strings.HasPrefix(failure(err), tt.want) {
			t.Errorf("%v: error %q, want %q", tt.args, failure(err), tt.want)
		}
	}
}
