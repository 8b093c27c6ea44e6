package modules

import (
	"slices"
	"testing"

	"play/internal/keyorder"
)

// TestToMapKeepsOrder: a dict given as a JSON string or k=v words keeps its
// keys' order, as Python's json.loads and Ansible's k=v parsing do.
func TestToMapKeepsOrder(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: `{"z": 1, "a": {"y": 2, "b": 3}, "m": [1]}`, want: []string{"z", "a", "m"}},
		{in: "z=1 a=2 m=3", want: []string{"z", "a", "m"}},
		{in: `{"z": 1} x`, err: "invalid JSON object: text after its closing brace"},
		{in: `{"z": }`, err: "invalid JSON object: invalid character '}' looking for beginning of value"},
	}
	for _, tt := range tests {
		m, err := ToMap(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ToMap(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ToMap(%q): %v", tt.in, err)
		}
		if got := keyorder.Keys(m); !slices.Equal(got, tt.want) {
			t.Errorf("ToMap(%q) keys %q, want %q", tt.in, got, tt.want)
		}
	}
}
