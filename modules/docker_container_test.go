package modules

import (
	"slices"
	"strings"
	"testing"
)

// The web fixture is on appnet only: purging disconnects what is not asked for,
// networks_cli_compatible: false creates on the default network, comparisons ignore.
func TestDockerContainerNetworks(t *testing.T) {
	base := map[string]any{"name": "web", "image": "hello:v1", "env": map[string]any{"GREETING": "yo"},
		"published_ports": []any{"127.0.0.1:8080:8000"}, "volumes": []any{"/srv:/data:ro"},
		"restart_policy": "unless-stopped", "labels": map[string]any{"app": "web"}}
	web := func(kv ...any) map[string]any { return argsWith(base, kv...) }
	nets := func(names ...string) []any {
		var l []any
		for _, n := range names {
			l = append(l, map[string]any{"name": n})
		}
		return l
	}
	ctr, img := dockerFixture(t, "container_web"), dockerFixture(t, "image_hello")
	tests := []struct {
		name   string
		args   map[string]any
		probe  string
		script []string // the step's lines; nil: no change
	}{
		{"other network kept", web("networks", nets("other")), ctr + img, []string{"docker network connect other web"}},
		{"purge_networks", web("networks", nets("other"), "purge_networks", true), ctr + img,
			[]string{"docker network connect other web", "docker network disconnect appnet web"}},
		{"networks strict", web("networks", nets("other"), "comparisons", map[string]any{"networks": "strict"}), ctr + img,
			[]string{"docker network connect other web", "docker network disconnect appnet web"}},
		{"strict for all, none wanted", web("networks", []any{}, "comparisons", map[string]any{"*": "strict"}), ctr + img,
			[]string{"docker network disconnect appnet web"}},
		{"strict, as wanted", web("networks", nets("appnet"), "purge_networks", true), ctr + img, nil},
		{"networks ignored", web("networks", nets("other"), "comparisons", map[string]any{"networks": "ignore"}), ctr + img, nil},
		{"env ignored", web("env", map[string]any{"GREETING": "hi"}, "comparisons", map[string]any{"env": "ignore"}), ctr + img, nil},
		{"new, cli compatible", web("networks", nets("appnet", "other")), "[]\n" + img,
			[]string{"--network appnet hello:v1", "docker network connect other web", "docker start web"}},
		{"new, not cli compatible, purged", web("networks", nets("appnet"), "networks_cli_compatible", false, "purge_networks", true), "[]\n" + img,
			[]string{"--restart unless-stopped hello:v1", "docker network connect appnet web", "docker network disconnect bridge web", "docker start web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := planCanned("community.docker.docker_container", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() != (tt.script != nil) {
				t.Fatalf("changed = %v, want %v:\n%s", p.Changed(), tt.script != nil, strings.Join(stepScripts(p), "\n"))
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
			if strings.Contains(script, "docker rm") {
				t.Errorf("networks are changed in place, not by recreating:\n%s", script)
			}
			if len(tt.script) > 0 && tt.script[0] == "docker network connect other web" && !slices.Equal(diffKeys(p), []string{"networks"}) {
				t.Errorf("diff keys %q, want networks", diffKeys(p))
			}
		})
	}
	if _, err := New("docker_container", web("comparisons", map[string]any{"env": "loose"})); failure(err) != "comparisons: env: want strict, ignore or allow_more_present, got loose" {
		t.Errorf("bad comparison: %v", err)
	}
}
