package jinja

import (
	"strings"
	"testing"
)

func TestRangeIsBounded(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"{{ range(3) | list }}", "[0, 1, 2]"},
		{"{{ range(10, 0, -3) | list }}", "[10, 7, 4, 1]"},
		{"{{ range(100000) | length }}", "100000"},
	}
	for _, tt := range tests {
		if got, err := RenderString(tt.tmpl, nil); err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
	if _, err := RenderString("{{ range(99999999999) | length }}", nil); err == nil || !strings.Contains(err.Error(), "range() too big") {
		t.Errorf("a huge range should be refused, got %v", err)
	}
}
