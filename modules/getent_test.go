package modules

import (
	"reflect"
	"testing"
)

func TestGetentPlan(t *testing.T) {
	tests := []struct {
		args  map[string]any
		probe string // captured on a Debian 12 lab host
		want  map[string]any
		fail  string
	}{
		{map[string]any{"database": "passwd", "key": "root"},
			"::play:: out\nroot:x:0:0:root:/root:/bin/bash\n::play:: rc\n0\n",
			map[string]any{"root": []any{"x", "0", "0", "root", "/root", "/bin/bash"}}, ""},
		{map[string]any{"database": "hosts"},
			"::play:: out\n::1             localhost ip6-localhost ip6-loopback\n127.0.0.1       localhost\n::1             localhost\n::play:: rc\n0\n",
			map[string]any{"::1": []any{[]any{"localhost", "ip6-localhost", "ip6-loopback"}, []any{"localhost"}}, "127.0.0.1": []any{"localhost"}}, ""},
		{map[string]any{"database": "passwd", "key": "nobody-here"}, "::play:: out\n::play:: rc\n2\n", nil,
			"One or more supplied key could not be found in the database."},
		{map[string]any{"database": "passwd", "key": "nobody-here", "fail_key": false}, "::play:: out\n::play:: rc\n2\n",
			map[string]any{"nobody-here": nil}, ""},
		{map[string]any{"database": "nope"}, "::play:: out\n::play:: rc\n1\n", nil, "Missing arguments, or database unknown."},
	}
	for _, tt := range tests {
		p, err := planFrom(t, "getent", tt.args, tt.probe)
		if failure(err) != tt.fail {
			t.Errorf("%v: error %q, want %q", tt.args, failure(err), tt.fail)
		}
		if err != nil {
			continue
		}
		got := p.Result["ansible_facts"].(map[string]any)["getent_"+tt.args["database"].(string)]
		if !reflect.DeepEqual(got, tt.want) || p.Changed() {
			t.Errorf("%v: facts %#v, want %#v", tt.args, got, tt.want)
		}
	}
}

func TestGetentRunsGetent(t *testing.T) {
	e := newTestEnv(t)
	p, err := e.plan("getent", map[string]any{"database": "passwd", "key": "root"})
	if err != nil {
		t.Fatal(err)
	}
	if db := p.Result["ansible_facts"].(map[string]any)["getent_passwd"].(map[string]any); db["root"].([]any)[1] != "0" {
		t.Errorf("getent passwd root: %v", db)
	}
}
