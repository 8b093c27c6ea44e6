package modules

import (
	"context"
	"errors"
	"play/modules/modtest"
	"strings"
	"testing"
	"time"

	"play/connection"
)

// rebootingHost answers boot ID reads from a list (one per call, the last
// repeated), fails to reconnect the first downFor times, and records scripts.
type rebootingHost struct {
	boots     []string
	downFor   int
	reconnect int
	scripts   []string
}

func (h *rebootingHost) Run(_ context.Context, script string, _ []byte) (connection.Result, error) {
	h.scripts = append(h.scripts, script)
	if script == "whoami" {
		return connection.Result{Stdout: []byte("root\n")}, nil
	}
	if strings.Contains(script, "boot_id") {
		b := h.boots[0]
		if len(h.boots) > 1 {
			h.boots = h.boots[1:]
		}
		return connection.Result{Stdout: []byte(b + "\n")}, nil
	}
	return connection.Result{Stdout: []byte("started\n")}, nil
}

func (h *rebootingHost) Reconnect(context.Context) error {
	h.reconnect++
	if h.reconnect <= h.downFor {
		return errors.New("connection refused")
	}
	return nil
}

func TestRebootWaits(t *testing.T) {
	defer func(d time.Duration) { pollInterval = d }(pollInterval)
	pollInterval = time.Millisecond
	tests := []struct {
		name    string
		args    map[string]any
		boots   []string
		downFor int
		err     string
	}{
		{"comes back", map[string]any{}, []string{"a", "a", "b"}, 2, ""},
		{"never reboots", map[string]any{"reboot_timeout": 0}, []string{"a"}, 0, "Timed out waiting for last boot time check (timeout=0): boot time has not changed"},
		{"stays down", map[string]any{"reboot_timeout": 0}, []string{"a"}, 1000, "Timed out waiting for last boot time check (timeout=0): connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New("reboot", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			h := &rebootingHost{boots: tt.boots, downFor: tt.downFor}
			p, err := m.Plan(context.Background(), &Env{Host: h})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) != 1 || !strings.Contains(p.Steps[0].Script, `nohup sh -c 'sleep 1; shutdown -r +0 '"'"'Reboot initiated by Ansible'"'"''`) {
				t.Fatalf("steps %v", p.Steps)
			}
			res, err := p.Finish([]connection.Result{{Stdout: []byte("started\n")}})
			if failure(err) != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err == nil && (res["rebooted"] != true || h.scripts[len(h.scripts)-1] != "whoami") {
				t.Errorf("result %v after %v", res, h.scripts)
			}
		})
	}
	if _, err := New("reboot", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	m, _ := New("reboot", map[string]any{})
	if _, err := m.Plan(context.Background(), &Env{Host: &modtest.Canned{}}); failure(err) != "the reboot module needs a connection that can be reopened" {
		t.Errorf("plain host: %v", err)
	}
}
