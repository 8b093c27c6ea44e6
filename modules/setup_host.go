package modules

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// cmdlineFacts parses /proc/cmdline as Ansible does (shlex without POSIX
// rules): cmdline keeps the last value of a key, proc_cmdline a list of
// them all.
func cmdlineFacts(sec map[string]string, facts map[string]any) {
	line := strings.TrimSpace(sec["cmdline"])
	if line == "" {
		return
	}
	cmdline, proc := map[string]any{}, map[string]any{}
	for _, word := range nonPosixWords(line) {
		k, v, ok := strings.Cut(word, "=")
		if !ok {
			cmdline[k], proc[k] = true, true
			continue
		}
		cmdline[k] = v
		switch prev := proc[k].(type) {
		case []any:
			proc[k] = append(prev, v)
		case string:
			proc[k] = []any{prev, v}
		default:
			proc[k] = v
		}
	}
	facts["cmdline"], facts["proc_cmdline"] = cmdline, proc
}

// nonPosixWords splits like Python's shlex.split(s, posix=False): a word
// starting with a quote runs to the matching quote, quotes kept; an
// unclosed quote gives no words at all (Ansible then reports {}).
func nonPosixWords(s string) []string {
	var words []string
	for s = strings.TrimLeft(s, " \t\n"); s != ""; s = strings.TrimLeft(s, " \t\n") {
		end := strings.IndexAny(s, " \t\n")
		if q := s[0]; q == '"' || q == '\'' {
			i := strings.IndexByte(s[1:], q)
			if i < 0 {
				return nil
			}
			end = i + 2
		}
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
	return words
}

// chrootFacts compares / with PID 1's root ("dev ino" lines); without
// access to PID 1 it checks the root inode is the file system's first
// one, as Ansible does (the script then prints the fs type instead).
func chrootFacts(sec map[string]string, facts map[string]any) {
	lines := strings.Split(strings.TrimSpace(sec["chroot"]), "\n")
	if len(lines) < 2 || lines[0] == "" {
		return
	}
	if len(strings.Fields(lines[1])) == 2 {
		facts["is_chroot"] = lines[0] != lines[1]
		return
	}
	ino := "2"
	switch {
	case strings.Contains(lines[1], "btrfs"):
		ino = "256"
	case strings.Contains(lines[1], "xfs"):
		ino = "128"
	}
	f := strings.Fields(lines[0])
	facts["is_chroot"] = len(f) == 2 && f[1] != ino
}

// sshKeyFacts reads "dir algo key-line" lines: Ansible takes each key from
// the first directory, stopping at the first key it already has.
func sshKeyFacts(sec map[string]string, facts map[string]any) {
	for _, line := range strings.Split(sec["ssh-keys"], "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		name := "ssh_host_key_" + f[1] + "_public"
		if _, seen := facts[name]; seen {
			return
		}
		if len(f) >= 4 {
			facts[name], facts[name+"_keytype"] = f[3], f[2]
		}
	}
}

// dmiNames maps /sys/devices/virtual/dmi/id files to Ansible's facts.
var dmiNames = map[string]string{
	"bios_date": "bios_date", "bios_vendor": "bios_vendor", "bios_version": "bios_version",
	"board_asset_tag": "board_asset_tag", "board_name": "board_name", "board_serial": "board_serial",
	"board_vendor": "board_vendor", "board_version": "board_version", "chassis_asset_tag": "chassis_asset_tag",
	"chassis_serial": "chassis_serial", "chassis_vendor": "chassis_vendor", "chassis_version": "chassis_version",
	"chassis_type": "form_factor", "product_name": "product_name", "product_serial": "product_serial",
	"product_uuid": "product_uuid", "product_version": "product_version", "sys_vendor": "system_vendor",
}

// formFactors are SMBIOS chassis types, indexed by number.
var formFactors = []string{"Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
	"Portable", "Laptop", "Notebook", "Hand Held", "Docking Station", "All In One", "Sub Notebook", "Space-saving", "Lunch Box",
	"Main Server Chassis", "Expansion Chassis", "Sub Chassis", "Bus Expansion Chassis", "Peripheral Chassis", "RAID Chassis",
	"Rack Mount Chassis", "Sealed-case PC", "Multi-system", "CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure",
	"Tablet", "Convertible", "Detachable", "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC"}

// dmiFacts reads the "file=value" lines; what is unreadable or empty
// (serials need root) is "NA", like every fact without DMI in /sys.
func dmiFacts(sec map[string]string, facts map[string]any) {
	dmi := keyValues(sec["dmi"])
	for file, name := range dmiNames {
		v := dmi[file]
		switch {
		case v == "":
			v = "NA"
		case name == "form_factor":
			if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < len(formFactors) {
				v = formFactors[n]
			} else {
				v = "unknown (" + v + ")"
			}
		}
		facts[name] = v
	}
}

// keyValues reads "key=value" lines.
func keyValues(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// pythonFacts reads the host's python3 (executable, version_info words,
// implementation, "sslcontext" when ssl has it); no python3, no facts.
func pythonFacts(sec map[string]string, facts map[string]any) {
	lines := strings.Split(strings.TrimSpace(sec["python"]), "\n")
	if len(lines) < 3 {
		return
	}
	v := strings.Fields(lines[1])
	if len(v) != 5 {
		return
	}
	info := make([]any, 5)
	for i, s := range v {
		info[i] = s
		if n, err := strconv.Atoi(s); err == nil {
			info[i] = n
		}
	}
	facts["python"] = map[string]any{
		"executable": lines[0], "type": lines[2], "version_info": info,
		"version":        map[string]any{"major": info[0], "minor": info[1], "micro": info[2], "releaselevel": info[3], "serial": info[4]},
		"has_sslcontext": slices.Contains(lines, "sslcontext"),
	}
	facts["python_version"] = v[0] + "." + v[1] + "." + v[2]
}

// capsFacts reads `capsh --print` (then "rc=N") like Ansible: N/A
// without capsh, the Current: set otherwise.
func capsFacts(sec map[string]string, facts map[string]any) {
	facts["system_capabilities"], facts["system_capabilities_enforced"] = "N/A", "N/A"
	out := sec["caps"]
	if !strings.Contains(out, "rc=0\n") {
		return
	}
	caps, enforced := []any{}, "NA"
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "Current:")
		if !ok {
			continue
		}
		if strings.TrimSpace(rest) == "=ep" {
			enforced = "False"
			continue
		}
		enforced, caps = "True", []any{}
		if _, after, ok := strings.Cut(line, "="); ok {
			for _, c := range strings.Split(strings.SplitN(after, "=", 2)[0], ",") {
				caps = append(caps, strings.TrimSpace(c))
			}
		}
	}
	facts["system_capabilities"], facts["system_capabilities_enforced"] = caps, enforced
}

