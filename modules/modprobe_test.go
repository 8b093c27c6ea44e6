package modules

import (
	"strings"
	"testing"
)

func TestModprobe(t *testing.T) {
	const files = "::play:: /etc/modules-load.d\n/etc/modules-load.d/modules.conf\t# modules\n/etc/modules-load.d/modules.conf\tloop\n" +
		"::play:: /etc/modprobe.d\n/etc/modprobe.d/dummy.conf\toptions dummy numdummies=1\n"
	tests := []struct {
		name   string
		args   map[string]any
		obs    string
		writes []string // "path=content" of the files written
		script string   // the load or unload command, "" for none
		msg    string
	}{
		{"loaded, not persistent", map[string]any{"name": "dummy"}, "::play:: loaded\nyes\n" + files, nil, "", ""},
		{"load with params", map[string]any{"name": "dummy", "params": "numdummies=2"}, files, nil, "modprobe -- dummy numdummies=2", ""},
		{"unload", map[string]any{"name": "loop", "state": "absent"}, "::play:: loaded\nyes\n" + files, nil, "modprobe -r -- loop", ""},
		{"persist with new params", map[string]any{"name": "dummy", "params": "numdummies=2", "persistent": "present"}, "::play:: loaded\nyes\n" + files,
			[]string{"/etc/modules-load.d/dummy.conf=dummy\n", "/etc/modprobe.d/dummy.conf=#options dummy numdummies=1\n", "/etc/modprobe.d/dummy.conf=options dummy numdummies=2\n"}, "", ""},
		{"persisted already", map[string]any{"name": "loop", "persistent": "present"}, "::play:: loaded\nyes\n" + files, nil, "", ""},
		{"persistence removed", map[string]any{"name": "loop", "persistent": "absent"}, "::play:: loaded\nyes\n" + files,
			[]string{"/etc/modules-load.d/modules.conf=# modules\n\n#loop\n"}, "", ""},
		{"no /proc/modules", map[string]any{"name": "dummy"}, "::play:: missing_file\n/proc/modules\n", nil, "",
			"[Errno 2] No such file or directory: '/proc/modules'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "community.general.modprobe", tt.args, tt.obs)
			if wantPlanErr(t, err, tt.msg) {
				return
			}
			var writes []string
			var script string
			for _, s := range p.Steps {
				if s.Stdin == nil {
					script += s.Script
					continue
				}
				dest := strings.TrimPrefix(strings.SplitN(s.Script, "\n", 2)[0], "dest=")
				writes = append(writes, strings.Trim(dest, "'")+"="+string(s.Stdin))
			}
			if strings.Join(writes, "|") != strings.Join(tt.writes, "|") {
				t.Errorf("writes %q, want %q", writes, tt.writes)
			}
			if (tt.script == "") != (script == "") || !strings.Contains(script, tt.script) {
				t.Errorf("script %q, want %q", script, tt.script)
			}
		})
	}
}
