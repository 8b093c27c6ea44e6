package modules

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Inspect outputs captured on a Debian 12 lab host (docker.io 20.10): web
// runs hello:v1 with GREETING=yo, 127.0.0.1:8080:8000, /srv:/data:ro,
// restart unless-stopped, label app=web, on network appnet.
func dockerFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/docker_" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffKeys lists the top-level keys a JSON before/after diff changes.
func diffKeys(p *Plan) []string {
	if len(p.Diffs) == 0 {
		return nil
	}
	var keys []string
	for _, l := range strings.Split(p.Diffs[0].After, "\n") {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), `": `); ok && strings.HasPrefix(l, `    "`) {
			keys = append(keys, strings.Trim(k, `"`))
		}
	}
	sort.Strings(keys)
	return keys
}

func TestDockerContainerPlan(t *testing.T) {
	web := map[string]any{"name": "web", "image": "hello:v1", "env": map[string]any{"GREETING": "yo"},
		"published_ports": []any{"127.0.0.1:8080:8000"}, "volumes": []any{"/srv:/data:ro"},
		"restart_policy": "unless-stopped", "labels": map[string]any{"app": "web"}, "networks": []any{map[string]any{"name": "appnet"}}}
	with := func(kv ...any) map[string]any { return argsWith(web, kv...) }
	ctr, img := dockerFixture(t, "container_web"), dockerFixture(t, "image_hello")
	tests := []struct {
		name     string
		args     map[string]any
		probe    string
		keys     []string // what the diff shows
		script   []string // in the step, in order
		notInAny string   // must not be in the step
	}{
		{"matching", web, ctr + img, nil, nil, ""},
		{"new container", web, "[]\n" + img, []string{"exists", "running"},
			[]string{"docker create --name web --env GREETING=yo --label app=web --publish 127.0.0.1:8080:8000/tcp --volume /srv:/data:ro --restart unless-stopped --network appnet hello:v1", "docker start web"}, "network connect"},
		{"env differs: recreate", with("env", map[string]any{"GREETING": "hi"}), ctr + img, []string{"env", "running"},
			[]string{"docker rm --force web", "docker create --name web --env GREETING=hi", "docker start web"}, ""},
		{"port differs: recreate", with("published_ports", []any{"8081:8000"}), ctr + img, []string{"published_ports", "running"},
			[]string{"docker rm --force web", "--publish 0.0.0.0:8081:8000/tcp"}, ""},
		{"command differs", with("command", "/hello once"), ctr + img, []string{"command", "running"},
			[]string{"docker rm --force web", "hello:v1 /hello once"}, ""},
		{"restart policy in place", with("restart_policy", "always"), ctr + img, []string{"restart_policy"},
			[]string{"docker update --restart always web"}, "docker rm"},
		{"another network in place", with("networks", []any{map[string]any{"name": "appnet"}, map[string]any{"name": "other"}}), ctr + img, []string{"networks"},
			[]string{"docker network connect other web"}, "docker rm"},
		{"stopped", with("state", "stopped"), ctr + img, []string{"running"}, []string{"docker stop web"}, "docker rm"},
		{"restart", with("restart", true), ctr + img, []string{"restarted", "running"}, []string{"docker restart web"}, "docker rm"},
		{"absent", map[string]any{"name": "web", "state": "absent"}, ctr, []string{"exists", "running"}, []string{"docker rm --force web"}, ""},
		{"image not built yet: recreate", with("image", "hello:v2"), ctr + "[]\n", []string{"image", "running"},
			[]string{"docker rm --force web", "hello:v2", "docker start web"}, ""},
		{"absent already", map[string]any{"name": "web", "state": "absent"}, "[]\n", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, h, err := planCanned("community.docker.docker_container", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Scripts) != 1 {
				t.Errorf("%d round trips, want 1", len(h.Scripts))
			}
			if got := diffKeys(p); !slices.Equal(got, tt.keys) {
				t.Errorf("diff keys = %q, want %q", got, tt.keys)
			}
			if p.Changed() != (tt.script != nil) {
				t.Fatalf("changed = %v, want %v", p.Changed(), tt.script != nil)
			}
			script := strings.Join(stepScripts(p), "\n")
			at := 0
			for _, s := range tt.script {
				i := strings.Index(script[at:], s)
				if i < 0 {
					t.Fatalf("step lacks %q (in order):\n%s", s, script)
				}
				at += i + len(s)
			}
			if tt.notInAny != "" && strings.Contains(script, tt.notInAny) {
				t.Errorf("step has %q:\n%s", tt.notInAny, script)
			}
		})
	}
}

