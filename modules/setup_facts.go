package modules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFacts turns FactsScript's output into Ansible's facts, named as
// they are inside ansible_facts (without the ansible_ prefix). Missing
// sections leave their facts out or at Ansible's defaults.
func ParseFacts(out []byte) map[string]any {
	sec := factSections(string(out))
	facts := map[string]any{}
	for _, c := range factCollectors {
		c.parse(sec, facts)
	}
	return facts
}

// factSections splits the output on its "@@name" lines. local (framed
// by byte counts) and env (the rest) are cut off first since their values
// may contain anything.
func factSections(out string) map[string]string {
	sec := map[string]string{}
	out = "\n" + out
	if i := strings.Index(out, "\n@@local\n"); i >= 0 {
		var rest string
		sec["local"], rest = cutLocalRecords(out[i+len("\n@@local\n"):])
		out = out[:i] + rest
	}
	if i := strings.Index(out, "\n@@env\n"); i >= 0 {
		sec["env"] = out[i+len("\n@@env\n"):]
		out = out[:i]
	}
	for _, part := range strings.Split(out, "\n@@")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sec[name] = body
	}
	return sec
}

func platformFacts(sec map[string]string, facts map[string]any) {
	u := strings.Split(sec["uname"], "\n")
	if len(u) < 5 {
		return
	}
	node := u[0]
	host, _, _ := strings.Cut(node, ".")
	facts["nodename"], facts["hostname"] = node, host
	facts["system"], facts["kernel"], facts["kernel_version"] = u[1], u[2], u[3]
	facts["machine"], facts["architecture"] = u[4], u[4]
	facts["fqdn"], facts["domain"] = fqdnOf(node, sec["fqdn"])
	// D-Bus's copy first, as Ansible reads it (they differ on hosts cloned
	// from one image)
	if id, _, _ := strings.Cut(strings.TrimSpace(sec["machine-id"]), "\n"); id != "" {
		facts["machine_id"] = id
	}
	if bits := strings.TrimSpace(sec["bits"]); bits != "" {
		facts["userspace_bits"] = bits
		if u[4] == "x86_64" {
			facts["userspace_architecture"] = map[string]string{"64": "x86_64", "32": "i386"}[bits]
		}
	}
}

// fqdnOf does what Python's socket.getfqdn does with the reverse lookup of
// the node name's address ("127.0.0.1 localhost vm"): the first name with
// a dot, else the first name, else the node name.
func fqdnOf(node, reverse string) (fqdn, domain string) {
	names := strings.Fields(strings.SplitN(reverse, "\n", 2)[0])
	fqdn = node
	if len(names) > 1 {
		fqdn = names[1]
		for _, n := range names[1:] {
			if strings.Contains(n, ".") {
				fqdn = n
				break
			}
		}
	}
	_, domain, _ = strings.Cut(fqdn, ".")
	return fqdn, domain
}

// distributionNames maps os-release IDs to Ansible's distribution names.
var distributionNames = map[string]string{
	"debian": "Debian", "ubuntu": "Ubuntu", "linuxmint": "Linux Mint", "raspbian": "Debian", "kali": "Kali", "devuan": "Devuan",
	"alpine": "Alpine", "rhel": "RedHat", "centos": "CentOS", "fedora": "Fedora", "rocky": "Rocky", "almalinux": "AlmaLinux",
	"ol": "OracleLinux", "amzn": "Amazon", "arch": "Archlinux", "sles": "SLES", "opensuse-leap": "openSUSE Leap",
	"opensuse-tumbleweed": "openSUSE Tumbleweed", "gentoo": "Gentoo",
}

// osFamilies maps distributions to Ansible's os_family.
var osFamilies = map[string]string{
	"Debian": "Debian", "Ubuntu": "Debian", "Linux Mint": "Debian", "Kali": "Debian", "Devuan": "Debian",
	"RedHat": "RedHat", "CentOS": "RedHat", "Fedora": "RedHat", "Rocky": "RedHat", "AlmaLinux": "RedHat",
	"OracleLinux": "RedHat", "Amazon": "RedHat", "Alpine": "Alpine", "Archlinux": "Archlinux",
	"SLES": "Suse", "openSUSE Leap": "Suse", "openSUSE Tumbleweed": "Suse", "Gentoo": "Gentoo",
}

