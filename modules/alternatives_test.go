package modules

import (
	"strings"
	"testing"
)

// altDisplay is update-alternatives --display on Debian 12 with two
// alternatives, one with a follower, in manual mode.
const altDisplay = `md3 - manual mode
  link best version is /usr/bin/false
  link currently points to /usr/bin/true
  link md3 is /usr/local/bin/md3
  slave md3-help is /usr/local/bin/md3-help
/usr/bin/false - priority 20
/usr/bin/true - priority 10
  slave md3-help: /usr/bin/echo
`

func TestAlternatives(t *testing.T) {
	tests := []struct {
		name   string
		args   map[string]any
		exists bool
		cmds   []string // the commands run, in order
		msg    string
		err    string
	}{
		{"selected already", map[string]any{"name": "md3", "path": "/usr/bin/true"}, true, nil, "", ""},
		{"select another", map[string]any{"name": "md3", "path": "/usr/bin/false"}, true,
			[]string{"--set md3 /usr/bin/false"}, "Set alternative '/usr/bin/false' for 'md3'.", ""},
		{"new priority", map[string]any{"name": "md3", "path": "/usr/bin/true", "priority": 30, "state": "present"}, true,
			[]string{"--install /usr/local/bin/md3 md3 /usr/bin/true 30"}, "Install alternative '/usr/bin/true' for 'md3'.", ""},
		{"auto from manual", map[string]any{"name": "md3", "path": "/usr/bin/true", "state": "auto"}, true,
			[]string{"--auto md3"}, "Set alternative to auto for 'md3'.", ""},
		{"follower changed", map[string]any{"name": "md3", "path": "/usr/bin/true", "subcommands": []any{
			map[string]any{"name": "md3-help", "link": "/usr/local/bin/md3-help", "path": "/usr/bin/printf"}}}, true,
			[]string{"--install /usr/local/bin/md3 md3 /usr/bin/true 10 --slave /usr/local/bin/md3-help md3-help /usr/bin/printf"},
			"Install alternative '/usr/bin/true' for 'md3'.", ""},
		{"removed", map[string]any{"name": "md3", "path": "/usr/bin/false", "state": "absent"}, true,
			[]string{"--remove md3 /usr/bin/false"}, "Remove alternative '/usr/bin/false' from 'md3'.", ""},
		{"missing path", map[string]any{"name": "md3", "path": "/nope"}, false, nil, "", "Specified path /nope does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := "::play:: display\n" + altDisplay + "::play:: exists\n"
			if tt.exists {
				obs += "yes\n"
			}
			p, err := planFrom(t, "community.general.alternatives", tt.args, obs)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cmds []string
			if len(p.Steps) > 0 {
				for _, l := range strings.Split(p.Steps[0].Script, "\n") {
					if c, ok := strings.CutPrefix(l, "update-alternatives "); ok {
						cmds = append(cmds, c)
					}
				}
			}
			if strings.Join(cmds, "|") != strings.Join(tt.cmds, "|") || p.Msg != tt.msg {
				t.Errorf("commands %q msg %q, want %q %q", cmds, p.Msg, tt.cmds, tt.msg)
			}
		})
	}
}
