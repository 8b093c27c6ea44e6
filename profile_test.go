package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartProfiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		specs   []string
		wantErr string
	}{
		{[]string{"cpu=" + filepath.Join(dir, "cpu.prof"), "heap=" + filepath.Join(dir, "heap.prof"), "trace=" + filepath.Join(dir, "trace.out")}, ""},
		{[]string{"cpu"}, "want KIND=PATH"},
		{[]string{"mem=" + filepath.Join(dir, "x")}, `unknown profile kind "mem"`},
		{[]string{"cpu=" + filepath.Join(dir, "missing", "cpu.prof")}, "no such file"},
	}
	for _, tt := range tests {
		stop, err := startProfiles(tt.specs)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err = %v, want %q", tt.specs, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.specs, err)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		for _, spec := range tt.specs {
			_, path, _ := strings.Cut(spec, "=")
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Errorf("%s: %v, want a non-empty profile", path, err)
			}
		}
	}
}
