package playbooks

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"play/internal/keyorder"
)

// Mappings keep their keys' order; merge keys (<<) put the merged keys
// first, as PyYAML (yaml.safe_load gave these orders and values).
func TestVarsKeepKeyOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vars.yml")
	src := "d: {zeta: 1, alpha: 2, Mid: 3}\n" +
		"a: &a {x: 1, w: 1}\n" +
		"b: &b {y: 2, x: 2}\n" +
		"c:\n  k: 0\n  <<: [*a, *b]\n  w: 3\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	vars, err := ReadVarsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := keyorder.Keys(vars); !slices.Equal(got, []string{"d", "a", "b", "c"}) {
		t.Errorf("file's keys %q", got)
	}
	if got := keyorder.Keys(vars["d"].(map[string]any)); !slices.Equal(got, []string{"zeta", "alpha", "Mid"}) {
		t.Errorf("d's keys %q", got)
	}
	c := vars["c"].(map[string]any)
	if got := keyorder.Keys(c); !slices.Equal(got, []string{"y", "x", "w", "k"}) {
		t.Errorf("c's keys %q, want PyYAML's [y x w k]", got)
	}
	if c["x"] != 1 || c["w"] != 3 {
		t.Errorf("c = %v, want x from the first mapping merged (1) and its own w (3)", c)
	}
}