func distributionFacts(sec map[string]string, facts map[string]any) {
	osr := shellAssignments(sec["os-release"])
	name, ok := distributionNames[osr["ID"]]
	if !ok {
		name = firstNonBlank(osr["NAME"], "NA")
	}
	version := osr["VERSION_ID"]
	switch name {
	case "Debian":
		// /etc/debian_version has the point release (12.11); testing says
		// "trixie/sid".
		if dv := strings.TrimSpace(sec["debian_version"]); dv != "" && dv[0] >= '0' && dv[0] <= '9' {
			version = dv
		}
	case "Alpine":
		version = firstNonBlank(strings.TrimSpace(sec["alpine-release"]), version)
	}
	version = firstNonBlank(version, "NA")
	release := osr["VERSION_CODENAME"]
	if release == "" && strings.Contains(osr["VERSION"], "(") {
		release = strings.TrimSuffix(strings.SplitN(osr["VERSION"], "(", 2)[1], ")")
	}
	family, ok := osFamilies[name]
	if !ok {
		family = likeFamily(osr["ID_LIKE"], name)
	}
	parts := strings.Split(version, ".")
	facts["distribution"], facts["os_family"] = name, family
	facts["distribution_version"], facts["distribution_major_version"] = version, parts[0]
	facts["distribution_release"] = firstNonBlank(release, "NA")
	if len(parts) > 1 {
		facts["distribution_minor_version"] = parts[1]
	}
	if file, ok := distributionFiles[family]; ok {
		facts["distribution_file_path"], facts["distribution_file_variety"], facts["distribution_file_parsed"] = file[0], file[1], true
	}
}

// distributionFiles are the release file and variety Ansible reports by
// os_family (distribution_file_path, distribution_file_variety).
var distributionFiles = map[string][2]string{
	"Debian": {"/etc/os-release", "Debian"}, "RedHat": {"/etc/redhat-release", "RedHat"}, "Alpine": {"/etc/alpine-release", "Alpine"},
	"Archlinux": {"/etc/arch-release", "Archlinux"}, "Suse": {"/etc/os-release", "SUSE"}, "Gentoo": {"/etc/gentoo-release", "Gentoo"},
}

// likeFamily guesses os_family from os-release's ID_LIKE.
func likeFamily(idLike, fallback string) string {
	for _, like := range strings.Fields(idLike) {
		switch like {
		case "debian", "ubuntu":
			return "Debian"
		case "rhel", "fedora", "centos":
			return "RedHat"
		case "suse":
			return "Suse"
		case "arch":
			return "Archlinux"
		}
	}
	return fallback
}

// lsbFacts reads /etc/lsb-release or `lsb_release -a`.
func lsbFacts(text string) map[string]any {
	lsb := map[string]any{}
	keys := map[string]string{"DISTRIB_ID": "id", "Distributor ID": "id", "DISTRIB_RELEASE": "release", "Release": "release",
		"DISTRIB_CODENAME": "codename", "Codename": "codename", "DISTRIB_DESCRIPTION": "description", "Description": "description"}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			k, v, ok = strings.Cut(line, ":")
		}
		if name, known := keys[strings.TrimSpace(k)]; ok && known {
			lsb[name] = unquoteShell(strings.TrimSpace(v))
		}
	}
	if r, ok := lsb["release"].(string); ok {
		lsb["major_release"], _, _ = strings.Cut(r, ".")
	}
	return lsb
}

func hardwareFacts(sec map[string]string, facts map[string]any) {
	var processor []any
	vcpus, cores, siblings := 0, 0, 0
	physical := map[string]bool{}
	for _, line := range strings.Split(sec["cpuinfo"], "\n") {
		k, v, _ := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			vcpus++
			processor = append(processor, v)
		case "vendor_id", "model name":
			processor = append(processor, v)
		case "physical id":
			physical[v] = true
		case "cpu cores":
			cores, _ = strconv.Atoi(v)
		case "siblings":
			siblings, _ = strconv.Atoi(v)
		}
	}
	if vcpus > 0 {
		sockets := max(len(physical), 1)
		cores = max(cores, 1)
		threads := max(siblings/cores, 1)
		facts["processor"], facts["processor_count"], facts["processor_cores"] = processor, sockets, cores
		facts["processor_threads_per_core"], facts["processor_vcpus"] = threads, threads*cores*sockets
		facts["processor_nproc"] = vcpus
	}
	if n, err := strconv.Atoi(strings.TrimSpace(sec["nproc"])); err == nil {
		facts["processor_nproc"] = n
	}
	memoryFacts(sec["meminfo"], facts)
	if up := strings.Fields(sec["uptime"]); len(up) > 0 {
		if f, err := strconv.ParseFloat(up[0], 64); err == nil {
			facts["uptime_seconds"] = int(f)
		}
	}
}

