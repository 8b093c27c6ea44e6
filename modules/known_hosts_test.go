package modules

import (
	"strings"
	"testing"
)

const (
	khKey1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
	khKey2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7dhEcakbcn+EJRyjZRmQh1HFjyeFdMoqyjL/uDuP4P"
	khRSA  = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC"
)

// The expected files come from ansible-core 2.14's known_hosts on the same input.
func TestKnownHostsMatchesAnsible(t *testing.T) {
	tests := []struct {
		input string
		args  map[string]any
		want  string // "" when unchanged
	}{
		{"", map[string]any{"name": "web1", "key": "web1 " + khKey1}, "web1 " + khKey1 + "\n"},
		{"web1 " + khKey1 + "\n", map[string]any{"name": "web1", "key": "web1 " + khKey1}, ""},
		{"web1 " + khKey1 + "\n", map[string]any{"name": "WEB1", "key": "web1 " + khKey1}, ""},
		{"# c\nweb1 " + khKey1 + "\nweb2 " + khKey1 + "\n", map[string]any{"name": "web1", "key": "web1 " + khKey2}, "# c\nweb2 " + khKey1 + "\nweb1 " + khKey2 + "\n"},
		{"web1 " + khKey1 + "\n", map[string]any{"name": "web1", "key": "web1 " + khRSA}, "web1 " + khKey1 + "\nweb1 " + khRSA + "\n"},
		{"web1,10.0.0.1 " + khKey1 + "\n", map[string]any{"name": "web1", "key": "web1 " + khKey1}, "web1 " + khKey1 + "\n"},
		{"*.example.com " + khKey1 + "\nweb2 " + khKey2 + "\n", map[string]any{"name": "a.example.com", "state": "absent", "key": "a.example.com " + khKey1}, "web2 " + khKey2 + "\n"},
		{"web1 " + khKey1 + "\nweb2 " + khKey2 + "\n", map[string]any{"name": "web1", "state": "absent", "key": "web1 " + khKey1}, "web2 " + khKey2 + "\n"},
		{"web2 " + khKey2 + "\n", map[string]any{"name": "web1", "state": "absent", "key": "web1 " + khKey1}, ""},
		{"web2 " + khKey2 + "\n", map[string]any{"name": "web1", "state": "absent"}, ""},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.planOn("known_hosts", tt.input, tt.args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if p.Changed() != (tt.want != "") {
			t.Errorf("%v on %q: changed %v", tt.args, tt.input, p.Changed())
			continue
		}
		if tt.want == "" {
			continue
		}
		if p.Diffs[0].After != tt.want {
			t.Errorf("%v on %q: diff after %q, want %q", tt.args, tt.input, p.Diffs[0].After, tt.want)
		}
		if _, err := e.apply(p); err != nil {
			t.Fatal(err)
		}
		if got, mode := e.read("$DIR/f"); got != tt.want || mode != "0644" {
			t.Errorf("%v: file = %q %s, want %q", tt.args, got, mode, tt.want)
		}
	}
}

func TestKnownHostsHashed(t *testing.T) {
	e := newTestEnv(t)
	p, _ := e.timeline("known_hosts", map[string]any{"path": "$DIR/kh", "name": "[db]:2222", "key": "[db]:2222 " + khKey1, "hash_host": true})
	if p.Diffs[0].BeforeHeader != "before: /dev/null" || p.Diffs[0].AfterHeader != e.expand("after: $DIR/kh") {
		t.Errorf("diff headers %q %q", p.Diffs[0].BeforeHeader, p.Diffs[0].AfterHeader)
	}
	got, _ := e.read("$DIR/kh")
	if !strings.HasPrefix(got, "|1|") || !strings.HasSuffix(got, " "+khKey1+"\n") {
		t.Fatalf("file %q", got)
	}
	if !knownHostMatch(strings.Fields(got)[0], "[db]:2222") || knownHostMatch(strings.Fields(got)[0], "db") {
		t.Errorf("hashed name %q does not name [db]:2222 alone", got)
	}
	// Another key of the same type replaces the hashed line.
	e.timeline("known_hosts", map[string]any{"path": "$DIR/kh", "name": "[db]:2222", "key": "[db]:2222 " + khKey2, "hash_host": true})
	if got, _ := e.read("$DIR/kh"); strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, " "+khKey2+"\n") {
		t.Errorf("file %q", got)
	}
	// Removing by name alone runs ssh-keygen -R, as Ansible.
	p, err := e.plan("known_hosts", map[string]any{"path": "$DIR/kh", "name": "[db]:2222", "state": "absent"})
	if err != nil || len(p.Steps) != 1 || !strings.HasPrefix(p.Steps[0].Script, "ssh-keygen -R '[db]:2222' -f ") {
		t.Errorf("plan %v %+v", err, p)
	}
}

func TestKnownHostsMatch(t *testing.T) {
	tests := []struct {
		field, host string
		want        bool
	}{
		{"web1", "web1", true},
		{"Web1,10.0.0.1", "10.0.0.1", true},
		{"*.example.com", "a.example.com", true},
		{"*.example.com,!bad.example.com", "bad.example.com", false},
		{"web?", "web12", false},
		{"[db]:2222", "[db]:2222", true},
		{"[db]:2222", "db", false},
		{"|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg=", "192.168.1.61", true},
	}
	for _, tt := range tests {
		if got := knownHostMatch(tt.field, tt.host); got != tt.want {
			t.Errorf("knownHostMatch(%q, %q) = %v", tt.field, tt.host, got)
		}
	}
}

func TestKnownHostsErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"name": "web1"}, "No key specified when adding a host"},
		{map[string]any{"name": "web9", "key": "web1 " + khKey1}, "Host parameter does not match hashed host field in supplied key"},
		{map[string]any{"name": "a,b", "key": "a " + khKey1}, "Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file."},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		_, err := e.plan("known_hosts", tt.args)
		if got := failure(err); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