// initiatorFacts reads the storage initiator names: the iSCSI IQN, the
// NVMe host NQN and the Fibre Channel WWNs.
func initiatorFacts(section, name string) func(map[string]string, map[string]any) {
	return func(sec map[string]string, facts map[string]any) {
		var wwns []any
		facts[name] = ""
		for _, line := range strings.Split(sec[section], "\n") {
			switch {
			case section == "fc" && line != "":
				wwns = append(wwns, strings.TrimPrefix(strings.TrimRight(line, " \t\r"), "0x"))
			case strings.HasPrefix(line, "InitiatorName=") && section == "iscsi":
				facts[name] = strings.TrimPrefix(line, "InitiatorName=")
				return
			case strings.HasPrefix(line, "nqn.") && section == "nvme":
				facts[name] = line
				return
			}
		}
		if section == "fc" {
			facts[name] = append([]any{}, wwns...)
		}
	}
}

// containerRules is how many of guestRules (the first) are container
// clues that decide virtualization_type before /run/systemd/container.
const containerRules = 6

// guestRules are Ansible's guest technology clues, in its order: a regexp
// over a section of the script's output.
var guestRules = []struct {
	section string
	re      *regexp.Regexp
	tech    string
}{
	{"cgroup1", regexp.MustCompile(`/docker(/|-[0-9a-f]+\.scope)`), "docker"},
	{"cgroup1", regexp.MustCompile(`/lxc/|/machine\.slice/machine-lxc`), "lxc"},
	{"cgroup1", regexp.MustCompile(`/system\.slice/containerd\.service`), "containerd"},
	{"environ1", regexp.MustCompile(`container=lxc`), "lxc"},
	{"environ1", regexp.MustCompile(`container=podman`), "podman"},
	{"environ1", regexp.MustCompile(`(?m)^container=.`), "container"},
	{"virt-files", regexp.MustCompile(`(?m)^/\.docker(env|init)$`), "docker"},
	{"dmi", regexp.MustCompile(`(?m)^product_name=(KVM|KVM Server|Bochs|AHV)$|^(bios_vendor=(Amazon EC2|DigitalOcean|Hetzner)|sys_vendor=(QEMU|Amazon EC2|DigitalOcean|Google|Scaleway|Nutanix))$`), "kvm"},
	{"dmi", regexp.MustCompile(`(?m)^product_name=VMware(7,1| Virtual Platform)$`), "VMware"},
	{"dmi", regexp.MustCompile(`(?m)^product_name=OpenStack (Compute|Nova)$|^sys_vendor=OpenStack Foundation$`), "openstack"},
	{"dmi", regexp.MustCompile(`(?m)^bios_vendor=Xen$`), "xen"},
	{"dmi", regexp.MustCompile(`(?m)^bios_vendor=innotek GmbH$`), "virtualbox"},
	{"dmi", regexp.MustCompile(`(?m)^sys_vendor=KubeVirt$`), "KubeVirt"},
	{"dmi", regexp.MustCompile(`(?m)^sys_vendor=Microsoft Corporation$`), "VirtualPC"},
	{"dmi", regexp.MustCompile(`(?m)^sys_vendor=Parallels Software International Inc\.$`), "parallels"},
	{"cpuinfo", regexp.MustCompile(`(?m)^model name.*QEMU Virtual CPU`), "kvm"},
	{"cpuinfo", regexp.MustCompile(`(?m)^vendor_id.*User Mode Linux|^model name.*UML`), "uml"},
}

