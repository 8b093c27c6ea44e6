package modules

import (
	"reflect"
	"strings"
	"testing"
)

// The probe outputs follow rabbitmqctl 3.10's documented formats (-q
// list_vhosts name tracing, --formatter json) and rabbitmq-plugins list -E -m -q;
// no broker ran in the lab to capture them.

// rabbitmqCommands lists the commands of a plan's step, in order.
func rabbitmqCommands(p *Plan) []string {
	var cmds []string
	for _, s := range p.Steps {
		for _, l := range strings.Split(s.Script, "\n") {
			if c, ok := strings.CutPrefix(l, "err=$("); ok {
				c, _, _ = strings.Cut(c, " 2>&1 >/dev/null)")
				cmds = append(cmds, c)
			}
		}
	}
	return cmds
}

func TestRabbitmqPlan(t *testing.T) {
	const users = "::play:: users\n" + `[{"user":"guest","tags":["administrator"]},{"user":"app","tags":["monitoring"]}]` + "\n"
	const appPerms = "::play:: perms\n" + `[{"vhost":"/","configure":".*","write":".*","read":".*"},{"vhost":"app","configure":"^$","write":"^$","read":"^$"}]` + "\n" +
		"::play:: topics\n" + `[{"vhost":"/","exchange":"amq.topic","write":".*","read":".*"}]` + "\n"
	tests := []struct {
		name, module string
		args         map[string]any
		probe        string
		cmds         []string
		result       map[string]any
		err          string
	}{
		{"plugin enable, disabling the others", "rabbitmq_plugin", map[string]any{"names": "rabbitmq_management"},
			"::play:: enabled\nrabbitmq_shovel\n", []string{"rabbitmq-plugins disable --online rabbitmq_shovel",
				"rabbitmq-plugins enable --online rabbitmq_management"},
			map[string]any{"enabled": []string{"rabbitmq_management"}, "disabled": []string{"rabbitmq_shovel"}}, ""},
		{"plugin new_only, offline", "rabbitmq_plugin", map[string]any{"name": "a,b", "new_only": true, "broker_state": "offline"},
			"::play:: enabled\na\nc\n", []string{"rabbitmq-plugins enable --offline b"},
			map[string]any{"enabled": []string{"b"}, "disabled": []string{}}, ""},
		{"plugin already enabled", "rabbitmq_plugin", map[string]any{"names": "rabbitmq_management"},
			"::play:: enabled\nrabbitmq_management\n", nil, map[string]any{"enabled": []string{}, "disabled": []string{}}, ""},
		{"plugin disabled", "rabbitmq_plugin", map[string]any{"names": "a,b", "state": "disabled"},
			"::play:: enabled\nb\nc\n", []string{"rabbitmq-plugins disable --online b"},
			map[string]any{"enabled": []string{}, "disabled": []string{"b"}}, ""},
		{"plugin bad prefix", "rabbitmq_plugin", map[string]any{"names": "a", "prefix": "/opt/rmq"}, "::play:: noprefix\n", nil, nil,
			"No binary folder in prefix /opt/rmq"},
		{"plugin tool missing", "rabbitmq_plugin", map[string]any{"names": "a"}, "::play:: missing\nrabbitmq-plugins\n", nil, nil,
			`Failed to find required executable "rabbitmq-plugins" in paths: ` + binPaths},

		{"vhost add", "rabbitmq_vhost", map[string]any{"name": "app"}, "::play:: vhosts\n/\tfalse\n",
			[]string{"rabbitmqctl -q -n rabbit add_vhost app"}, map[string]any{"name": "app", "state": "present"}, ""},
		{"vhost add traced", "rabbitmq_vhost", map[string]any{"vhost": "app", "trace": true, "node": "r@h"}, "::play:: vhosts\n/\tfalse\n",
			[]string{"rabbitmqctl -q -n r@h add_vhost app", "rabbitmqctl -q -n r@h trace_on -p app"},
			map[string]any{"name": "app", "state": "present"}, ""},
		{"vhost there", "rabbitmq_vhost", map[string]any{"name": "/"}, "::play:: vhosts\n/\tfalse\n", nil,
			map[string]any{"name": "/", "state": "present"}, ""},
		{"vhost trace off", "rabbitmq_vhost", map[string]any{"name": "/"}, "::play:: vhosts\n/\ttrue\n",
			[]string{"rabbitmqctl -q -n rabbit trace_off -p /"}, map[string]any{"name": "/", "state": "present"}, ""},
		{"vhost absent", "rabbitmq_vhost", map[string]any{"name": "/", "state": "absent"}, "::play:: vhosts\n/\tfalse\n",
			[]string{"rabbitmqctl -q -n rabbit delete_vhost /"}, map[string]any{"name": "/", "state": "absent"}, ""},
		{"vhost absent already", "rabbitmq_vhost", map[string]any{"name": "app", "state": "absent"}, "::play:: vhosts\n/\tfalse\n", nil,
			map[string]any{"name": "app", "state": "absent"}, ""},

		{"user add", "rabbitmq_user", map[string]any{"user": "web", "password": "s3", "vhost": "app", "configure_priv": ".*",
			"read_priv": ".*", "write_priv": ".*", "tags": "monitoring, management"}, users, []string{
			"rabbitmqctl -q -n rabbit add_user web s3",
			"rabbitmqctl -q -n rabbit set_user_tags web monitoring management",
			"rabbitmqctl -q -n rabbit set_permissions -p app web '.*' '.*' '.*'"},
			map[string]any{"user": "web", "state": "present"}, ""},
		{"user add without password", "rabbitmq_user", map[string]any{"name": "web"}, users, []string{
			"rabbitmqctl -q -n rabbit add_user web ''", "rabbitmqctl -q -n rabbit clear_password web",
			"rabbitmqctl -q -n rabbit set_user_tags web",
			"rabbitmqctl -q -n rabbit set_permissions -p / web '^$' '^$' '^$'"},
			map[string]any{"user": "web", "state": "present"}, ""},
		{"user unchanged: other vhosts and topics left alone", "rabbitmq_user", map[string]any{"user": "app", "password": "x", "tags": "monitoring",
			"configure_priv": ".*", "read_priv": ".*", "write_priv": ".*", "topic_permissions": []any{map[string]any{"read_priv": ".*", "write_priv": ".*"}}},
			users + appPerms, nil, map[string]any{"user": "app", "state": "present"}, ""},
		{"user bulk permissions clear the others and the topics", "rabbitmq_user", map[string]any{"user": "app", "tags": "monitoring",
			"permissions": []any{map[string]any{"vhost": "/", "configure_priv": ".*", "read_priv": ".*", "write_priv": "^x"}}},
			users + appPerms, []string{
				"rabbitmqctl -q -n rabbit clear_permissions -p app app",
				"rabbitmqctl -q -n rabbit set_permissions -p / app '.*' '^x' '.*'",
				"rabbitmqctl -q -n rabbit clear_topic_permissions -p / app amq.topic"},
			map[string]any{"user": "app", "state": "present"}, ""},
		{"user password always, authentication fails", "rabbitmq_user", map[string]any{"user": "app", "password": "new", "update_password": "always",
			"tags": "monitoring", "configure_priv": ".*", "read_priv": ".*", "write_priv": ".*", "topic_permissions": []any{map[string]any{"read": ".*", "write": ".*"}}},
			users + appPerms, []string{"rabbitmqctl -q -n rabbit change_password app new"}, map[string]any{"user": "app", "state": "present"}, ""},
		{"user password always, authenticated", "rabbitmq_user", map[string]any{"user": "app", "password": "x", "update_password": "always",
			"tags": "monitoring", "configure_priv": ".*", "read_priv": ".*", "write_priv": ".*", "topic_permissions": []any{map[string]any{"read": ".*", "write": ".*"}}},
			users + appPerms + "::play:: authenticated\n", nil, map[string]any{"user": "app", "state": "present"}, ""},
		{"user force recreates, tags unchanged when none", "rabbitmq_user", map[string]any{"user": "guest", "password": "p", "force": true},
			users + "::play:: perms\n[]\n::play:: topics\n[]\n", []string{
				"rabbitmqctl -q -n rabbit delete_user guest", "rabbitmqctl -q -n rabbit add_user guest p",
				"rabbitmqctl -q -n rabbit set_permissions -p / guest '^$' '^$' '^$'"},
			map[string]any{"user": "guest", "state": "present"}, ""},
		{"user absent", "rabbitmq_user", map[string]any{"user": "guest", "state": "absent"}, users + "::play:: perms\n[]\n::play:: topics\n[]\n",
			[]string{"rabbitmqctl -q -n rabbit delete_user guest"}, map[string]any{"user": "guest", "state": "absent"}, ""},
		{"user absent already", "rabbitmq_user", map[string]any{"user": "web", "state": "absent"}, users, nil,
			map[string]any{"user": "web", "state": "absent"}, ""},
		{"user duplicate vhost", "rabbitmq_user", map[string]any{"user": "web", "permissions": []any{map[string]any{"vhost": "/"}, map[string]any{"vhost": "/"}}},
			"", nil, nil, "Error parsing vhost permissions: You can't have two permission dicts for the same vhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, tt.module, tt.args, tt.probe)
			if wantPlanErr(t, err, tt.err) {
				return
			}
			if got := rabbitmqCommands(p); !reflect.DeepEqual(got, tt.cmds) {
				t.Errorf("commands:\n%q\nwant:\n%q", got, tt.cmds)
			}
			if !reflect.DeepEqual(p.Result, tt.result) {
				t.Errorf("result %v, want %v", p.Result, tt.result)
			}
		})
	}
}
