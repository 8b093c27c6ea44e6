package modules

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "package_facts", New: func() Module { return &PackageFacts{} }})
}

// PackageFacts returns the installed packages as the packages fact, in
// Ansible's shape: name → list of {name, version, arch, category, source}.
// play reads dpkg's database (the apt manager) with one dpkg-query.
type PackageFacts struct {
	// Manager lists the package managers to ask: auto or apt.
	Manager []string `arg:"manager"`
	// Strategy is accepted for compatibility: with one manager, first and all are the same.
	Strategy string `arg:"strategy" choices:"first,all"`
}

// packageManagers are the managers Ansible's package_facts knows; play
// reads only apt's.
var packageManagers = []string{"apk", "apt", "pacman", "pkg", "pkg_info", "portage", "rpm"}

// Validate rejects managers Ansible does not know.
func (p *PackageFacts) Validate() error {
	var unsupported []string
	for _, m := range p.Manager {
		if m = strings.ToLower(m); m != "auto" && !slices.Contains(packageManagers, m) {
			unsupported = append(unsupported, m)
		}
	}
	if len(unsupported) > 0 {
		return fmt.Errorf("Unsupported package managers requested: %s", strings.Join(unsupported, ", "))
	}
	return nil
}

// packageFactsScript prints the native architecture and one line per
// package dpkg knows.
var packageFactsScript = "command -v dpkg-query >/dev/null || exit 0\n" +
	section("arch") + "\ndpkg --print-architecture\n" +
	section("packages") + "\ndpkg-query -W -f='${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n'\n"

// Plan reads the packages in one round trip; it never changes anything.
func (p *PackageFacts) Plan(ctx context.Context, env *Env) (*Plan, error) {
	managers := p.Manager
	if len(managers) == 0 {
		managers = []string{"auto"}
	}
	if !slices.ContainsFunc(managers, func(m string) bool { return m == "auto" || strings.EqualFold(m, "apt") }) {
		return nil, Failf("play's package_facts reads only apt (dpkg) packages, not %s: use manager: apt or auto", strings.Join(managers, ", "))
	}
	s, err := observe(ctx, env.Host, "the installed packages", packageFactsScript)
	if err != nil {
		return nil, err
	}
	if !s.Has("packages") {
		return nil, Failf("Could not detect a supported package manager from the following list: %s, or the required Python library is not installed. Check warnings for details.", pyList(managers))
	}
	return &Plan{Result: map[string]any{"ansible_facts": map[string]any{"packages": parseDpkgPackages(s.Line("arch"), s["packages"])}}}, nil
}

// parseDpkgPackages reads dpkg-query's lines: the packages installed (in
// any state but not-installed and config-files, as python-apt's
// is_installed), named with their architecture when it is a foreign one.
func parseDpkgPackages(native, out string) map[string]any {
	packages := map[string]any{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 || f[0] == "not-installed" || f[0] == "config-files" {
			continue
		}
		name := f[1]
		if f[3] != native && f[3] != "all" {
			name += ":" + f[3]
		}
		pkg := map[string]any{"name": name, "version": f[2], "arch": f[3], "category": f[4], "source": "apt"}
		list, _ := packages[name].([]any)
		packages[name] = append(list, pkg)
	}
	return packages
}

// pyList is a list of strings as Python prints it: ['a', 'b'].
func pyList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "'" + s + "'"
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
