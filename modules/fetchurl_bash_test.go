package modules

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bashHTTP against a real server: methods, redirects, a conditional request, credentials
// and a body, HTTPS, and the errors.
func TestBashHTTP(t *testing.T) {
	modified := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "new?q=1", http.StatusFound)
		case "/abs":
			http.Redirect(w, r, "http://"+r.Host+"/new", http.StatusMovedPermanently)
		case "/echo":
			body, _ := io.ReadAll(r.Body)
			user, pass, _ := r.BasicAuth()
			w.Header().Set("X-Seen", r.Method+" "+r.Header.Get("Content-Type")+" "+user+":"+pass+" "+r.Header.Get("X-Token"))
			w.Write(body)
		case "/new":
			http.ServeContent(w, r, "new", modified, strings.NewReader("payload "+r.URL.RawQuery))
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	tls := httptest.NewTLSServer(handler)
	t.Cleanup(tls.Close)
	dir := t.TempDir()
	since := filepath.Join(dir, "since")
	if err := os.WriteFile(since, nil, 0o644); err != nil || os.Chtimes(since, modified, modified.Add(time.Hour)) != nil {
		t.Fatal(err)
	}
	body := "a=1&b"
	tests := []struct {
		name     string
		req      httpRequest
		ims      bool
		st, body string
		header   string // a line the headers file must hold
		err      string
	}{
		{"get", httpRequest{URL: srv.URL + "/new"}, false, "200 " + srv.URL + "/new", "payload ", "Content-Length: 8", ""},
		{"head", httpRequest{URL: srv.URL + "/new", Method: "HEAD"}, false, "200 " + srv.URL + "/new", "", "Content-Length: 8", ""},
		{"relative redirect", httpRequest{URL: srv.URL + "/old"}, false, "200 " + srv.URL + "/new?q=1", "payload q=1", "HTTP/1.0 302 Found", ""},
		{"absolute redirect", httpRequest{URL: srv.URL + "/abs#frag"}, false, "200 " + srv.URL + "/new", "payload ", "HTTP/1.0 301 Moved Permanently", ""},
		{"not followed", httpRequest{URL: srv.URL + "/old", NoFollow: true}, false, "302 " + srv.URL + "/old", "<a href=\"/new?q=1\">Found</a>.\n\n", "Location: /new?q=1", ""},
		{"not modified", httpRequest{URL: srv.URL + "/new"}, true, "304 " + srv.URL + "/new", "", "HTTP/1.0 304 Not Modified", ""},
		{"post with credentials", httpRequest{URL: srv.URL + "/echo", Body: &body, User: "u", Pass: "p w", Headers: map[string]string{"X-Token": "s3"}}, false,
			"200 " + srv.URL + "/echo", body, "X-Seen: POST application/x-www-form-urlencoded u:p w s3", ""},
		{"not found", httpRequest{URL: srv.URL + "/none"}, false, "404 " + srv.URL + "/none", "404 page not found\n", "HTTP/1.0 404 Not Found", ""},
		{"https", httpRequest{URL: tls.URL + "/new", Insecure: true}, false, "200 " + tls.URL + "/new", "payload ", "Content-Length: 8", ""},
		{"https, certificate unknown", httpRequest{URL: tls.URL + "/new"}, false, "", "", "", "certificate verify failed"},
		{"refused", httpRequest{URL: "http://127.0.0.1:1/"}, false, "", "", "", "no HTTP response: "},
		{"ftp", httpRequest{URL: "ftp://127.0.0.1/x"}, false, "", "", "", "the host has no curl or wget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Timeout = 5
			if tt.ims {
				tt.req.IfModifiedSinceVar = "ims"
			}
			script := "body=" + Quote(filepath.Join(dir, "body")) + " hdrs=" + Quote(filepath.Join(dir, "hdrs")) + " ims=" + Quote(since) + "\n" +
				tt.req.bashCommand() + "\necho \"$st\""
			cmd := exec.Command("sh", "-c", script)
			cmd.Stdin = bytes.NewReader(tt.req.stdin())
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(stderr.String(), "cannot fetch "+tt.req.URL+": ") || !strings.Contains(stderr.String(), tt.err) {
					t.Errorf("err %v, stderr %q, want %q", err, stderr.String(), tt.err)
				}
				return
			}
			got, _ := os.ReadFile(filepath.Join(dir, "body"))
			hdrs, _ := os.ReadFile(filepath.Join(dir, "hdrs"))
			if err != nil || strings.TrimSpace(string(out)) != tt.st || string(got) != tt.body || !strings.Contains(string(hdrs), tt.header+"\n") {
				t.Errorf("err %v %s, status %q, body %q, headers:\n%s\nwant %q, %q, %q", err, stderr.String(), out, got, hdrs, tt.st, tt.body, tt.header)
			}
		})
	}
}
