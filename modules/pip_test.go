package modules

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// The probe's output for a virtualenv holding sysfdemo 1.0 (pip 23 on Debian 12).
const pipVenvList = "play-pip-list: /opt/venv/bin/pip3\npip==23.0.1\nsetuptools==66.1.1\nsysfdemo==1.0\nDjango==4.1.1\n"

func TestPipPlan(t *testing.T) {
	venv := map[string]any{"virtualenv": "/opt/venv", "extra_args": "--no-index --find-links /srv/wheels"}
	with := func(kv ...any) map[string]any { return argsWith(venv, kv...) }
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		steps int    // 0: nothing to do
		cmd   string // the pip command line, in the result
		fail  string
	}{
		{"installed", with("name", "sysfdemo"), pipVenvList, 0, "/opt/venv/bin/pip3 install --no-index --find-links /srv/wheels sysfdemo", ""},
		{"installed, version", with("name", "sysfdemo", "version", "1.0"), pipVenvList, 0, "/opt/venv/bin/pip3 install --no-index --find-links /srv/wheels sysfdemo==1.0", ""},
		{"canonical name and range", with("name", []any{"django>=4.0", "<5", "SysfDemo~=1.0"}), pipVenvList, 0, "", ""},
		{"other version", with("name", "sysfdemo==2.0"), pipVenvList, 1, "", ""},
		{"missing", with("name", "requests"), pipVenvList, 1, "", ""},
		{"absent", with("name", "sysfdemo", "state", "absent"), pipVenvList, 1, "/opt/venv/bin/pip3 uninstall -y --no-index --find-links /srv/wheels sysfdemo", ""},
		{"absent already", with("name", "requests", "state", "absent"), pipVenvList, 0, "", ""},
		{"latest always asks pip", with("name", "sysfdemo", "state", "latest"), pipVenvList, 1, "", ""},
		{"requirements compare the list", with("requirements", "/srv/req.txt"), pipVenvList, 2, "/opt/venv/bin/pip3 install --no-index --find-links /srv/wheels -r /srv/req.txt", ""},
		{"a path is for pip to tell", with("name", "/srv/wheels/sysfdemo-1.0-py3-none-any.whl"), pipVenvList, 1, "", ""},
		{"no virtualenv yet", with("name", "sysfdemo"), "novenv\n", 2, "/opt/venv/bin/pip3 install --no-index --find-links /srv/wheels sysfdemo", ""},
		{"name or requirements", map[string]any{"state": "present"}, "", 0, "", "one of the following is required: name, requirements"},
		{"version with latest", map[string]any{"name": "x", "version": "1", "state": "latest"}, "", 0, "", "version is incompatible with state=latest"},
		{"version of two", map[string]any{"name": "x,y", "version": "1"}, "", 0, "",
			"'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument."},
		{"venv and python", map[string]any{"name": "x", "virtualenv": "/v", "virtualenv_python": "python3.11"}, "", 0, "",
			"virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command"},
		{"no pip", map[string]any{"name": "x"}, "", 0, "", "Unable to find any of pip3 to use.  pip needs to be installed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *Plan
			var err error
			if tt.name == "no pip" {
				p, err = planWithErr(tt.args, connection.Result{RC: 3, Stderr: []byte(tt.fail + "\n")})
			} else {
				p, _, err = planCanned("ansible.builtin.pip", tt.args, tt.probe)
			}
			if got := failure(err); got != tt.fail {
				t.Fatalf("error = %q, want %q", got, tt.fail)
			}
			if err != nil {
				return
			}
			if len(p.Steps) != tt.steps {
				t.Errorf("%d steps, want %d", len(p.Steps), tt.steps)
			}
			if got := strings.Join(p.Result["cmd"].([]string), " "); tt.cmd != "" && got != tt.cmd {
				t.Errorf("cmd = %q, want %q", got, tt.cmd)
			}
		})
	}
}

func planWithErr(args map[string]any, out connection.Result) (*Plan, error) {
	m, err := New("pip", args)
	if err != nil {
		return nil, err
	}
	return m.Plan(context.Background(), &Env{Host: &modtest.Canned{Outputs: []connection.Result{out}}})
}

func TestPipFinish(t *testing.T) {
	p, _, err := planCanned("pip", map[string]any{"name": "sysfdemo", "virtualenv": "/opt/venv"}, "novenv\n")
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Finish([]connection.Result{{}, {Stdout: []byte("Requirement already satisfied: sysfdemo\n")}})
	if err != nil || res["changed"] != true {
		t.Errorf("a new virtualenv is a change: %v, %v", res, err)
	}
	_, err = p.Finish([]connection.Result{{}, {RC: 1, Stdout: []byte("Looking in indexes\n"), Stderr: []byte("ERROR: No matching distribution found for sysfdemo\n")}})
	if want := "stdout: Looking in indexes\n\n:stderr: ERROR: No matching distribution found for sysfdemo\n"; failure(err) != want {
		t.Errorf("failure = %q, want %q", failure(err), want)
	}
	p, _, _ = planCanned("pip", map[string]any{"requirements": "/r.txt", "virtualenv": "/opt/venv"}, pipVenvList)
	res, _ = p.Finish([]connection.Result{{Stdout: []byte("Requirement already satisfied\n")}, {Stdout: []byte("pip==23.0.1\nsetuptools==66.1.1\nsysfdemo==1.0\nDjango==4.1.1\n")}})
	if res["changed"] != false || res["stdout"] != "Requirement already satisfied\n" {
		t.Errorf("requirements already met: changed %v, stdout %q", res["changed"], res["stdout"])
	}
}

func TestPipVersions(t *testing.T) {
	tests := []struct {
		req, version string
		want         bool
	}{
		{"x==1.0", "1.0", true}, {"x==1.0", "1.0.0", true}, {"x==1.0", "1.0.1", false}, {"x>=1.10", "1.9", false},
		{"x>=1,<2", "1.5", true}, {"x<2", "2.0rc1", true}, {"x>1.0a1", "1.0", true}, {"x~=1.4", "1.9", true}, {"x~=1.4.2", "1.5", false},
		{"x==1.*", "1.7", true}, {"x!=1.*", "1.7", false}, {"x>=1.0.post1", "1.0", false}, {"x<1.0", "1.0.dev3", true},
	}
	for _, tt := range tests {
		r := parsePipRequirement(tt.req)
		if got := r.satisfiedBy(tt.version); got != tt.want || r.Name != "x" {
			t.Errorf("%s satisfied by %s = %v (name %q), want %v", tt.req, tt.version, got, r.Name, tt.want)
		}
	}
	if r := parsePipRequirement("git+https://example.com/x.git"); r.Name != "" {
		t.Errorf("a VCS URL parsed as the project %q", r.Name)
	}
	m := &Pip{Name: []string{"django>1.11.1", "<1.11.3", "ipaddress", "pkg[a,b]>1.1.0", "<2.0.0"}}
	var got []string
	for _, r := range m.requirements() {
		got = append(got, r.Text)
	}
	if want := []string{"django>1.11.1,<1.11.3", "ipaddress", "pkg[a,b]>1.1.0,<2.0.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("requirements = %q, want %q", got, want)
	}
}
