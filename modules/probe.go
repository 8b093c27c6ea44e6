package modules

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Probe says what to observe about one path on the host.
type Probe struct {
	Path     string
	Follow   bool // stat what a symlink points to
	Checksum bool // sha1 of a regular file
	// Algorithm names another checksum than sha1 (md5, sha256...).
	Algorithm string
	Content   bool // the bytes of a regular file
	Tree      bool // every entry below a directory (recurse)
}

// FileState is what the probe saw at one path.
type FileState struct {
	Path   string
	Exists bool
	// Type is "file", "directory", "link" or "other" (fifo, socket, device).
	Type string
	// RawType is stat's name for it: "fifo", "socket", "block special file"...
	RawType      string
	Mode         uint32 // permission bits, 07777
	UID, GID     int
	Owner, Group string
	Size         int64
	Mtime, Atime int64
	Nlink        int
	Inode        string // "dev:ino", to recognise hard links
	LinkTarget   string // readlink, for symlinks
	RealPath     string // readlink -f
	Checksum     string // sha1, when asked (or when content was read)
	Content      []byte // when asked
	// Children are the entries below a directory when Tree was asked, with
	// Path relative to it and only Type, Mode, Owner, Group, UID and GID set.
	Children []FileState
}

// IsDir says whether the path is a directory.
func (s *FileState) IsDir() bool { return s.Type == "directory" }

// Probed is the outcome of one probe round trip.
type Probed struct {
	Files []FileState // in the order of the probes
	Umask uint32
	// User is who the scripts run as (Owner, Group, UID, GID set): the
	// owner of the files they create.
	User FileState
}

// statFormat is what stat prints for each path: "=" and the fields
// parseStat reads. Lines come out in the order of stat's arguments, which
// the script announces with "<index> Q" records (a FIFO), so one stat
// process serves every path; "-" is the user's record, from /proc/$$.
const statFormat = "= %F|%a|%u|%g|%U|%G|%s|%Y|%X|%h|%d:%i"

// probeScript returns one script that observes every path. Records are
// "<index> <tag> <value>" lines; content travels base64-encoded so that
// binary data survives. LC_ALL=C keeps stat's type names in English. It
// starts as few processes as it can (each costs the host about a
// millisecond): shell builtins decide which paths exist and which are links,
// one stat covers the user (/proc/$$, or `id` without /proc) and every path,
// a second `stat -L` only the links to follow; readlink runs for links only.
func probeScript(probes []Probe) string {
	var b strings.Builder
	b.WriteString("export LC_ALL=C\nprintf '%s' '- U '; umask\n")
	b.WriteString("if [ -d /proc/$$ ]; then set -- /proc/$$; echo '- Q'; else set --; printf '%s' '- I '; id || exit; fi\n")
	// followed is the test for a link that stat -L reads through.
	followed := func(q string) string { return "[ -L " + q + " ] && [ -e " + q + " ]" }
	for i, p := range probes {
		q := Quote(p.Path)
		queue := fmt.Sprintf("set -- \"$@\" %s; echo '%d Q'", q, i)
		if p.Follow {
			queue = fmt.Sprintf("%s || { %s; }", followed(q), queue)
		}
		fmt.Fprintf(&b, "if [ -e %s ] || [ -L %s ]; then %s; else echo '%d A'; fi\n", q, q, queue, i)
	}
	fmt.Fprintf(&b, "[ $# -eq 0 ] || stat -c '%s' -- \"$@\" || exit\n", statFormat)
	var follow []string
	for i, p := range probes {
		if p.Follow {
			q := Quote(p.Path)
			follow = append(follow, fmt.Sprintf("if %s; then set -- \"$@\" %s; echo '%d Q'; fi\n", followed(q), q, i))
		}
	}
	if len(follow) > 0 {
		b.WriteString("set --\n" + strings.Join(follow, ""))
		fmt.Fprintf(&b, "[ $# -eq 0 ] || stat -L -c '%s' -- \"$@\" || exit\n", statFormat)
	}
	for i, p := range probes {
		q := Quote(p.Path)
		fmt.Fprintf(&b, "if [ -L %s ]; then printf '%d L '; readlink -- %s || exit; printf '%d R '; readlink -f -- %s || echo; fi\n", q, i, q, i, q)
		if p.Checksum {
			alg := p.Algorithm
			if alg == "" {
				alg = "sha1"
			}
			fmt.Fprintf(&b, "if [ -f %s ]; then printf '%d H '; %s < %s || exit; fi\n", q, i, Quote(alg+"sum"), q)
		}
		if p.Content {
			fmt.Fprintf(&b, "if [ -f %s ]; then printf '%d B '; base64 -w0 < %s || exit; echo; fi\n", q, i, q)
		}
		if p.Tree {
			fmt.Fprintf(&b, "if [ -d %s ]; then find %s -mindepth 1 -printf %s || exit; fi\n", q, q, Quote(strconv.Itoa(i)+` T %y|%m|%u|%g|%U|%G|%P\n`))
		}
	}
	return b.String()
}

