package modules

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
)

func init() {
	Register(Info{Name: "get_url", New: func() Module { return &GetURL{} }})
}

// GetURL downloads a file on the host with the host's curl (or wget). The
// observation streams the download into a temporary file only to checksum
// it, so check mode knows whether the file would change; the apply step
// downloads again beside dest and renames it into place.
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
	req := g.request()
	s, err := g.observe(ctx, env.Host, req)
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

// observe probes dest (and dest/<name>) and, unless a matching checksum
// makes it pointless, downloads to a temporary file to checksum it.
func (g *GetURL) observe(ctx context.Context, host Host, req *httpRequest) (Sections, error) {
	var b strings.Builder
	b.WriteString(`body=$(mktemp) && hdrs=$(mktemp) || exit 1
trap 'rm -f -- "$body" "$hdrs"' EXIT
`)
	fmt.Fprintf(&b, "%s\n%s", section("probe"), probeScript(g.probes()))
	fmt.Fprintf(&b, "dest=%s; [ -d \"$dest\" ] && dest=%s\n", Quote(g.Dest), Quote(g.target()))
	if g.digest != "" && !g.Force {
		fmt.Fprintf(&b, "if [ -f \"$dest\" ] && [ \"$(%ssum < \"$dest\" | cut -d' ' -f1)\" = %s ]; then %s; exit 0; fi\n", g.algorithm, Quote(g.digest), section("matches"))
	}
	if !g.Force && g.digest == "" {
		b.WriteString(`if [ -f "$dest" ]; then ims=$dest; fi` + "\n")
		req.IfModifiedSinceVar = "ims"
	}
	b.WriteString(req.script())
	fmt.Fprintf(&b, "%s; echo \"$st\"\n", section("status"))
	fmt.Fprintf(&b, "%s; sha1sum < \"$body\" | cut -d' ' -f1\n%s; wc -c < \"$body\"\n%s; cat \"$hdrs\"\n", section("sha1"), section("size"), section("headers"))
	if g.digest != "" {
		fmt.Fprintf(&b, "%s; %ssum < \"$body\" | cut -d' ' -f1\n", section("digest"), g.algorithm)
	}
	res, err := host.Run(ctx, "export LC_ALL=C\n"+b.String(), req.stdin())
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, &Failure{Msg: "Request failed: " + strings.TrimSpace(string(res.Stderr)), Result: map[string]any{"url": g.URL, "dest": g.Dest}}
	}
	return parseSections(string(res.Stdout)), nil
}

// plan decides from the observation whether dest gets the download.
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
	resp, err := parseResponse(s["status"], s["headers"])
	if err != nil {
		return nil, err
	}
	p.Result["status_code"] = resp.Status
	if resp.Status == 304 {
		p.Msg = "HTTP Error 304: Not Modified"
		return p, nil
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, &Failure{Msg: "Request failed", Result: map[string]any{"status_code": resp.Status, "response": fmt.Sprintf("HTTP Error %d: %s", resp.Status, resp.Reason), "url": g.URL, "dest": dest.Path}}
	}
	if g.digest != "" && s.Line("digest") != g.digest {
		return nil, &Failure{Msg: fmt.Sprintf("The checksum for %s did not match %s; it was %s.", dest.Path, g.digest, s.Line("digest"))}
	}
	size := s.Line("size")
	p.Result["checksum_src"] = s.Line("sha1")
	msg := fmt.Sprintf("OK (%s bytes)", size)
	if resp.Reason != "" && resp.Reason != "OK" {
		msg = resp.Reason
	}
	if dest.Exists {
		p.Result["checksum_dest"] = dest.Checksum
		if dest.Checksum == s.Line("sha1") {
			return g.planAttrs(p, dest, msg)
		}
	} else if !pr.Files[2].Exists {
		return nil, Failf("Destination %s does not exist", path.Dir(dest.Path))
	}
	mode, err := g.writeMode(dest, pr.Umask)
	if err != nil {
		return nil, err
	}
	p.Msg = msg
	p.Steps = []Step{g.downloadStep(dest, mode)}
	if g.Backup && dest.Exists {
		p.Finish = finishBackup("backup_file")
	}
	after := pr.User
	if dest.Exists {
		after = *dest
	}
	after.Type, after.Mode, after.Nlink = "file", mode, 1
	for k, v := range fileResult(after) {
		p.Result[k] = v
	}
	p.Result["size"] = atoiOr(size, 0)
	return p, nil
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

// downloadStep downloads beside dest, checks the checksum, sets the
// attributes and renames the file into place.
func (g *GetURL) downloadStep(dest *FileState, mode uint32) Step {
	req := g.request()
	var b strings.Builder
	fmt.Fprintf(&b, "dest=%s\nbody=$(mktemp %s) && hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n",
		Quote(dest.Path), Quote(path.Dir(dest.Path)+"/.play.XXXXXX"))
	b.WriteString(req.script())
	b.WriteString(`case $st in 2*) ;; *) echo "Request failed: HTTP status ${st%% *}" >&2; exit 1;; esac` + "\n")
	if g.digest != "" {
		fmt.Fprintf(&b, "sum=$(%ssum < \"$body\" | cut -d' ' -f1)\n[ \"$sum\" = %[2]s ] || { echo \"The checksum for $dest did not match \"%[2]s\"; it was $sum.\" >&2; exit 1; }\n", g.algorithm, Quote(g.digest))
	}
	b.WriteString(`if [ -e "$dest" ]; then chown --reference="$dest" -- "$body" 2>/dev/null; fi` + "\n")
	if g.Owner != "" {
		fmt.Fprintf(&b, "chown -- %s \"$body\" || exit 1\n", Quote(g.Owner))
	}
	if g.Group != "" {
		fmt.Fprintf(&b, "chgrp -- %s \"$body\" || exit 1\n", Quote(g.Group))
	}
	fmt.Fprintf(&b, "chmod -- %s \"$body\" || exit 1\n", chmodArg(mode))
	if g.Backup && dest.Exists {
		b.WriteString(backupScript)
	}
	b.WriteString("mv -f -- \"$body\" \"$dest\" || exit 1\n")
	return Step{Script: b.String(), Stdin: req.stdin()}
}
