package modules

import (
	"context"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

func TestPackageIsApt(t *testing.T) {
	for want, args := range map[string]map[string]any{
		"missing required arguments: name, state": {"use": "apt"},
		"missing required arguments: state":       {"name": "hello"},
		"play's package module drives apt only (Debian targets); use: yum is not supported: leave use out or set it to apt": {"name": "hello", "state": "present", "use": "yum"},
	} {
		if _, err := New("package", args); err == nil || err.Error() != want {
			t.Errorf("New(package, %v) = %v, want %q", args, err, want)
		}
	}
	m, err := New("package", map[string]any{"name": "hello", "state": "present", "install_recommends": false})
	if err != nil {
		t.Fatal(err)
	}
	host := &modtest.Canned{Outputs: []connection.Result{aptProbeOutput(t, "probe.txt")}}
	plan, err := m.Plan(context.Background(), &Env{Host: host})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 || commandLine(plan.Steps[0].Script) != "apt-get -y "+aptOpts+" --no-install-recommends install hello" {
		t.Errorf("steps = %+v", plan.Steps)
	}
}

// Before running, an unknown argument is accepted only when its template may render to omit
// (a RedHat-only argument in a role that also runs on Debian); rendered, it is judged.
func TestCheckUnknownArgumentThatMayBeOmitted(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string // "" = accepted
	}{
		{map[string]any{"name": "git", "state": "present", "enablerepo": "{{ repo | default(omit, true) }}"}, ""},
		{map[string]any{"name": "git", "state": "present", "enablerepo": "{{ repo }}"}, "Unsupported parameters for module: enablerepo"},
		{map[string]any{"name": "git", "state": "present", "enablerepo": "epel"}, "Unsupported parameters for module: enablerepo"},
	}
	for _, tt := range tests {
		err := Check("package", tt.args)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Check(package, %v) = %v, want %q", tt.args, err, tt.want)
		}
	}
	if _, err := New("package", map[string]any{"name": "git", "state": "present", "enablerepo": "{{ repo | default(omit) }}"}); err == nil {
		t.Error("New (rendered arguments) accepted enablerepo")
	}
}
