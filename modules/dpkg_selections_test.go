package modules

import (
	"testing"

	"play/modules/modtest"
)

func TestDpkgSelectionsPlan(t *testing.T) {
	// dpkg --get-selections on a Debian 12 lab host (stderr, not captured
	// here, says "no packages found matching" for an unknown package).
	tests := []struct {
		name      string
		selection string
		out       string
		before    string
		changed   bool
	}{
		{"hold", "hold", "::play:: selection\nhello\t\t\t\t\t\tinstall\n", "install", true},
		{"held already", "hold", "::play:: selection\nhello\t\t\t\t\t\thold\n", "hold", false},
		{"multiarch name", "install", "::play:: selection\nlibc6:amd64\t\t\t\t\tinstall\n", "install", false},
		{"unknown package", "install", "::play:: selection\n", "not present", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planWith(t, "dpkg_selections", map[string]any{"name": "hello", "selection": tt.selection}, "", modtest.Stdout(tt.out))
			if p.Result["before"] != tt.before || p.Result["after"] != tt.selection {
				t.Errorf("result = %v, want before %q after %q", p.Result, tt.before, tt.selection)
			}
			if changed := len(p.Steps) > 0; changed != tt.changed {
				t.Fatalf("changed = %v, want %v", changed, tt.changed)
			}
			if tt.changed && string(p.Steps[0].Stdin) != "hello "+tt.selection+"\n" {
				t.Errorf("set-selections input = %q", p.Steps[0].Stdin)
			}
		})
	}
	if _, err := New("dpkg_selections", map[string]any{"name": "hello", "selection": "keep"}); err == nil {
		t.Error("selection keep accepted")
	}
}
