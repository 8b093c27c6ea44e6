package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "unarchive", New: func() Module { return &Unarchive{} }})
}

// Unarchive unpacks a tar (plain, gz, bz2, xz, zst) or zip archive into a
// directory on the host with the host's tar or unzip, like
// ansible.builtin.unarchive. The archive is a controller file (sent over
// the connection) or, with remote_src, a file on the host or a URL the host
// downloads (with its curl or wget, into a temporary file: once to compare,
// and once more only when it must be unpacked). It is unpacked only when the
// directory differs from the archive (tar --diff; for zips, sizes and times
// of the listed files).
type Unarchive struct {
	FileAttrs
	// Src is the archive: a controller path, or with remote_src a host path or a URL.
	Src string `arg:"src,required"`
	// Dest is the directory to unpack into; it must exist.
	Dest string `arg:"dest,required"`
	// RemoteSrc says src is already on the host.
	RemoteSrc bool `arg:"remote_src"`
	// Copy is the old, inverted remote_src.
	Copy *bool `arg:"copy"`
	// Creates skips the task when this path exists on the host.
	Creates string `arg:"creates"`
	// ListFiles returns the archive's file names as files.
	ListFiles bool `arg:"list_files"`
	// KeepNewer keeps files newer than the archive's (tar only).
	KeepNewer bool `arg:"keep_newer"`
	// Exclude are names or globs not to unpack.
	Exclude []string `arg:"exclude"`
	// Include are the only names to unpack.
	Include []string `arg:"include"`
	// ExtraOpts are more options for tar or unzip.
	ExtraOpts []string `arg:"extra_opts"`
	// ValidateCerts false accepts any TLS certificate when downloading a URL src.
	ValidateCerts *bool `arg:"validate_certs"`
	// IOBufferSize and Decrypt are accepted for compatibility.
	IOBufferSize int  `arg:"io_buffer_size"`
	Decrypt      bool `arg:"decrypt"`
}

// Validate checks the exclusive arguments.
func (u *Unarchive) Validate() error {
	if u.Include != nil && u.Exclude != nil {
		return errors.New("parameters are mutually exclusive: include|exclude")
	}
	if u.Copy != nil && !*u.Copy {
		u.RemoteSrc = true
	}
	if u.isURL() && !u.RemoteSrc {
		return Failf("src %s is a URL: add remote_src: true to download it on the host, as Ansible requires", u.Src)
	}
	return nil
}

// Plan implements Module.
func (u *Unarchive) Plan(ctx context.Context, env *Env) (*Plan, error) {
	var data []byte
	src := u.Src
	if !u.RemoteSrc {
		d, resolved, err := env.Ctl.ReadFile("files", u.Src)
		if err != nil {
			return nil, Failf("Could not find or access '%s' on the Ansible Controller: %v", u.Src, err)
		}
		data, src = d, resolved
	}
	stdin := data
	if u.isURL() {
		stdin = u.download().stdin()
	}
	obs, err := observeInput(ctx, env.Host, "the archive "+u.Src, u.probe(), stdin)
	if err != nil {
		return nil, err
	}
	return u.plan(obs, src, data)
}

// tarFlags are tar's options for each compression.
var tarFlags = map[string]string{"gz": "-z", "bz2": "-j", "xz": "-J", "zst": "--zstd", "tar": ""}

// handlers are Ansible's names for the archive kinds.
var handlers = map[string]string{"zip": "ZipArchive", "gz": "TgzArchive", "bz2": "TarBzipArchive", "xz": "TarXzArchive", "zst": "TarZstdArchive", "tar": "TarArchive"}

