package modules

import (
	"strings"
	"testing"
)

// TestParseHostFacts checks the facts added for parity with Ansible 2.14,
// the expectations taken from what ansible-playbook reported on hosts
// showing the same files.
func TestParseHostFacts(t *testing.T) {
	tests := []struct {
		name     string
		sections map[string]string
		want     map[string]any
	}{
		{"cmdline", map[string]string{"cmdline": `BOOT_IMAGE=/vmlinuz root=UUID=ab ro quiet console=tty0 console=ttyS0,115200 opt="a b" -- x` + "\n"}, map[string]any{
			"cmdline":      map[string]any{"BOOT_IMAGE": "/vmlinuz", "root": "UUID=ab", "ro": true, "quiet": true, "console": "ttyS0,115200", "opt": `"a`, `b"`: true, "--": true, "x": true},
			"proc_cmdline": map[string]any{"BOOT_IMAGE": "/vmlinuz", "root": "UUID=ab", "ro": true, "quiet": true, "console": []any{"tty0", "ttyS0,115200"}, "opt": `"a`, `b"`: true, "--": true, "x": true},
		}},
		{"cmdline with a quoted word and an unclosed quote", map[string]string{"cmdline": `"a b"c d`}, map[string]any{
			"cmdline": map[string]any{`"a b"`: true, "c": true, "d": true},
		}},
		{"chroot: same root as PID 1", map[string]string{"chroot": "2049 2\n2049 2\n"}, map[string]any{"is_chroot": false}},
		{"chroot: another root", map[string]string{"chroot": "2049 2\n2049 131\n"}, map[string]any{"is_chroot": true}},
		{"chroot: no access to PID 1, xfs", map[string]string{"chroot": "64768 128\nxfs\n"}, map[string]any{"is_chroot": false}},
		{"ssh keys from the first directory", map[string]string{"ssh-keys": "/etc/ssh dsa \n/etc/ssh rsa ssh-rsa AAAArsa root@h\n/etc/ssh ecdsa \n/etc/ssh ed25519 ssh-ed25519 AAAAed\n" +
			"/etc/openssh dsa \n/etc/openssh rsa ssh-rsa OTHER\n/etc/openssh ecdsa ecdsa-sha2-nistp256 LATE\n"}, map[string]any{
			"ssh_host_key_rsa_public": "AAAArsa", "ssh_host_key_rsa_public_keytype": "ssh-rsa",
			"ssh_host_key_ed25519_public": "AAAAed", "ssh_host_key_ed25519_public_keytype": "ssh-ed25519",
			"ssh_host_key_ecdsa_public": nil,
		}},
		{"dmi", map[string]string{"dmi": "bios_vendor=SeaBIOS\nchassis_type=1\nproduct_name=Standard PC (Q35 + ICH9, 2009)\nproduct_serial=\nsys_vendor=QEMU\n"}, map[string]any{
			"bios_vendor": "SeaBIOS", "form_factor": "Other", "product_name": "Standard PC (Q35 + ICH9, 2009)", "product_serial": "NA",
			"system_vendor": "QEMU", "board_name": "NA", "virtualization_tech_guest": []any{"kvm"},
		}},
		{"no dmi", map[string]string{}, map[string]any{"bios_date": "NA", "form_factor": "NA", "system_vendor": "NA", "lvm": "N/A", "mounts": []any{}}},
		{"python", map[string]string{"python": "/usr/bin/python3\n3 11 2 final 0\ncpython\nsslcontext\nlibselinux\n"}, map[string]any{
			"python": map[string]any{"executable": "/usr/bin/python3", "type": "cpython", "has_sslcontext": true, "version_info": []any{3, 11, 2, "final", 0},
				"version": map[string]any{"major": 3, "minor": 11, "micro": 2, "releaselevel": "final", "serial": 0}},
			"python_version": "3.11.2", "selinux_python_present": true,
		}},
		{"no python", map[string]string{}, map[string]any{"python": nil, "selinux_python_present": false,
			"system_capabilities": "N/A", "system_capabilities_enforced": "N/A"}},
		{"caps", map[string]string{"caps": "Current: =ep cap_sys_resource-ep\nBounding set =cap_chown\nrc=0\n"}, map[string]any{
			"system_capabilities": []any{"ep cap_sys_resource-ep"}, "system_capabilities_enforced": "True",
		}},
		{"caps: all", map[string]string{"caps": "Current: =ep\nrc=0\n"}, map[string]any{"system_capabilities": []any{}, "system_capabilities_enforced": "False"}},
		{"nspawn container on a kvm host", map[string]string{"virt-files": "/dev/kvm\nsystemd-container=systemd-nspawn\n", "cgroup1": "0::/init.scope\n"}, map[string]any{
			"virtualization_tech_guest": []any{"container", "systemd-nspawn"}, "virtualization_tech_host": []any{"kvm"},
		}},
		{"docker", map[string]string{"virt-files": "/.dockerenv\n", "kmods": "virtio_net 1 0 - Live\nkvm 2 0 - Live\n"}, map[string]any{
			"virtualization_tech_guest": []any{"container", "docker"}, "virtualization_tech_host": []any{"kvm"},
		}},
		{"initiators", map[string]string{"iscsi": "## comment\nInitiatorName=iqn.1993-08.org.debian:01:abc\n", "nvme": "nqn.2014-08.org.nvmexpress:uuid:1\n", "fc": "0x21000014ff52a9bb\n"}, map[string]any{
			"iscsi_iqn": "iqn.1993-08.org.debian:01:abc", "hostnqn": "nqn.2014-08.org.nvmexpress:uuid:1", "fibre_channel_wwn": []any{"21000014ff52a9bb"},
		}},
		{"no initiators", map[string]string{}, map[string]any{"iscsi_iqn": "", "hostnqn": "", "fibre_channel_wwn": []any{}}},
		{"lvm", map[string]string{"lvm-vgs": "  vg0,1,2,0,wz--n-,99.00,10.00\n", "lvm-lvs": "  root,vg0,-wi-ao----,50.00\n", "lvm-pvs": "  /dev/sda2,vg0,lvm2,a--,99.00,10.00\n"}, map[string]any{
			"lvm": map[string]any{
				"vgs": map[string]any{"vg0": map[string]any{"size_g": "99.00", "free_g": "10.00", "num_lvs": "2", "num_pvs": "1"}},
				"lvs": map[string]any{"root": map[string]any{"size_g": "50.00", "vg": "vg0"}},
				"pvs": map[string]any{"/dev/sda2": map[string]any{"size_g": "99.00", "free_g": "10.00", "vg": "vg0"}},
			},
		}},
		{"debian release file", map[string]string{"os-release": "ID=debian\nVERSION_ID=12\n"}, map[string]any{
			"distribution_file_path": "/etc/os-release", "distribution_file_variety": "Debian", "distribution_file_parsed": true,
		}},
		{"link speed", map[string]string{"ip-link": "2: eth0@if5: <BROADCAST,UP> mtu 1500 qdisc noqueue\\    link/ether 02:70:6c:00:00:05 brd ff:ff:ff:ff:ff:ff\n", "net-speed": "eth0 10000\nlo -1\n"}, map[string]any{
			"eth0": map[string]any{"device": "eth0", "active": true, "promisc": false, "type": "ether", "mtu": 1500, "macaddress": "02:70:6c:00:00:05", "speed": 10000},
		}},
		{"userspace architecture", map[string]string{"uname": "h\nLinux\n6.1\n#1\nx86_64\n", "bits": "64\n"}, map[string]any{"userspace_architecture": "x86_64", "userspace_bits": "64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFacts(t, ParseFacts(factsOutput(tt.sections)), tt.want)
		})
	}
}

