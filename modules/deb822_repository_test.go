package modules

import (
	"strings"
	"testing"
)

func TestDeb822RepositoryPlan(t *testing.T) {
	const lab = "X-Repolib-Name: Lab Repo\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: http://lab-gateway:8232/\n"
	base := map[string]any{"name": "Lab Repo", "uris": "http://lab-gateway:8232/", "suites": "./", "trusted": true}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	const key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n"
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		after string // the file written, "" for none
		steps int
		key   any
	}{
		{"new", base, "", lab, 1, nil},
		{"same", base, "::play:: mode\n644\n::play:: file\n" + lab + "\n", "", 0, nil},
		{"same text, other mode", base, "::play:: mode\n600\n::play:: file\n" + lab + "\n", "", 1, nil},
		{"key text inline, fields sorted by argument", with(map[string]any{"signed_by": key, "components": []any{"main", "contrib"}, "enabled": false}), "",
			"Components: main contrib\nEnabled: no\nX-Repolib-Name: Lab Repo\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    mQINBF\n    -----END PGP PUBLIC KEY BLOCK-----\n" +
				"Suites: ./\nTrusted: yes\nTypes: deb\nURIs: http://lab-gateway:8232/\n", 1, nil},
		{"key file on the host", with(map[string]any{"signed_by": "/usr/share/keyrings/x.gpg"}), "::play:: signed-by-file\n",
			"X-Repolib-Name: Lab Repo\nSigned-By: /usr/share/keyrings/x.gpg\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: http://lab-gateway:8232/\n", 1, "/usr/share/keyrings/x.gpg"},
		{"key URL, new key", with(map[string]any{"signed_by": "http://lab-gateway/k.asc"}),
			"::play:: mode\n644\n::play:: file\nX-Repolib-Name: Lab Repo\nSigned-By: /etc/apt/keyrings/lab-repo.asc\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: http://lab-gateway:8232/\n\n" +
				"::play:: download\n200 http://lab-gateway/k.asc\nabc\nasc\n", "", 1, "/etc/apt/keyrings/lab-repo.asc"},
		{"key URL, same key", with(map[string]any{"signed_by": "http://lab-gateway/k.asc"}),
			"::play:: key asc\nabc\n::play:: download\n200 http://lab-gateway/k.asc\nabc\nasc\n", "", 1, "/etc/apt/keyrings/lab-repo.asc"},
		{"absent", map[string]any{"name": "Lab Repo", "state": "absent"}, "::play:: mode\n644\n::play:: file\n" + lab + "\n::play:: key asc\nabc\n", "", 1, "/etc/apt/keyrings/lab-repo.gpg"},
		{"absent already", map[string]any{"name": "Lab Repo", "state": "absent"}, "", "", 0, "/etc/apt/keyrings/lab-repo.gpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "deb822_repository", tt.args, tt.probe)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) != tt.steps {
				t.Fatalf("%d steps, want %d: %v", len(p.Steps), tt.steps, p.Steps)
			}
			if tt.after != "" {
				if got := string(p.Steps[len(p.Steps)-1].Stdin); got != tt.after {
					t.Errorf("file:\n%s\nwant:\n%s", got, tt.after)
				}
			}
			if p.Result["dest"] != "/etc/apt/sources.list.d/lab-repo.sources" || p.Result["key_filename"] != tt.key {
				t.Errorf("result %v", p.Result)
			}
		})
	}
	p, err := planFrom(t, "deb822_repository", with(map[string]any{"signed_by": "https://x/k"}), "::play:: download\n404 https://x/k\nabc\ngpg\n")
	if failure(err) != "Could not fetch signed_by key: HTTP status 404 for https://x/k" || p != nil {
		t.Errorf("404: %v", err)
	}
	if _, err := New("deb822_repository", map[string]any{"name": "x", "types": "rpm"}); !strings.Contains(failure(err), "Got no match for: rpm") {
		t.Errorf("bad type: %v", err)
	}
}
