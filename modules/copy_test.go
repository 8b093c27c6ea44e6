package modules

import (
	"os"
	"strings"
	"testing"
)

func TestCopyTimeline(t *testing.T) {
	tests := []struct {
		name       string
		setup      map[string]string // path -> content (mode 0644)
		args       map[string]any
		check      string // the file whose content and mode are checked
		want, mode string
		diffHeads  string // "before|after" of the first diff
	}{
		{"content to a new file", nil,
			map[string]any{"content": "a\nb\n", "dest": "$DIR/c", "mode": "0640"},
			"$DIR/c", "a\nb\n", "0640", "before|after: dynamically generated"},
		{"content replaces an existing file, keeps its mode", map[string]string{"$DIR/c": "old\n"},
			map[string]any{"content": "new\n", "dest": "$DIR/c"},
			"$DIR/c", "new\n", "0644", "before: $DIR/c|after: dynamically generated"},
		{"only the mode differs", map[string]string{"$DIR/c": "same\n"},
			map[string]any{"content": "same\n", "dest": "$DIR/c", "mode": "u=rw,go="},
			"$DIR/c", "same\n", "0600", "before|after"},
		{"src file into a directory", map[string]string{"@files/app.conf": "port=1\n", "$DIR/etc/.keep": ""},
			map[string]any{"src": "app.conf", "dest": "$DIR/etc"},
			"$DIR/etc/app.conf", "port=1\n", "0644", "before|after: @files/app.conf"},
		{"src file to a dest ending in / creates it", map[string]string{"@files/app.conf": "port=1\n"},
			map[string]any{"src": "app.conf", "dest": "$DIR/new/"},
			"$DIR/new/app.conf", "port=1\n", "0644", "before|after: @files/app.conf"},
		{"src directory without slash copies the directory", map[string]string{"@files/site/index.html": "hi\n", "@files/site/css/a.css": "x\n"},
			map[string]any{"src": "site", "dest": "$DIR/www", "directory_mode": "0750"},
			"$DIR/www/site/css/a.css", "x\n", "0644", ""}, // no diff for two files, as Ansible
		{"src directory with slash copies its contents", map[string]string{"@files/site/index.html": "hi\n"},
			map[string]any{"src": "site/", "dest": "$DIR/www"},
			"$DIR/www/index.html", "hi\n", "0644", "before|after: @files/site/index.html"},
		{"remote_src directory with slash copies its contents", map[string]string{"$DIR/src/a": "a\n", "$DIR/src/sub/b": "b\n"},
			map[string]any{"src": "$DIR/src/", "dest": "$DIR/dst", "remote_src": true},
			"$DIR/dst/sub/b", "b\n", "0644", ""},
		{"remote_src", map[string]string{"$DIR/orig": "remote\n"},
			map[string]any{"src": "$DIR/orig", "dest": "$DIR/copy", "remote_src": true, "mode": "0600"},
			"$DIR/copy", "remote\n", "0600", ""},
		{"validate passes", nil,
			map[string]any{"content": "ok\n", "dest": "$DIR/v", "validate": "grep -q ok %s"},
			"$DIR/v", "ok\n", "0644", "before|after: dynamically generated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			for p, c := range tt.setup {
				e.write(p, c, 0o644)
			}
			p, _ := e.timeline("copy", tt.args)
			if got, mode := e.read(tt.check); got != tt.want || mode != tt.mode {
				t.Errorf("%s = %q mode %s, want %q mode %s", tt.check, got, mode, tt.want, tt.mode)
			}
			heads := ""
			if len(p.Diffs) > 0 {
				d := p.Diffs[len(p.Diffs)-1]
				heads = d.BeforeHeader + "|" + d.AfterHeader
			}
			want := strings.ReplaceAll(e.expand(tt.diffHeads), "@", e.ctl.Dir+"/")
			if heads != want {
				t.Errorf("diff headers = %q, want %q", heads, want)
			}
		})
	}
}

