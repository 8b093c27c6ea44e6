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
	// GatherSubset is accepted for compatibility and returned as the
	// gather_subset fact; the script always gathers the same (cheap) set.
	GatherSubset []string `arg:"gather_subset"`
	// Filter keeps only the facts whose ansible_-prefixed name matches one
	// of these shell patterns (`ansible_*_mb`, `distribution*`).
	Filter []string `arg:"filter"`
	// GatherTimeout is accepted for compatibility; the script is not split
	// into timed collectors.
	GatherTimeout int `arg:"gather_timeout"`
	// FactPath is accepted for compatibility; local facts are not read.
	FactPath string `arg:"fact_path"`
}

// Validate checks the filter patterns are well formed.
func (s *Setup) Validate() error {
	for _, f := range s.Filter {
		if _, err := path.Match(f, ""); err != nil {
			return fmt.Errorf("setup: bad filter pattern %q: %w", f, err)
		}
	}
	return nil
}

// Plan runs the facts script once and parses its output.
func (s *Setup) Plan(ctx context.Context, env *Env) (*Plan, error) {
	out, err := env.Host.Run(ctx, FactsScript, nil)
	if err != nil {
		return nil, err
	}
	if out.RC != 0 {
		return nil, Failf("gathering facts failed (rc %d): %s", out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	facts := filterFacts(ParseFacts(out.Stdout), s.Filter)
	subset := s.GatherSubset
	if len(subset) == 0 {
		subset = []string{"all"}
	}
	facts["gather_subset"] = subset
	facts["module_setup"] = true
	return &Plan{Result: map[string]any{"ansible_facts": facts}}, nil
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
		full := "ansible_" + name
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

// FactsScript prints everything setup needs in one round trip: sections
// opened by a "@@name" line, read by ParseFacts. env comes last: its values
// may hold anything.
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
s machine-id; cat /etc/machine-id 2>/dev/null || cat /var/lib/dbus/machine-id 2>/dev/null
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
s env; env -0 2>/dev/null || env
`

var _ Validator = (*Setup)(nil)
