package modules

import "testing"

func TestPamLimits(t *testing.T) {
	const conf = "# limits\n*\tsoft\tnofile\t1024\n@adm hard nproc 100 # admins\n"
	tests := []struct {
		name  string
		args  map[string]any
		obs   string
		after string // "" when unchanged
		msg   string
	}{
		{"value replaced", map[string]any{"domain": "*", "limit_type": "soft", "limit_item": "nofile", "value": "4096"}, conf,
			"# limits\n*\tsoft\tnofile\t4096\n@adm hard nproc 100 # admins\n", ""},
		// Ansible carries the comment of the last limit line read (newline included) onto a new line.
		{"appended with the last comment", map[string]any{"domain": "joe", "limit_type": "-", "limit_item": "memlock", "value": "unlimited"}, conf,
			conf + "joe\t-\tmemlock\tunlimited\t# admins\n\n", ""},
		{"use_max keeps the larger", map[string]any{"domain": "@adm", "limit_type": "hard", "limit_item": "nproc", "value": "50", "use_max": true}, conf, "", ""},
		{"use_min lowers", map[string]any{"domain": "@adm", "limit_type": "hard", "limit_item": "nproc", "value": "50", "use_min": true, "comment": "fewer"}, conf,
			"# limits\n*\tsoft\tnofile\t1024\n@adm\thard\tnproc\t50\t#fewer\n", ""},
		{"same value", map[string]any{"domain": "*", "limit_type": "soft", "limit_item": "nofile", "value": "1024"}, conf, "", ""},
		{"bad nice", map[string]any{"domain": "x", "limit_type": "hard", "limit_item": "nice", "value": "30"}, conf, "",
			" Value of '30' for item 'nice' is invalid. Value must be a number in the range -20 to 19 inclusive. Refer to the limits.conf(5) manual pages for more details."},
		{"both bounds", map[string]any{"domain": "x", "limit_type": "hard", "limit_item": "core", "value": "0", "use_max": true, "use_min": true}, conf, "",
			"Cannot use use_min and use_max at the same time."},
		{"bad line in the file", map[string]any{"domain": "x", "limit_type": "hard", "limit_item": "core", "value": "0"}, "* soft core big\n", "",
			"Invalid configuration found in '/etc/security/limits.conf'. Value of 'big' for item 'core' is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more details."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "community.general.pam_limits", tt.args, "::play:: file\n"+tt.obs)
			if wantPlanErr(t, err, tt.msg) {
				return
			}
			if tt.after == "" {
				if p.Changed() {
					t.Errorf("changed, want unchanged: %q", p.Steps[0].Stdin)
				}
				return
			}
			if !p.Changed() || string(p.Steps[0].Stdin) != tt.after || p.Diffs[0].After != tt.after {
				t.Errorf("after:\n%q\nwant:\n%q", p.Steps, tt.after)
			}
		})
	}
}
