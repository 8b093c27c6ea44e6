package modules

import (
	"reflect"
	"testing"
)

func TestHostnamePlan(t *testing.T) {
	tests := []struct {
		args  map[string]any
		probe string // captured on a Debian 12 lab host
		diff  string // the before text, "" when unchanged
		steps string
	}{
		{map[string]any{"name": "web1"}, "::play:: current\nsysb1\n::play:: permanent\nsysb1\n", "hostname = sysb1\n",
			"hostnamectl --pretty --static set-hostname web1 &&\nhostnamectl --transient set-hostname web1"},
		{map[string]any{"name": "sysb1"}, "::play:: current\nsysb1\n::play:: permanent\nsysb1\n", "", ""},
		{map[string]any{"name": "web1"}, "::play:: current\nweb1\n::play:: permanent\nsysb1\n", "hostname = sysb1\n",
			"hostnamectl --pretty --static set-hostname web1"},
		{map[string]any{"name": "web1.example.com", "use": "debian"}, "::play:: files\nfile\n::play:: current\nsysb1\n::play:: permanent\nsysb1\n", "hostname = sysb1\n",
			"printf '%s\\n' web1.example.com > /etc/hostname &&\nhostname -- web1.example.com"},
	}
	for _, tt := range tests {
		p, err := planFrom(t, "hostname", tt.args, tt.probe)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changed() != (tt.diff != "") {
			t.Fatalf("%v: changed = %v", tt.args, p.Changed())
		}
		if tt.diff != "" && (p.Diffs[0].Before != tt.diff || p.Steps[0].Script != tt.steps) {
			t.Errorf("%v: diff %q, steps:\n%s", tt.args, p.Diffs[0].Before, p.Steps[0].Script)
		}
	}
	p, _ := planFrom(t, "hostname", map[string]any{"name": "web1.example.com"}, "::play:: current\nweb1.example.com\n::play:: permanent\nweb1.example.com\n")
	want := map[string]any{"ansible_hostname": "web1", "ansible_nodename": "web1.example.com", "ansible_fqdn": "web1.example.com", "ansible_domain": "example.com"}
	if !reflect.DeepEqual(p.Result["ansible_facts"], want) {
		t.Errorf("facts %v", p.Result["ansible_facts"])
	}
}