func TestMountFacts(t *testing.T) {
	out := factsOutput(map[string]string{
		"mounts": "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n/dev/vdb /srv/my\\040data xfs rw 0 0\n" +
			"/dev/vda1 /var/lib/x ext4 rw,relatime 0 0\nsrv:/export /mnt/nfs nfs4 rw 0 0\n/dev/vdc / ext4 ro 0 0\n",
		"findmnt": "/           /dev/vda1         ext4 rw\n/var/lib/x /dev/vda1[/x] ext4 rw\n",
		"lsblk":   "/dev/vda\n/dev/vda1 0b9c-uuid\n/dev/vdc 1c-uuid\n",
		"statfs":  "4096 4096 1000 400 500 100 /\n4096 8192 10 5 8 8 /var/lib/x\n",
	})
	mounts := ParseFacts(out)["mounts"].([]any)
	want := []map[string]any{
		{"mount": "/", "device": "/dev/vdc", "fstype": "ext4", "options": "ro", "uuid": "1c-uuid", "size_total": 4096000, "size_available": 1638400,
			"block_size": 4096, "block_total": 1000, "block_available": 400, "block_used": 600, "inode_total": 500, "inode_available": 100, "inode_used": 400},
		{"mount": "/srv/my data", "device": "/dev/vdb", "fstype": "xfs", "options": "rw", "uuid": "N/A"},
		{"mount": "/var/lib/x", "device": "/dev/vda1", "fstype": "ext4", "options": "rw,relatime,bind", "uuid": "0b9c-uuid", "size_total": 40960, "size_available": 20480,
			"block_size": 8192, "block_total": 10, "block_available": 5, "block_used": 5, "inode_total": 8, "inode_available": 8, "inode_used": 0},
		{"mount": "/mnt/nfs", "device": "srv:/export", "fstype": "nfs4", "options": "rw", "uuid": "N/A"},
	}
	if len(mounts) != len(want) {
		t.Fatalf("mounts = %v, want %d entries", mounts, len(want))
	}
	for i, w := range want {
		checkFacts(t, mounts[i].(map[string]any), w)
		if len(mounts[i].(map[string]any)) != len(w) {
			t.Errorf("mount %d = %v, want %v", i, mounts[i], w)
		}
	}
}

