package modules

import (
	"strings"
	"testing"
)

func TestSysctlPlan(t *testing.T) {
	// /etc/sysctl.conf and sysctl -n on a Debian 12 lab host.
	const conf = "::play:: file\n#net.ipv4.ip_forward=1\nvm.swappiness = 10\n"
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		after string // the file after, "" when not written
		steps int
	}{
		{"add and reload", map[string]any{"name": "net.ipv4.ip_forward", "value": "1"}, "::play:: proc\n0\n" + conf,
			"#net.ipv4.ip_forward=1\nvm.swappiness=10\nnet.ipv4.ip_forward=1\n", 2},
		{"bool value, already there and running", map[string]any{"name": "net.ipv4.ip_forward", "value": true},
			"::play:: proc\n1\n::play:: file\nnet.ipv4.ip_forward=1\n", "", 0},
		{"in the file, not running: reload", map[string]any{"name": "net.ipv4.ip_forward", "value": "1"},
			"::play:: proc\n0\n::play:: file\nnet.ipv4.ip_forward=1\n", "", 1},
		{"no reload", map[string]any{"name": "net.ipv4.ip_forward", "value": "1", "reload": false},
			"::play:: proc\n0\n::play:: file\nnet.ipv4.ip_forward=1\n", "", 0},
		{"absent", map[string]any{"name": "vm.swappiness", "state": "absent"}, "::play:: proc\n10\n" + conf,
			"#net.ipv4.ip_forward=1\n", 2},
		{"absent already", map[string]any{"name": "kernel.x", "state": "absent"}, conf, "", 0},
		{"words compare", map[string]any{"name": "net.ipv4.tcp_rmem", "value": "4096 131072  6291456"},
			"::play:: proc\n4096\t131072\t6291456\n::play:: file\nnet.ipv4.tcp_rmem=4096 131072  6291456\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "sysctl", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) != tt.steps {
				t.Fatalf("%d steps, want %d: %v", len(p.Steps), tt.steps, p.Steps)
			}
			if len(p.Diffs) > 0 {
				t.Errorf("diffs %v: ansible.posix.sysctl prints none", p.Diffs)
			}
			if tt.after != "" && string(p.Steps[0].Stdin) != tt.after {
				t.Errorf("file after:\n%s\nwant:\n%s", p.Steps[0].Stdin, tt.after)
			}
			if tt.steps > 0 && tt.args["reload"] == nil && !strings.Contains(p.Steps[len(p.Steps)-1].Script, "sysctl -p '/etc/sysctl.conf'") &&
				!strings.Contains(p.Steps[len(p.Steps)-1].Script, "sysctl -p /etc/sysctl.conf") {
				t.Errorf("no reload step: %s", p.Steps[len(p.Steps)-1].Script)
			}
		})
	}
	if _, err := New("sysctl", map[string]any{"name": "x"}); failure(err) != "state is present but all of the following are missing: value" {
		t.Errorf("missing value: %v", err)
	}
}
