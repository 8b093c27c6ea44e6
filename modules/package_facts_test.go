package modules

import (
	"reflect"
	"testing"
)

// Captured from a Debian 12 host with a foreign-architecture library and
// a package removed but not purged.
const dpkgCapture = `::play:: arch
amd64
::play:: packages
installed	adduser	3.134	all	admin
installed	libc6	2.36-9+deb12u4	amd64	libs
installed	libc6	2.36-9+deb12u4	i386	libs
config-files	nginx-common	1.22.1-9	all	httpd
installed	vim	2:9.0.1378-2	amd64	editors
half-configured	broken	1.0	amd64	misc
`

func TestPackageFacts(t *testing.T) {
	p, h, err := planCanned("package_facts", map[string]any{}, dpkgCapture)
	if err != nil {
		t.Fatal(err)
	}
	pkg := func(name, version, arch, category string) []any {
		return []any{map[string]any{"name": name, "version": version, "arch": arch, "category": category, "source": "apt"}}
	}
	want := map[string]any{
		"adduser":    pkg("adduser", "3.134", "all", "admin"),
		"libc6":      pkg("libc6", "2.36-9+deb12u4", "amd64", "libs"),
		"libc6:i386": pkg("libc6:i386", "2.36-9+deb12u4", "i386", "libs"),
		"vim":        pkg("vim", "2:9.0.1378-2", "amd64", "editors"),
		"broken":     pkg("broken", "1.0", "amd64", "misc"),
	}
	got := p.Result["ansible_facts"].(map[string]any)["packages"]
	if !reflect.DeepEqual(got, want) || p.Changed() || len(h.Scripts) != 1 {
		t.Errorf("packages = %v, want %v", got, want)
	}
}

func TestPackageFactsErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		out  string
		want string
	}{
		{map[string]any{}, "", "Could not detect a supported package manager from the following list: ['auto'], or the required Python library is not installed. Check warnings for details."},
		{map[string]any{"manager": "rpm"}, "", "play's package_facts reads only apt (dpkg) packages, not rpm: use manager: apt or auto"},
		{map[string]any{"manager": []any{"apt", "zypper"}}, "", "Unsupported package managers requested: zypper"},
	}
	for _, tt := range tests {
		_, _, err := planCanned("package_facts", tt.args, tt.out)
		if got := failure(err); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
