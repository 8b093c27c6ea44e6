package modules

import (
	"os/user"
	"testing"
)

func TestAuthorizedKey(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	const k1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne one@x"
	const k2 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQTwo two@y"
	e.write("$DIR/keys", "# managed by hand\n"+k2+"\n", 0o600)
	args := map[string]any{"user": me.Username, "key": k1, "path": "$DIR/keys"}
	p, _ := e.timeline("authorized_key", args)
	if got, _ := e.read("$DIR/keys"); got != "# managed by hand\n"+k2+"\n"+k1+"\n" {
		t.Errorf("after adding:\n%s", got)
	}
	if d := p.Diffs[0]; d.BeforeHeader != e.expand("$DIR/keys") || d.Before != "# managed by hand\n"+k2+"\n" {
		t.Errorf("diff %+v", d)
	}
	args["key_options"] = `from="10.0.0.0/8",no-pty`
	e.timeline("authorized_key", args)
	if got, _ := e.read("$DIR/keys"); got != "# managed by hand\n"+k2+"\n"+`from="10.0.0.0/8",no-pty `+k1+"\n" {
		t.Errorf("after options:\n%s", got)
	}
	e.timeline("authorized_key", map[string]any{"user": me.Username, "key": k1, "path": "$DIR/keys", "exclusive": true, "comment": ""})
	if got, mode := e.read("$DIR/keys"); got != "# managed by hand\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne \n" || mode != "0600" {
		t.Errorf("after exclusive (%s):\n%q", mode, got)
	}
	e.timeline("authorized_key", map[string]any{"user": me.Username, "key": k1, "path": "$DIR/keys", "state": "absent"})
	if got, _ := e.read("$DIR/keys"); got != "# managed by hand\n" {
		t.Errorf("after absent:\n%q", got)
	}
	if _, err := e.plan("authorized_key", map[string]any{"user": "no-such-user-here", "key": k1}); failure(err) != "observing the authorized keys of no-such-user-here failed (rc 1): Failed to lookup user no-such-user-here" {
		t.Errorf("unknown user: %v", err)
	}
}