func TestDockerContainerErrors(t *testing.T) {
	tests := []struct {
		args  map[string]any
		probe string
		want  string
	}{
		{map[string]any{"name": "web"}, "[]\n", "Cannot create container when image is not specified!"},
		{map[string]any{"name": "web", "image": "hello:v1", "published_ports": []any{"1:2:3:4"}}, "[]\n" + dockerFixture(t, "image_hello"), `Invalid port description "1:2:3:4": want [ip:]host:container[/proto]`},
		{map[string]any{"name": "web", "state": "gone"}, "", "value of state must be one of: started, stopped, present, absent, got: gone"},
	}
	for _, tt := range tests {
		_, _, err := planCanned("docker_container", tt.args, tt.probe)
		if got := failure(err); got != tt.want {
			t.Errorf("%v: error %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestDockerImagePlan(t *testing.T) {
	img := dockerFixture(t, "image_hello")
	build := map[string]any{"path": "/srv/app", "dockerfile": "Dockerfile", "args": map[string]any{"V": "1"}}
	tests := []struct {
		name    string
		args    map[string]any
		probe   string
		actions []string
		script  string
		fail    string
	}{
		{"build", map[string]any{"name": "hello:v1", "source": "build", "build": build}, "[]\n[{}]\n",
			[]string{"Built image hello:v1 from /srv/app"}, "docker build --tag hello:v1 --file /srv/app/Dockerfile --build-arg V=1 --rm /srv/app >&2", ""},
		{"exists", map[string]any{"name": "hello", "tag": "v1", "source": "build", "build": build}, img + "[{}]\n", []string{}, "", ""},
		{"forced", map[string]any{"name": "hello:v1", "source": "build", "build": build, "force_source": true}, img + "[{}]\n",
			[]string{"Built image hello:v1 from /srv/app"}, "docker build", ""},
		{"no build dir", map[string]any{"name": "hello:v1", "source": "build", "build": build}, "[]\n[]\n", nil, "",
			"Requested build path /srv/app could not be found or you do not have access."},
		{"load", map[string]any{"name": "hello:v1", "source": "load", "load_path": "/tmp/h.tar"}, "[]\n[{}]\n",
			[]string{"Loaded image hello:v1 from /tmp/h.tar"}, "docker load --input /tmp/h.tar", ""},
		{"load missing archive", map[string]any{"name": "hello:v1", "source": "load", "load_path": "/tmp/h.tar"}, "[]\n[]\n", nil, "",
			"Error loading image hello:v1. Specified path /tmp/h.tar does not exist."},
		{"local missing", map[string]any{"name": "hello:v1", "source": "local"}, "[]\n", nil, "", "Cannot find the image hello:v1 locally."},
		{"absent", map[string]any{"name": "hello:v1", "state": "absent"}, img, []string{"Removed image hello:v1"}, "docker image rm hello:v1", ""},
		{"no source", map[string]any{"name": "hello:v1"}, "", nil, "", "state is present but all of the following are missing: source"},
		{"bad build option", map[string]any{"name": "hello:v1", "source": "build", "build": map[string]any{"path": "/x", "paht": 1}}, "", nil, "",
			"build: Unsupported parameters for module: paht. Supported parameters include: args, dockerfile, labels, network, nocache, path, platform, pull, rm, target."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := planCanned("community.docker.docker_image", tt.args, tt.probe)
			if got := failure(err); got != tt.fail {
				t.Fatalf("error = %q, want %q", got, tt.fail)
			}
			if err != nil {
				return
			}
			if got := p.Result["actions"]; !slices.Equal(got.([]string), tt.actions) {
				t.Errorf("actions = %q, want %q", got, tt.actions)
			}
			if script := strings.Join(stepScripts(p), ""); !strings.Contains(script, tt.script) || (tt.script == "") != (script == "") {
				t.Errorf("step = %q, want it to hold %q", script, tt.script)
			}
		})
	}
}

func TestDockerNetworkPlan(t *testing.T) {
	net := dockerFixture(t, "network_appnet")
	tests := []struct {
		name   string
		args   map[string]any
		probe  string
		keys   []string
		script []string
	}{
		{"exists with web", map[string]any{"name": "appnet", "connected": []any{"web"}}, net, nil, nil},
		{"appends keeps web", map[string]any{"name": "appnet", "appends": true}, net, nil, nil},
		{"unlisted containers are disconnected", map[string]any{"name": "appnet"}, net, []string{"connected"}, []string{"docker network disconnect appnet web"}},
		{"create", map[string]any{"name": "appnet", "labels": map[string]any{"a": "b"}, "internal": true}, "[]\n", []string{"exists"},
			[]string{"docker network create --driver bridge --label a=b --internal appnet"}},
		{"driver differs: recreate", map[string]any{"name": "appnet", "driver": "macvlan", "appends": true}, net, []string{"driver"},
			[]string{"docker network disconnect --force appnet web", "docker network rm appnet", "docker network create --driver macvlan appnet"}},
		{"absent", map[string]any{"name": "appnet", "state": "absent"}, net, []string{"exists"},
			[]string{"docker network disconnect --force appnet web", "docker network rm appnet"}},
		{"absent already", map[string]any{"name": "appnet", "state": "absent"}, "[]\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := planCanned("community.docker.docker_network", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if got := diffKeys(p); !slices.Equal(got, tt.keys) {
				t.Errorf("diff keys = %q, want %q", got, tt.keys)
			}
			script := strings.Join(stepScripts(p), "")
			for _, s := range tt.script {
				if !strings.Contains(script, s) {
					t.Errorf("step lacks %q:\n%s", s, script)
				}
			}
			if p.Changed() != (tt.script != nil) {
				t.Errorf("changed = %v, want %v", p.Changed(), tt.script != nil)
			}
		})
	}
}