func TestLocalFacts(t *testing.T) {
	records := "+- 27 0 /f/j.fact\n{\"n\": 1, \"f\": 1.5, \"s\": \"\"}" +
		"+- 57 0 /f/i.fact\n[DEFAULT]\nz=1\n[One]\nKey = v1\nother: two\n  lines\n; c\n[Two]" +
		"+3 0 5 /f/bad.fact\noops\n" +
		"+- 7 0 /f/g.fact\ngarbage" +
		"+0 11 0 /f/x.fact.fact\n{\"ran\": 1}\n"
	// @@env inside a fact's output must not end the section
	out := []byte("\n@@local\n" + records + "\n@@env\nHOME=/root\x00")
	facts := map[string]any{}
	warnings := localFacts(factSections(string(out)), facts)
	checkFacts(t, facts, map[string]any{"ansible_local": map[string]any{
		"j":   map[string]any{"n": 1, "f": 1.5, "s": ""},
		"i":   map[string]any{"One": map[string]any{"key": "v1", "other": "two\nlines", "z": "1"}, "Two": map[string]any{"z": "1"}},
		"bad": "Failure executing fact script (/f/bad.fact), rc: 3, err: oops\n",
		"g":   "error loading facts as JSON or ini - please check content: /f/g.fact",
		"x":   map[string]any{"ran": 1},
	}})
	if len(warnings) != 2 || !strings.HasPrefix(warnings[0], "Failure executing") {
		t.Errorf("warnings = %q", warnings)
	}
	if env := envFacts(factSections(string(out))["env"]); env["HOME"] != "/root" {
		t.Errorf("env after local facts = %v", env)
	}
}

func TestSelectCollectors(t *testing.T) {
	tests := []struct {
		subset  []string
		has     []string
		hasNot  []string
		wantErr string
	}{
		{nil, []string{"hardware", "network", "virtual", "chroot", "local"}, nil, ""},
		{[]string{"!all"}, []string{"platform", "distribution", "local", "python"}, []string{"hardware", "network", "chroot"}, ""},
		{[]string{"!all", "!min"}, nil, []string{"platform"}, ""},
		{[]string{"!all", "!min", "mounts"}, []string{"hardware"}, []string{"platform", "network"}, ""},
		{[]string{"all", "!hardware"}, []string{"network", "platform"}, []string{"hardware"}, ""},
		{[]string{"network", "!network"}, []string{"network"}, nil, ""},
		{[]string{"bogus"}, nil, nil, `bad subset "bogus"`},
	}
	for _, tt := range tests {
		got, err := selectCollectors(tt.subset)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.subset, err, tt.wantErr)
			}
			continue
		}
		names := map[string]bool{}
		for _, c := range got {
			names[c.name] = true
		}
		for _, n := range tt.has {
			if !names[n] {
				t.Errorf("%v: lacks %s (has %v)", tt.subset, n, names)
			}
		}
		for _, n := range tt.hasNot {
			if names[n] {
				t.Errorf("%v: has %s", tt.subset, n)
			}
		}
	}
}