// probe checks the source and destination, recognises the archive by its
// first bytes, lists it and compares it with dest.
func (u *Unarchive) probe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fail() { %s; printf '%%s\\n' \"$1\"; exit 0; }\ndest=%s\n", section("fail"), Quote(u.Dest))
	if u.Creates != "" {
		fmt.Fprintf(&b, "if [ -e %s ]; then %s; exit 0; fi\n", Quote(u.Creates), section("created"))
	}
	switch {
	case u.isURL():
		b.WriteString(u.downloadScript())
	case u.RemoteSrc:
		fmt.Fprintf(&b, "src=%s\n[ -e \"$src\" ] || fail %s\n[ -r \"$src\" ] || fail %s\n",
			Quote(u.Src), Quote(fmt.Sprintf("Source '%s' does not exist", u.Src)), Quote(fmt.Sprintf("Source '%s' not readable", u.Src)))
	default:
		b.WriteString("src=$(mktemp) || exit 1\ntrap 'rm -f -- \"$src\"' EXIT\ncat > \"$src\" || exit 1\n")
	}
	fmt.Fprintf(&b, "[ -s \"$src\" ] || fail %s\n", Quote(fmt.Sprintf("Invalid archive '%s', the file is 0 bytes", u.Src)))
	fmt.Fprintf(&b, "[ -d \"$dest\" ] || fail %s\n", Quote(fmt.Sprintf("dest '%s' must be an existing dir", u.Dest)))
	fmt.Fprintf(&b, `magic=$(head -c 6 "$src" | od -An -tx1 | tr -d ' \n')
case $magic in 504b0304*|504b0506*) kind=zip;; 1f8b*) kind=gz;; 425a68*) kind=bz2;; fd377a585a00) kind=xz;; 28b52ffd*) kind=zst;; *) kind=tar;; esac
%s; echo "$kind"; %s; id -u
%s; stat -c '%%a|%%U|%%G|%%u|%%g|%%s' -- "$dest"
cd "$dest" || exit 1
if [ "$kind" = zip ]; then
  command -v unzip >/dev/null || fail %s
  %s; unzip -Z -T -- "$src" | sed '1d;$d' || exit 1
  %s; date +%%z
  %s; unzip -Z1 -- "$src" | while IFS= read -r n; do printf '%%s|' "$n"; stat -c '%%F|%%s|%%Y|%%a|%%U|%%G|%%u|%%g' -- "$n" 2>/dev/null || echo -; done
else
  tar --version 2>/dev/null | grep -q GNU || fail %s
  case $kind in gz) z=-z;; bz2) z=-j;; xz) z=-J;; zst) z=--zstd;; *) z=;; esac
  l=$(tar --list $z %s -f "$src" %s 2>&1) || fail "Command \"tar\" could not handle archive: Unable to list files in the archive: $l"
  %s; printf '%%s\n' "$l"
  %s; tar --diff $z %s -f "$src" %s 2>&1
%s  true
fi
`, section("kind"), section("uid"), section("dest"),
		Quote(fmt.Sprintf("Failed to find handler for \"%s\". Make sure the required command to extract the file is installed.\nUnable to find required 'unzip' or 'zipinfo' binary in the path", u.Src)),
		section("zip"), section("tz"), section("stat"),
		Quote(fmt.Sprintf("Failed to find handler for \"%s\". Make sure the required command to extract the file is installed.\nGNU tar required.", u.Src)),
		u.tarOpts(false), joinQuoted(u.Include), section("list"),
		section("diff"), u.tarOpts(true), joinQuoted(u.Include), u.attrStatScript())
	return b.String()
}

// isURL says whether src is a URL for the host to download.
func (u *Unarchive) isURL() bool { return strings.Contains(u.Src, "://") }

// download is the request for a URL src.
func (u *Unarchive) download() *httpRequest {
	return &httpRequest{URL: u.Src, Headers: map[string]string{}, Timeout: 10, WgetFallback: true,
		Insecure: u.ValidateCerts != nil && !*u.ValidateCerts}
}

// downloadScript downloads a URL src into a temporary file "$src" removed on exit (curl's
// config on standard input); a failing server calls the script's fail function with
// Ansible's message.
func (u *Unarchive) downloadScript() string {
	return "url=" + Quote(u.Src) + "\nsrc=$(mktemp) && hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$src\" \"$hdrs\"' EXIT\nbody=$src\n" +
		u.download().script() +
		`case $st in 2*) ;; *) fail "Failure downloading $url, HTTP Error ${st%% *}: $(sed -n 's/^HTTP\/[^ ]* [0-9]* *//p' "$hdrs" | tail -n 1 | tr -d '\r')";; esac` + "\n"
}

// tarOpts are the options tar --list, --diff and --extract share, quoted.
func (u *Unarchive) tarOpts(attrs bool) string { return joinQuoted(u.tarArgs(attrs)) }

