package modules

import (
	"context"
	"fmt"
	"path"
	"strings"
)

func init() {
	Register(Info{Name: "setup", New: func() Module { return &Setup{} }})
}

// Setup gathers facts about the host with one shell script (POSIX sh,
// coreutils, /proc and iproute2's ip when present; no Python).
type Setup struct {
	// GatherSubset restricts the facts returned to these collectors or
	// groups (all, min, hardware, network, virtual, a collector or fact
	// name), `!name` excluding one; the min set is always kept unless
	// `!min` is given. The script gathers everything in one round trip.
	GatherSubset []string `arg:"gather_subset"`
	// Filter keeps only the facts whose ansible_-prefixed name matches one
	// of these shell patterns (`ansible_*_mb`, `distribution*`).
	Filter []string `arg:"filter"`
	// GatherTimeout is accepted for compatibility; the script is not split
	// into timed collectors.
	GatherTimeout int `arg:"gather_timeout"`
	// FactPath is the directory of local facts (*.fact files: JSON or INI,
	// executable ones are run), returned under ansible_local.
	FactPath string `arg:"fact_path"`
}

// defaultFactPath is where Ansible looks for local facts.
const defaultFactPath = "/etc/ansible/facts.d"

// Validate checks the filter patterns are well formed and the subsets
// are known.
func (s *Setup) Validate() error {
	for _, f := range s.Filter {
		if _, err := path.Match(f, ""); err != nil {
			return fmt.Errorf("setup: bad filter pattern %q: %w", f, err)
		}
	}
	_, err := selectCollectors(s.GatherSubset)
	return err
}

