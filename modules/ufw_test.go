package modules

import (
	"strings"
	"testing"
)

// ufw status verbose and the rules' tuples on a lab host (ufw 0.36.2).
const (
	ufwActive = "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n"
	ufwTuples = "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n"
	ufwDryNew = "*filter\n### RULES ###\n\n" + ufwTuples + "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n### END RULES ###\nCOMMIT\n" +
		"*filter\n### RULES ###\n### tuple ### allow tcp 80 ::/0 any ::/0 in\nCOMMIT\nRules updated\nRules updated (v6)\n"
)

func TestUfwPlan(t *testing.T) {
	tests := []struct {
		name    string
		args    map[string]any
		status  string
		dry     string
		changed bool
		script  string // in the step
	}{
		{"enable inactive", map[string]any{"state": "enabled"}, "Status: inactive\n", "", true, "ufw -f enable"},
		{"enable active", map[string]any{"state": "enabled"}, ufwActive, "", false, ""},
		{"reload always", map[string]any{"state": "reloaded"}, ufwActive, "", true, "reload"},
		{"default same", map[string]any{"policy": "deny"}, ufwActive, "", false, ""},
		{"default outgoing", map[string]any{"default": "reject", "direction": "outgoing"}, ufwActive, "", true, "ufw default reject outgoing"},
		{"default routed while not forwarding", map[string]any{"default": "allow", "direction": "routed"}, ufwActive, "", false, ""},
		{"logging level", map[string]any{"logging": "medium"}, ufwActive, "", true, "ufw logging medium"},
		{"logging on", map[string]any{"logging": "on"}, ufwActive, "", false, ""},
		{"logging inactive", map[string]any{"logging": "low"}, "Status: inactive\n", "", true, "logging"},
		{"existing rule", map[string]any{"rule": "allow", "port": "22", "proto": "tcp"}, ufwActive,
			"Skipping adding existing rule\nSkipping adding existing rule (v6)\n", false, ""},
		{"new rule", map[string]any{"rule": "allow", "port": "80", "proto": "tcp"}, ufwActive, ufwDryNew, true,
			"ufw allow from any to any port 80 proto tcp"},
		{"rule not there to delete", map[string]any{"rule": "allow", "port": "9", "delete": true}, ufwActive,
			"Could not delete non-existent rule\nCould not delete non-existent rule (v6)\n", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := "::play:: bin\n/usr/sbin/ufw\n/usr/bin/grep\n::play:: status\n" + tt.status + "::play:: rules\n" + ufwTuples +
				"::play:: version\nufw 0.36.2\n::play:: numbered\n::play:: dry\n" + tt.dry
			p, err := planFrom(t, "community.general.ufw", tt.args, obs)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() != tt.changed {
				t.Fatalf("changed = %v, want %v", p.Changed(), tt.changed)
			}
			if tt.changed && !strings.Contains(p.Steps[0].Script, tt.script) {
				t.Errorf("step lacks %q:\n%s", tt.script, p.Steps[0].Script)
			}
		})
	}
}

func TestUfwValidate(t *testing.T) {
	tests := []struct {
		args map[string]any
		msg  string
	}{
		{map[string]any{"direction": "in"}, "one of the following is required: state, default, rule, logging"},
		{map[string]any{"rule": "allow", "name": "OpenSSH", "proto": "tcp"}, "parameters are mutually exclusive: name|proto|logging"},
		{map[string]any{"rule": "allow", "interface": "eth0"}, "missing parameter(s) required by 'interface': direction"},
	}
	for _, tt := range tests {
		if _, err := New("ufw", tt.args); err == nil || err.Error() != tt.msg {
			t.Errorf("New(%v) = %v, want %q", tt.args, err, tt.msg)
		}
	}
}

func TestUfwInsert(t *testing.T) {
	const numbered = "Status: active\n\n     To                         Action      From\n     --                         ------      ----\n" +
		"[ 1] 22/tcp                     ALLOW IN    Anywhere\n[ 2] 80/tcp                     ALLOW IN    Anywhere\n" +
		"[ 3] 22/tcp (v6)                ALLOW IN    Anywhere (v6)\n"
	tests := []struct {
		rel    string
		insert int
		at     int
		ok     bool
	}{
		{"zero", 1, 1, true},
		{"first-ipv4", 0, 1, true},
		{"last-ipv4", 0, 2, true},
		{"first-ipv6", 0, 3, true},
		{"last-ipv6", 1, 4, false},
	}
	for _, tt := range tests {
		u := &Ufw{Insert: &tt.insert, InsertRelativeTo: tt.rel}
		if at, ok := u.insertAt(numbered); at != tt.at || ok != tt.ok {
			t.Errorf("%s %d: insertAt = %d %v, want %d %v", tt.rel, tt.insert, at, ok, tt.at, tt.ok)
		}
	}
}
