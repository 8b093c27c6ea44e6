package modules

import (
	"context"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// The probe outputs in testdata/apt were captured on a lab host (Debian 12);
// probe.txt gives jq a newer candidate and cron removed-not-purged, to have
// every case in one file.
func aptProbeOutput(t *testing.T, name string) connection.Result {
	t.Helper()
	data, err := os.ReadFile("testdata/apt/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return connection.Result{Stdout: data}
}

const aptOpts = `-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=60`

func TestAptPlan(t *testing.T) {
	tests := []struct {
		name      string
		args      map[string]any
		probe     string
		steps     []string // each step's apt-get command line
		unchanged bool
		result    map[string]any
		err       string
	}{
		{name: "installed", args: map[string]any{"name": "tree"}, probe: "probe.txt",
			result: map[string]any{"cache_updated": false, "cache_update_time": int64(1795438278)}},
		{name: "install one of two", args: map[string]any{"name": []any{"tree", "hello"}}, probe: "probe.txt",
			steps: []string{"apt-get -y " + aptOpts + " install hello"}},
		{name: "pinned version glob", args: map[string]any{"name": "hello=2.10*"}, probe: "probe.txt",
			steps: []string{"apt-get -y " + aptOpts + " install hello=2.10-3"}},
		{name: "pinned installed", args: map[string]any{"name": "jq=1.6-2.1*"}, probe: "probe.txt"},
		{name: "downgrade", args: map[string]any{"name": "jq=1.6-2.2", "allow_downgrade": true}, probe: "probe.txt",
			steps: []string{"apt-get -y " + aptOpts + " --allow-downgrades install jq=1.6-2.2"}},
		{name: "no such version", args: map[string]any{"name": "hello=2.9"}, probe: "probe.txt",
			err: "no available installation candidate for hello=2.9"},
		{name: "no such package", args: map[string]any{"name": "nosuch"}, probe: "probe.txt",
			err: "No package matching 'nosuch' is available"},
		{name: "unknown package after update", args: map[string]any{"name": "nosuch", "update_cache": true}, probe: "probe.txt",
			steps: []string{"apt-get update -q -o DPkg::Lock::Timeout=60 && stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists",
				"apt-get -y " + aptOpts + " install nosuch"},
			result: map[string]any{"cache_updated": true, "cache_update_time": int64(1795438278)}},
		{name: "no lists yet: update first", args: map[string]any{"name": []any{"tree", "nosuch"}}, probe: "nolists.txt",
			steps: []string{"apt-get update -q -o DPkg::Lock::Timeout=60 && stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists",
				"apt-get -y " + aptOpts + " install nosuch"},
			result: map[string]any{"cache_updated": true, "cache_update_time": int64(1795438278)}},
		{name: "no lists yet, all installed", args: map[string]any{"name": "tree"}, probe: "nolists.txt",
			result: map[string]any{"cache_updated": false, "cache_update_time": int64(1795438278)}},
		{name: "no lists yet, absent", args: map[string]any{"name": "nosuch", "state": "absent"}, probe: "nolists.txt", result: map[string]any{}},
		{name: "cache valid", args: map[string]any{"name": "tree", "cache_valid_time": 3600}, probe: "probe.txt"},
		{name: "cache too old", args: map[string]any{"name": "tree", "cache_valid_time": 600}, probe: "probe.txt", unchanged: true,
			steps: []string{"apt-get update -q -o DPkg::Lock::Timeout=60 && stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists"}},
		{name: "latest", args: map[string]any{"name": "jq,tree", "state": "latest", "install_recommends": false}, probe: "probe.txt",
			steps: []string{"apt-get -y " + aptOpts + " --no-install-recommends install jq"}},
		{name: "absent", args: map[string]any{"name": []any{"tree", "hello", "cron"}, "state": "absent"}, probe: "probe.txt",
			steps: []string{"apt-get -y -q " + aptOpts + " remove tree"}, result: map[string]any{}},
		{name: "purge config files", args: map[string]any{"name": "cron", "state": "absent", "purge": true}, probe: "probe.txt",
			steps: []string{"apt-get -y -q --purge " + aptOpts + " remove cron"}},
		{name: "upgrade", args: map[string]any{"upgrade": "dist"}, probe: "upgrade.txt",
			steps: []string{"apt-get -y " + aptOpts + " dist-upgrade"}, result: map[string]any{}},
		{name: "upgrade yes", args: map[string]any{"upgrade": true}, probe: "upgrade.txt",
			steps: []string{"apt-get -y " + aptOpts + " upgrade --with-new-pkgs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planWith(t, "apt", tt.args, tt.err, aptProbeOutput(t, tt.probe))
			if plan == nil {
				return
			}
			if steps := stepCommands(plan); !reflect.DeepEqual(steps, tt.steps) {
				t.Errorf("steps:\n%q\nwant\n%q", steps, tt.steps)
			}
			if plan.Unchanged != tt.unchanged {
				t.Errorf("Unchanged = %v, want %v", plan.Unchanged, tt.unchanged)
			}
			if tt.result != nil && !reflect.DeepEqual(plan.Result, tt.result) {
				t.Errorf("result = %v, want %v", plan.Result, tt.result)
			}
		})
	}
}

func TestAptDiffAndFinish(t *testing.T) {
	sim := "Reading package lists...\nBuilding dependency tree...\nReading state information...\n" +
		"The following NEW packages will be installed:\n  hello\n0 upgraded, 1 newly installed, 0 to remove and 2 not upgraded.\n" +
		"Inst hello (2.10-3 10.232.0.1 [amd64])\nConf hello (2.10-3 10.232.0.1 [amd64])\n"
	host := &modtest.Canned{Outputs: []connection.Result{aptProbeOutput(t, "probe.txt"), modtest.Stdout(sim)}}
	m, err := New("apt", map[string]any{"name": "hello", "update_cache": true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := m.Plan(context.Background(), &Env{Host: host, WantDiff: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "apt-get -y -s " + aptOpts + " install hello"; !strings.Contains(host.Scripts[1], want) {
		t.Errorf("simulation script %q lacks %q", host.Scripts[1], want)
	}
	want := "The following NEW packages will be installed:\n  hello\n0 upgraded, 1 newly installed, 0 to remove and 2 not upgraded."
	if len(plan.Diffs) != 1 || plan.Diffs[0].Prepared != want {
		t.Errorf("diffs = %+v, want prepared %q", plan.Diffs, want)
	}
	res, err := plan.Finish([]connection.Result{modtest.Stdout("Hit:1 ...\n1795449999\n"), modtest.Stdout(sim)})
	if err != nil {
		t.Fatal(err)
	}
	if res["changed"] != true || res["cache_updated"] != true || res["cache_update_time"] != int64(1795449999) || res["stdout"] != sim {
		t.Errorf("result = %v", res)
	}
	_, err = plan.Finish([]connection.Result{modtest.Stdout("1795449999\n"), {RC: 100, Stderr: []byte("E: Unable to locate package hello\n")}})
	if want := "'apt-get -y " + aptOpts + " install hello' failed: E: Unable to locate package hello"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestAptValidate(t *testing.T) {
	for args, want := range map[string]map[string]any{
		"value of upgrade must be one of: dist, full, no, safe, yes, got: sometimes":                          {"upgrade": "sometimes"},
		"one of the following is required: autoclean, autoremove, clean, deb, package, update_cache, upgrade": {"state": "present"},
		"parameters are mutually exclusive: deb|package|upgrade":                                              {"deb": "/tmp/x.deb", "name": "x"},
	} {
		if _, err := New("apt", want); err == nil || err.Error() != args {
			t.Errorf("New(apt, %v) = %v, want %q", want, err, args)
		}
	}
}

// The probe of a .deb file reads its package and version, and a package never installed
// is no error.
func TestAptDebProbe(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("no dpkg-deb here")
	}
	dir := t.TempDir()
	control := "Package: play-probe-test\nVersion: 1.2-3\nArchitecture: all\nMaintainer: t <t@x>\nDescription: t\n"
	if err := os.MkdirAll(dir+"/pkg/DEBIAN", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/pkg/DEBIAN/control", []byte(control), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("dpkg-deb", "--build", dir+"/pkg", dir+"/t.deb").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	out, err := exec.Command("sh", "-c", debProbe(dir+"/t.deb")).Output()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if pr := parseAptProbe(out); pr.deb == nil || pr.deb.Name != "play-probe-test" || pr.deb.Candidate != "1.2-3" {
		t.Errorf("probe output %q read as %+v", out, pr.deb)
	}
}
