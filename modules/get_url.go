package modules

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "get_url", New: func() Module { return &GetURL{} }})
}

// GetURL downloads a file on the host with the host's curl (or wget, or bash), once per run. The
// observation checks dest (and its checksum when one is given) and asks the server with a HEAD
// request, conditional on dest's mtime like Ansible's If-Modified-Since, whether there is
// anything to fetch; the step downloads beside dest, compares, and renames the download into
// place or discards it when dest already has that content. As with Ansible in check mode, a
// server that answers the HEAD request with 200 makes --check report a change.
type GetURL struct {
	FileAttrs
	// URL is the http, https or ftp URL to download.
	URL string `arg:"url,required"`
	// Dest is the file to write, or a directory to write the URL's file name into.
	Dest string `arg:"dest,required"`
	// Checksum is "algorithm:hex" the download must have; a matching dest is not downloaded again.
	Checksum string `arg:"checksum"`
	// Force downloads even when dest exists.
	Force bool `arg:"force"`
	RequestArgs
	// URLUsername authenticates with url_password (HTTP basic).
	URLUsername string `arg:"url_username" aliases:"username"`
	// Backup keeps the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// HTTPAgent is the User-Agent header.
	HTTPAgent string `arg:"http_agent"`

	algorithm, digest string
}

var checksumRE = regexp.MustCompile(`^(md5|sha1|sha224|sha256|sha384|sha512):([0-9A-Fa-f]+)$`)

// Validate parses the checksum.
func (g *GetURL) Validate() error {
	if g.Checksum == "" {
		return nil
	}
	m := checksumRE.FindStringSubmatch(strings.TrimSpace(g.Checksum))
	if m == nil {
		return fmt.Errorf("The checksum parameter has to be in format <algorithm>:<checksum>: got %q (checksum URLs are not supported: give the digest)", g.Checksum)
	}
	g.algorithm, g.digest = m[1], strings.ToLower(m[2])
	return nil
}

// request is the download as the host makes it.
func (g *GetURL) request() *httpRequest {
	if g.HTTPAgent == "" {
		g.HTTPAgent = "ansible-httpget"
	}
	r := g.newRequest(g.URL, g.URLUsername, 10)
	r.Headers["User-Agent"] = g.HTTPAgent
	r.WgetFallback = true
	return r
}

// Plan implements Module.
func (g *GetURL) Plan(ctx context.Context, env *Env) (*Plan, error) {
	s, err := g.observe(ctx, env.Host)
	if err != nil {
		return nil, err
	}
	return g.plan(s)
}

// probes observe dest, dest/<name> and dest's directory.
func (g *GetURL) probes() []Probe {
	return []Probe{{Path: g.Dest, Checksum: true}, {Path: g.target(), Checksum: true}, {Path: path.Dir(g.Dest)}}
}

// target is dest, or the URL's file name in it when dest is a directory.
func (g *GetURL) target() string { return path.Join(g.Dest, urlFilename(g.URL)) }

// conditional makes req ask only for a newer file than an existing dest (in $dest), as
// Ansible does unless forced or given a checksum, and returns the shell that picks the file.
func (g *GetURL) conditional(req *httpRequest) string {
	if g.Force || g.digest != "" {
		return ""
	}
	req.IfModifiedSinceVar = "ims"
	return `if [ -f "$dest" ]; then ims=$dest; fi` + "\n"
}

// observe probes dest (and dest/<name>) and, unless a matching checksum makes it pointless,
// sends the HEAD request (with curl, or bash: wget cannot send one).
func (g *GetURL) observe(ctx context.Context, host Host) (Sections, error) {
	req := g.request()
	req.Method, req.WgetFallback = "HEAD", false
	var b strings.Builder
	b.WriteString("export LC_ALL=C\nbody=/dev/null; hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$hdrs\"' EXIT\n")
	fmt.Fprintf(&b, "%s\n%s", section("probe"), probeScript(g.probes()))
	fmt.Fprintf(&b, "dest=%s; [ -d \"$dest\" ] && dest=%s\n", Quote(g.Dest), Quote(g.target()))
	if g.digest != "" && !g.Force {
		fmt.Fprintf(&b, "if [ -f \"$dest\" ] && [ \"$(%ssum < \"$dest\" | cut -d' ' -f1)\" = %s ]; then %s; exit 0; fi\n", g.algorithm, Quote(g.digest), section("matches"))
	}
	b.WriteString(g.conditional(req))
	b.WriteString(req.script())
	fmt.Fprintf(&b, "%s; echo \"$st\"\n%s; cat \"$hdrs\"\n", section("status"), section("headers"))
	res, err := host.Run(ctx, b.String(), req.stdin())
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, &Failure{Msg: "Request failed: " + strings.TrimSpace(string(res.Stderr)), Result: map[string]any{"url": g.URL, "dest": g.Dest}}
	}
	return parseSections(string(res.Stdout)), nil
}

