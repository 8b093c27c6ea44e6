package modules

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// findFormat is what find prints for each entry, NUL-terminated: its own
// type (%y, lstat), the type it points to (%Y, how os.walk sorts it), then
// the stat fields and the path last since it may hold anything but NUL.
const findFormat = `%y|%Y|%m|%U|%G|%u|%g|%s|%i|%D|%n|%A@|%T@|%C@|%d|%p\0`

// The output is NUL-terminated records; a record starting with \001 is a
// header "<index> <kind>[ <text>]" that says what the records after it are:
// T entries, C files whose content matches, S checksums, E find failed,
// X the path is not a directory; "- N <time>" is the host's clock.
const findHeader = "\x01"

// remoteShellPath is a path as a shell word, with a leading ~ expanded the
// way Python's expanduser does on the host.
func remoteShellPath(p string) string {
	if p == "~" {
		return `"$HOME"`
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return `"$HOME"/` + Quote(rest)
	}
	return Quote(p)
}

// script lists every path's entries with one find each, plus the matching
// files and the checksums when asked.
func (f *Find) script() string {
	var b strings.Builder
	b.WriteString("export LC_ALL=C\nprintf '\\001- N %s\\000' \"$(date +%s.%N)\"\n")
	find := "find -H \"$p\" -mindepth 1"
	if f.Follow {
		find = "find -L \"$p\" -mindepth 1"
	}
	switch {
	case !f.Recurse:
		find += " -maxdepth 1"
	case f.Depth > 0:
		find += " -maxdepth " + strconv.Itoa(f.Depth+1) // os.walk looks one level deeper
	}
	for i, p := range f.Paths {
		fmt.Fprintf(&b, "p=%s\nif [ -d \"$p\" ]; then\n", remoteShellPath(p))
		fmt.Fprintf(&b, "  printf '\\001%d T\\000'; %s -printf %s || printf '\\001%d E\\000'\n", i, find, Quote(findFormat), i)
		if f.Contains != nil && (f.FileType == "" || f.FileType == "file") {
			pat := *f.Contains
			zero := " -z" // the whole file is one record
			if !f.ReadWholeFile {
				pat, zero = "^(?:"+pat+")", ""
			}
			fmt.Fprintf(&b, "  printf '\\001%d C\\000'; %s -type f -exec grep -s -l -Z%s -P -e %s -- {} +\n", i, find, zero, Quote(pat))
		}
		if f.GetChecksum {
			fmt.Fprintf(&b, "  printf '\\001%d S\\000'; %s -type f -exec sha1sum -z -- {} + 2>/dev/null\n", i, find)
		}
		fmt.Fprintf(&b, "else printf '\\001%d X %%s\\000' \"'$p' is not a directory\"; fi\n", i)
	}
	b.WriteString("exit 0\n")
	return b.String()
}

// findOutput is what the script printed.
type findOutput struct {
	now   float64
	paths []findTree
}

// findTree is one searched path: its entries in find's order, or why it
// was skipped.
type findTree struct {
	err      string // "E" when find failed (its stderr says why)
	entries  []*findEntry
	contains map[string]bool   // raw path → content matched
	sums     map[string]string // raw path → sha1
}

// findEntry is one entry as find printed it.
type findEntry struct {
	raw                 string // the path as find printed it
	path                string // normalized, as Ansible returns it
	typ, target         byte   // %y and %Y
	mode                uint32
	uid, gid            int
	user, group         string
	size                int64
	inode, dev          uint64
	nlink               int
	atime, mtime, ctime float64
	depth               int
}

func (e *findEntry) name() string { return path.Base(e.path) }

