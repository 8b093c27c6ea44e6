package modules

import (
	"context"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"

	"play/modules/modtest"
)

// TestParseFactsCaptured parses FactsScript's output captured on a Debian
// 12 machine (env trimmed), and checks it against what
// `ansible localhost -m setup` reported there.
func TestParseFactsCaptured(t *testing.T) {
	out, err := os.ReadFile("testdata/facts_debian12.txt")
	if err != nil {
		t.Fatal(err)
	}
	facts := ParseFacts(out)
	want := map[string]any{
		"hostname": "vm", "nodename": "vm", "fqdn": "localhost", "domain": "",
		"system": "Linux", "kernel": "6.18.44-fc-v657", "kernel_version": "#1 SMP PREEMPT_DYNAMIC @0",
		"architecture": "x86_64", "machine": "x86_64", "userspace_bits": "64",
		"os_family": "Debian", "distribution": "Debian", "distribution_version": "12.11",
		"distribution_major_version": "12", "distribution_minor_version": "11", "distribution_release": "bookworm",
		"lsb":             map[string]any{"codename": "bookworm", "description": "Debian GNU/Linux 12 (bookworm)", "id": "Debian", "major_release": "12", "release": "12"},
		"processor_count": 1, "processor_cores": 2, "processor_threads_per_core": 1, "processor_vcpus": 2, "processor_nproc": 2,
		"processor":   []any{"0", "AuthenticAMD", "AMD EPYC", "1", "AuthenticAMD", "AMD EPYC"},
		"memtotal_mb": 24105, "swaptotal_mb": 0, "swapfree_mb": 0,
		"service_mgr": "process_api", "pkg_mgr": "apt",
		"user_id": "root", "user_uid": 0, "user_gid": 0, "user_dir": "/root", "user_shell": "/bin/bash", "user_gecos": "root",
		"real_user_id": 0, "effective_user_id": 0, "real_group_id": 0, "effective_group_id": 0,
		"selinux": map[string]any{"status": "disabled"}, "apparmor": map[string]any{"status": "disabled"}, "fips": false,
		"virtualization_type": "docker", "virtualization_role": "guest",
		"dns":                map[string]any{"nameservers": []any{"10.255.255.53"}},
		"env":                map[string]any{"HOME": "/root", "LANG": "C.UTF-8", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MULTI": "line one\nline two", "SHELL": "/bin/bash"},
		"all_ipv4_addresses": []any{"192.0.2.2", "10.232.0.1"},
		"default_ipv4": map[string]any{"address": "192.0.2.2", "alias": "eth0", "broadcast": "192.0.2.255", "gateway": "192.0.2.1", "interface": "eth0",
			"macaddress": "02:fc:00:00:00:01", "mtu": 1400, "netmask": "255.255.255.0", "network": "192.0.2.0", "prefix": "24", "type": "ether"},
		"default_ipv6": map[string]any{"address": "fd00::2", "gateway": "fd00::1", "interface": "eth0", "macaddress": "02:fc:00:00:00:01",
			"mtu": 1400, "prefix": "64", "scope": "global", "type": "ether"},
		"lo": map[string]any{"active": true, "device": "lo", "mtu": 65536, "promisc": false, "type": "loopback",
			"ipv4": map[string]any{"address": "127.0.0.1", "broadcast": "", "netmask": "255.0.0.0", "network": "127.0.0.0", "prefix": "8"},
			"ipv6": []any{map[string]any{"address": "::1", "prefix": "128", "scope": "host"}}},
	}
	checkFacts(t, facts, want)
	if fips := ParseFacts([]byte("@@fips\n1\n"))["fips"]; fips != true {
		t.Errorf("fips with fips_enabled 1 = %v, want true", fips)
	}
	if ifs := facts["interfaces"].([]any); len(ifs) < 4 || ifs[0] != "lo" || ifs[3] != "eth0" {
		t.Errorf("interfaces = %v", ifs)
	}
	dt := facts["date_time"].(map[string]any)
	if dt["epoch"] != "1795437683" || dt["iso8601_micro"] != "2026-11-23T12:41:23.703435Z" || dt["weekday"] != "Monday" || dt["weeknumber"] != "47" || dt["tz"] != "UTC" {
		t.Errorf("date_time = %v", dt)
	}
}

func checkFacts(t *testing.T, facts, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if !reflect.DeepEqual(facts[k], v) {
			t.Errorf("%s = %#v, want %#v", k, facts[k], v)
		}
	}
}

// factsOutput builds FactsScript-like output from sections, env last as
// the script prints it.
func factsOutput(sections map[string]string) []byte {
	var b strings.Builder
	for name, body := range sections {
		if name != "env" {
			b.WriteString("\n@@" + name + "\n" + body)
		}
	}
	if env, ok := sections["env"]; ok {
		b.WriteString("\n@@env\n" + env)
	}
	return []byte(b.String())
}

