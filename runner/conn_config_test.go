package runner

import (
	"reflect"
	"testing"

	"play/connection"
	"play/inventory"
)

// A host's connection settings are made once while its connection
// variables stay the same, and again when they change.
func TestConnConfigKeptWhileVarsStay(t *testing.T) {
	h := newHostState(&inventory.Host{Name: "web1"})
	opts := connection.Options{SSHConfigFile: "/nonexistent/ssh_config"}
	for _, step := range []struct {
		user string
		made bool // the settings were made from these variables
	}{
		{"deploy", true},
		{"deploy", false},
		{"admin", true},
	} {
		vars := map[string]any{"ansible_host": "10.0.0.1", "ansible_user": step.user}
		cfg, err := h.connConfig(vars, opts)
		if err != nil {
			t.Fatal(err)
		}
		made := reflect.ValueOf(h.connVars).Pointer() == reflect.ValueOf(vars).Pointer()
		if cfg.User != step.user || made != step.made {
			t.Errorf("user %s: settings for %q, made anew %v; want %q, %v", step.user, cfg.User, made, step.user, step.made)
		}
	}
}