// parseFindOutput reads the records of the script for n paths.
func parseFindOutput(out []byte, n int) (*findOutput, error) {
	fo := &findOutput{paths: make([]findTree, n)}
	var cur *findTree
	kind := ""
	for _, rec := range bytes.Split(out, []byte{0}) {
		r := string(rec)
		if h, ok := strings.CutPrefix(r, findHeader); ok {
			idx, rest, _ := strings.Cut(h, " ")
			k, text, _ := strings.Cut(rest, " ")
			if idx == "-" && k == "N" {
				fo.now, _ = strconv.ParseFloat(text, 64)
				continue
			}
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i >= n {
				return nil, fmt.Errorf("find: unexpected header %q", r)
			}
			cur, kind = &fo.paths[i], k
			switch k {
			case "E":
				cur.err = "E"
			case "X":
				cur.err = text
			case "C":
				cur.contains = map[string]bool{}
			case "S":
				cur.sums = map[string]string{}
			}
			continue
		}
		if r == "" {
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("find: output %q before any header", r)
		}
		switch kind {
		case "T":
			e, err := parseFindEntry(r)
			if err != nil {
				return nil, err
			}
			cur.entries = append(cur.entries, e)
		case "C":
			cur.contains[r] = true
		case "S":
			sum, name, ok := strings.Cut(r, "  ")
			if !ok {
				return nil, fmt.Errorf("find: unexpected sha1sum output %q", r)
			}
			cur.sums[name] = sum
		}
	}
	return fo, nil
}

// parseFindEntry reads one findFormat record.
func parseFindEntry(r string) (*findEntry, error) {
	f := strings.SplitN(r, "|", 16)
	if len(f) != 16 || len(f[0]) != 1 || len(f[1]) != 1 {
		return nil, fmt.Errorf("find: unexpected entry %q", r)
	}
	e := &findEntry{raw: f[15], path: path.Clean(f[15]), typ: f[0][0], target: f[1][0], user: f[5], group: f[6]}
	mode, err := strconv.ParseUint(f[2], 8, 32)
	e.mode = uint32(mode)
	ints := []struct {
		s   string
		dst *int
	}{{f[3], &e.uid}, {f[4], &e.gid}, {f[10], &e.nlink}, {f[14], &e.depth}}
	for _, x := range ints {
		if err == nil {
			*x.dst, err = strconv.Atoi(x.s)
		}
	}
	if err == nil {
		e.size, err = strconv.ParseInt(f[7], 10, 64)
	}
	if err == nil {
		e.inode, err = strconv.ParseUint(f[8], 10, 64)
	}
	if err == nil {
		e.dev, err = strconv.ParseUint(f[9], 10, 64)
	}
	for i, dst := range []*float64{&e.atime, &e.mtime, &e.ctime} {
		if err == nil {
			*dst, err = strconv.ParseFloat(f[11+i], 64)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("find: unexpected entry %q: %w", r, err)
	}
	// find prints the id of an owner without a name; Python gives "".
	if e.user == f[3] {
		e.user = ""
	}
	if e.group == f[4] {
		e.group = ""
	}
	return e, nil
}

// walkOrder puts the entries in os.walk's order: each directory's files,
// then its subdirectories, then the walk of each subdirectory in turn.
func (t *findTree) walkOrder() []*findEntry {
	children := map[string][]*findEntry{}
	var top string
	for _, e := range t.entries {
		dir := path.Dir(e.raw)
		if e.depth == 1 {
			top = dir
		}
		children[dir] = append(children[dir], e)
	}
	var out []*findEntry
	var walk func(dir string)
	walk = func(dir string) {
		var dirs []*findEntry
		for _, e := range children[dir] {
			if e.target == 'd' {
				dirs = append(dirs, e)
			} else {
				out = append(out, e)
			}
		}
		out = append(out, dirs...)
		for _, d := range dirs {
			walk(d.raw)
		}
	}
	walk(top)
	return out
}

// result is the entry's dict in Ansible's files list.
func (e *findEntry) result() map[string]any {
	m := e.mode
	return map[string]any{
		"path": e.path, "mode": FormatMode(m),
		"isdir": e.typ == 'd', "ischr": e.typ == 'c', "isblk": e.typ == 'b', "isreg": e.typ == 'f',
		"isfifo": e.typ == 'p', "islnk": e.typ == 'l', "issock": e.typ == 's',
		"uid": e.uid, "gid": e.gid, "size": e.size, "inode": e.inode, "dev": e.dev, "nlink": e.nlink,
		"atime": e.atime, "mtime": e.mtime, "ctime": e.ctime, "gr_name": e.group, "pw_name": e.user,
		"wusr": m&0o200 != 0, "rusr": m&0o400 != 0, "xusr": m&0o100 != 0,
		"wgrp": m&0o020 != 0, "rgrp": m&0o040 != 0, "xgrp": m&0o010 != 0,
		"woth": m&0o002 != 0, "roth": m&0o004 != 0, "xoth": m&0o001 != 0,
		"isuid": m&0o4000 != 0, "isgid": m&0o2000 != 0,
	}
}