// plan decides from the observation whether the step downloads.
func (g *GetURL) plan(s Sections) (*Plan, error) {
	pr, err := parseProbe([]byte(s["probe"]), g.probes())
	if err != nil {
		return nil, err
	}
	dest := &pr.Files[0]
	if dest.IsDir() {
		dest = &pr.Files[1]
	}
	p := &Plan{Result: map[string]any{"dest": dest.Path, "url": g.URL, "elapsed": 0}}
	if s.Has("matches") {
		return g.planAttrs(p, dest, "file already exists")
	}
	if s.Has("status") {
		resp, err := parseResponse(s["status"], s["headers"])
		if err != nil {
			return nil, err
		}
		p.Result["status_code"] = resp.Status
		switch {
		case resp.Status == 304:
			p.Msg = notModified
			return p, nil
		case resp.Status == 405 || resp.Status == 501:
			// The server does not answer HEAD: only the download can tell.
		case resp.Status < 200 || resp.Status > 299:
			return nil, &Failure{Msg: "Request failed", Result: map[string]any{"status_code": resp.Status, "response": fmt.Sprintf("HTTP Error %d: %s", resp.Status, resp.Reason), "url": g.URL, "dest": dest.Path}}
		}
	}
	attrs := &attrPlan{}
	if dest.Exists {
		p.Result["checksum_dest"] = dest.Checksum
		if attrs, err = g.FileAttrs.plan(dest); err != nil {
			return nil, err
		}
	} else if !pr.Files[2].Exists {
		return nil, Failf("Destination %s does not exist", path.Dir(dest.Path))
	}
	mode, err := g.writeMode(dest, pr.Umask)
	if err != nil {
		return nil, err
	}
	p.Steps = []Step{g.downloadStep(dest, mode, attrs)}
	p.Finish = g.finish(attrs.changed())
	after := pr.User
	if dest.Exists {
		after = *dest
	}
	after.Type, after.Mode, after.Nlink = "file", mode, 1
	for k, v := range fileResult(after) {
		p.Result[k] = v
	}
	delete(p.Result, "size") // known once downloaded
	return p, nil
}

// notModified is Ansible's msg for a 304 answer.
const notModified = "HTTP Error 304: Not Modified"

// finish reads the download step's output: the file is changed unless dest already had the
// content (and its attributes) or the server had nothing newer.
func (g *GetURL) finish(attrsChanged bool) func([]connection.Result) (map[string]any, error) {
	return func(outs []connection.Result) (map[string]any, error) {
		out := outs[0]
		s := parseSections(string(out.Stdout))
		if out.RC != 0 {
			return nil, &Failure{Msg: strings.TrimSpace(string(out.Stderr)), Result: map[string]any{"url": g.URL, "dest": g.Dest, "changed": s.Has("replaced")}}
		}
		resp, err := parseResponse(s["status"], s["headers"])
		if err != nil {
			return nil, err
		}
		res := map[string]any{"status_code": resp.Status}
		if resp.Status == 304 {
			res["changed"], res["msg"] = false, notModified
			return res, nil
		}
		size := s.Line("size")
		res["msg"] = fmt.Sprintf("OK (%s bytes)", size)
		if resp.Reason != "" && resp.Reason != "OK" {
			res["msg"] = resp.Reason
		}
		res["checksum_src"], res["size"] = s.Line("sha1"), atoiOr(size, 0)
		res["changed"] = !s.Has("same") || attrsChanged
		if b, ok := strings.CutPrefix(s.Line("backup"), "backup_file="); ok {
			res["backup_file"] = b
		}
		return res, nil
	}
}

