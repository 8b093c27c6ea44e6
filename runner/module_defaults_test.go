package runner

import (
	"reflect"
	"testing"

	"play/playbooks"
)

// Expectations follow Ansible's get_action_args_with_defaults: levels
// replace a module's whole entry, groups apply under the module's own
// entry, the task's arguments win.
func TestWithModuleDefaults(t *testing.T) {
	dm := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name        string
		play, block any
		task        any
		module      string
		args, want  map[string]any
	}{
		{"FQCN key, short task", dm("ansible.builtin.file", dm("state", "touch")), nil, nil, "file",
			dm("path", "/x"), dm("path", "/x", "state", "touch")},
		{"task args win", dm("file", dm("state", "touch", "mode", "0600")), nil, nil, "file",
			dm("mode", "0644"), dm("state", "touch", "mode", "0644")},
		{"block entry replaces the play's", dm("file", dm("state", "touch", "mode", "0600")), dm("file", dm("state", "directory")), nil, "file",
			dm(), dm("state", "directory")},
		{"list of dicts, other modules untouched", []any{dm("copy", dm("force", false)), dm("command", dm("chdir", "/tmp"))}, nil, nil, "command",
			dm("_raw_params", "pwd"), dm("_raw_params", "pwd", "chdir", "/tmp")},
		{"group under the module's own", dm("group/community.docker.docker", dm("docker_host", "g", "debug", true)), nil, dm("docker_image", dm("docker_host", "own")), "docker_image",
			dm(), dm("docker_host", "own", "debug", true)},
		{"legacy group name", dm("group/docker", dm("docker_host", "g")), nil, nil, "docker_network",
			dm(), dm("docker_host", "g")},
		{"group of other modules", dm("group/community.postgresql.all", dm("login_user", "pg")), nil, nil, "docker_network",
			dm(), dm()},
		{"templated and omitted values", dm("file", dm("owner", "{{ who }}", "group", "{{ omit }}")), nil, nil, "file",
			dm(), dm("owner", "bob")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			block := &playbooks.Task{ModuleDefaults: tc.block}
			ex := &execution{
				pc: &playCtx{play: &playbooks.Play{ModuleDefaults: tc.play}},
				sc: (&scope{}).push(block),
				t:  &playbooks.Task{ModuleDefaults: tc.task},
			}
			got, err := ex.withModuleDefaults(tc.module, tc.args, map[string]any{"who": "bob", "omit": omitToken})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
