package modules

import (
	"strings"
	"testing"
)

func TestAptRepositoryPlan(t *testing.T) {
	// The probe's output on a Debian 12 lab host, plus files for the cases.
	const lab = "::play:: default\n/etc/apt/sources.list\n::play:: parts\n/etc/apt/sources.list.d/\n" +
		"::play:: file 644 /etc/apt/sources.list\ndeb [trusted=yes] http://10.232.0.1:8232/ ./\n"
	const gw = "deb [trusted=yes] http://lab-gateway:8232/ ./"
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		diffs []Diff // headers and texts
		steps int
		err   string
	}{
		{"new file named from the URI", map[string]any{"repo": gw}, lab,
			[]Diff{{BeforeHeader: "before: /dev/null", AfterHeader: "after: /etc/apt/sources.list.d/lab_gateway_8232.list", After: gw + "\n"}}, 2, ""},
		{"filename, no cache update", map[string]any{"repo": gw, "filename": "gw", "update_cache": false}, lab,
			[]Diff{{BeforeHeader: "before: /dev/null", AfterHeader: "after: /etc/apt/sources.list.d/gw.list", After: gw + "\n"}}, 1, ""},
		{"already there, other spacing", map[string]any{"repo": "deb  [trusted=yes]   http://10.232.0.1:8232/ ./"}, lab, nil, 0, ""},
		{"commented out: enabled in place, comments kept", map[string]any{"repo": gw},
			lab + "::play:: file 600 /etc/apt/sources.list.d/x.list\n#comment\n\n#deb [trusted=yes] http://lab-gateway:8232/ ./ # mine\n",
			[]Diff{{BeforeHeader: "before: /etc/apt/sources.list.d/x.list", AfterHeader: "after: /etc/apt/sources.list.d/x.list",
				Before: "# comment\n\n# " + gw + " # mine\n", After: "# comment\n\n" + gw + " # mine\n"}}, 2, ""},
		{"absent removes the file it empties", map[string]any{"repo": gw, "state": "absent"},
			lab + "::play:: file 644 /etc/apt/sources.list.d/lab_gateway_8232.list\n" + gw + "\n",
			[]Diff{{BeforeHeader: "before: /etc/apt/sources.list.d/lab_gateway_8232.list", AfterHeader: "after: /dev/null", Before: gw + "\n"}}, 2, ""},
		{"absent already", map[string]any{"repo": gw, "state": "absent"}, lab, nil, 0, ""},
		{"not a source line", map[string]any{"repo": "http://x/ stable main"}, lab, nil, 0, "Invalid repository string: http://x/ stable main"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "apt_repository", tt.args, tt.probe)
			if failure(err) != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err != nil {
				return
			}
			if len(p.Steps) != tt.steps {
				t.Fatalf("%d steps, want %d: %v", len(p.Steps), tt.steps, p.Steps)
			}
			if len(p.Diffs) != len(tt.diffs) {
				t.Fatalf("diffs %+v, want %+v", p.Diffs, tt.diffs)
			}
			for i, d := range tt.diffs {
				if p.Diffs[i] != d {
					t.Errorf("diff %d:\n%+v\nwant\n%+v", i, p.Diffs[i], d)
				}
			}
			if p.Result["repo"] != tt.args["repo"] {
				t.Errorf("result %v", p.Result)
			}
		})
	}
}

func TestAptRepositorySteps(t *testing.T) {
	// A changed existing file keeps its mode; a failing update restores it.
	p, err := planFrom(t, "apt_repository", map[string]any{"repo": "deb http://a/ x y", "filename": "x", "update_cache_retries": 1},
		"::play:: parts\n/etc/apt/sources.list.d\n::play:: file 600 /etc/apt/sources.list.d/x.list\n#old\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Steps[0].Script, "chmod -- 00600") || string(p.Steps[0].Stdin) != "# old\ndeb http://a/ x y\n" {
		t.Errorf("write step %q with %q", p.Steps[0].Script, p.Steps[0].Stdin)
	}
	if up := p.Steps[1].Script; !strings.Contains(up, "printf '%s' '#old\n' > /etc/apt/sources.list.d/x.list") || !strings.Contains(up, "-ge 1 ]") {
		t.Errorf("update step does not revert:\n%s", up)
	}
	for _, tt := range []struct{ source, file string }{
		{"deb [arch=amd64 signed-by=/k.gpg] https://user:pw@download.docker.com/linux/debian bookworm stable", "download_docker_com_linux_debian.list"},
		{"deb-src http://deb.debian.org/debian bookworm main", "deb_debian_org_debian.list"},
	} {
		if got := suggestFilename(tt.source, ""); got != tt.file {
			t.Errorf("suggestFilename(%q) = %q, want %q", tt.source, got, tt.file)
		}
	}
}
