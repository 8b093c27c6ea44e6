package modules

import (
	"strings"
	"testing"
)

func TestTimezonePlan(t *testing.T) {
	// timedatectl show on a Debian 12 lab host; the file fallback as a host without systemd prints it.
	const systemd = "::play:: systemd\nEtc/UTC\n::play:: rtc\nno\n"
	const files = "::play:: files\nEtc/UTC\n::play:: rtc\nno\n"
	tests := []struct {
		name   string
		args   map[string]any
		probe  string
		script string // "" for no step
		err    string
	}{
		{"systemd", map[string]any{"name": "Asia/Tokyo"}, systemd + "::play:: available\n", "timedatectl set-timezone Asia/Tokyo", ""},
		{"same", map[string]any{"name": "Etc/UTC"}, systemd + "::play:: available\n", "", ""},
		{"files", map[string]any{"name": "Asia/Tokyo"}, files + "::play:: available\n",
			"printf '%s\\n' Asia/Tokyo > /etc/timezone &&\nln -sfn /usr/share/zoneinfo/Asia/Tokyo /etc/localtime", ""},
		{"hwclock", map[string]any{"hwclock": "local"}, systemd, "timedatectl set-local-rtc 1", ""},
		{"unknown zone", map[string]any{"name": "Mars/Olympus"}, systemd, "", "Error message:\ngiven timezone \"Mars/Olympus\" is not available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "timezone", tt.args, tt.probe)
			if failure(err) != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err != nil {
				return
			}
			script := ""
			if len(p.Steps) > 0 {
				script = p.Steps[0].Script
			}
			if script != tt.script {
				t.Errorf("script %q, want %q", script, tt.script)
			}
		})
	}
	p, _ := planFrom(t, "timezone", map[string]any{"name": "Asia/Tokyo"}, systemd+"::play:: available\n")
	if d := p.Diffs[0]; !strings.Contains(d.Before, `"name": "Etc/UTC"`) || !strings.Contains(d.After, `"name": "Asia/Tokyo"`) {
		t.Errorf("diff %+v", d)
	}
	if _, err := New("timezone", map[string]any{}); failure(err) != "one of the following is required: name, hwclock" {
		t.Errorf("no args: %v", err)
	}
}
