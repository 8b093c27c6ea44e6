package modules

import "strings"

// pkgManagers maps the first package tool found to Ansible's pkg_mgr.
var pkgManagers = map[string]string{"apt-get": "apt", "dnf": "dnf", "yum": "yum", "apk": "apk", "zypper": "zypper", "pacman": "pacman", "emerge": "portage"}

// virtNames maps systemd-detect-virt's names to Ansible's where they differ.
var virtNames = map[string]string{"oracle": "virtualbox", "vmware": "VMware", "microsoft": "VirtualPC", "qemu": "kvm", "rkt": "rkt"}

func pkgMgrFacts(sec map[string]string, facts map[string]any) {
	facts["pkg_mgr"] = "unknown"
	if tools := strings.Fields(sec["pkg"]); len(tools) > 0 {
		facts["pkg_mgr"] = pkgManagers[tools[0]]
	}
}

func selinuxFacts(sec map[string]string, facts map[string]any) {
	switch strings.TrimSpace(sec["selinux"]) {
	case "1":
		facts["selinux"] = map[string]any{"status": "enabled", "mode": "enforcing"}
	case "0":
		facts["selinux"] = map[string]any{"status": "enabled", "mode": "permissive"}
	default:
		facts["selinux"] = map[string]any{"status": "disabled"}
	}
	// Ansible's selinux bindings load libselinux with Python's ctypes.
	facts["selinux_python_present"] = strings.Contains(sec["python"], "\nlibselinux")
}

func virtualFacts(sec map[string]string, facts map[string]any) {
	facts["virtualization_type"], facts["virtualization_role"] = "NA", "NA"
	if c := containerType(sec); c != "" {
		facts["virtualization_type"], facts["virtualization_role"] = c, "guest"
		facts["virtualization_tech_guest"], facts["virtualization_tech_host"] = virtualizationTech(sec)
		return
	}
	for _, v := range strings.Fields(sec["virt"]) {
		if v != "none" {
			facts["virtualization_type"], facts["virtualization_role"] = firstNonBlank(virtNames[v], v), "guest"
			break
		}
	}
	facts["virtualization_tech_guest"], facts["virtualization_tech_host"] = virtualizationTech(sec)
}

// serviceManager follows Ansible: PID 1's name, unless it is a generic
// "init" or a shell (a container), then what the file system shows.
func serviceManager(lines []string) string {
	if pid1 := lines[0]; pid1 != "" && pid1 != "init" && !strings.HasSuffix(pid1, "sh") && !strings.HasPrefix(pid1, "+") {
		return pid1
	}
	for _, mgr := range []string{"+systemd", "+openrc", "+sysvinit"} {
		for _, l := range lines {
			if l == mgr {
				return mgr[1:]
			}
		}
	}
	return "service"
}

// resolvFacts reads resolv.conf like Ansible's dns fact.
func resolvFacts(text string) map[string]any {
	dns := map[string]any{}
	var servers, search []any
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			servers = append(servers, f[1])
		case "domain":
			dns["domain"] = f[1]
		case "search":
			for _, s := range f[1:] {
				search = append(search, s)
			}
		case "options":
			opts := map[string]any{}
			for _, o := range f[1:] {
				k, v, ok := strings.Cut(o, ":")
				if ok {
					opts[k] = v
				} else {
					opts[k] = true
				}
			}
			dns["options"] = opts
		}
	}
	if servers != nil {
		dns["nameservers"] = servers
	}
	if search != nil {
		dns["search"] = search
	}
	return dns
}

// envFacts reads `env -0` output, or plain `env` when NUL separators are
// missing (a multi-line value then loses its continuation lines).
func envFacts(text string) map[string]any {
	sep := "\n"
	if strings.Contains(text, "\x00") {
		sep = "\x00"
	}
	env := map[string]any{}
	for _, kv := range strings.Split(text, sep) {
		if k, v, ok := strings.Cut(kv, "="); ok && isIdentifier(k) {
			env[k] = v
		}
	}
	return env
}
