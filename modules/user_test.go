package modules

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// appProbe is the user probe's output captured on a lab host (Debian 12)
// for an account app in group web, with the groups app, web and sudo looked up.
const appProbe = `P app:x:1001:1001:App user:/home/app:/bin/bash
H $6$salt$hash
M web
G app:x:1001:
G web:x:2010:app
G sudo:x:27:deploy
`

// lockedProbe is appProbe with the password locked and the account expiring on 2022-01-08.
var lockedProbe = strings.Replace(appProbe, "H $6$salt$hash", "H !$6$salt$hash:19000", 1)

func TestUserPlan(t *testing.T) {
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		step  string // first line of the step
		keys  map[string]any
		err   string
	}{
		{name: "as wanted", args: map[string]any{"name": "app", "groups": "web", "shell": "/bin/bash", "comment": "App user", "password": "$6$salt$hash"}, probe: appProbe,
			keys: map[string]any{"uid": 1001, "group": 1001, "home": "/home/app", "groups": "web", "append": false, "password": "NOT_LOGGING_PASSWORD"}},
		{name: "replace groups", args: map[string]any{"name": "app", "groups": []any{"sudo"}}, probe: appProbe,
			step: "usermod -G sudo app || exit"},
		{name: "append groups", args: map[string]any{"name": "app", "groups": "sudo,web", "append": true, "shell": "/bin/sh"}, probe: appProbe,
			step: "usermod -a -G sudo,web -s /bin/sh app || exit"},
		{name: "append present", args: map[string]any{"name": "app", "groups": "web", "append": true}, probe: appProbe},
		{name: "no groups", args: map[string]any{"name": "app", "groups": ""}, probe: appProbe,
			step: "usermod -G '' app || exit", keys: map[string]any{"groups": ""}},
		{name: "password on create only", args: map[string]any{"name": "app", "password": "$6$new", "update_password": "on_create"}, probe: appProbe},
		{name: "password and home", args: map[string]any{"name": "app", "password": "$6$new", "home": "/srv/app", "move_home": true}, probe: appProbe,
			step: "usermod -d /srv/app -m -p '$6$new' app || exit"},
		{name: "create", args: map[string]any{"name": "svc", "system": true, "create_home": false, "group": "web", "uid": 990}, probe: "G web:x:2010:app\n",
			step: "useradd -u 990 -g web -M -r svc || exit", keys: map[string]any{"system": true, "create_home": false}},
		{name: "create beside group of its name", args: map[string]any{"name": "app"}, probe: "G app:x:1001:\n",
			step: "useradd -N -m app || exit"},
		{name: "missing group of an existing user", args: map[string]any{"name": "app", "groups": "nosuch"}, probe: appProbe, err: "Group nosuch does not exist"},
		{name: "missing group of a new user fails when applied", args: map[string]any{"name": "svc", "groups": "nosuch"}, probe: "",
			step: "getent group nosuch >/dev/null || { echo 'Group nosuch does not exist' >&2; exit 1; }"},
		{name: "remove", args: map[string]any{"name": "app", "state": "absent", "remove": true}, probe: appProbe,
			step: "userdel -r app", keys: map[string]any{"remove": true, "force": false}},
		{name: "absent", args: map[string]any{"name": "svc", "state": "absent"}, probe: "", keys: map[string]any{"state": "absent"}},
		{name: "create expiring and locked", args: map[string]any{"name": "svc", "expires": 1641650000.5, "password": "$6$x", "password_lock": true}, probe: "",
			step: "useradd -e 2022-01-08 -p '!$6$x' -m svc || exit"},
		{name: "create without expiry", args: map[string]any{"name": "svc", "expires": -1}, probe: "", step: "useradd -e '' -m svc || exit"},
		{name: "set expiry", args: map[string]any{"name": "app", "expires": 1700000000}, probe: appProbe, step: "usermod -e 2023-11-14 app || exit"},
		{name: "same expiry day", args: map[string]any{"name": "app", "expires": "1641650000"}, probe: lockedProbe},
		{name: "other expiry day", args: map[string]any{"name": "app", "expires": 1700000000}, probe: lockedProbe, step: "usermod -e 2023-11-14 app || exit"},
		{name: "remove expiry", args: map[string]any{"name": "app", "expires": -1}, probe: lockedProbe, step: "usermod -e '' app || exit"},
		{name: "no expiry to remove", args: map[string]any{"name": "app", "expires": -1}, probe: appProbe},
		{name: "lock", args: map[string]any{"name": "app", "password_lock": true}, probe: appProbe, step: "usermod -L app || exit"},
		{name: "locked", args: map[string]any{"name": "app", "password_lock": true}, probe: lockedProbe},
		{name: "unlock", args: map[string]any{"name": "app", "password_lock": false}, probe: lockedProbe, step: "usermod -U app || exit"},
		{name: "lock left alone", args: map[string]any{"name": "app"}, probe: lockedProbe},
		{name: "same hash while locked", args: map[string]any{"name": "app", "password": "$6$salt$hash"}, probe: lockedProbe},
		{name: "new hash and lock at once", args: map[string]any{"name": "app", "password": "$6$new", "password_lock": true}, probe: appProbe,
			step: "usermod -p '!$6$new' app || exit"},
		{name: "new hash unlocks", args: map[string]any{"name": "app", "password": "$6$new", "password_lock": false}, probe: lockedProbe,
			step: "usermod -p '$6$new' app || exit"},
		{name: "lock on_create", args: map[string]any{"name": "app", "password": "$6$new", "update_password": "on_create", "password_lock": true}, probe: appProbe,
			step: "usermod -L app || exit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planWith(t, "user", tt.args, tt.err, modtest.Stdout(tt.probe))
			if plan == nil {
				return
			}
			var step string
			if len(plan.Steps) > 0 {
				step, _, _ = strings.Cut(plan.Steps[0].Script, "\n")
			}
			if step != tt.step {
				t.Errorf("step = %q, want %q", step, tt.step)
			}
			for k, v := range tt.keys {
				if !reflect.DeepEqual(plan.Result[k], v) {
					t.Errorf("result[%s] = %#v, want %#v", k, plan.Result[k], v)
				}
			}
		})
	}
}