// ProbeFiles observes the paths with one round trip.
func ProbeFiles(ctx context.Context, host Host, probes ...Probe) (*Probed, error) {
	res, err := host.Run(ctx, probeScript(probes), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, fmt.Errorf("observing %s failed (rc %d): %s", probes[0].Path, res.RC, strings.TrimSpace(string(res.Stderr)))
	}
	return parseProbe(res.Stdout, probes)
}

// parseProbe reads the records the probe script printed.
func parseProbe(out []byte, probes []Probe) (*Probed, error) {
	pr := &Probed{Files: make([]FileState, len(probes))}
	for i, p := range probes {
		pr.Files[i].Path = p.Path
	}
	var queued []string // indexes waiting for their stat line, in order
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<30)
	for sc.Scan() {
		line := sc.Text()
		if val, ok := strings.CutPrefix(line, "= "); ok {
			if len(queued) == 0 {
				return nil, fmt.Errorf("probe: stat line %q for no path", line)
			}
			idx := queued[0]
			queued = queued[1:]
			if idx == "-" {
				var st FileState
				if err := st.parseStat(val); err != nil {
					return nil, err
				}
				pr.User = userFromStat(st)
				continue
			}
			i, _ := strconv.Atoi(idx)
			if err := pr.Files[i].parseStat(val); err != nil {
				return nil, err
			}
			continue
		}
		idx, rest, _ := strings.Cut(line, " ")
		tag, val, _ := strings.Cut(rest, " ")
		if tag == "Q" && (idx == "-" || validIndex(idx, len(probes))) {
			queued = append(queued, idx)
			continue
		}
		if idx == "-" && tag == "U" {
			u, err := strconv.ParseUint(val, 8, 32)
			if err != nil {
				return nil, fmt.Errorf("probe: bad umask %q", val)
			}
			pr.Umask = uint32(u)
			continue
		}
		if idx == "-" && tag == "I" {
			user, err := parseID(val)
			if err != nil {
				return nil, err
			}
			pr.User = user
			continue
		}
		if !validIndex(idx, len(probes)) {
			return nil, fmt.Errorf("probe: unexpected output line %q", line)
		}
		i, _ := strconv.Atoi(idx)
		st := &pr.Files[i]
		switch tag {
		case "A":
			st.Exists = false
		case "L":
			st.LinkTarget = val
		case "R":
			st.RealPath = val
		case "H":
			// "<hex>  -" as sha1sum prints it for standard input.
			st.Checksum, _, _ = strings.Cut(val, " ")
		case "B":
			data, err := base64.StdEncoding.DecodeString(val)
			if err != nil {
				return nil, fmt.Errorf("probe: content of %s: %w", st.Path, err)
			}
			st.Content = data
			st.Checksum = sha1Hex(data)
		case "T":
			child, err := parseTreeEntry(val)
			if err != nil {
				return nil, err
			}
			st.Children = append(st.Children, child)
		default:
			return nil, fmt.Errorf("probe: unexpected output line %q", line)
		}
	}
	if len(queued) > 0 {
		return nil, fmt.Errorf("probe: no stat line for %d path(s)", len(queued))
	}
	return pr, sc.Err()
}

