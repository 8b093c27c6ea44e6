package modules

import (
	"reflect"
	"strings"
	"testing"

	"play/connection"
)

func TestDjangoManageArgs(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		cmd  []string
		fail string
	}{
		{"migrate gets --noinput", map[string]any{"command": "migrate"}, []string{"./manage.py", "migrate", "--noinput"}, ""},
		{"--noinput given once", map[string]any{"command": "collectstatic --noinput", "clear": true, "link": true},
			[]string{"./manage.py", "collectstatic", "--noinput", "--clear", "--link"}, ""},
		{"general options then lists", map[string]any{"command": "migrate", "settings": "proj.settings", "pythonpath": "/srv/lib",
			"database": "other", "skip": true, "apps": "polls  blog"},
			[]string{"./manage.py", "migrate", "--noinput", "--settings=proj.settings", "--pythonpath=/srv/lib", "--database=other", "--skip", "polls", "blog"}, ""},
		{"test runner and failfast", map[string]any{"command": "test", "test_runner": "x.Runner", "fail_fast": true, "apps": "polls"},
			[]string{"./manage.py", "test", "--noinput", "--testrunner=x.Runner", "--failfast", "polls"}, ""},
		{"loaddata fixtures", map[string]any{"command": "loaddata", "fixtures": "a.json 'b c.json'"},
			[]string{"./manage.py", "loaddata", "a.json", "b c.json"}, ""},
		{"cache table", map[string]any{"command": "createcachetable", "cache_table": "cache"}, []string{"./manage.py", "createcachetable", "cache"}, ""},
		{"other commands as given", map[string]any{"command": "createsuperuser --noinput --username=admin"},
			[]string{"./manage.py", "createsuperuser", "--noinput", "--username=admin"}, ""},
		{"loaddata needs fixtures", map[string]any{"command": "loaddata"}, nil, "fixtures param is required for command=loaddata"},
		{"apps not for collectstatic", map[string]any{"command": "collectstatic", "apps": "x"}, nil, "apps param is incompatible with command=collectstatic"},
		{"clear not for other commands", map[string]any{"command": "check", "clear": true}, nil, "clear param is incompatible with command=check"},
		{"empty command", map[string]any{"command": " "}, nil, "command is empty: give a management command such as migrate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args["project_path"] = "/srv/app"
			m, err := New("community.general.django_manage", tt.args)
			if tt.fail != "" {
				if err == nil || err.Error() != tt.fail {
					t.Fatalf("error %v, want %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cmd, err := m.(*DjangoManage).argv()
			if err != nil || !reflect.DeepEqual(cmd, tt.cmd) {
				t.Errorf("cmd %q (%v), want %q", cmd, err, tt.cmd)
			}
		})
	}
}

func TestDjangoChanged(t *testing.T) {
	tests := []struct {
		command, out string
		want         bool
	}{
		{"migrate", "Operations to perform:\n  Apply all migrations: polls\nRunning migrations:\n  Applying polls.0001_initial... OK\n", true},
		{"migrate", "Operations to perform:\n  Apply all migrations: polls\nRunning migrations:\n  No migrations to apply.\n", false},
		{"collectstatic", "\n1 static file copied to '/srv/static'.\n", true},
		{"collectstatic", "\n0 static files copied to '/srv/static', 127 unmodified.\n", false},
		{"collectstatic", "\n120 static files copied to '/srv/static'.\n", true}, // Ansible: false
		{"collectstatic", "\n0 static files copied to '/srv/static', 10 unmodified.\n", false},
		{"loaddata", "Installed 2 object(s) from 1 fixture(s)\n", true},
		{"loaddata", "Installed 0 object(s) from 1 fixture(s)\n", false},
		{"createcachetable", "", true},
		{"createcachetable", "already exists.", false},
		{"check", "System check identified no issues (0 silenced).\n", false},
	}
	for _, tt := range tests {
		if got := djangoChanged(tt.command, tt.out); got != tt.want {
			t.Errorf("%s printing %q: changed %v, want %v", tt.command, tt.out, got, tt.want)
		}
	}
}

// fakeManage is a manage.py that prints its arguments, the virtualenv it
// runs in, and what $OUT, $ERR and $RC tell it to.
const fakeManage = `#!/bin/sh
echo "args: $*"
echo "venv: ${VIRTUAL_ENV:-none} $(command -v fakepython || echo nopython)"
printf '%s' "$OUT"
printf '%s' "$ERR" >&2
exit "${RC:-0}"
`

func TestDjangoManageRuns(t *testing.T) {
	tests := []struct {
		name    string
		args    map[string]any
		env     string // assignments for the fake manage.py
		out     string
		changed bool
		fail    string
	}{
		{"migration applied", map[string]any{"command": "migrate"}, "OUT='  Applying polls.0001_initial... OK\n'",
			"args: migrate --noinput\nvenv: none nopython\n  Applying polls.0001_initial... OK\n", true, ""},
		{"nothing to migrate", map[string]any{"command": "migrate"}, "OUT='  No migrations to apply.\n'",
			"args: migrate --noinput\nvenv: none nopython\n  No migrations to apply.\n", false, ""},
		{"virtualenv first in PATH", map[string]any{"command": "check", "virtualenv": "$DIR/venv"}, "",
			"args: check\nvenv: $DIR/venv $DIR/venv/bin/fakepython\n", false, ""},
		{"virtualenv created first", map[string]any{"command": "check", "virtualenv": "$DIR/new"}, "PATH=$DIR/tools:$PATH",
			"args: check\nvenv: $DIR/new $DIR/new/bin/fakepython\n", false, ""},
		{"failure shows both outputs", map[string]any{"command": "migrate"}, "RC=1 ERR='no such table'",
			"", false, "stdout: args: migrate --noinput\nvenv: none nopython\n\n:stderr: no such table"},
		{"unknown command", map[string]any{"command": "frobnicate"}, "RC=1 ERR=\"Unknown command: 'frobnicate'\"",
			"", false, "stdout: Unknown command: 'frobnicate'\n:stderr: Unknown django command: frobnicate"},
		{"cache table already there", map[string]any{"command": "createcachetable"}, "RC=1 ERR='table \"cache\" already exists'",
			"already exists.", false, ""},
		{"no project directory", map[string]any{"command": "migrate", "project_path": "$DIR/missing"}, "",
			"", false, "[Errno 2] No such file or directory: b'./manage.py'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.write("$DIR/app/manage.py", fakeManage, 0o755)
			e.write("$DIR/venv/bin/activate", "", 0o644)
			e.write("$DIR/venv/bin/fakepython", "", 0o755)
			e.write("$DIR/tools/virtualenv", "#!/bin/sh\nmkdir -p \"$1/bin\" && touch \"$1/bin/activate\" \"$1/bin/fakepython\" && chmod +x \"$1/bin/fakepython\"\n", 0o755)
			args := map[string]any{"project_path": "$DIR/app"}
			for k, v := range tt.args {
				args[k] = v
			}
			p, err := e.plan("django_manage", args)
			if err != nil {
				t.Fatal(err)
			}
			if !p.SkipInCheck {
				t.Error("django_manage must be skipped in check mode, as Ansible's does not support it")
			}
			for i := range p.Steps {
				p.Steps[i].Script = e.expand(tt.env) + "\nexport OUT ERR RC\n" + p.Steps[i].Script
			}
			res, err := e.apply(p)
			if tt.fail != "" {
				if err == nil || err.Error() != tt.fail {
					t.Fatalf("error %v, want %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res["out"] != e.expand(tt.out) || res["changed"] != tt.changed {
				t.Errorf("out %q changed %v, want %q %v", res["out"], res["changed"], e.expand(tt.out), tt.changed)
			}
			if res["project_path"] != e.expand("$DIR/app") || res["app_path"] != res["project_path"] || res["settings"] != nil {
				t.Errorf("result %v: want project_path and app_path, settings null", res)
			}
		})
	}
}

func TestDjangoManageVirtualenvFailures(t *testing.T) {
	tests := []struct {
		out  connection.Result
		fail string
		cmd  any
	}{
		{connection.Result{RC: 1, Stdout: []byte(venvMark + "\n"), Stderr: []byte(`Failed to find required executable "virtualenv" in paths: /usr/bin:/bin`)},
			`Failed to find required executable "virtualenv" in paths: /usr/bin:/bin`, nil},
		{connection.Result{RC: 1, Stdout: []byte(venvMark + "/usr/bin/virtualenv\ncreating\n"), Stderr: []byte("denied\n")},
			"stdout: creating\n\n:stderr: denied\n", []string{"/usr/bin/virtualenv", "/srv/venv"}},
	}
	for _, tt := range tests {
		p, _, err := planCanned("django_manage", map[string]any{"command": "migrate", "chdir": "/srv/app", "virtual_env": "/srv/venv"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Steps) != 2 || !strings.Contains(p.Steps[0].Script, "virtualenv") {
			t.Fatalf("steps %v: want the virtualenv step, then manage.py", p.Steps)
		}
		_, err = p.Finish([]connection.Result{tt.out})
		f, ok := err.(*Failure)
		if !ok || f.Msg != tt.fail || !reflect.DeepEqual(f.Result["cmd"], tt.cmd) {
			t.Errorf("failure %#v, want msg %q cmd %v", err, tt.fail, tt.cmd)
		}
	}
}
