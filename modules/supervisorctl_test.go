package modules

import (
	"reflect"
	"strings"
	"testing"
)

// fakeSupervisorctl answers like supervisorctl 4.2 from a state file of
// "process STATUS" lines; conf lists the programs `add` knows.
const fakeSupervisorctl = `#!/bin/sh
d=$(dirname "$0")/..
cmd=$1; shift
case $cmd in
status) cat "$d/state" ;;
reread|update) echo "No config updates to processes" ;;
add) if grep -qx "$1" "$d/conf"; then echo "$1 RUNNING" >>"$d/state"; echo "$1: added process group"; else echo "ERROR (no such process group)"; fi ;;
remove) sed -i "/^$1[ :]/d" "$d/state"; echo "$1: removed process group" ;;
start) sed -i "s/^$1 .*/$1 RUNNING/" "$d/state"; echo "$1: started" ;;
stop) sed -i "s/^$1 .*/$1 STOPPED/" "$d/state"; echo "$1: stopped" ;;
restart) echo "$1: stopped"; echo "$1: started" ;;
signal) echo "$2: signalled" ;;
esac
`

func supervisorEnv(t *testing.T, state string) *testEnv {
	e := newTestEnv(t)
	e.write("$DIR/bin/supervisorctl", fakeSupervisorctl, 0o755)
	e.write("$DIR/state", state, 0o644)
	e.write("$DIR/conf", "app\n", 0o644)
	return e
}

func TestSupervisorctlTimeline(t *testing.T) {
	tests := []struct {
		name, state, target, want string
		after                     string // the state file once applied
		affected                  []any
	}{
		{"add a configured program", "", "app", "present", "app RUNNING\n", nil},
		{"remove a group", "web:a RUNNING\napp RUNNING\n", "web:", "absent", "app RUNNING\n", nil},
		{"start a stopped program", "app STOPPED   Nov 23 05:00 PM\n", "app", "started", "app RUNNING\n", []any{"app"}},
		{"stop the running members of a group", "web:a RUNNING   pid 7, uptime 0:01:00\nweb:b STOPPED\nweb RUNNING\n", "web:", "stopped",
			"web:a STOPPED\nweb:b STOPPED\nweb RUNNING\n", []any{"web:a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := supervisorEnv(t, tt.state)
			args := map[string]any{"name": tt.target, "state": tt.want, "supervisorctl_path": "$DIR/bin/supervisorctl"}
			p, res := e.timeline("supervisorctl", args)
			if got, _ := e.read("$DIR/state"); got != tt.after {
				t.Errorf("state file %q, want %q", got, tt.after)
			}
			// Under --check Ansible's module returns changed alone; name, state
			// and affected come once applied.
			affected, has := res["affected"]
			if len(p.Result) != 0 || res["name"] != strings.TrimSuffix(tt.target, ":") || res["state"] != tt.want ||
				has != (tt.affected != nil) || has && !reflect.DeepEqual(affected, tt.affected) {
				t.Errorf("planned result %v, applied %v, want affected %v", p.Result, res, tt.affected)
			}
		})
	}
}

// restarted runs `update` then restarts every matched process, each time.
func TestSupervisorctlRestarted(t *testing.T) {
	e := supervisorEnv(t, "web:a RUNNING\nweb:b STOPPED\n")
	p, err := e.plan("supervisorctl", map[string]any{"name": "web:", "state": "restarted", "supervisorctl_path": "$DIR/bin/supervisorctl"})
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for _, s := range p.Steps {
		verbs = append(verbs, strings.Fields(s.Script)[2])
	}
	if want := []string{"update", "restart", "restart"}; !reflect.DeepEqual(verbs, want) {
		t.Fatalf("steps run %v, want %v", verbs, want)
	}
	if _, err := e.apply(p); err != nil {
		t.Fatal(err)
	}
}

func TestSupervisorctlFailures(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		want string // in the failure when planning, or in the step's error when applying
	}{
		{"no such program", map[string]any{"name": "nope", "state": "started"}, "ERROR (no such process)"},
		{"signal missing", map[string]any{"name": "app", "state": "signalled"}, "state is signalled but all of the following are missing: signal"},
		{"not in the configuration", map[string]any{"name": "nope", "state": "present"}, "ERROR (no such process group)"},
		{"bad path", map[string]any{"name": "app", "state": "started", "supervisorctl_path": "$DIR/bin/none"},
			"Provided path to supervisorctl does not exist or isn't executable: $DIR/bin/none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := supervisorEnv(t, "app RUNNING\n")
			if _, ok := tt.args["supervisorctl_path"]; !ok {
				tt.args["supervisorctl_path"] = "$DIR/bin/supervisorctl"
			}
			p, err := e.plan("supervisorctl", tt.args)
			got := failure(err)
			if err == nil {
				_, err = e.apply(p)
				got = failure(err)
			}
			if want := e.expand(tt.want); !strings.Contains(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}
