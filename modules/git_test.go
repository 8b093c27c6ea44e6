package modules

import (
	"os/exec"
	"strings"
	"testing"
)

// gitRepo makes a repository with a commit on main, a tag v1 and a branch
// dev one commit ahead, and returns a function that runs git in it.
func gitRepo(t *testing.T, e *testEnv) func(args ...string) string {
	t.Helper()
	dir := e.expand("$DIR/upstream")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(cmd.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	e.write("$DIR/upstream/README", "one\n", 0o644)
	run("init", "-q", "-b", "main")
	run("add", "README")
	run("commit", "-q", "-m", "one")
	run("tag", "-a", "-m", "v1", "v1")
	run("checkout", "-q", "-b", "dev")
	e.write("$DIR/upstream/README", "two\n", 0o644)
	run("commit", "-q", "-am", "two")
	run("checkout", "-q", "main")
	return run
}

func TestGitTimeline(t *testing.T) {
	e := newTestEnv(t)
	up := gitRepo(t, e)
	main, dev := up("rev-parse", "main"), up("rev-parse", "dev")
	for _, tt := range []struct {
		version, want string
		args          map[string]any
	}{
		{"HEAD", main, nil},
		{"dev", dev, nil},
		{"v1", main, nil},
		{main[:10], main, nil},
		{"dev", dev, map[string]any{"depth": 1}},
		{"HEAD", main, map[string]any{"bare": true}},
	} {
		dest := "$DIR/co-" + tt.version + "-" + strings.Repeat("x", len(tt.args))
		args := map[string]any{"repo": "$DIR/upstream", "dest": dest, "version": tt.version}
		for k, v := range tt.args {
			args[k] = v
		}
		p, res := e.timeline("git", args)
		if p.Result["before"] != nil || !strings.HasPrefix(tt.want, p.Result["after"].(string)) ||
			p.Diffs[0].Prepared != ">> Newly checked out "+p.Result["after"].(string) {
			t.Errorf("%s: before %v, diff %q", tt.version, p.Result["before"], p.Diffs[0].Prepared)
		}
		if res["after"] != tt.want {
			t.Errorf("%s %v: after = %v, want %s", tt.version, tt.args, res["after"], tt.want)
		}
	}

	// The upstream moves on: the checkout of main follows, showing the range.
	e.write("$DIR/upstream/README", "three\n", 0o644)
	up("commit", "-q", "-am", "three")
	next := up("rev-parse", "main")
	args := map[string]any{"repo": "$DIR/upstream", "dest": "$DIR/co-HEAD-"}
	p, res := e.timeline("git", args)
	if p.Result["before"] != main || p.Result["after"] != next || res["after"] != next {
		t.Errorf("update: before %v after %v applied %v, want %s..%s", p.Result["before"], p.Result["after"], res["after"], main, next)
	}
	if want := ">> Commit range " + main + ".." + next; p.Diffs[0].Prepared != want {
		t.Errorf("update diff %q, want %q", p.Diffs[0].Prepared, want)
	}

	// Local modifications fail without force and are thrown away with it.
	e.write("$DIR/co-dev-/README", "local\n", 0o644)
	args = map[string]any{"repo": "$DIR/upstream", "dest": "$DIR/co-dev-", "version": "dev"}
	if _, err := e.plan("git", args); failure(err) != "Local modifications exist in the destination: "+e.expand("$DIR/co-dev-")+" (force=no)." {
		t.Errorf("local changes: %v", err)
	}
	args["force"] = true
	if p, _ := e.timeline("git", args); p.Msg == "" {
		t.Errorf("force: no message about the local modifications")
	}

	// update=no leaves a checkout alone; a version nobody has fails.
	if p, err := e.plan("git", map[string]any{"repo": "$DIR/upstream", "dest": "$DIR/co-HEAD-", "version": "dev", "update": false}); err != nil || p.Changed() {
		t.Errorf("update=no: %v %v", p, err)
	}
	if _, err := e.plan("git", map[string]any{"repo": "$DIR/upstream", "dest": "$DIR/new", "version": "nope"}); !strings.HasPrefix(failure(err), "Failed to checkout nope") {
		t.Errorf("unknown version: %v", err)
	}
}

func TestGitRemoteURLChange(t *testing.T) {
	e := newTestEnv(t)
	gitRepo(t, e)
	e.timeline("git", map[string]any{"repo": "$DIR/upstream", "dest": "$DIR/co"})
	if err := exec.Command("cp", "-a", e.expand("$DIR/upstream"), e.expand("$DIR/mirror")).Run(); err != nil {
		t.Fatal(err)
	}
	p, _ := e.timeline("git", map[string]any{"repo": "$DIR/mirror", "dest": "$DIR/co"})
	if p.Result["remote_url_changed"] != true {
		t.Errorf("remote_url_changed = %v", p.Result["remote_url_changed"])
	}
}
