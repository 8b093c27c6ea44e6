package modules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// archiveEntry is one name in an archive with what the host has at it.
type archiveEntry struct {
	name string
	typ  string // "file", "directory", "link" or "other"
	// stat says whether dest holds the name; the fields below are its.
	stat         bool
	mode         uint32
	owner, group string
	uid, gid     int
	size, mtime  int64
	// The zip listing's size, time (Unix) and mode.
	zsize, zmtime int64
	zmode         uint32
}

// parseStatLines reads "name|%F|%s|%Y|%a|%U|%G|%u|%g" or "name|-" lines.
func parseStatLines(text string) ([]archiveEntry, error) {
	var out []archiveEntry
	for _, l := range nonEmptyLines(text) {
		if name, ok := strings.CutSuffix(l, "|-"); ok {
			typ := "file"
			if strings.HasSuffix(name, "/") {
				typ = "directory"
			}
			out = append(out, archiveEntry{name: name, typ: typ})
			continue
		}
		f := strings.Split(l, "|")
		if len(f) < 9 {
			return nil, fmt.Errorf("unexpected stat output %q", l)
		}
		f = append([]string{strings.Join(f[:len(f)-8], "|")}, f[len(f)-8:]...)
		size, err1 := strconv.ParseInt(f[2], 10, 64)
		mtime, err2 := strconv.ParseInt(f[3], 10, 64)
		mode, err3 := strconv.ParseUint(f[4], 8, 32)
		uid, err4 := strconv.Atoi(f[7])
		gid, err5 := strconv.Atoi(f[8])
		if err := firstErr(err1, err2, err3, err4, err5); err != nil {
			return nil, fmt.Errorf("unexpected stat output %q: %w", l, err)
		}
		out = append(out, archiveEntry{name: f[0], typ: statType(f[1]), stat: true, size: size, mtime: mtime,
			mode: uint32(mode), owner: f[5], group: f[6], uid: uid, gid: gid})
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parseZipListing joins zipinfo -T's lines ("-rw-r--r--  3.0 unx  12 tx
// stor 20231123.131500 name") with the host's stat lines; tz is the host's
// offset (+0100): zip times are local.
func parseZipListing(listing, tz, stats string) ([]archiveEntry, error) {
	entries, err := parseStatLines(stats)
	if err != nil {
		return nil, err
	}
	byName := map[string]*archiveEntry{}
	for i := range entries {
		byName[entries[i].name] = &entries[i]
	}
	zone, err := time.Parse("-0700", tz)
	if err != nil {
		return nil, fmt.Errorf("unexpected time zone offset %q", tz)
	}
	for _, l := range nonEmptyLines(listing) {
		f := strings.Fields(l)
		if len(f) < 8 || len(f[0]) != 10 {
			continue // a header or trailer line
		}
		// The name is what follows the seventh field, spaces and all.
		rest := l
		for i := 0; i < 7; i++ {
			rest = strings.TrimLeft(rest, " ")
			rest = rest[strings.IndexByte(rest, ' '):]
		}
		name := strings.TrimLeft(rest, " ")
		e := byName[name]
		if e == nil {
			continue
		}
		e.zsize, _ = strconv.ParseInt(f[3], 10, 64)
		if t, err := time.ParseInLocation("20060102.150405", f[6], zone.Location()); err == nil {
			e.zmtime = t.Unix()
		}
		e.zmode = lsModeBits(f[0])
		if f[0][0] == 'd' {
			e.typ = "directory"
		}
	}
	return entries, nil
}

// lsModeBits reads "-rwxr-xr-x" (with s/S/t/T) as a mode.
func lsModeBits(s string) uint32 {
	if len(s) < 10 {
		return 0
	}
	var m uint32
	for i, c := range s[1:10] {
		bit := uint32(1) << (8 - i)
		switch c {
		case 'r', 'w', 'x', 's', 't':
			m |= bit
		}
		if c == 's' || c == 'S' || c == 't' || c == 'T' {
			m |= map[int]uint32{2: 0o4000, 5: 0o2000, 8: 0o1000}[i]
		}
	}
	return m
}

// zipDiff lists, in rsync's itemized style as Ansible's ZipArchive does,
// the entries missing from dest or differing in type, size, time or mode.
func zipDiff(entries []archiveEntry, modeSet bool) string {
	var b strings.Builder
	for _, e := range entries {
		code := ">f"
		if e.typ == "directory" {
			code = ">d"
		}
		switch {
		case !e.stat:
			fmt.Fprintf(&b, "%s++++++.?? %s\n", code, e.name)
		case e.typ != "directory" && (e.size != e.zsize || e.mtime != e.zmtime):
			fmt.Fprintf(&b, "%s.st......? %s\n", code, e.name)
		case !modeSet && e.zmode != 0 && e.mode != e.zmode&0o7777:
			fmt.Fprintf(&b, "%s...p.... %s\n", code, e.name)
		}
	}
	return b.String()
}

// addDestStat adds dest's "%a|%U|%G|%u|%g|%s" to the result, as Ansible
// adds the path's information.
func addDestStat(res map[string]any, line string) {
	f := strings.Split(line, "|")
	if len(f) != 6 {
		return
	}
	uid, _ := strconv.Atoi(f[3])
	gid, _ := strconv.Atoi(f[4])
	size, _ := strconv.ParseInt(f[5], 10, 64)
	mode, _ := strconv.ParseUint(f[0], 8, 32)
	res["mode"], res["owner"], res["group"], res["uid"], res["gid"], res["size"], res["state"] =
		FormatMode(uint32(mode)), f[1], f[2], uid, gid, size, "directory"
}