// tarArgs are the options tar --list, --diff and --extract share.
func (u *Unarchive) tarArgs(attrs bool) []string {
	var o []string
	if len(u.ExtraOpts) > 0 {
		o = append(o, "--show-transformed-names")
		o = append(o, u.ExtraOpts...)
	}
	if attrs && u.Owner != "" {
		o = append(o, "--owner="+u.Owner)
	}
	if attrs && u.Group != "" {
		o = append(o, "--group="+u.Group)
	}
	if attrs && u.KeepNewer {
		o = append(o, "--keep-newer-files")
	}
	for _, e := range u.Exclude {
		o = append(o, "--exclude="+e)
	}
	return o
}

// attrStatScript stats each listed file when attributes are asked, to fix
// them even when nothing needs unpacking.
func (u *Unarchive) attrStatScript() string {
	if !u.Mode.IsSet() && u.Owner == "" && u.Group == "" {
		return ""
	}
	return "  " + section("attrs") + "; tar --list $z " + u.tarOpts(false) + " -f \"$src\" " + joinQuoted(u.Include) +
		" | while IFS= read -r n; do printf '%s|' \"$n\"; stat -c '%F|%s|%Y|%a|%U|%G|%u|%g' -- \"$n\" 2>/dev/null || echo -; done\n"
}

// plan decides from the observation whether to unpack and what to fix.
func (u *Unarchive) plan(obs Sections, src string, data []byte) (*Plan, error) {
	if obs.Has("fail") {
		return nil, Failf("%s", strings.TrimSuffix(obs["fail"], "\n"))
	}
	if obs.Has("created") {
		return &Plan{Msg: fmt.Sprintf("skipped, since %s exists", u.Creates), Result: map[string]any{"skipped": true}}, nil
	}
	kind := obs.Line("kind")
	p := &Plan{Result: map[string]any{"handler": handlers[kind], "dest": u.Dest, "src": src}}
	if kind != "zip" {
		// Ansible's tar handlers refuse check mode, changes or not.
		p.SkipInCheck, p.SkipInCheckMsg = true, "remote module (ansible.legacy.unarchive) does not support check mode when using gtar"
	}
	addDestStat(p.Result, obs.Line("dest"))
	var files []string
	var entries []archiveEntry
	var diff string
	var err error
	if kind == "zip" {
		entries, err = parseZipListing(obs["zip"], obs.Line("tz"), obs["stat"])
		if err != nil {
			return nil, err
		}
		diff = zipDiff(entries, u.Mode.IsSet())
		for _, e := range entries {
			files = append(files, e.name)
		}
	} else {
		files = nonEmptyLines(obs["list"])
		diff = tarDiff(obs["diff"], obs.Line("uid") == "0", u.FileAttrs)
		entries, err = parseStatLines(obs["attrs"])
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, Failf("Failed to find handler for \"%s\". Make sure the required command to extract the file is installed.\nCommand \"tar\" found no files in archive. Empty archive files are not supported.", src)
	}
	if u.ListFiles {
		p.Result["files"] = files
	}
	attrs, err := u.attrScript(entries, diff != "")
	if err != nil {
		return nil, err
	}
	if diff != "" {
		p.Diffs = []Diff{{Prepared: diff}}
		step, args := u.extractStep(kind, data)
		p.Steps = append(p.Steps, step)
		p.Finish = u.finish(src, args)
	}
	if attrs != "" {
		p.Steps = append(p.Steps, Step{Script: attrs})
	}
	return p, nil
}

// extractStep unpacks the archive (sent on standard input, or on the
// host). It prints the archive's path first, for extract_results.
func (u *Unarchive) extractStep(kind string, data []byte) (Step, []string) {
	var b strings.Builder
	fmt.Fprintf(&b, "export LC_ALL=C\ncd %s || exit 1\nsrc=%s\n", Quote(u.Dest), Quote(u.Src))
	stdin := data
	switch {
	case data != nil:
		b.WriteString("src=$(mktemp) || exit 1\ntrap 'rm -f -- \"$src\"' EXIT\ncat > \"$src\" || exit 1\n")
	case u.isURL():
		b.WriteString("fail() { printf '%s\\n' \"$1\" >&2; exit 1; }\n" + u.downloadScript())
		stdin = u.download().stdin()
	}
	const srcArg = "\x00src" // stands for the archive's path on the host
	var args []string
	if kind == "zip" {
		args = append(append([]string{"unzip", "-o"}, u.ExtraOpts...), srcArg)
		if len(u.Exclude) > 0 {
			args = append(append(args, "-x"), u.Exclude...)
		}
		args = append(append(args, "-d", u.Dest), u.Include...)
	} else {
		args = []string{"tar", "--extract", "-C", u.Dest}
		if f := tarFlags[kind]; f != "" {
			args = append(args, f)
		}
		args = append(append(append(args, u.tarArgs(true)...), "-f", srcArg), u.Include...)
	}
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = Quote(a)
		if a == srcArg {
			words[i] = `"$src"`
		}
	}
	fmt.Fprintf(&b, "printf '%%s\\n' \"$src\"\n%s\n", strings.Join(words, " "))
	return Step{Script: b.String(), Stdin: stdin}, args
}