func validIndex(idx string, n int) bool {
	i, err := strconv.Atoi(idx)
	return err == nil && i >= 0 && i < n
}

// userFromStat is who the probe ran as, from the stat of its own
// /proc/$$: the owner of the files it creates. stat names an id without a
// passwd or group entry UNKNOWN, where id prints the number.
func userFromStat(st FileState) FileState {
	u := FileState{UID: st.UID, Owner: st.Owner, GID: st.GID, Group: st.Group}
	if u.Owner == "UNKNOWN" {
		u.Owner = strconv.Itoa(u.UID)
	}
	if u.Group == "UNKNOWN" {
		u.Group = strconv.Itoa(u.GID)
	}
	return u
}

// idFields matches `id`'s "uid=0(root) gid=0(root) ..." (names are left
// out for ids without a passwd/group entry).
var idFields = regexp.MustCompile(`^uid=(\d+)(?:\(([^)]*)\))? gid=(\d+)(?:\(([^)]*)\))?`)

// parseID reads one `id` line: one process instead of four `id -X` calls.
func parseID(val string) (FileState, error) {
	m := idFields.FindStringSubmatch(val)
	if m == nil {
		return FileState{}, fmt.Errorf("probe: bad id output %q", val)
	}
	uid, _ := strconv.Atoi(m[1])
	gid, _ := strconv.Atoi(m[3])
	owner, group := m[2], m[4]
	if owner == "" {
		owner = m[1]
	}
	if group == "" {
		group = m[3]
	}
	return FileState{UID: uid, Owner: owner, GID: gid, Group: group}, nil
}

// parseStat reads statFormat's fields "%F|%a|%u|%g|%U|%G|%s|%Y|%X|%h|%d:%i".
func (s *FileState) parseStat(val string) error {
	f := strings.Split(val, "|")
	if len(f) != 11 {
		return fmt.Errorf("probe: unexpected stat output %q", val)
	}
	mode, err1 := strconv.ParseUint(f[1], 8, 32)
	uid, err2 := strconv.Atoi(f[2])
	gid, err3 := strconv.Atoi(f[3])
	size, err4 := strconv.ParseInt(f[6], 10, 64)
	mtime, err5 := strconv.ParseInt(f[7], 10, 64)
	atime, err6 := strconv.ParseInt(f[8], 10, 64)
	nlink, err7 := strconv.Atoi(f[9])
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if err != nil {
			return fmt.Errorf("probe: unexpected stat output %q: %w", val, err)
		}
	}
	*s = FileState{Path: s.Path, Exists: true, Type: statType(f[0]), RawType: f[0], Mode: uint32(mode),
		UID: uid, GID: gid, Owner: f[4], Group: f[5], Size: size, Mtime: mtime, Atime: atime,
		Nlink: nlink, Inode: f[10]}
	return nil
}

func statType(s string) string {
	switch s {
	case "regular file", "regular empty file":
		return "file"
	case "directory":
		return "directory"
	case "symbolic link":
		return "link"
	}
	return "other"
}

// parseTreeEntry reads find's "%y|%m|%u|%g|%U|%G|%P".
func parseTreeEntry(val string) (FileState, error) {
	f := strings.SplitN(val, "|", 7)
	if len(f) != 7 {
		return FileState{}, fmt.Errorf("probe: unexpected find output %q", val)
	}
	mode, err1 := strconv.ParseUint(f[1], 8, 32)
	uid, err2 := strconv.Atoi(f[4])
	gid, err3 := strconv.Atoi(f[5])
	if err1 != nil || err2 != nil || err3 != nil {
		return FileState{}, fmt.Errorf("probe: unexpected find output %q", val)
	}
	typ := map[string]string{"f": "file", "d": "directory", "l": "link"}[f[0]]
	if typ == "" {
		typ = "other"
	}
	return FileState{Path: f[6], Exists: true, Type: typ, Mode: uint32(mode), Owner: f[2], Group: f[3], UID: uid, GID: gid}, nil
}