// Plan runs the facts script once and parses its output.
func (s *Setup) Plan(ctx context.Context, env *Env) (*Plan, error) {
	collectors, err := selectCollectors(s.GatherSubset)
	if err != nil {
		return nil, err
	}
	factPath := firstNonBlank(s.FactPath, defaultFactPath)
	out, err := env.Host.Run(ctx, factsScript(factPath), nil)
	if err != nil {
		return nil, err
	}
	if out.RC != 0 {
		return nil, Failf("gathering facts failed (rc %d): %s", out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	sec := factSections(string(out.Stdout))
	facts := map[string]any{}
	var warnings []any
	for _, c := range collectors {
		for _, w := range c.parse(sec, facts) {
			warnings = append(warnings, w)
		}
	}
	subset := s.GatherSubset
	if len(subset) == 0 {
		subset = []string{"all"}
	}
	facts["gather_subset"] = subset
	facts["module_setup"] = true
	if len(s.Filter) == 0 {
		facts["_ansible_facts_gathered"] = true
	}
	facts = filterFacts(facts, s.Filter) // Ansible filters gather_subset and module_setup too
	result := map[string]any{"ansible_facts": facts}
	if warnings != nil {
		result["warnings"] = warnings
	}
	return &Plan{Result: result}, nil
}

// filterFacts keeps the facts matching a pattern, tried against the name
// with its ansible_ prefix, and with the prefix added to the pattern, as
// Ansible does.
func filterFacts(facts map[string]any, patterns []string) map[string]any {
	if len(patterns) == 0 || len(patterns) == 1 && (patterns[0] == "" || patterns[0] == "*") {
		return facts
	}
	kept := map[string]any{}
	for name, v := range facts {
		full := name
		if !strings.HasPrefix(name, "ansible_") {
			full = "ansible_" + name
		}
		for _, p := range patterns {
			ok, _ := path.Match(p, full)
			if !ok && !strings.HasPrefix(p, "ansible_") {
				ok, _ = path.Match("ansible_"+p, full)
			}
			if ok {
				kept[name] = v
				break
			}
		}
	}
	return kept
}

// factsScript is FactsScript reading local facts from factPath.
func factsScript(factPath string) string {
	return strings.Replace(FactsScript, "'"+defaultFactPath+"'", Quote(factPath), 1)
}

// FactsScript prints everything setup needs in one round trip: sections
// opened by a "@@name" line, read by ParseFacts. local and env come last:
// local is framed by byte counts, env is the rest; their values may hold
// anything.
const FactsScript = `s() { printf '\n@@%s\n' "$1"; }
s uname; uname -n; uname -s; uname -r; uname -v; uname -m
s fqdn; a=$(getent hosts "$(uname -n)" 2>/dev/null) && getent hosts "${a%%[ 	]*}" 2>/dev/null
s os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
s debian_version; cat /etc/debian_version 2>/dev/null
s alpine-release; cat /etc/alpine-release 2>/dev/null
s lsb; if [ -r /etc/lsb-release ]; then cat /etc/lsb-release; elif command -v lsb_release >/dev/null 2>&1; then lsb_release -a 2>/dev/null; fi
s cpuinfo; cat /proc/cpuinfo 2>/dev/null
s nproc; nproc 2>/dev/null
s meminfo; cat /proc/meminfo 2>/dev/null
s uptime; cat /proc/uptime 2>/dev/null
s loadavg; cat /proc/loadavg 2>/dev/null
s init; cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo +systemd; [ -e /sbin/openrc ] && echo +openrc; [ -d /etc/init.d ] && echo +sysvinit
s pkg; for p in apt-get dnf yum apk zypper pacman emerge; do command -v $p >/dev/null 2>&1 && echo $p; done
s user; id -un; id -u; id -g; id -ru; id -rg
s passwd; u=$(id -un); getent passwd "$u" 2>/dev/null || grep "^$u:" /etc/passwd
s date; date '+%s %N %Z %z'; date -d 2000-07-01 +%Z 2>/dev/null
s machine-id; cat /var/lib/dbus/machine-id 2>/dev/null || cat /etc/machine-id 2>/dev/null
s selinux; cat /sys/fs/selinux/enforce 2>/dev/null
s apparmor; [ -d /sys/kernel/security/apparmor ] && echo enabled
s fips; cat /proc/sys/crypto/fips_enabled 2>/dev/null
s virt; systemd-detect-virt 2>/dev/null; cat /run/systemd/container 2>/dev/null; [ -e /.dockerenv ] && echo docker; [ -e /run/.containerenv ] && echo podman
s resolv; cat /etc/resolv.conf 2>/dev/null
s bits; getconf LONG_BIT 2>/dev/null
if command -v ip >/dev/null 2>&1; then
s ip-link; ip -o link show
s ip-addr; ip -o addr show
s route4; ip -4 route get 8.8.8.8 2>/dev/null
s route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
else
s sys-net; for d in /sys/class/net/*; do [ -e "$d/mtu" ] && echo "${d##*/} $(cat "$d/mtu") $(cat "$d/address" 2>/dev/null) $(cat "$d/type") $(cat "$d/flags")"; done
fi
s net-speed; for d in /sys/class/net/*; do v=; { read -r v <"$d/speed"; } 2>/dev/null && echo "${d##*/} $v"; done
s cmdline; { read -r l </proc/cmdline; } 2>/dev/null && printf '%s\n' "$l"
s chroot; stat -Lc '%d %i' / /proc/1/root/. 2>/dev/null || stat -fc %T / 2>/dev/null
s ssh-keys; for d in /etc/ssh /etc/openssh /etc; do for a in dsa rsa ecdsa ed25519; do l=; { read -r l <"$d/ssh_host_${a}_key.pub"; } 2>/dev/null; echo "$d $a $l"; done; done
s dmi; d=/sys/devices/virtual/dmi/id; [ -e $d/product_name ] && for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor product_family; do v=; { read -r v <$d/$f; } 2>/dev/null; echo "$f=$v"; done
s python; p=/usr/bin/python3; [ -x $p ] || p=$(command -v python3 2>/dev/null); [ -n "$p" ] && "$p" -c 'import sys; v = sys.version_info; print(sys.executable); print(*v); print(sys.implementation.name)
try:
    import ssl; ssl.SSLContext; print("sslcontext")
except Exception:
    pass' 2>/dev/null && for f in /lib/*/libselinux.so.1 /usr/lib/*/libselinux.so.1 /lib64/libselinux.so.1 /usr/lib64/libselinux.so.1; do [ -e "$f" ] && echo libselinux && break; done
s caps; command -v capsh >/dev/null 2>&1 && { capsh --print 2>/dev/null; echo "rc=$?"; }
s cgroup1; cat /proc/1/cgroup 2>/dev/null
s environ1; tr '\0' '\n' </proc/1/environ 2>/dev/null | grep '^container='
s virt-files; for f in /.dockerenv /.dockerinit /dev/kvm /proc/vz /proc/lve /proc/bc /proc/xen; do [ -e $f ] && echo $f; done; { read -r c </run/systemd/container; } 2>/dev/null && echo "systemd-container=$c"; cat /proc/xen/capabilities 2>/dev/null
s kmods; cat /proc/modules 2>/dev/null
s iscsi; cat /etc/iscsi/initiatorname.iscsi 2>/dev/null
s nvme; cat /etc/nvme/hostnqn 2>/dev/null
s fc; for f in /sys/class/fc_host/*/port_name; do [ -e "$f" ] && { read -r l <"$f"; } 2>/dev/null && echo "$l"; done
mt=/etc/mtab; [ -e $mt ] || mt=/proc/mounts
s mounts; cat $mt 2>/dev/null
s findmnt; findmnt --list --noheadings --notruncate 2>/dev/null
s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
s statfs; set --; while read -r d m t r; do case $d in /*|\\*|*:/*) ;; *) continue;; esac; case $t$m in none*|*\\*) continue;; esac; set -- "$@" "$m"; done <$mt; [ $# -gt 0 ] && stat -fc '%S %s %b %a %c %d %n' -- "$@" 2>/dev/null
if command -v vgs >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
o='--noheadings --nosuffix --units g --separator ,'
s lvm-vgs; vgs $o 2>/dev/null
s lvm-lvs; lvs $o 2>/dev/null
s lvm-pvs; pvs $o 2>/dev/null
fi
s local; (LC_ALL=C; for f in '/etc/ansible/facts.d'/*.fact; do [ -e "$f" ] || continue; r=-; e=; if [ -x "$f" ]; then t=$(mktemp) && { o=$("$f" 2>"$t"); r=$?; e=$(cat "$t"; echo .); e=${e%.}; rm -f "$t"; }; else o=$(cat "$f" 2>/dev/null); fi; printf '+%s %s %s %s\n%s%s' "$r" "${#o}" "${#e}" "$f" "$o" "$e"; done)
s env; env -0 2>/dev/null || env
`

var _ Validator = (*Setup)(nil)