func loadavgFacts(sec map[string]string, facts map[string]any) {
	if la := strings.Fields(sec["loadavg"]); len(la) >= 3 {
		load := map[string]any{}
		for i, k := range []string{"1m", "5m", "15m"} {
			load[k], _ = strconv.ParseFloat(la[i], 64)
		}
		facts["loadavg"] = load
	}
}

// memoryFacts reads /proc/meminfo into the *_mb facts and memory_mb.
func memoryFacts(meminfo string, facts map[string]any) {
	mb := map[string]int{}
	for _, line := range strings.Split(meminfo, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if f := strings.Fields(v); ok && len(f) > 0 {
			kb, _ := strconv.Atoi(f[0])
			mb[k] = kb / 1024
		}
	}
	if _, ok := mb["MemTotal"]; !ok {
		return
	}
	total, free, swapTotal, swapFree := mb["MemTotal"], mb["MemFree"], mb["SwapTotal"], mb["SwapFree"]
	facts["memtotal_mb"], facts["memfree_mb"], facts["swaptotal_mb"], facts["swapfree_mb"] = total, free, swapTotal, swapFree
	nocacheFree := free + mb["Buffers"] + mb["Cached"]
	facts["memory_mb"] = map[string]any{
		"real":    map[string]any{"total": total, "free": free, "used": total - free},
		"nocache": map[string]any{"free": nocacheFree, "used": total - nocacheFree},
		"swap":    map[string]any{"total": swapTotal, "free": swapFree, "used": swapTotal - swapFree, "cached": mb["SwapCached"]},
	}
}

func userFacts(sec map[string]string, facts map[string]any) {
	ids := strings.Fields(sec["user"])
	if len(ids) < 5 {
		return
	}
	facts["user_id"] = ids[0]
	for i, k := range []string{"user_uid", "user_gid", "real_user_id", "real_group_id"} {
		facts[k], _ = strconv.Atoi(ids[i+1])
	}
	facts["effective_user_id"], facts["effective_group_id"] = facts["user_uid"], facts["user_gid"]
	// name:x:uid:gid:gecos:dir:shell
	if pw := strings.Split(strings.TrimSpace(sec["passwd"]), ":"); len(pw) == 7 {
		facts["user_gecos"], facts["user_dir"], facts["user_shell"] = pw[4], pw[5], pw[6]
	}
}

func dateFacts(sec map[string]string, facts map[string]any) {
	lines := strings.Split(sec["date"], "\n")
	f := strings.Fields(lines[0])
	if len(f) != 4 {
		return
	}
	secs, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return
	}
	nanos, _ := strconv.ParseInt(f[1], 10, 64) // 0 when date has no %N
	offset, err := time.Parse("-0700", f[3])
	if err != nil {
		return
	}
	_, off := offset.Zone()
	t := time.Unix(secs, nanos).In(time.FixedZone(f[2], off))
	utc := t.UTC()
	dst := f[2]
	if len(lines) > 1 && strings.TrimSpace(lines[1]) != "" {
		dst = strings.TrimSpace(lines[1])
	}
	facts["date_time"] = map[string]any{
		"year": t.Format("2006"), "month": t.Format("01"), "day": t.Format("02"),
		"hour": t.Format("15"), "minute": t.Format("04"), "second": t.Format("05"),
		"date": t.Format("2006-01-02"), "time": t.Format("15:04:05"),
		"epoch": f[0], "epoch_int": f[0],
		"iso8601":             utc.Format("2006-01-02T15:04:05Z"),
		"iso8601_micro":       utc.Format("2006-01-02T15:04:05.000000Z"),
		"iso8601_basic":       t.Format("20060102T150405") + fmt.Sprintf("%06d", t.Nanosecond()/1000),
		"iso8601_basic_short": t.Format("20060102T150405"),
		"tz":                  f[2], "tz_dst": dst, "tz_offset": f[3],
		"weekday":        t.Format("Monday"),
		"weekday_number": strconv.Itoa(int(t.Weekday())),
		"weeknumber":     mondayWeek(t),
	}
}

// mondayWeek is strftime's %W: the week of the year, weeks starting on
// Monday, days before the first Monday in week 0.
func mondayWeek(t time.Time) string {
	yday := t.YearDay() - 1
	wday := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return strconv.Itoa((yday + 7 - wday) / 7)
}

// shellAssignments reads KEY=value lines (os-release), unquoting values.
func shellAssignments(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && !strings.HasPrefix(k, "#") {
			m[k] = unquoteShell(v)
		}
	}
	return m
}

// unquoteShell removes one level of "..." or '...' quoting.
func unquoteShell(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '"' {
			v = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\$`, `$`, "\\`", "`").Replace(v)
		}
	}
	return v
}

func firstNonBlank(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
