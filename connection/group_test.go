package connection

import (
	"bytes"
	"testing"
)

// TestGroupLeader checks the process group line is taken out of stderr
// however the first bytes arrive, and that other output passes unchanged.
func TestGroupLeader(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		pgid   int
		stderr string
	}{
		{"alone", []string{"play-pgid:4242\n"}, 4242, ""},
		{"split", []string{"play-p", "gid:17", "\nsudo: oops\n", "more"}, 17, "sudo: oops\nmore"},
		{"with output", []string{"play-pgid:9\nwarning\n"}, 9, "warning\n"},
		{"not ours", []string{"sh: 1: echo: I/O error\n", "x"}, 0, "sh: 1: echo: I/O error\nx"},
		{"nothing", nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			g := &groupLeader{w: &out}
			for _, w := range tt.writes {
				if n, err := g.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if g.id() != tt.pgid || out.String() != tt.stderr {
				t.Errorf("pgid %d, stderr %q; want %d, %q", g.id(), out.String(), tt.pgid, tt.stderr)
			}
		})
	}
}
