package modules

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

func init() {
	Register(Info{Name: "deb822_repository", New: func() Module { return &Deb822Repository{} }})
}

// Deb822Repository keeps a deb822-style APT source in
// /etc/apt/sources.list.d/<name>.sources, like ansible.builtin.deb822_repository.
// It does not update APT's cache (use apt's update_cache after it).
type Deb822Repository struct {
	// Name names the source (X-Repolib-Name) and, made a slug, its file.
	Name string `arg:"name,required"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// Types are the kinds of archive: deb, deb-src (default deb).
	Types []string `arg:"types"`
	// URIs are the repository's base URIs.
	URIs []string `arg:"uris"`
	// Suites are the distributions (bookworm, stable, ./ for a flat repository).
	Suites []string `arg:"suites"`
	// Components are the archive areas (main, contrib).
	Components []string `arg:"components"`
	// SignedBy is a key file on the host, a URL to download the key from
	// (into /etc/apt/keyrings/<name>.asc or .gpg), or the key's text.
	SignedBy *string `arg:"signed_by"`
	// Architectures limits the architectures searched.
	Architectures []string `arg:"architectures"`
	// Languages limits the translations downloaded.
	Languages []string `arg:"languages"`
	// Targets limits the index targets downloaded.
	Targets []string `arg:"targets"`
	// Enabled says whether APT uses the source.
	Enabled *bool `arg:"enabled"`
	// Trusted skips signature checks.
	Trusted *bool `arg:"trusted"`
	// AllowInsecure, AllowWeak, AllowDowngradeToInsecure relax the checks.
	AllowInsecure            *bool `arg:"allow_insecure"`
	AllowWeak                *bool `arg:"allow_weak"`
	AllowDowngradeToInsecure *bool `arg:"allow_downgrade_to_insecure"`
	// ByHash, CheckDate, CheckValidUntil, PDiffs tune downloads and checks.
	ByHash          *bool `arg:"by_hash"`
	CheckDate       *bool `arg:"check_date"`
	CheckValidUntil *bool `arg:"check_valid_until"`
	PDiffs          *bool `arg:"pdiffs"`
	// DateMaxFuture is how far in the future a Release file may be dated.
	DateMaxFuture *int `arg:"date_max_future"`
	// InReleasePath is the InRelease file's path relative to the suite.
	InReleasePath *string `arg:"inrelease_path"`
	// Mode is the sources file's mode (default 0644).
	Mode Mode `arg:"mode"`
	// InstallPythonDebian is accepted for compatibility: no Python is needed.
	InstallPythonDebian bool `arg:"install_python_debian"`
}

// Validate applies defaults.
func (d *Deb822Repository) Validate() error {
	if d.State == "" {
		d.State = "present"
	}
	if d.Types == nil {
		d.Types = []string{"deb"}
	}
	for _, t := range d.Types {
		if t != "deb" && t != "deb-src" {
			return Failf("value of types must be one or more of: deb, deb-src. Got no match for: %s", t)
		}
	}
	if !d.Mode.IsSet() {
		return d.Mode.DecodeArg("0644")
	}
	return nil
}

const keyringsDir = "/etc/apt/keyrings"

var (
	slugSpaces  = regexp.MustCompile(`[_\s]+`)
	slugInvalid = regexp.MustCompile(`[^a-z0-9-]+`)
	urlPrefix   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// slug is the name made a file name, as Ansible makes it.
func (d *Deb822Repository) slug() string {
	return slugInvalid.ReplaceAllString(slugSpaces.ReplaceAllString(strings.ToLower(d.Name), "-"), "")
}

func (d *Deb822Repository) dest() string { return "/etc/apt/sources.list.d/" + d.slug() + ".sources" }

func (d *Deb822Repository) keyFile(ext string) string {
	return keyringsDir + "/" + d.slug() + "." + ext
}

// keyURL is signed_by when it is a URL to download.
func (d *Deb822Repository) keyURL() string {
	if d.SignedBy != nil && !strings.Contains(*d.SignedBy, "\n") && urlPrefix.MatchString(*d.SignedBy) {
		return *d.SignedBy
	}
	return ""
}

// Plan implements Module.
func (d *Deb822Repository) Plan(ctx context.Context, env *Env) (*Plan, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "f=%s\nif [ -f \"$f\" ]; then %s; stat -c %%a -- \"$f\"; %s; cat -- \"$f\" || exit 1; echo; fi\n",
		Quote(d.dest()), section("mode"), section("file"))
	for _, ext := range []string{"asc", "gpg"} {
		fmt.Fprintf(&b, "k=%s; if [ -f \"$k\" ]; then %s; sha256sum < \"$k\" | cut -d' ' -f1; fi\n", Quote(d.keyFile(ext)), section("key "+ext))
	}
	if u := d.keyURL(); u != "" && d.State == "present" {
		// Download the key to compare it: the probe leaves nothing behind.
		r := &httpRequest{URL: u, Timeout: 30}
		fmt.Fprintf(&b, "body=$(mktemp) hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n{\n%s} <<'PLAY_CURL_CONFIG'\n%sPLAY_CURL_CONFIG\n", r.script(), r.stdin())
		fmt.Fprintf(&b, "%s; echo \"$st\"; sha256sum < \"$body\" | cut -d' ' -f1\n", section("download"))
		b.WriteString("if grep -q -e '-----BEGIN PGP PUBLIC KEY BLOCK-----' \"$body\"; then echo asc; else echo gpg; fi\n")
	} else if d.SignedBy != nil && !strings.Contains(*d.SignedBy, "\n") {
		fmt.Fprintf(&b, "if [ -f %s ]; then %s; fi\n", Quote(*d.SignedBy), section("signed-by-file"))
	}
	obs, err := observe(ctx, env.Host, "the APT source "+d.dest(), b.String())
	if err != nil {
		return nil, err
	}
	return d.plan(obs)
}

// plan renders the source and compares it, its mode and its key with the host's.
func (d *Deb822Repository) plan(obs Sections) (*Plan, error) {
	dest := d.dest()
	before, exists := strings.TrimSuffix(obs["file"], "\n"), obs.Has("file")
	if d.State == "absent" {
		p := &Plan{Result: map[string]any{"repo": nil, "dest": dest, "key_filename": d.keyFile("gpg")}}
		var rm []string
		if exists {
			rm = append(rm, dest)
			p.Diffs = append(p.Diffs, contentDiff(dest, "/dev/null", before, ""))
		}
		for _, ext := range []string{"asc", "gpg"} {
			if obs.Has("key " + ext) {
				rm = append(rm, d.keyFile(ext))
			}
		}
		if len(rm) > 0 {
			p.Steps = []Step{{Script: "rm -f -- " + joinQuoted(rm)}}
		}
		return p, nil
	}
	p := &Plan{}
	signedBy, keyFilename := "", any(nil)
	if u := d.keyURL(); u != "" {
		step, file, err := d.keyDownload(obs, u)
		if err != nil {
			return nil, err
		}
		if step != nil {
			p.Steps = append(p.Steps, *step)
		}
		signedBy, keyFilename = file, file
	} else if d.SignedBy != nil {
		signedBy = *d.SignedBy
		if obs.Has("signed-by-file") {
			keyFilename = signedBy
		}
	}
	repo := d.render(signedBy)
	mode, err := d.Mode.Apply(0o644, false)
	if err != nil {
		return nil, err
	}
	p.Result = map[string]any{"repo": repo, "dest": dest, "key_filename": keyFilename}
	if !exists || before != repo {
		p.Diffs = append(p.Diffs, contentDiff(map[bool]string{true: dest, false: "/dev/null"}[exists], dest, before, repo))
		p.Steps = append(p.Steps, fileWrite{Dest: dest, Data: []byte(repo), Mode: mode, MkdirParents: true}.step())
	} else if cur, _ := strconv.ParseUint(obs.Line("mode"), 8, 32); uint32(cur) != mode {
		p.Steps = append(p.Steps, Step{Script: "chmod -- " + chmodArg(mode) + " " + Quote(dest)})
	}
	return p, nil
}

// keyDownload compares the downloaded key with the keyring file and, when
// they differ, returns the step that downloads it into place.
func (d *Deb822Repository) keyDownload(obs Sections, u string) (*Step, string, error) {
	f := strings.Fields(obs.Line("download"))
	if len(f) < 4 || f[0] != "200" {
		return nil, "", Failf("Could not fetch signed_by key: HTTP status %s for %s", strings.Join(f[:min(len(f), 1)], ""), u)
	}
	sum, ext := f[2], f[3]
	file := d.keyFile(ext)
	if obs.Line("key "+ext) == sum {
		return nil, file, nil
	}
	r := &httpRequest{URL: u, Timeout: 30}
	script := fmt.Sprintf("mkdir -p -m 0755 %s || exit 1\nbody=$(mktemp %s) hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n%s",
		keyringsDir, Quote(keyringsDir+"/.play.XXXXXX"), r.script())
	script += fmt.Sprintf("case $st in 200\\ *) ;; *) echo \"Could not fetch signed_by key: HTTP status ${st%%%% *}\" >&2; exit 1;; esac\nchmod 0644 \"$body\" && mv -f -- \"$body\" %s\n", Quote(file))
	return &Step{Script: script, Stdin: r.stdin()}, file, nil
}

// render is the source's deb822 text: the fields in the order of the
// arguments' names, as Ansible writes them.
func (d *Deb822Repository) render(signedBy string) string {
	var b strings.Builder
	field := func(name, value string) {
		if strings.Contains(value, "\n") {
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(value), "\n") {
				if l = strings.TrimSpace(l); l == "" {
					l = "."
				}
				lines = append(lines, "    "+l)
			}
			fmt.Fprintf(&b, "%s:\n%s\n", name, strings.Join(lines, "\n"))
			return
		}
		fmt.Fprintf(&b, "%s: %s\n", name, value)
	}
	boolField := func(name string, v *bool) {
		if v != nil {
			field(name, map[bool]string{true: "yes", false: "no"}[*v])
		}
	}
	listField := func(name string, v []string) {
		if v != nil {
			field(name, strings.Join(v, " "))
		}
	}
	boolField("Allow-Downgrade-To-Insecure", d.AllowDowngradeToInsecure)
	boolField("Allow-Insecure", d.AllowInsecure)
	boolField("Allow-Weak", d.AllowWeak)
	listField("Architectures", d.Architectures)
	boolField("By-Hash", d.ByHash)
	boolField("Check-Date", d.CheckDate)
	boolField("Check-Valid-Until", d.CheckValidUntil)
	listField("Components", d.Components)
	if d.DateMaxFuture != nil {
		field("Date-Max-Future", strconv.Itoa(*d.DateMaxFuture))
	}
	boolField("Enabled", d.Enabled)
	if d.InReleasePath != nil {
		field("Inrelease-Path", *d.InReleasePath)
	}
	listField("Languages", d.Languages)
	field("X-Repolib-Name", d.Name)
	boolField("Pdiffs", d.PDiffs)
	if d.SignedBy != nil {
		field("Signed-By", signedBy)
	}
	listField("Suites", d.Suites)
	listField("Targets", d.Targets)
	boolField("Trusted", d.Trusted)
	listField("Types", d.Types)
	listField("URIs", d.URIs)
	return b.String()
}
