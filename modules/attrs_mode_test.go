package modules

import "testing"

func TestModeApply(t *testing.T) {
	tests := []struct {
		arg   any
		cur   uint32
		isDir bool
		want  string
	}{
		{420, 0o600, false, "0644"}, // YAML 0644
		{"0644", 0o600, false, "0644"},
		{"644", 0o600, false, "0644"},
		{"4755", 0o644, false, "4755"},
		{"u=rw,g=r,o=r", 0o777, false, "0644"},
		{"u+x", 0o644, false, "0744"},
		{"a-w", 0o664, false, "0444"},
		{"+x", 0o644, false, "0755"}, // no class: all, umask ignored
		{"go=", 0o755, false, "0700"},
		{"u=rwX,g=rX,o=", 0o600, false, "0640"},
		{"u=rwX,g=rX,o=", 0o700, false, "0750"},
		{"u=rwX,g=rX,o=", 0o600, true, "0750"},
		{"g=u", 0o640, false, "0660"},
		{"u+s,o+t", 0o755, false, "5755"},
		{"u=rw", 0o4755, false, "0655"}, // = clears setuid
		{"u+r-w", 0o644, false, "0444"},
		{"preserve", 0o640, false, "0640"},
	}
	for _, tt := range tests {
		var m Mode
		if err := m.DecodeArg(tt.arg); err != nil {
			t.Errorf("DecodeArg(%v): %v", tt.arg, err)
			continue
		}
		got, err := m.Apply(tt.cur, tt.isDir)
		if err != nil || FormatMode(got) != tt.want {
			t.Errorf("%v on %04o (dir %v) = %s, %v; want %s", tt.arg, tt.cur, tt.isDir, FormatMode(got), err, tt.want)
		}
	}
}

func TestModeErrors(t *testing.T) {
	for _, arg := range []any{"u=rwz", "q+x", "rw", "99999", 70000, true} {
		var m Mode
		if err := m.DecodeArg(arg); err == nil {
			t.Errorf("DecodeArg(%v) accepted a bad mode", arg)
		}
	}
}

// The file modules print a mode as '0%03o' (a special bit gives five digits), stat as "%04o".
func TestResultMode(t *testing.T) {
	for bits, want := range map[uint32][2]string{0o644: {"0644", "0644"}, 0o2775: {"02775", "2775"}, 0o4755: {"04755", "4755"}} {
		if got := [2]string{resultMode(bits), FormatMode(bits)}; got != want {
			t.Errorf("%o: %q, want %q", bits, got, want)
		}
	}
}