func TestCopyDirectoryModeAndFollow(t *testing.T) {
	e := newTestEnv(t)
	e.write("@files/site/index.html", "hi\n", 0o644)
	e.timeline("copy", map[string]any{"src": "site", "dest": "$DIR/www", "directory_mode": "0750"})
	for _, d := range []string{"$DIR/www", "$DIR/www/site"} {
		if _, mode := e.read(d); mode != "0750" {
			t.Errorf("created directory %s mode = %s, want 0750", d, mode)
		}
	}
	e.write("$DIR/real", "old\n", 0o644)
	if err := os.Symlink("real", e.expand("$DIR/link")); err != nil {
		t.Fatal(err)
	}
	e.timeline("copy", map[string]any{"content": "new\n", "dest": "$DIR/link", "follow": true})
	if got, _ := e.read("$DIR/link"); got != "-> real" {
		t.Errorf("follow replaced the link: %q", got)
	}
	if got, _ := e.read("$DIR/real"); got != "new\n" {
		t.Errorf("link target = %q", got)
	}
}

func TestCopyDiffAndResult(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/c", "a\nb\n", 0o644)
	p, err := e.plan("copy", map[string]any{"content": "a\nc\n", "dest": "$DIR/c"})
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Diffs[0]; d.Before != "a\nb\n" || d.After != "a\nc\n" {
		t.Errorf("diff = %q -> %q", d.Before, d.After)
	}
	if p.Result["checksum"] != "6e9e03d610a57120f10fa25013cdc29dde76ab7e" || p.Result["mode"] != "0644" || p.Result["state"] != "file" {
		t.Errorf("result = %v", p.Result)
	}
}

func TestCopyBackupAndForce(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/c", "old\n", 0o600)
	_, res := e.timeline("copy", map[string]any{"content": "new\n", "dest": "$DIR/c", "backup": true})
	b, _ := res["backup_file"].(string)
	if !strings.HasPrefix(b, e.dir+"/c.") || !strings.HasSuffix(b, "~") {
		t.Fatalf("backup_file = %q", b)
	}
	if got, mode := e.read(b); got != "old\n" || mode != "0600" {
		t.Errorf("backup = %q %s", got, mode)
	}
	if got, mode := e.read("$DIR/c"); got != "new\n" || mode != "0600" {
		t.Errorf("dest = %q %s, want the old mode kept", got, mode)
	}
	p, err := e.plan("copy", map[string]any{"content": "other\n", "dest": "$DIR/c", "force": false})
	if err != nil || p.Changed() {
		t.Errorf("force=false on an existing file: changed=%v err=%v", p.Changed(), err)
	}
}

func TestCopyValidateFailureKeepsOldFile(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/v", "old\n", 0o644)
	p, err := e.plan("copy", map[string]any{"content": "bad\n", "dest": "$DIR/v", "validate": "grep -q ok %s"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.apply(p)
	if err == nil || !strings.Contains(err.Error(), "failed to validate") || strings.Contains(err.Error(), "rc:") {
		t.Fatalf("apply error = %v", err)
	}
	if got, _ := e.read("$DIR/v"); got != "old\n" {
		t.Errorf("dest = %q, want the old content", got)
	}
	entries, _ := os.ReadDir(e.dir)
	if len(entries) != 1 {
		t.Errorf("temp file left behind: %v", entries)
	}
}

func TestCopyErrors(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		want string
	}{
		{"neither src nor content", map[string]any{"dest": "/x"}, "src (or content) is required"},
		{"both", map[string]any{"src": "a", "content": "b", "dest": "/x"}, "parameters are mutually exclusive: content|src"},
		{"content to a dir", map[string]any{"content": "b", "dest": "/x/"}, "can not use content with a dir as dest"},
		{"no dest", map[string]any{"content": "b"}, "missing required arguments: dest"},
		{"validate without %s", map[string]any{"content": "b", "dest": "/x", "validate": "true"}, "validate must contain %s: true"},
		{"bad mode", map[string]any{"content": "b", "dest": "/x", "mode": "u=rwz"}, `bad symbolic permission for mode: u=rwz ("rwz" holds letters other than r, w, x, X, s, t, u, g, o)`},
		{"missing src", map[string]any{"src": "nope.conf", "dest": "$DIR/x"}, "could not find or access 'nope.conf'"},
		{"missing remote src", map[string]any{"src": "$DIR/nope", "dest": "$DIR/x", "remote_src": true}, "Source $DIR/nope not found"},
		{"missing dest dir, remote src", map[string]any{"src": "/etc/hostname", "dest": "$DIR/no/x", "remote_src": true}, "Destination directory $DIR/no does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			_, err := e.plan("copy", tt.args)
			if got := failure(err); !strings.Contains(got, e.expand(tt.want)) {
				t.Errorf("error = %q, want it to contain %q", got, e.expand(tt.want))
			}
		})
	}
}

