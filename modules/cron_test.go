package modules

import (
	"reflect"
	"strings"
	"testing"
)

func TestCronPlan(t *testing.T) {
	// crontab -l on a Debian 12 lab host after the jobs below were installed.
	const tab = "::play:: crontab\nPATH=\"/usr/bin:/bin\"\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n"
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		after string // "" when nothing changes
		jobs  []any
	}{
		{"new job in no crontab", map[string]any{"name": "backup", "minute": "0", "hour": 3, "job": "/usr/local/bin/backup"}, "",
			"#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n", []any{"backup"}},
		{"same job", map[string]any{"name": "backup", "minute": "0", "hour": "3", "job": "/usr/local/bin/backup"}, tab, "", []any{"backup"}},
		{"changed schedule", map[string]any{"name": "backup", "hour": "4", "job": "/usr/local/bin/backup"}, tab,
			"PATH=\"/usr/bin:/bin\"\n#Ansible: backup\n* 4 * * * /usr/local/bin/backup\n", []any{"backup"}},
		{"disabled special time", map[string]any{"name": "r", "special_time": "reboot", "job": "/bin/true", "disabled": true}, tab,
			strings.TrimPrefix(tab, "::play:: crontab\n") + "#Ansible: r\n#@reboot /bin/true\n", []any{"backup", "r"}},
		{"absent", map[string]any{"name": "backup", "state": "absent"}, tab, "PATH=\"/usr/bin:/bin\"\n", []any{}},
		{"absent already", map[string]any{"name": "nope", "state": "absent"}, "", "", []any{}},
		{"adopt an unnamed identical line", map[string]any{"name": "x", "job": "/bin/x"}, "::play:: crontab\n* * * * * /bin/x\n",
			"#Ansible: x\n* * * * * /bin/x\n", []any{"x"}},
		{"env on top", map[string]any{"name": "MAILTO", "env": true, "job": "ops"}, tab,
			"MAILTO=\"ops\"\n" + strings.TrimPrefix(tab, "::play:: crontab\n"), []any{"backup"}},
		{"env after", map[string]any{"name": "MAILTO", "env": true, "job": "ops", "insertafter": "PATH"}, tab,
			"PATH=\"/usr/bin:/bin\"\nMAILTO=\"ops\"\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n", []any{"backup"}},
		{"env same", map[string]any{"name": "PATH", "env": true, "value": "/usr/bin:/bin"}, tab, "", []any{"backup"}},
		{"cron_file line has the user", map[string]any{"name": "cf", "cron_file": "app", "user": "www-data", "job": "/bin/x", "special_time": "daily"}, "",
			"#Ansible: cf\n@daily www-data /bin/x\n", []any{"cf"}},
		{"missing final newline", map[string]any{"name": "cf", "cron_file": "app", "user": "root", "job": "/bin/x"}, "::play:: crontab\n#Ansible: cf\n* * * * * root /bin/x",
			"#Ansible: cf\n* * * * * root /bin/x\n", []any{"cf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "cron", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() != (tt.after != "") {
				t.Fatalf("changed = %v, want %v", p.Changed(), tt.after != "")
			}
			if tt.after != "" {
				if got := p.Diffs[0].After; got != tt.after {
					t.Errorf("after:\n%s\nwant:\n%s", got, tt.after)
				}
				if got := p.Diffs[0].Before; got != strings.TrimPrefix(tt.probe, "::play:: crontab\n") {
					t.Errorf("before = %q", got)
				}
			}
			if !reflect.DeepEqual(p.Result["jobs"], tt.jobs) {
				t.Errorf("jobs = %v, want %v", p.Result["jobs"], tt.jobs)
			}
		})
	}
}

func TestCronArgErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"name": "x"}, "You must specify 'job' to install a new cron job or variable"},
		{map[string]any{"name": "x", "job": "y", "hour": "1", "special_time": "daily"}, "You must specify time and date fields or special time."},
		{map[string]any{"name": "x", "job": "y", "cron_file": "f"}, "To use cron_file=... parameter you must specify user=... as well"},
		{map[string]any{"name": "x", "job": "y", "special_time": "sometimes"}, "value of special_time must be one of: annually, daily, hourly, monthly, reboot, weekly, yearly, got: sometimes"},
	}
	for _, tt := range tests {
		if _, err := New("cron", tt.args); failure(err) != tt.want {
			t.Errorf("%v: error %q, want %q", tt.args, failure(err), tt.want)
		}
	}
}
