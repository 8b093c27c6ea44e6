package jinja

import (
	"strings"
	"testing"
)

func TestHostVarsRenderLazilyInTheirHostsScope(t *testing.T) {
	groups := map[string]any{"all": []any{"a", "b"}}
	hosts := map[string]map[string]any{
		"a": {"inventory_hostname": "a", "groups": groups, "addr": "10.0.0.1", "first": "{{ hostvars[groups['all'][0]].addr }}", "me": "{{ inventory_hostname }}-x"},
		"b": {"inventory_hostname": "b", "groups": groups, "addr": "10.0.0.2", "first": "{{ hostvars[groups['all'][0]].addr }}", "me": "{{ inventory_hostname }}-x",
			"loop": "{{ hostvars['b'].loop }}"},
	}
	hv := NewHostVars(hosts)
	vars := map[string]any{"hostvars": hv, "inventory_hostname": "b", "groups": groups, "first": hosts["b"]["first"]}
	tests := []struct{ tmpl, want string }{
		{"{{ first }}", "10.0.0.1"},
		{"{{ hostvars['a'].me }} {{ hostvars.b['me'] }}", "a-x b-x"},
		{"{{ 'a' in hostvars }} {{ 'z' in hostvars }} {{ hostvars | length }}", "True False 2"},
		{"{{ hostvars['z'] is defined }} {{ hostvars['a'].nope | default('d') }}", "False d"},
		{"{% for h in hostvars %}{{ h }};{% endfor %}", "a;b;"},
		{"{{ 'me' in hostvars['a'] }} {{ 'x' in hostvars['a'] }}", "True False"}, // a host's vars are a dict
	}
	for _, tt := range tests {
		got, err := RenderString(tt.tmpl, vars)
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
	if _, err := RenderString("{{ hostvars['b'].loop }}", vars); err == nil || !strings.Contains(err.Error(), "recursive loop") {
		t.Errorf("a variable reaching itself through hostvars should be a loop error, got %v", err)
	}
	v, err := Render("{{ hostvars['a'] }}", vars)
	if m, ok := v.(map[string]any); err != nil || !ok || m["me"] != "a-x" {
		t.Errorf("hostvars['a'] as a value = %v, %v", v, err)
	}
}
