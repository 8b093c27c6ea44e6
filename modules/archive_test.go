package modules

import (
	"reflect"
	"strings"
	"testing"
)

func TestCommonPath(t *testing.T) {
	tests := []struct {
		paths []string
		want  string
	}{
		{[]string{"/srv/app"}, "/srv/"},
		{[]string{"/srv/app/"}, "/srv/app/"},
		{[]string{"/srv/x/a", "/srv/y/b"}, "/srv/"},
		{[]string{"/srv/xa/1", "/srv/xb/2"}, "/srv/"},
		{[]string{"/a"}, "/"},
		{[]string{"a.txt"}, ""},
	}
	for _, tt := range tests {
		if got := commonPath(tt.paths); got != tt.want {
			t.Errorf("commonPath(%q) = %q, want %q", tt.paths, got, tt.want)
		}
	}
}

func TestGlobWord(t *testing.T) {
	tests := map[string]string{
		"/srv/*.log":        `/srv/*.log`,
		"/srv/my dir/?.txt": `'/srv/my dir/'?.txt`,
		"*":                 "*",
	}
	for in, want := range tests {
		if got := globWord(in); got != want {
			t.Errorf("globWord(%q) = %s, want %s", in, got, want)
		}
	}
}

// archiveTree is a tree probe: /srv/app holds a.txt, sub/b.log and a link
// to a directory, listed by find in directory order.
const archiveTree = "::play:: paths\n/srv/app\n::play:: excludes\n::play:: tree\nT d /srv/app\n" +
	"C f f /srv/app/a.txt\nC d d /srv/app/sub\nC f f /srv/app/sub/b.log\nC l d /srv/app/link\n"

func TestArchiveSources(t *testing.T) {
	tests := []struct {
		name, tree string
		args       map[string]any
		members    []string // archived paths, in Ansible's order
		names      string
		dest, msg  string
	}{
		{"tree in os.walk order", archiveTree, map[string]any{"dest": "/b/app.tgz"},
			[]string{"/srv/app/sub", "/srv/app/link", "/srv/app/a.txt", "/srv/app/sub/b.log"},
			"app/sub\napp/link\napp/a.txt\napp/sub/b.log\n", "/b/app.tgz", ""},
		{"tar patterns match names", archiveTree, map[string]any{"dest": "/b/app.tar", "format": "tar", "exclusion_patterns": "app/sub*"},
			[]string{"/srv/app/link", "/srv/app/a.txt"}, "app/link\napp/a.txt\n", "/b/app.tar", ""},
		{"zip patterns match paths", archiveTree, map[string]any{"dest": "/b/app.zip", "format": "zip", "exclusion_patterns": "/srv/*.txt"},
			[]string{"/srv/app/sub", "/srv/app/link", "/srv/app/sub/b.log"}, "app/sub\napp/link\napp/sub/b.log\n", "/b/app.zip", ""},
		{"single file gets a default dest", "::play:: paths\n/srv/c.txt\n::play:: tree\nT f /srv/c.txt\n", map[string]any{},
			[]string{"/srv/c.txt"}, "c.txt\n", "/srv/c.txt.gz", ""},
		{"a tree needs dest", archiveTree, map[string]any{}, nil, "", "", `Error, must specify "dest" when archiving multiple files or trees`},
		{"all excluded", "::play:: paths\n/srv/c\n::play:: excludes\n/srv/c\n", map[string]any{"dest": "/x"}, nil, "", "", "Error, no source paths were found"},
		{"dest inside a removed tree", archiveTree, map[string]any{"dest": "/srv/app/a.tgz", "remove": true}, nil, "", "",
			"Error, created archive can not be contained in source paths when remove=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args["path"] = "/srv/x"
			m, err := New("community.general.archive", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			s, err := m.(*Archive).sources(parseSections(tt.tree))
			if wantPlanErr(t, err, tt.msg) {
				return
			}
			var archived []string
			for _, mb := range s.members {
				if !mb.excluded {
					archived = append(archived, mb.path)
				}
			}
			if !reflect.DeepEqual(archived, tt.members) || s.names() != tt.names || s.dest != tt.dest {
				t.Errorf("archived %q names %q dest %q, want %q %q %q", archived, s.names(), s.dest, tt.members, tt.names, tt.dest)
			}
		})
	}
}

func TestArchivePlan(t *testing.T) {
	const listing = "-rw-r--r-- root/root 2 2026-11-23 18:36:00 app/a.txt\n"
	const stat = "::play:: stat\n= regular file|644|0|0|root|root|189|1|1|1|1:1\n"
	tests := []struct {
		name, obs string
		remove    bool
		changed   bool
		steps     int
		state     string
	}{
		{"new archive", "::play:: old\n::play:: new\n" + listing, false, true, 1, "archive"},
		{"same members", "::play:: exists\nyes\n::play:: old\n" + listing + "::play:: new\n" + listing + stat, false, false, 0, "archive"},
		{"same members, sources removed unchanged", "::play:: old\n" + listing + "::play:: new\n" + listing, true, false, 1, "archive"},
		{"missing tool", "::play:: missing\nzip\n", false, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New("archive", map[string]any{"path": "/srv/app", "dest": "/b/app.tgz", "remove": tt.remove})
			if err != nil {
				t.Fatal(err)
			}
			a := m.(*Archive)
			s, err := a.sources(parseSections(archiveTree))
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.plan(s, parseSections(tt.obs))
			if tt.state == "" {
				if err == nil || !strings.HasPrefix(err.Error(), `Failed to find required executable "zip"`) {
					t.Fatalf("err = %v, want the missing tool", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() != tt.changed || len(p.Steps) != tt.steps || p.Result["dest_state"] != tt.state {
				t.Errorf("changed %v steps %d state %v, want %v %d %v", p.Changed(), len(p.Steps), p.Result["dest_state"], tt.changed, tt.steps, tt.state)
			}
			if tt.remove && !strings.Contains(p.Steps[0].Script, "rm -rf -- /srv/app ") {
				t.Errorf("step does not remove the tree:\n%s", p.Steps[0].Script)
			}
		})
	}
}
