package runner

import (
	"reflect"
	"testing"
)

// Gathered facts become ansible_<name>; facts other modules return keep
// their own name (getent_passwd, services), as Ansible injects them.
func TestInjectFacts(t *testing.T) {
	v := map[string]any{}
	facts := map[string]any{"hostname": "h1", "getent_passwd": map[string]any{"root": []any{"x"}}, "ansible_local": "kept"}
	injectFacts(v, facts, map[string]bool{"getent_passwd": true})
	want := map[string]any{
		"ansible_facts":    facts,
		"ansible_hostname": "h1",
		"getent_passwd":    facts["getent_passwd"],
		"ansible_local":    "kept",
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %v\nwant %v", v, want)
	}
}