func TestParseFactsSynthetic(t *testing.T) {
	uname := "box.example.com\nLinux\n6.1.0\n#1 SMP\naarch64\n"
	tests := []struct {
		name     string
		sections map[string]string
		want     map[string]any
	}{
		{"ubuntu", map[string]string{
			"uname":      uname,
			"os-release": "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n",
			// Ubuntu's /etc/debian_version names Debian's testing release.
			"debian_version": "bookworm/sid\n",
			"lsb":            "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n",
			"fqdn":           "127.0.1.1 box.example.com box\n",
			"init":           "systemd\n+systemd\n+sysvinit\n",
			"pkg":            "apt-get\n",
		}, map[string]any{
			"distribution": "Ubuntu", "os_family": "Debian", "distribution_version": "22.04", "distribution_major_version": "22",
			"distribution_release": "jammy", "hostname": "box", "fqdn": "box.example.com", "domain": "example.com", "architecture": "aarch64",
			"lsb":         map[string]any{"id": "Ubuntu", "release": "22.04", "major_release": "22", "codename": "jammy", "description": "Ubuntu 22.04.4 LTS"},
			"service_mgr": "systemd", "pkg_mgr": "apt",
		}},
		{"alpine without ip", map[string]string{
			"uname":          uname,
			"os-release":     "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
			"alpine-release": "3.19.1\n",
			"init":           "init\n+openrc\n+sysvinit\n",
			"pkg":            "apk\n",
			"sys-net":        "eth0 1500 02:42:ac:11:00:02 1 0x1003\nlo 65536 00:00:00:00:00:00 772 0x9\n",
			"env":            "HOME=/root\nPATH=/bin\n",
		}, map[string]any{
			"distribution": "Alpine", "os_family": "Alpine", "distribution_version": "3.19.1", "distribution_major_version": "3",
			"distribution_release": "NA", "lsb": map[string]any{}, "service_mgr": "openrc", "pkg_mgr": "apk",
			"interfaces": []any{"eth0", "lo"}, "all_ipv4_addresses": []any{}, "default_ipv4": map[string]any{}, "default_ipv6": map[string]any{},
			"eth0": map[string]any{"device": "eth0", "active": true, "promisc": false, "type": "ether", "mtu": 1500, "macaddress": "02:42:ac:11:00:02"},
			"lo":   map[string]any{"device": "lo", "active": true, "promisc": false, "type": "loopback", "mtu": 65536},
			"env":  map[string]any{"HOME": "/root", "PATH": "/bin"},
			"fqdn": "box.example.com", "domain": "example.com",
		}},
		{"rocky, no default route, secondaries", map[string]string{
			"os-release": "NAME=\"Rocky Linux\"\nVERSION_ID=\"9.3\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n",
			"init":       "bash\n",
			"pkg":        "dnf\nyum\n",
			"ip-link":    "2: ens3: <BROADCAST,MULTICAST,PROMISC,UP> mtu 9000 qdisc fq state UP\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n",
			"ip-addr": "2: ens3    inet 10.0.0.5/8 brd 10.255.255.255 scope global ens3\\ valid_lft forever\n" +
				"2: ens3    inet 10.0.0.6/8 scope global secondary ens3\\ valid_lft forever\n",
			"route4":  "",
			"selinux": "1\n",
		}, map[string]any{
			"distribution": "Rocky", "os_family": "RedHat", "distribution_version": "9.3", "distribution_release": "NA",
			"service_mgr": "service", "pkg_mgr": "dnf", "selinux": map[string]any{"status": "enabled", "mode": "enforcing"},
			"all_ipv4_addresses": []any{"10.0.0.5", "10.0.0.6"}, "default_ipv4": map[string]any{},
			"ens3": map[string]any{"device": "ens3", "active": true, "promisc": true, "type": "ether", "mtu": 9000, "macaddress": "52:54:00:12:34:56",
				"ipv4":             map[string]any{"address": "10.0.0.5", "broadcast": "10.255.255.255", "netmask": "255.0.0.0", "network": "10.0.0.0", "prefix": "8"},
				"ipv4_secondaries": []any{map[string]any{"address": "10.0.0.6", "broadcast": "", "netmask": "255.0.0.0", "network": "10.0.0.0", "prefix": "8"}}},
		}},
		{"unknown distribution by ID_LIKE", map[string]string{
			"os-release": "NAME=\"Pop!_OS\"\nID=pop\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22.04\"\n",
		}, map[string]any{"distribution": "Pop!_OS", "os_family": "Debian", "virtualization_type": "NA", "virtualization_role": "NA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFacts(t, ParseFacts(factsOutput(tt.sections)), tt.want)
		})
	}
}

func TestSetupPlan(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	host := &modtest.Host{Dir: t.TempDir()}
	tests := []struct {
		filter []any
		want   []string // fact names, or nil for "many"
	}{
		{nil, nil},
		{[]any{"ansible_distribution*", "*_mb"}, []string{"distribution", "distribution_file_parsed", "distribution_file_path", "distribution_file_variety", "distribution_major_version", "distribution_minor_version",
			"distribution_release", "distribution_version", "memfree_mb", "memory_mb", "memtotal_mb", "swapfree_mb", "swaptotal_mb"}},
	}
	for _, tt := range tests {
		host.Scripts = nil
		m, err := New("setup", map[string]any{"filter": tt.filter})
		if err != nil {
			t.Fatal(err)
		}
		p, err := m.Plan(context.Background(), &Env{Host: host})
		if err != nil {
			t.Fatal(err)
		}
		if len(host.Scripts) != 1 || p.Changed() {
			t.Errorf("%d round trips, changed %v; want 1, false", len(host.Scripts), p.Changed())
		}
		facts := p.Result["ansible_facts"].(map[string]any)
		if tt.want == nil {
			node, _ := os.Hostname()
			if facts["nodename"] != node || facts["system"] != "Linux" || len(facts) < 40 {
				t.Errorf("nodename %v, system %v, %d facts", facts["nodename"], facts["system"], len(facts))
			}
			continue
		}
		var names []string
		for k := range facts {
			names = append(names, k)
		}
		sort.Strings(names)
		if !reflect.DeepEqual(names, tt.want) {
			t.Errorf("filter %v kept %v, want %v", tt.filter, names, tt.want)
		}
	}
}
