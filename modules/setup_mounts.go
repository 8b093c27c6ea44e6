package modules

import (
	"regexp"
	"strconv"
	"strings"
)

// octalEscape is how /proc/mounts writes spaces and tabs (\040).
var octalEscape = regexp.MustCompile(`\\[0-7]{3}`)

// mountFacts builds Ansible's mounts list from the mount table, findmnt
// (bind mounts), lsblk (UUIDs) and `stat -f` (sizes): block devices and
// network file systems only, one entry per mount point (the last one
// mounted there, at the place of the first).
func mountFacts(sec map[string]string, facts map[string]any) {
	binds := map[string]bool{}
	for _, line := range strings.Split(sec["findmnt"], "\n") {
		if f := strings.Fields(line); len(f) >= 2 && strings.HasSuffix(f[1], "]") {
			binds[f[0]] = true
		}
	}
	uuids := map[string]string{}
	for _, line := range strings.Split(sec["lsblk"], "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			if _, seen := uuids[f[0]]; !seen {
				uuids[f[0]] = f[len(f)-1]
			}
		}
	}
	sizes := statfsSizes(sec["statfs"])
	mounts := []any{}
	index := map[string]int{}
	for _, line := range strings.Split(sec["mounts"], "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		for i := range f {
			f[i] = octalEscape.ReplaceAllStringFunc(f[i], func(e string) string {
				n, _ := strconv.ParseUint(e[1:], 8, 8)
				return string(rune(n))
			})
		}
		device, mount, fstype, options := f[0], f[1], f[2], f[3]
		if !strings.HasPrefix(device, "/") && !strings.HasPrefix(device, `\`) && !strings.Contains(device, ":/") || fstype == "none" {
			continue
		}
		if binds[mount] { // Ansible's check for "bind" already there never matches
			options += ",bind"
		}
		m := map[string]any{"mount": mount, "device": device, "fstype": fstype, "options": options, "uuid": firstNonBlank(uuids[device], "N/A")}
		for k, v := range sizes[mount] {
			m[k] = v
		}
		if i, ok := index[mount]; ok {
			mounts[i] = m
			continue
		}
		index[mount] = len(mounts)
		mounts = append(mounts, m)
	}
	facts["mounts"] = mounts
}

// statfsSizes reads `stat -f -c '%S %s %b %a %c %d %n'` lines into
// Ansible's statvfs keys, by mount point.
func statfsSizes(text string) map[string]map[string]any {
	sizes := map[string]map[string]any{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.SplitN(line, " ", 7)
		if len(f) < 7 {
			continue
		}
		n := make([]int, 6)
		ok := true
		for i := range n {
			v, err := strconv.Atoi(f[i])
			n[i], ok = v, ok && err == nil
		}
		if !ok {
			continue
		}
		frsize, bsize, blocks, avail, files, ffree := n[0], n[1], n[2], n[3], n[4], n[5]
		sizes[f[6]] = map[string]any{
			"size_total": frsize * blocks, "size_available": frsize * avail,
			"block_size": bsize, "block_total": blocks, "block_available": avail, "block_used": blocks - avail,
			"inode_total": files, "inode_available": ffree, "inode_used": files - ffree,
		}
	}
	return sizes
}
