package modules

import (
	"os"
	"reflect"
	"testing"

	"play/connection"
)

// testdata/systemd holds the probe's output captured on a lab host (Debian
// 12): ssh running and enabled, ssh.socket stopped and disabled, no nosuch.
func TestSystemdPlan(t *testing.T) {
	tests := []struct {
		name      string
		module    string
		args      map[string]any
		probe     string
		steps     []string
		unchanged bool
		result    map[string]any // keys besides status
		err       string
	}{
		{name: "running", module: "systemd", args: map[string]any{"name": "ssh", "state": "started", "enabled": true}, probe: "ssh.txt",
			result: map[string]any{"name": "ssh", "state": "started", "enabled": true}},
		{name: "restart", module: "systemd", args: map[string]any{"name": "ssh", "state": "restarted"}, probe: "ssh.txt",
			steps: []string{"systemctl restart ssh"}, result: map[string]any{"name": "ssh", "state": "started"}},
		{name: "reload stopped starts", module: "systemd_service", args: map[string]any{"name": "ssh.socket", "state": "reloaded"}, probe: "ssh-socket.txt",
			steps: []string{"systemctl start ssh.socket"}, result: map[string]any{"name": "ssh.socket", "state": "started"}},
		{name: "stop and disable", module: "service", args: map[string]any{"name": "ssh", "state": "stopped", "enabled": false, "sleep": 3}, probe: "ssh.txt",
			steps: []string{"systemctl disable ssh", "systemctl stop ssh"}, result: map[string]any{"name": "ssh", "state": "stopped", "enabled": false}},
		{name: "mask with reload", module: "systemd", args: map[string]any{"name": "ssh.socket", "masked": true, "daemon_reload": true, "scope": "system", "no_block": true}, probe: "ssh-socket.txt",
			steps: []string{"systemctl --no-block daemon-reload", "systemctl --no-block mask ssh.socket"}, result: map[string]any{"name": "ssh.socket"}},
		{name: "reload only", module: "systemd", args: map[string]any{"name": "ssh", "daemon_reload": true}, probe: "ssh.txt",
			steps: []string{"systemctl daemon-reload"}, unchanged: true, result: map[string]any{"name": "ssh"}},
		{name: "missing", module: "systemd", args: map[string]any{"name": "nosuch", "state": "started"}, probe: "nosuch.txt",
			err: "Could not find the requested service nosuch: host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/systemd/" + tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			plan := planWith(t, tt.module, tt.args, tt.err, connection.Result{Stdout: data})
			if plan == nil {
				return
			}
			if steps := stepCommands(plan); !reflect.DeepEqual(steps, tt.steps) || plan.Unchanged != tt.unchanged {
				t.Errorf("steps %q unchanged %v, want %q %v", steps, plan.Unchanged, tt.steps, tt.unchanged)
			}
			status, _ := plan.Result["status"].(map[string]any)
			if status["Id"] != tt.args["name"].(string)+".service" && status["Id"] != tt.args["name"] {
				t.Errorf("status Id = %v", status["Id"])
			}
			rest := map[string]any{}
			for k, v := range plan.Result {
				if k != "status" {
					rest[k] = v
				}
			}
			if !reflect.DeepEqual(rest, tt.result) {
				t.Errorf("result = %v, want %v", rest, tt.result)
			}
		})
	}
}

func TestParseSystemctlShow(t *testing.T) {
	got := parseSystemctlShow([]string{"Id=a.service", "ExecStart={ path=/bin/a ;", "  argv[]=/bin/a -x ; }", "Description= A  ", "noise"})
	want := map[string]any{"Id": "a.service", "ExecStart": "{ path=/bin/a ;\n  argv[]=/bin/a -x ; }", "Description": "A"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSystemdValidate(t *testing.T) {
	for want, args := range map[string]map[string]any{
		"one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec":    {"name": "x"},
		"missing parameter(s) required by 'state': name":                                            {"state": "started"},
		"This module does not currently support using glob patterns, found '*' in service name: a*": {"name": "a*", "state": "started"},
	} {
		if _, err := New("systemd", args); err == nil || err.Error() != want {
			t.Errorf("New(systemd, %v) = %v, want %q", args, err, want)
		}
	}
	if _, err := New("service", map[string]any{"name": "x"}); err == nil || err.Error() != "one of the following is required: state, enabled" {
		t.Errorf("service without state: %v", err)
	}
}
