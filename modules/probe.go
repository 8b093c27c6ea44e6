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

// probeFunc is the shell function every probe script starts with. Records
// are "<index> <tag> <value>" lines; content travels base64-encoded so that
// binary data survives. LC_ALL=C keeps stat's type names in English.
const probeFunc = `export LC_ALL=C
p() {
  i=$1 f=$2
  if [ ! -e "$f" ] && [ ! -L "$f" ]; then echo "$i A"; return; fi
  L=; case $3 in *f*) L=-L;; esac
  fmt="$i S %F|%a|%u|%g|%U|%G|%s|%Y|%X|%h|%d:%i"
  stat $L -c "$fmt" -- "$f" 2>/dev/null || stat -c "$fmt" -- "$f" || return
  if [ -L "$f" ]; then
    printf '%s L %s\n' "$i" "$(readlink -- "$f")"
    printf '%s R %s\n' "$i" "$(readlink -f -- "$f")"
  fi
  if [ -f "$f" ]; then
    case $3 in *c*) printf '%s H ' "$i"; "${4:-sha1}sum" < "$f" || return;; esac
    case $3 in *b*) printf '%s B ' "$i"; base64 -w0 < "$f" || return; echo;; esac
  fi
  case $3 in *t*) if [ -d "$f" ]; then find "$f" -mindepth 1 -printf "$i T %y|%m|%u|%g|%U|%G|%P\n"; fi;; esac
}
echo "- U $(umask)"
echo "- I $(id)"
`

// probeScript returns one script that observes every path.
func probeScript(probes []Probe) string {
	var b strings.Builder
	b.WriteString(probeFunc)
	for i, p := range probes {
		flags := "-"
		for _, f := range []struct {
			on bool
			c  string
		}{{p.Follow, "f"}, {p.Checksum, "c"}, {p.Content, "b"}, {p.Tree, "t"}} {
			if f.on {
				flags += f.c
			}
		}
		fmt.Fprintf(&b, "p %d %s %s %s || exit\n", i, Quote(p.Path), flags, Quote(p.Algorithm))
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
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<30)
	for sc.Scan() {
		idx, rest, _ := strings.Cut(sc.Text(), " ")
		tag, val, _ := strings.Cut(rest, " ")
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
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(probes) {
			return nil, fmt.Errorf("probe: unexpected output line %q", sc.Text())
		}
		st := &pr.Files[i]
		switch tag {
		case "A":
			st.Exists = false
		case "S":
			if err := st.parseStat(val); err != nil {
				return nil, err
			}
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
			return nil, fmt.Errorf("probe: unexpected output line %q", sc.Text())
		}
	}
	return pr, sc.Err()
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

// parseStat reads "%F|%a|%u|%g|%U|%G|%s|%Y|%X|%h|%d:%i".
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
