package modules

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

var (
	// `ip -o link show`: 4: eth0@if5: <BROADCAST,UP> mtu 1500 ... link/ether 02:..:01 brd ...
	ipLinkLine = regexp.MustCompile(`^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>\s+mtu\s+(\d+).*?link/(\S+)(?:\s+([0-9a-fA-F:]+))?`)
	// `ip -o addr show`: 4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ...
	ipAddrLine = regexp.MustCompile(`^\d+:\s+(\S+)\s+(inet6?)\s+([^/\s]+)(?:/(\d+))?(?:\s+peer\s+\S+)?(?:\s+brd\s+(\S+))?\s+scope\s+(\S+)(.*)`)
)

// netInterface is one interface's facts while they are collected.
type netInterface struct {
	facts map[string]any
	ipv4  []map[string]any
	ipv6  []any
}

func networkFacts(sec map[string]string, facts map[string]any) {
	var order []string
	ifaces := map[string]*netInterface{}
	add := func(name string, f map[string]any) {
		f["device"] = name
		order = append(order, name)
		ifaces[name] = &netInterface{facts: f}
	}
	for _, line := range strings.Split(sec["ip-link"], "\n") {
		if m := ipLinkLine.FindStringSubmatch(line); m != nil {
			flags := strings.Split(m[2], ",")
			add(m[1], linkFacts(m[4], m[5], m[3], containsFlag(flags, "UP"), containsFlag(flags, "PROMISC")))
		}
	}
	for _, line := range strings.Split(sec["sys-net"], "\n") {
		// name mtu mac type flags, from /sys/class/net when ip is missing
		if f := strings.Fields(line); len(f) == 5 {
			flags, _ := strconv.ParseInt(strings.TrimPrefix(f[4], "0x"), 16, 64)
			kind := map[string]string{"1": "ether", "772": "loopback", "512": "ppp"}[f[3]]
			add(f[0], linkFacts(kind, f[2], f[1], flags&1 != 0, flags&0x100 != 0))
		}
	}
	for _, line := range strings.Split(sec["net-speed"], "\n") {
		// /sys/class/net/*/speed, unreadable while the link is down
		if name, speed, ok := strings.Cut(line, " "); ok && ifaces[name] != nil {
			if n, err := strconv.Atoi(speed); err == nil {
				ifaces[name].facts["speed"] = n
			}
		}
	}
	all4, all6 := []any{}, []any{}
	for _, line := range strings.Split(sec["ip-addr"], "\n") {
		m := ipAddrLine.FindStringSubmatch(line)
		if m == nil || ifaces[m[1]] == nil {
			continue
		}
		iface, addr, prefix, scope := ifaces[m[1]], m[3], m[4], m[6]
		if m[2] == "inet6" {
			iface.ipv6 = append(iface.ipv6, map[string]any{"address": addr, "prefix": prefix, "scope": scope})
			if addr != "::1" {
				all6 = append(all6, addr)
			}
			continue
		}
		iface.ipv4 = append(iface.ipv4, ipv4Facts(addr, prefix, m[5]))
		if !strings.HasPrefix(addr, "127.") {
			all4 = append(all4, addr)
		}
	}
	names := make([]any, 0, len(order))
	for _, name := range order {
		iface := ifaces[name]
		if len(iface.ipv4) > 0 {
			iface.facts["ipv4"] = iface.ipv4[0]
		}
		for _, a := range iface.ipv4[min(1, len(iface.ipv4)):] {
			sec, _ := iface.facts["ipv4_secondaries"].([]any)
			iface.facts["ipv4_secondaries"] = append(sec, a)
		}
		if iface.ipv6 != nil {
			iface.facts["ipv6"] = iface.ipv6
		}
		names = append(names, name)
		facts[strings.ReplaceAll(name, ":", "_")] = iface.facts
	}
	facts["interfaces"], facts["all_ipv4_addresses"], facts["all_ipv6_addresses"] = names, all4, all6
	facts["default_ipv4"] = defaultRoute(sec["route4"], ifaces, "ipv4")
	facts["default_ipv6"] = defaultRoute(sec["route6"], ifaces, "ipv6")
}

// linkFacts are an interface's facts before its addresses.
func linkFacts(kind, mac, mtu string, active, promisc bool) map[string]any {
	f := map[string]any{"active": active, "promisc": promisc, "type": kind}
	if kind != "ether" && kind != "loopback" && kind != "ppp" {
		f["type"] = "unknown"
	}
	if n, err := strconv.Atoi(mtu); err == nil {
		f["mtu"] = n
	}
	if kind != "loopback" && mac != "" {
		f["macaddress"] = mac
	}
	return f
}

func containsFlag(flags []string, flag string) bool {
	for _, f := range flags {
		if f == flag {
			return true
		}
	}
	return false
}

// ipv4Facts computes netmask and network from the prefix, as Ansible does.
func ipv4Facts(addr, prefix, brd string) map[string]any {
	f := map[string]any{"address": addr, "broadcast": brd, "prefix": prefix}
	if prefix == "" {
		f["prefix"] = "32"
	}
	p, err := netip.ParsePrefix(addr + "/" + f["prefix"].(string))
	if err != nil {
		return f
	}
	bits := p.Bits()
	mask := uint32(0xffffffff) << (32 - bits)
	if bits == 0 {
		mask = 0
	}
	f["netmask"] = netip.AddrFrom4([4]byte{byte(mask >> 24), byte(mask >> 16), byte(mask >> 8), byte(mask)}).String()
	f["network"] = p.Masked().Addr().String()
	return f
}

// defaultRoute reads `ip route get` output ("8.8.8.8 via GW dev IF src
// ADDR ...") into default_ipv4/default_ipv6: the route plus the facts of
// the interface and address it uses. No route gives {}.
func defaultRoute(text string, ifaces map[string]*netInterface, family string) map[string]any {
	words := strings.Fields(strings.SplitN(text, "\n", 2)[0])
	route := map[string]any{}
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "via":
			route["gateway"] = words[i+1]
		case "dev":
			route["interface"] = words[i+1]
		case "src":
			route["address"] = words[i+1]
		}
	}
	name, _ := route["interface"].(string)
	iface := ifaces[name]
	if iface == nil || route["address"] == nil {
		return map[string]any{}
	}
	for _, k := range []string{"macaddress", "mtu", "type"} {
		if v, ok := iface.facts[k]; ok {
			route[k] = v
		}
	}
	if family == "ipv4" {
		route["alias"] = name
		for _, a := range iface.ipv4 {
			if a["address"] == route["address"] {
				for _, k := range []string{"broadcast", "netmask", "network", "prefix"} {
					route[k] = a[k]
				}
			}
		}
		return route
	}
	for _, a := range iface.ipv6 {
		if a := a.(map[string]any); a["address"] == route["address"] {
			route["prefix"], route["scope"] = a["prefix"], a["scope"]
		}
	}
	return route
}