// finish returns extract_results, failing like Ansible when unpacking did.
func (u *Unarchive) finish(src string, args []string) func([]connection.Result) (map[string]any, error) {
	return func(out []connection.Result) (map[string]any, error) {
		path, rest, _ := strings.Cut(string(out[0].Stdout), "\n")
		cmd := make([]any, len(args))
		for i, a := range args {
			cmd[i] = strings.ReplaceAll(a, "\x00src", path)
		}
		res := map[string]any{"extract_results": map[string]any{"cmd": cmd, "rc": out[0].RC, "out": rest, "err": string(out[0].Stderr)}}
		if out[0].RC != 0 {
			return nil, &Failure{Msg: fmt.Sprintf("failed to unpack %s to %s", src, u.Dest), Result: res}
		}
		for _, o := range out[1:] {
			if o.RC != 0 {
				return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: res}
			}
		}
		return res, nil
	}
}

// attrScript fixes mode, owner and group of every file in the archive and
// of the top folders. After unpacking (unpacked) it applies them all; else
// only where the observed files differ.
func (u *Unarchive) attrScript(entries []archiveEntry, unpacked bool) (string, error) {
	if !u.Mode.IsSet() && u.Owner == "" && u.Group == "" {
		return "", nil
	}
	byName := map[string]archiveEntry{}
	var names []string
	for _, e := range entries {
		name := strings.TrimSuffix(e.name, "/")
		if _, dup := byName[name]; !dup {
			names = append(names, name)
		}
		byName[name] = e
	}
	for _, name := range names {
		if top, _, ok := strings.Cut(name, "/"); ok {
			if _, seen := byName[top]; !seen {
				names = append(names, top)
				byName[top] = archiveEntry{typ: "directory"}
			}
		}
	}
	var cmds []string
	for _, name := range names {
		e := byName[name]
		st := FileState{Path: path.Join(u.Dest, name), Exists: true, Type: e.typ, Mode: e.mode, Owner: e.owner, Group: e.group, UID: e.uid, GID: e.gid}
		attrs, chmod := u.FileAttrs, ""
		if unpacked || !e.stat {
			st = FileState{Path: st.Path, Exists: true, Type: e.typ, Mode: 0o10000, UID: -1, GID: -1}
			// The mode tar gives is not known here: chmod applies a symbolic mode to it (after
			// chown, which may clear setuid bits).
			if attrs.Mode.Symbolic() {
				attrs.Mode, chmod = Mode{}, "chmod -- "+Quote(u.Mode.String())+" "+Quote(st.Path)
			}
		}
		ap, err := attrs.plan(&st)
		if err != nil {
			return "", err
		}
		for _, s := range []string{ap.script(false), chmod} {
			if s != "" {
				cmds = append(cmds, s)
			}
		}
	}
	return strings.Join(cmds, " &&\n"), nil
}

// tarDiff keeps the lines of tar --diff that mean the directory differs,
// as Ansible's TgzArchive.is_unarchived filters them.
func tarDiff(out string, root bool, attrs FileAttrs) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		keep := false
		switch {
		case strings.HasSuffix(l, ": : Warning: Cannot stat: No such file or directory"):
		case strings.HasSuffix(l, ": Uid differs"):
			keep = root && attrs.Owner == ""
		case strings.HasSuffix(l, ": Gid differs"):
			keep = root && attrs.Group == ""
		case strings.HasSuffix(l, ": Mode differs"):
			keep = !attrs.Mode.IsSet()
		case strings.HasSuffix(l, ": Mod time differs"), strings.HasSuffix(l, ": Warning: Cannot stat: No such file or directory"),
			strings.Contains(l, ": Invalid owner"), strings.Contains(l, ": Invalid group"), strings.HasSuffix(l, ": Size differs"),
			strings.HasSuffix(l, ": Contents differ"), strings.HasSuffix(l, ": File type differs"):
			keep = true
		}
		if keep {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