// containerType is the first container clue in Ansible's order (PID 1's
// cgroup, its environment, /run/systemd/container, /.dockerenv): an
// nspawn host is "container", as Ansible says, where systemd-detect-virt
// would say "systemd-nspawn".
func containerType(sec map[string]string) string {
	for _, r := range guestRules[:containerRules] {
		if r.re.MatchString(sec[r.section]) {
			return r.tech
		}
	}
	if c := keyValues(sec["virt-files"])["systemd-container"]; c != "" {
		return c
	}
	if guestRules[containerRules].re.MatchString(sec["virt-files"]) {
		return "docker"
	}
	return ""
}

// virtualizationTech gives virtualization_tech_guest and _host, sorted
// (Ansible's are sets: their order varies from run to run).
func virtualizationTech(sec map[string]string) (guest, host []any) {
	g, h := map[string]bool{}, map[string]bool{}
	for _, r := range guestRules {
		if r.re.MatchString(sec[r.section]) {
			g[r.tech] = true
		}
	}
	files := strings.Fields(sec["virt-files"])
	if slices.Contains(files, "/proc/vz") && !slices.Contains(files, "/proc/lve") {
		if slices.Contains(files, "/proc/bc") {
			h["openvz"] = true
		} else {
			g["openvz"] = true
		}
	}
	if slices.Contains(files, "/dev/kvm") {
		h["kvm"] = true
	}
	if slices.Contains(files, "/proc/xen") {
		if strings.Contains(sec["virt-files"], "control_d") {
			h["xen"] = true
		} else {
			g["xen"] = true
		}
	}
	if c := keyValues(sec["virt-files"])["systemd-container"]; c != "" {
		g[c], g["container"] = true, true
	}
	if g["docker"] || g["lxc"] || g["podman"] || g["openvz"] || g["containerd"] {
		g["container"] = true
	}
	for _, line := range strings.Split(sec["kmods"], "\n") {
		switch mod, _, _ := strings.Cut(line, " "); mod {
		case "kvm", "virtio":
			h["kvm"] = true
		case "vboxdrv":
			h["virtualbox"] = true
		}
	}
	return sortedKeys(g), sortedKeys(h)
}

func sortedKeys(set map[string]bool) []any {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// lvmFacts reads vgs, lvs and pvs (run only as root with LVM installed;
// otherwise "N/A", as Ansible says).
func lvmFacts(sec map[string]string, facts map[string]any) {
	if _, ok := sec["lvm-vgs"]; !ok {
		facts["lvm"] = "N/A"
		return
	}
	rows := func(name string, min int, add func(f []string)) {
		for _, line := range strings.Split(sec[name], "\n") {
			if f := strings.Split(strings.TrimSpace(line), ","); len(f) >= min {
				add(f)
			}
		}
	}
	vgs, lvs, pvs := map[string]any{}, map[string]any{}, map[string]any{}
	rows("lvm-vgs", 4, func(f []string) {
		vgs[f[0]] = map[string]any{"size_g": f[len(f)-2], "free_g": f[len(f)-1], "num_lvs": f[2], "num_pvs": f[1]}
	})
	rows("lvm-lvs", 4, func(f []string) { lvs[f[0]] = map[string]any{"size_g": f[3], "vg": f[1]} })
	rows("lvm-pvs", 6, func(f []string) { pvs[f[0]] = map[string]any{"size_g": f[4], "free_g": f[5], "vg": f[1]} })
	facts["lvm"] = map[string]any{"vgs": vgs, "lvs": lvs, "pvs": pvs}
}