func TestUserFinish(t *testing.T) {
	m, err := New("user", map[string]any{"name": "svc"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := m.Plan(context.Background(), &Env{Host: &modtest.Canned{Outputs: []connection.Result{modtest.Stdout("")}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Finish([]connection.Result{modtest.Stdout("P svc:x:1002:1002::/home/svc:/bin/sh\n")})
	want := map[string]any{"uid": 1002, "group": 1002, "comment": "", "home": "/home/svc", "shell": "/bin/sh"}
	if err != nil || !reflect.DeepEqual(res, want) {
		t.Errorf("finish = %v, %v; want %v", res, err, want)
	}
	_, err = plan.Finish([]connection.Result{{RC: 4, Stderr: []byte("useradd: UID 990 is not unique\n")}})
	if err == nil || err.Error() != "useradd: UID 990 is not unique" {
		t.Errorf("failure = %v", err)
	}
}

func TestGroupPlan(t *testing.T) {
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		step  string
		keys  map[string]any
	}{
		{name: "present", args: map[string]any{"name": "web", "gid": 2010}, probe: "G web:x:2010:app\n", keys: map[string]any{"gid": 2010, "system": false}},
		{name: "create", args: map[string]any{"name": "web", "system": true}, step: "groupadd -r web && getent group -- web | sed 's/^/G /'"},
		{name: "change gid", args: map[string]any{"name": "web", "gid": 2011, "non_unique": true}, probe: "G web:x:2010:app\n",
			step: "groupmod -g 2011 -o web && getent group -- web | sed 's/^/G /'"},
		{name: "remove", args: map[string]any{"name": "web", "state": "absent"}, probe: "G web:x:2010:app\n", step: "groupdel web", keys: map[string]any{"state": "absent"}},
		{name: "absent", args: map[string]any{"name": "web", "state": "absent"}, keys: map[string]any{"name": "web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New("group", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := m.Plan(context.Background(), &Env{Host: &modtest.Canned{Outputs: []connection.Result{modtest.Stdout(tt.probe)}}})
			if err != nil {
				t.Fatal(err)
			}
			var step string
			if len(plan.Steps) > 0 {
				step = strings.TrimSpace(plan.Steps[0].Script)
			}
			if step != tt.step {
				t.Errorf("step = %q, want %q", step, tt.step)
			}
			for k, v := range tt.keys {
				if !reflect.DeepEqual(plan.Result[k], v) {
					t.Errorf("result[%s] = %#v, want %#v", k, plan.Result[k], v)
				}
			}
		})
	}
}
