package modules

import (
	"reflect"
	"testing"

	"play/connection"
)

// Captured with debconf-show tzdata on a Debian 12 host.
const tzdataShow = `  tzdata/Zones/America:
* tzdata/Zones/Etc: UTC
* tzdata/Areas: Etc
  tzdata/Zones/Europe:
`

func TestDebconf(t *testing.T) {
	tests := []struct {
		args     map[string]any
		stdin    string // the selection set, "" for none
		previous map[string]any
	}{
		{map[string]any{"name": "tzdata", "question": "tzdata/Areas", "vtype": "select", "value": "Etc"}, "", nil},
		{map[string]any{"name": "tzdata", "question": "tzdata/Areas", "vtype": "select", "value": "Europe"},
			"tzdata tzdata/Areas select Europe", map[string]any{"tzdata/Areas": "Etc"}},
		{map[string]any{"name": "tzdata", "question": "tzdata/Zones/Europe", "vtype": "select", "value": "Paris", "unseen": true},
			"tzdata tzdata/Zones/Europe select Paris", map[string]any{"tzdata/Zones/Europe": ""}},
		{map[string]any{"name": "tzdata", "question": "tzdata/new", "vtype": "boolean", "value": true},
			"tzdata tzdata/new boolean true", map[string]any{"tzdata/Zones/America": "", "tzdata/Zones/Etc": "UTC",
				"tzdata/Areas": "Etc", "tzdata/Zones/Europe": "", "tzdata/new": ""}},
		{map[string]any{"name": "tzdata"}, "", nil},
	}
	for _, tt := range tests {
		p := planWith(t, "debconf", tt.args, "", connection.Result{Stdout: []byte(tzdataShow)})
		if tt.stdin == "" {
			if p.Changed() || len(p.Result["current"].(map[string]any)) != 4 {
				t.Errorf("%v: want no change and the current answers, got %v", tt.args, p.Result)
			}
			continue
		}
		wantCmd := "debconf-set-selections"
		if tt.args["unseen"] == true {
			wantCmd += " -u"
		}
		if len(p.Steps) != 1 || p.Steps[0].Script != wantCmd || string(p.Steps[0].Stdin) != tt.stdin {
			t.Errorf("%v: steps %+v", tt.args, p.Steps)
		}
		if !reflect.DeepEqual(p.Result["previous"], tt.previous) || len(p.Diffs) != 1 {
			t.Errorf("%v: previous %v, want %v", tt.args, p.Result["previous"], tt.previous)
		}
	}
}

func TestDebconfDiff(t *testing.T) {
	p := planWith(t, "debconf", map[string]any{"name": "tzdata", "question": "tzdata/Areas", "vtype": "select", "value": "Europe"},
		"", connection.Result{Stdout: []byte(tzdataShow)})
	if d := p.Diffs[0]; d.Before != "{\n    \"tzdata/Areas\": \"Etc\"\n}\n" || d.After != "{\n    \"tzdata/Areas\": \"Europe\"\n}\n" {
		t.Errorf("diff %+v", d)
	}
}

func TestDebconfErrors(t *testing.T) {
	m, err := New("debconf", map[string]any{"name": "tzdata", "question": "tzdata/Areas"})
	if m != nil || failure(err) != "parameters are required together: question, vtype, value" {
		t.Errorf("error %v", err)
	}
	planWith(t, "debconf", map[string]any{"name": "nope"}, "debconf-show: no such package",
		connection.Result{RC: 1, Stderr: []byte("debconf-show: no such package\n")})
}