// A controller file copied into a missing directory is changed under --check, as Ansible's
// action plugin reports it, and fails only when applied.
func TestCopyMissingDestDirFailsWhenApplied(t *testing.T) {
	for _, args := range []map[string]any{
		{"content": "b", "dest": "$DIR/no/x"},
		{"src": "$DIR/src", "dest": "$DIR/no/x"},
	} {
		e := newTestEnv(t)
		e.write("$DIR/src", "b", 0o644)
		p, err := e.plan("copy", args)
		if err != nil || !p.Changed() || len(p.Diffs) != 1 || p.Diffs[0].After != "b" {
			t.Fatalf("%v: plan = %+v, %v; want changed with a diff", args, p, err)
		}
		if _, err := e.apply(p); !strings.Contains(failure(err), e.expand("Destination directory $DIR/no does not exist")) {
			t.Errorf("%v: apply error = %v", args, err)
		}
		if _, err := os.Stat(e.expand("$DIR/no")); !os.IsNotExist(err) {
			t.Errorf("%v: $DIR/no was created: %v", args, err)
		}
	}
}

// content= that rendered to a dict or a list is written as JSON, as Ansible's copy action
// plugin does (json.dumps); a bool as Python prints it.
func TestCopyContentValues(t *testing.T) {
	for _, tt := range []struct {
		content any
		want    string
	}{
		{map[string]any{"k": "v", "n": []any{1, true}}, `{"k": "v", "n": [1, true]}`},
		{[]any{"a", 2}, `["a", 2]`},
		{true, "True"},
		{5, "5"},
		{"text\n", "text\n"},
	} {
		e := newTestEnv(t)
		e.timeline("copy", map[string]any{"content": tt.content, "dest": "$DIR/f"})
		if got, _ := e.read("$DIR/f"); got != tt.want {
			t.Errorf("content %#v wrote %q, want %q", tt.content, got, tt.want)
		}
	}
}

// A remote directory without a trailing slash is copied as a directory into dest (found a
// directory by the file probe: two round trips); only what differs is copied.
func TestCopyRemoteDirectory(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/src/a", "a\n", 0o600)
	e.write("$DIR/src/b", "b\n", 0o644)
	e.write("$DIR/dst/src/a", "old\n", 0o644)
	e.write("$DIR/dst/src/b", "b\n", 0o644)
	args := map[string]any{"src": "$DIR/src", "dest": "$DIR/dst", "remote_src": true}
	p, err := e.plan("copy", args)
	if err != nil || len(p.Steps) != 1 || len(p.Diffs) != 0 {
		t.Fatalf("plan: %v %v", p, err)
	}
	if strings.Contains(p.Steps[0].Script, "src/b") || !strings.Contains(p.Steps[0].Script, "src/a") {
		t.Errorf("copies more or less than the file that differs:\n%s", p.Steps[0].Script)
	}
	if _, err := e.apply(p); err != nil {
		t.Fatal(err)
	}
	if got, mode := e.read("$DIR/dst/src/a"); got != "a\n" || mode != "0600" {
		t.Errorf("dst/src/a = %q mode %s, want the source's content and mode", got, mode)
	}
	if again, err := e.plan("copy", args); err != nil || again.Changed() {
		t.Errorf("second plan: %v %v", again.Steps, err)
	}
}
