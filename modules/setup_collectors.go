package modules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// factParser adds one collector's facts, read from the script's sections;
// it returns the warnings Ansible's collector would print.
type factParser func(sec map[string]string, facts map[string]any) (warnings []string)

// quiet adapts a parser that never warns.
func quiet(f func(sec map[string]string, facts map[string]any)) factParser {
	return func(sec map[string]string, facts map[string]any) []string {
		f(sec, facts)
		return nil
	}
}

// factCollector is one of Ansible's fact collectors: gather_subset names
// it, or one of its fact ids, or its group.
type factCollector struct {
	name    string
	group   string // min, hardware, network, virtual, or "" (all only)
	factIDs []string
	parse   factParser
}

// factCollectors lists the collectors in Ansible's order (later ones may
// read facts earlier ones set).
var factCollectors = []factCollector{
	{"platform", "min", []string{"system", "kernel", "kernel_version", "machine", "python_version", "architecture", "machine_id"}, quiet(platformFacts)},
	{"distribution", "min", []string{"distribution_version", "distribution_release", "distribution_major_version", "os_family"}, quiet(distributionFacts)},
	{"lsb", "min", nil, quiet(func(sec map[string]string, facts map[string]any) { facts["lsb"] = lsbFacts(sec["lsb"]) })},
	{"selinux", "min", nil, quiet(selinuxFacts)},
	{"apparmor", "min", nil, quiet(func(sec map[string]string, facts map[string]any) {
		facts["apparmor"] = map[string]any{"status": firstNonBlank(strings.TrimSpace(sec["apparmor"]), "disabled")}
	})},
	{"chroot", "", []string{"is_chroot"}, quiet(chrootFacts)},
	{"fips", "min", nil, quiet(func(sec map[string]string, facts map[string]any) {
		facts["fips"] = strings.TrimSpace(sec["fips"]) == "1" // roles pick password hashing by it (postgresql)
	})},
	{"python", "min", nil, quiet(pythonFacts)},
	{"caps", "min", []string{"system_capabilities", "system_capabilities_enforced"}, quiet(capsFacts)},
	{"pkg_mgr", "min", nil, quiet(pkgMgrFacts)},
	{"service_mgr", "min", nil, quiet(func(sec map[string]string, facts map[string]any) {
		facts["service_mgr"] = serviceManager(strings.Split(strings.TrimSpace(sec["init"]), "\n"))
	})},
	{"cmdline", "min", nil, quiet(cmdlineFacts)},
	{"date_time", "min", nil, quiet(dateFacts)},
	{"env", "min", nil, quiet(func(sec map[string]string, facts map[string]any) { facts["env"] = envFacts(sec["env"]) })},
	{"loadavg", "", nil, quiet(loadavgFacts)},
	{"ssh_pub_keys", "min", []string{"ssh_host_pub_keys", "ssh_host_key_dsa_public", "ssh_host_key_rsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public"}, quiet(sshKeyFacts)},
	{"user", "min", []string{"user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id", "effective_user_id", "effective_group_ids"}, quiet(userFacts)},
	{"virtual", "virtual", []string{"virtualization_type", "virtualization_role", "virtualization_tech_guest", "virtualization_tech_host"}, quiet(virtualFacts)},
	{"hardware", "hardware", []string{"devices", "mounts", "processor", "processor_cores", "processor_count"}, quiet(func(sec map[string]string, facts map[string]any) {
		hardwareFacts(sec, facts)
		dmiFacts(sec, facts)
		mountFacts(sec, facts)
		lvmFacts(sec, facts)
	})},
	{"dns", "min", nil, quiet(func(sec map[string]string, facts map[string]any) { facts["dns"] = resolvFacts(sec["resolv"]) })},
	{"fibre_channel_wwn", "network", nil, quiet(initiatorFacts("fc", "fibre_channel_wwn"))},
	{"network", "network", []string{"interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"}, quiet(networkFacts)},
	{"iscsi", "network", nil, quiet(initiatorFacts("iscsi", "iscsi_iqn"))},
	{"nvme", "network", nil, quiet(initiatorFacts("nvme", "hostnqn"))},
	{"local", "min", nil, localFacts},
}

// selectCollectors resolves gather_subset as Ansible does: min is always
// in, `all` adds every collector, `!x` removes x unless x is named
// explicitly, `!all` keeps min, `!min` drops it too.
func selectCollectors(subset []string) ([]factCollector, error) {
	if len(subset) == 0 {
		subset = []string{"all"}
	}
	aliases := map[string][]string{}
	for _, c := range factCollectors {
		for _, name := range append([]string{c.name, c.group}, c.factIDs...) {
			if name != "" && !slices.Contains(aliases[name], c.name) {
				aliases[name] = append(aliases[name], c.name)
			}
		}
	}
	min, all := aliases["min"], make([]string, 0, len(factCollectors))
	for _, c := range factCollectors {
		all = append(all, c.name)
	}
	add, exclude, explicit := map[string]bool{}, map[string]bool{}, map[string]bool{}
	mark := func(set map[string]bool, names []string) {
		for _, n := range names {
			set[n] = true
		}
	}
	for _, s := range append([]string{"min"}, subset...) {
		name, excluded := strings.CutPrefix(s, "!")
		switch {
		case name == "min" && !excluded:
			mark(add, min)
		case name == "all" && !excluded:
			mark(add, all)
		case name == "min":
			mark(exclude, min)
		case name == "all":
			mark(exclude, slices.DeleteFunc(slices.Clone(all), func(n string) bool { return slices.Contains(min, n) }))
		case excluded:
			mark(exclude, aliases[name])
		default:
			if aliases[name] == nil {
				return nil, fmt.Errorf("setup: bad subset %q given to gather_subset; options allowed: all, %s", s, strings.Join(subsetNames(aliases), ", "))
			}
			mark(add, aliases[name])
			mark(explicit, aliases[name])
		}
	}
	if len(add) == 0 {
		mark(add, all)
	}
	var out []factCollector
	for _, c := range factCollectors {
		if add[c.name] && (!exclude[c.name] || explicit[c.name]) {
			out = append(out, c)
		}
	}
	return out, nil
}

func subsetNames(aliases map[string][]string) []string {
	names := make([]string, 0, len(aliases))
	for n := range aliases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
