package modules

import (
	"context"
	"os"
	"reflect"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// testdata/service_facts/probe.txt is the probe's output on a lab host
// (Debian 12); the expected entries are what Ansible 2.14 reported there.
func TestServiceFacts(t *testing.T) {
	data, err := os.ReadFile("testdata/service_facts/probe.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New("service_facts", nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := m.Plan(context.Background(), &Env{Host: &modtest.Canned{Outputs: []connection.Result{{Stdout: data}}}})
	if err != nil {
		t.Fatal(err)
	}
	services := plan.Result["ansible_facts"].(map[string]any)["services"].(map[string]any)
	for name, want := range map[string]map[string]any{
		"ssh.service":           {"name": "ssh.service", "state": "running", "status": "enabled", "source": "systemd"},
		"sshd.service":          {"name": "sshd.service", "state": "active", "status": "alias", "source": "systemd"},
		"console-getty.service": {"name": "console-getty.service", "state": "stopped", "status": "masked", "source": "systemd"},
		"apt-daily.service":     {"name": "apt-daily.service", "state": "inactive", "status": "static", "source": "systemd"},
		"autovt@.service":       {"name": "autovt@.service", "state": "unknown", "status": "alias", "source": "systemd"},
	} {
		if got := services[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if plan.Changed() {
		t.Error("service_facts plans changes")
	}
}
