package modules

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// pkgState is what dpkg and APT know about one package: dpkg's status and
// installed version, APT's candidate and the versions it can install.
type pkgState struct {
	Name string
	// Status is dpkg's db:Status-Abbrev ("ii ", "rc "...), "" when dpkg has
	// never heard of the package.
	Status    string
	Installed string // installed version, "" when not installed
	Candidate string // "" when APT has none
	Versions  []string
	// Selection is dpkg's selection (install, hold, deinstall, purge).
	Selection string
}

// IsInstalled says whether dpkg has the package's files unpacked (what
// python-apt's is_installed reports).
func (s *pkgState) IsInstalled() bool {
	return len(s.Status) >= 2 && s.Status[1] != 'n' && s.Status[1] != 'c'
}

// HasConfig says whether only configuration files are left (removed, not purged).
func (s *pkgState) HasConfig() bool { return len(s.Status) >= 2 && s.Status[1] == 'c' }

// Available says whether APT can install the package.
func (s *pkgState) Available() bool { return s.Candidate != "" }

// matchVersion returns the newest installable version matching pattern (a
// glob, as Ansible's fnmatch), or "".
func (s *pkgState) matchVersion(pattern string) string {
	for _, v := range s.Versions {
		if ok, _ := path.Match(pattern, v); ok {
			return v
		}
	}
	return ""
}

// pkgProbeScript prints, for the named packages, dpkg's records ("Q name|
// status|version|selection") and apt-cache policy's lines ("P line").
// aptOpts go to apt-cache (a default release).
func pkgProbeScript(names []string, aptOpts string) string {
	if len(names) == 0 {
		return ""
	}
	q := joinQuoted(names)
	return "dpkg-query -W -f='Q ${Package}|${db:Status-Abbrev}|${Version}|${db:Status-Want}\\n' -- " + q + " 2>/dev/null\n" +
		"apt-cache " + aptOpts + " policy -- " + q + " 2>/dev/null | sed 's/^/P /'\n"
}

// parsePkgProbe reads pkgProbeScript's records out of a probe's output
// (other lines are left to the caller) into states keyed by name.
func parsePkgProbe(out []byte) map[string]*pkgState {
	states := map[string]*pkgState{}
	get := func(name string) *pkgState {
		name, _, _ = strings.Cut(name, ":") // libfoo:amd64
		if states[name] == nil {
			states[name] = &pkgState{Name: name}
		}
		return states[name]
	}
	var cur *pkgState
	inTable := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Q "):
			f := strings.Split(line[2:], "|")
			if len(f) != 4 {
				continue
			}
			st := get(f[0])
			st.Status, st.Selection = f[1], f[3]
			if st.IsInstalled() {
				st.Installed = f[2]
			}
		case strings.HasPrefix(line, "P "):
			l := line[2:]
			switch {
			case !strings.HasPrefix(l, " ") && strings.HasSuffix(l, ":"):
				cur, inTable = get(strings.TrimSuffix(l, ":")), false
			case cur == nil:
			case strings.HasPrefix(l, "  Candidate: "):
				if c := strings.TrimPrefix(l, "  Candidate: "); c != "(none)" {
					cur.Candidate = c
				}
			case strings.HasPrefix(l, "  Version table:"):
				inTable = true
			case inTable && len(l) > 5 && (strings.HasPrefix(l, "     ") || strings.HasPrefix(l, " *** ")) && l[5] != ' ':
				cur.Versions = append(cur.Versions, strings.Fields(l[5:])[0])
			}
		}
	}
	return states
}
