package modules

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"play/connection"
	"play/jinja"
)

func init() {
	Register(Info{Name: "uri", New: func() Module { return &URI{} }})
}

// URI makes an HTTP request from the host with its curl and returns the
// response. Like Ansible's uri it does not support check mode: the request
// is the action, so it is skipped under --check, and it never reports changed.
type URI struct {
	// URL is the request's URL.
	URL string `arg:"url,required"`
	// Method is the HTTP method.
	Method string `arg:"method"`
	// Body is the request's body; with body_format json a data structure.
	Body any `arg:"body"`
	// BodyFormat says how to serialize body.
	BodyFormat string `arg:"body_format" choices:"raw,json,form-urlencoded"`
	// StatusCode lists the statuses that mean success.
	StatusCode []string `arg:"status_code"`
	// ReturnContent puts the response body in content.
	ReturnContent bool `arg:"return_content"`
	RequestArgs
	// URLUsername authenticates with url_password (HTTP basic).
	URLUsername string `arg:"url_username" aliases:"user"`
	// FollowRedirects none keeps a redirect as the response.
	FollowRedirects string `arg:"follow_redirects" choices:"all,no,none,safe,urllib2,yes"`
	// Creates and Removes skip the request when that path exists / does not.
	Creates string `arg:"creates"`
	Removes string `arg:"removes"`

	codes []int
}

// Validate applies defaults and checks the method and codes.
func (u *URI) Validate() error {
	if u.Method == "" {
		u.Method = "GET"
	}
	if strings.ToUpper(u.Method) != u.Method || strings.ContainsAny(u.Method, " \t") {
		return fmt.Errorf("Parameter 'method' needs to be a single word in uppercase, like GET or POST.")
	}
	if u.BodyFormat == "" {
		u.BodyFormat = "raw"
	}
	u.codes = nil
	for _, c := range u.StatusCode {
		n, err := ToInt(c)
		if err != nil {
			return fmt.Errorf("status_code: %q is not a number", c)
		}
		u.codes = append(u.codes, n)
	}
	if len(u.codes) == 0 {
		u.codes = []int{200}
	}
	return nil
}

// request builds the request: headers, credentials and the encoded body.
func (u *URI) request() (*httpRequest, error) {
	r := u.newRequest(u.URL, u.URLUsername, 30)
	r.Method = u.Method
	r.NoFollow = u.FollowRedirects == "none" || u.FollowRedirects == "no"
	h := r.Headers
	body, ctype, err := u.encodeBody()
	if err != nil {
		return nil, err
	}
	if body != nil {
		r.Body = body
		if _, ok := h["Content-Type"]; !ok && ctype != "" {
			h["Content-Type"] = ctype
		}
	}
	return r, nil
}

// encodeBody serializes body per body_format, with its content type.
func (u *URI) encodeBody() (*string, string, error) {
	if u.Body == nil {
		return nil, "", nil
	}
	switch u.BodyFormat {
	case "json":
		if s, ok := u.Body.(string); ok {
			return &s, "application/json", nil
		}
		data, err := json.Marshal(u.Body)
		if err != nil {
			return nil, "", fmt.Errorf("failed to encode body as JSON: %w", err)
		}
		s := string(data)
		return &s, "application/json", nil
	case "form-urlencoded":
		m, err := ToMap(u.Body)
		if err != nil {
			return nil, "", fmt.Errorf("failed to parse body as form_urlencoded: %w", err)
		}
		v := url.Values{}
		for k, x := range m {
			s, _ := ToString(x)
			v.Set(k, s)
		}
		s := v.Encode()
		return &s, "application/x-www-form-urlencoded", nil
	}
	s, err := ToString(u.Body)
	return &s, "", err
}

// Plan implements Module: one step, the request, read back by Finish.
func (u *URI) Plan(ctx context.Context, env *Env) (*Plan, error) {
	req, err := u.request()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if u.Creates != "" {
		fmt.Fprintf(&b, "if [ -e %s ]; then %s; exit 0; fi\n", Quote(u.Creates), section("skipped"))
	}
	if u.Removes != "" {
		fmt.Fprintf(&b, "if [ ! -e %s ]; then %s; exit 0; fi\n", Quote(u.Removes), section("skipped"))
	}
	b.WriteString("body=$(mktemp) && hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n")
	b.WriteString(req.script())
	fmt.Fprintf(&b, "%s; echo \"$st\"\n%s; cat \"$hdrs\"\n%s; base64 -w0 < \"$body\"\n", section("status"), section("headers"), section("content"))
	return &Plan{Steps: []Step{{Script: b.String(), Stdin: req.stdin()}}, SkipInCheck: true, Unchanged: true, Finish: u.finish}, nil
}

// finish turns the request's output into Ansible's result.
func (u *URI) finish(out []connection.Result) (map[string]any, error) {
	o := out[0]
	if o.RC != 0 {
		return nil, &Failure{Msg: "Status code was -1 and not " + pyIntList(u.codes) + ": Request failed: " + strings.TrimSpace(string(o.Stderr)),
			Result: map[string]any{"status": -1, "url": u.URL, "elapsed": 0}}
	}
	s := parseSections(string(o.Stdout))
	if s.Has("skipped") {
		word := "exists"
		path := u.Creates
		if path == "" {
			word, path = "does not exist", u.Removes
		}
		return map[string]any{"changed": false, "stdout": fmt.Sprintf("skipped, since '%s' %s", path, word)}, nil
	}
	return u.result(s)
}

// result builds the result from the response's sections.
func (u *URI) result(s Sections) (map[string]any, error) {
	resp, err := parseResponse(s["status"], s["headers"])
	if err != nil {
		return nil, err
	}
	content, err := base64.StdEncoding.DecodeString(s.Line("content"))
	if err != nil {
		return nil, fmt.Errorf("uri: response body: %w", err)
	}
	res := map[string]any{"changed": false, "status": resp.Status, "url": resp.URL, "redirected": resp.URL != u.URL,
		"elapsed": 0, "cookies": map[string]any{}, "cookies_string": "",
		"msg": fmt.Sprintf("OK (%s bytes)", orDefault(resp.Headers["content_length"], "unknown"))}
	for k, v := range resp.Headers {
		res[k] = v
	}
	ctype := resp.Headers["content_type"]
	mime, _, _ := strings.Cut(ctype, ";")
	_, sub, _ := strings.Cut(strings.TrimSpace(mime), "/")
	if _, suffix, ok := strings.Cut(sub, "+"); ok {
		sub = suffix
	}
	if slices.Contains([]string{"json", "javascript"}, strings.ToLower(sub)) {
		// from_json decodes numbers as Python does (ints stay ints).
		if js, err := jinja.Eval("body | from_json", map[string]any{"body": string(content)}); err == nil {
			res["json"] = js
		}
	}
	if u.ReturnContent {
		res["content"] = string(content)
	}
	if !slices.Contains(u.codes, resp.Status) {
		res["msg"] = fmt.Sprintf("Status code was %d and not %s: %s", resp.Status, pyIntList(u.codes), res["msg"])
		if resp.Status >= 400 {
			res["msg"] = fmt.Sprintf("Status code was %d and not %s: HTTP Error %d: %s", resp.Status, pyIntList(u.codes), resp.Status, resp.Reason)
		}
		return nil, &Failure{Msg: res["msg"].(string), Result: res}
	}
	return res, nil
}

// pyIntList prints ints the way Python prints a list: [200, 201].
func pyIntList(n []int) string {
	s := make([]string, len(n))
	for i, x := range n {
		s[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
