package modules

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// RequestArgs are the HTTP client arguments get_url and uri share.
type RequestArgs struct {
	// Headers are more request headers.
	Headers map[string]any `arg:"headers"`
	// Timeout is the request's timeout in seconds.
	Timeout *int `arg:"timeout"`
	// URLPassword authenticates with url_username (HTTP basic).
	URLPassword string `arg:"url_password" aliases:"password"`
	// ForceBasicAuth sends the credentials without waiting for a 401.
	ForceBasicAuth bool `arg:"force_basic_auth"`
	// ValidateCerts false accepts any TLS certificate.
	ValidateCerts *bool `arg:"validate_certs"`
}

// newRequest is the part of a request get_url and uri build the same way:
// headers, timeout (defaultTimeout when not given), certificate checks and
// credentials (sent at once with force_basic_auth).
func (a RequestArgs) newRequest(url, user string, defaultTimeout int) *httpRequest {
	h := map[string]string{}
	for k, v := range a.Headers {
		h[k], _ = ToString(v)
	}
	r := &httpRequest{URL: url, Headers: h, Timeout: defaultTimeout, Insecure: a.ValidateCerts != nil && !*a.ValidateCerts}
	if a.Timeout != nil {
		r.Timeout = *a.Timeout
	}
	if user != "" {
		r.User, r.Pass = user, a.URLPassword
		if a.ForceBasicAuth {
			h["Authorization"] = basicAuth(user, a.URLPassword)
		}
	}
	return r
}

// httpRequest is one HTTP request the host makes with its own curl (or,
// for plain downloads, wget; without either, bash: see bashHTTP): the host
// may reach URLs the controller cannot.
// URL, headers, credentials and body travel in curl's config on standard
// input, never on a command line other users could read in ps.
type httpRequest struct {
	URL     string
	Method  string // GET when empty
	Headers map[string]string
	Body    *string
	User    string
	Pass    string
	Timeout int
	// Insecure skips certificate checks (validate_certs: false).
	Insecure bool
	// NoFollow keeps redirects as responses (follow_redirects: none).
	NoFollow bool
	// IfModifiedSinceVar names a shell variable that may hold a file whose
	// mtime makes the request conditional.
	IfModifiedSinceVar string
	// WgetFallback allows wget when curl is missing (GET without a body).
	WgetFallback bool
}

// curlConfig is curl's config (-K -) for the request.
func (r *httpRequest) curlConfig() string {
	var b strings.Builder
	opt := func(name, val string) { fmt.Fprintf(&b, "%s = %s\n", name, curlString(val)) }
	opt("url", r.URL)
	if r.Method != "" && r.Method != "GET" {
		opt("request", r.Method)
	}
	if r.Method == "HEAD" {
		b.WriteString("head\n")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		opt("header", k+": "+r.Headers[k])
	}
	if r.User != "" {
		opt("user", r.User+":"+r.Pass)
	}
	if r.Body != nil {
		opt("data-binary", *r.Body)
	}
	return b.String()
}

// curlString quotes a curl config value.
func curlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// script returns shell that performs the request, the response body going
// to the file "$body" and the response headers to "$hdrs"; both must be
// set. It leaves "<code> <final url>" in $st. The config goes in by stdin
// (see stdin).
func (r *httpRequest) script() string {
	var flags []string
	if r.Insecure {
		flags = append(flags, "-k")
	}
	if !r.NoFollow {
		flags = append(flags, "-L")
	}
	if r.Timeout > 0 {
		flags = append(flags, "--max-time", strconv.Itoa(r.Timeout))
	}
	if v := r.IfModifiedSinceVar; v != "" {
		flags = append(flags, "${"+v+":+-z \"$"+v+"\"}")
	}
	curl := fmt.Sprintf(`curl -sS %s -K - -o "$body" -D "$hdrs" -w '%%{http_code} %%{url_effective}\n'`, strings.Join(flags, " "))
	var b strings.Builder
	b.WriteString("if command -v curl >/dev/null; then\n")
	fmt.Fprintf(&b, "  st=$(%s) || exit 1\n", curl)
	if r.WgetFallback {
		wget := []string{"wget", "-q", "-S", "-O", `"$body"`}
		if r.Insecure {
			wget = append(wget, "--no-check-certificate")
		}
		if r.Timeout > 0 {
			wget = append(wget, "--timeout="+strconv.Itoa(r.Timeout))
		}
		for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
			wget = append(wget, "--header="+Quote(k+": "+r.Headers[k]))
		}
		wget = append(wget, "--", Quote(r.URL))
		fmt.Fprintf(&b, "elif command -v wget >/dev/null; then\n  %s 2>\"$hdrs\"; rc=$?\n", strings.Join(wget, " "))
		b.WriteString(`  [ $rc -eq 0 ] || [ $rc -eq 8 ] || { echo "wget failed (exit $rc)" >&2; exit 1; }
  sed -i -n 's/^  //p' "$hdrs"
`)
		fmt.Fprintf(&b, "  st=\"$(awk '/^HTTP\\//{c=$2} END{print c}' \"$hdrs\") \"%s\n", Quote(r.URL))
	}
	fmt.Fprintf(&b, "else\n  %s\n", r.bashCommand())
	b.WriteString("fi\n")
	return b.String()
}

// stdin is what script reads: curl's config, with the request for the bash fallback in
// comments.
func (r *httpRequest) stdin() []byte { return []byte(r.curlConfig() + r.bashRequestLines()) }

// httpResponse is the parsed outcome of a request.
type httpResponse struct {
	Status  int
	URL     string
	Headers map[string]string // lower-cased names, '-' made '_', as Ansible returns them
	Reason  string
}

// parseResponse reads the "status" section and the headers file's text
// (the last response's block when redirects were followed).
func parseResponse(status, headers string) (*httpResponse, error) {
	code, final, _ := strings.Cut(strings.TrimSpace(status), " ")
	n, err := strconv.Atoi(code)
	if err != nil {
		return nil, fmt.Errorf("unexpected HTTP status %q", status)
	}
	resp := &httpResponse{Status: n, URL: final, Headers: map[string]string{}}
	for _, l := range strings.Split(strings.ReplaceAll(headers, "\r", ""), "\n") {
		if strings.HasPrefix(l, "HTTP/") {
			resp.Headers = map[string]string{}
			_, rest, _ := strings.Cut(l, " ")
			_, resp.Reason, _ = strings.Cut(rest, " ")
			continue
		}
		if k, v, ok := strings.Cut(l, ":"); ok {
			resp.Headers[strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "-", "_")] = strings.TrimSpace(v)
		}
	}
	return resp, nil
}

// urlFilename is the file name a URL's path ends with, as get_url names a
// download into a directory ("index.html" for none).
func urlFilename(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "index.html"
	}
	name := path.Base(p.Path)
	if name == "." || name == "/" || name == "" {
		return "index.html"
	}
	return name
}

// basicAuth is the Authorization header value for force_basic_auth.
func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