// planAttrs fixes mode, owner and group of an already right file.
func (g *GetURL) planAttrs(p *Plan, dest *FileState, msg string) (*Plan, error) {
	ap, err := g.FileAttrs.plan(dest)
	if err != nil {
		return nil, err
	}
	p.Msg = msg
	if ap.changed() {
		p.Msg = "file already exists but file attributes changed"
		p.Steps = []Step{{Script: ap.script(false)}}
		ap.before["path"], ap.after["path"] = dest.Path, dest.Path
		p.Diffs = []Diff{stateDiff(ap.before, ap.after)}
	}
	for k, v := range fileResult(ap.apply(*dest)) {
		p.Result[k] = v
	}
	p.Result["checksum_dest"] = dest.Checksum
	return p, nil
}

// writeMode is the new file's mode: an existing file keeps its own.
func (g *GetURL) writeMode(dest *FileState, umask uint32) (uint32, error) {
	if dest.Exists {
		return g.Mode.Apply(dest.Mode, false)
	}
	return newFileMode(g.FileAttrs, umask)
}

// downloadStep downloads beside dest, checks the checksum and, unless dest already has the
// content (then only its attributes are fixed), sets the attributes and renames the file into
// place. It prints the response and the download's sha1 and size as sections.
func (g *GetURL) downloadStep(dest *FileState, mode uint32, attrs *attrPlan) Step {
	req := g.request()
	var b strings.Builder
	fmt.Fprintf(&b, "export LC_ALL=C\ndest=%s\nbody=$(mktemp %s) && hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n",
		Quote(dest.Path), Quote(path.Dir(dest.Path)+"/.play.XXXXXX"))
	b.WriteString(g.conditional(req))
	b.WriteString(req.script())
	fmt.Fprintf(&b, "%s; echo \"$st\"; %s; cat \"$hdrs\"\n", section("status"), section("headers"))
	b.WriteString(`case $st in 304*) exit 0;; 2*) ;; *) echo "Request failed: HTTP status ${st%% *}" >&2; exit 1;; esac` + "\n")
	fmt.Fprintf(&b, "sum=$(sha1sum < \"$body\" | cut -d' ' -f1); %s; echo \"$sum\"; %s; wc -c < \"$body\"\n", section("sha1"), section("size"))
	if g.digest != "" {
		// As Ansible's get_url, which moves the download into place before checking it: a
		// mismatch removes dest and is a change unless dest already had the download's content.
		fmt.Fprintf(&b, "d=$(%ssum < \"$body\" | cut -d' ' -f1)\nif [ \"$d\" != %[2]s ]; then\n", g.algorithm, Quote(g.digest))
		fmt.Fprintf(&b, "  [ -f \"$dest\" ] && [ \"$(sha1sum < \"$dest\" | cut -d' ' -f1)\" = \"$sum\" ] || %s\n", section("replaced"))
		b.WriteString("  rm -f -- \"$dest\"\n  echo \"The checksum for $dest did not match \"" + Quote(g.digest) + "\"; it was $d.\" >&2; exit 1\nfi\n")
	}
	fmt.Fprintf(&b, "if [ -f \"$dest\" ] && [ \"$(sha1sum < \"$dest\" | cut -d' ' -f1)\" = \"$sum\" ]; then\n  %s\n", section("same"))
	if sc := attrs.script(false); sc != "" {
		fmt.Fprintf(&b, "  %s || exit 1\n", sc)
	}
	b.WriteString("  exit 0\nfi\n")
	b.WriteString(`if [ -e "$dest" ]; then chown --reference="$dest" -- "$body" 2>/dev/null; fi` + "\n")
	if g.Owner != "" {
		fmt.Fprintf(&b, "chown -- %s \"$body\" || exit 1\n", Quote(g.Owner))
	}
	if g.Group != "" {
		fmt.Fprintf(&b, "chgrp -- %s \"$body\" || exit 1\n", Quote(g.Group))
	}
	fmt.Fprintf(&b, "chmod -- %s \"$body\" || exit 1\n", chmodArg(mode))
	if g.Backup && dest.Exists {
		fmt.Fprintf(&b, "%s\n%s", section("backup"), backupScript)
	}
	b.WriteString("mv -f -- \"$body\" \"$dest\" || exit 1\n")
	return Step{Script: b.String(), Stdin: req.stdin()}
}
