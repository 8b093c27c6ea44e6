package jinja

import (
	"os"
	"path/filepath"
	"testing"
)

// Expected values are what ansible-playbook 2.14 printed for the same
// expressions.
func TestRestOfBuiltinFilters(t *testing.T) {
	t.Setenv("GAPS_HOME", "/root")
	dir := t.TempDir()
	for _, name := range []string{"b.conf", "a.conf", ".hidden.conf"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "d.conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"ys": "a: 1\n---\nb: [2]\n", "p": `C:\Users\x\f.txt`, "dir": dir}
	runRenderCases(t, vars, []renderCase{
		{"{{ ['$GAPS_HOME/x', '${GAPS_HOME}y', '$NOPE_X/z', '~/q'] | map('expandvars') | list }}", []any{"/root/x", "/rooty", "$NOPE_X/z", "~/q"}},
		{"{{ ys | from_yaml_all }}", []any{map[string]any{"a": 1}, map[string]any{"b": []any{2}}}},
		{"{{ ys | from_yaml_all | type_debug }}", "list"},
		{"{{ '' | from_yaml_all | list }}", []any{}},
		{"{{ p | win_basename }} {{ p | win_dirname }} {{ p | win_splitdrive }}", `f.txt C:\Users\x ('C:', '\\Users\\x\\f.txt')`},
		{`{{ '\\srv\share\dir\f' | win_splitdrive | list }}`, []any{`\\srv\share`, `\dir\f`}},
		{"{{ 'x/' | win_dirname }}|{{ '/' | win_dirname }}|{{ 'f' | win_dirname }}", "x|/|"},
		{"{{ (dir ~ '/*.conf') | fileglob | map('basename') | list }}", []any{"a.conf", "b.conf"}},
		{"{{ 'secret' | vault('pw') | unvault('pw') }}", "secret"},
		{"{{ 'secret' | vault('pw', vaultid='x') | unvault('pw', vaultid='x') }}", "secret"},
		{"{{ 'secret' | vault('pw') is match('[$]ANSIBLE_VAULT;1[.]2;AES256;filter_default\n') }}", true},
		{"{{ 'secret' | vault('pw') is vault_encrypted }}", true},
	})
}

func TestRestOfBuiltinTests(t *testing.T) {
	vars := map[string]any{
		"r":  map[string]any{"changed": true, "rc": 0},
		"fs": map[string]any{"finished": 0, "started": 1},
	}
	runRenderCases(t, vars, []renderCase{
		{"{{ [r is change, r is failure, r is skip, r is successful, r is reachable, r is unreachable, r is finished, r is started] }}",
			[]any{true, false, false, true, true, false, true, true}},
		{"{{ fs is finished }} {{ fs is started }}", "False True"},
		{"{{ [('nan' | float) is nan, 1 is nan, ('nan' | float) is isnan, 'nan' is nan] }}", []any{true, false, true, false}},
		{"{{ ['http://a/b' is url, 'a' is url, 'a' is uri, 'urn:x:y' is urn, 'http://a' is urn, 'mailto:x' is uri(['mailto']), 'http://a' is url(schemes=['https'])] }}",
			[]any{true, false, true, true, false, true, false}},
		{"{{ [[1] is issubset([1,2]), [1,2] is issuperset([1])] }}", []any{true, true}},
		{"{{ 'x' is vault_encrypted }}", false},
	})
	for tmpl, want := range map[string]string{
		"{{ 'x' is reachable }}": "The 'unreachable' test expects a dictionary",
		"{{ 'x' is finished }}":  "The 'finished' test expects a dictionary",
		"{{ 'x' is success }}":   "The 'failed' test expects a dictionary",
	} {
		if _, err := Render(tmpl, vars); err == nil || err.Error() != want {
			t.Errorf("Render(%s) error = %v, want %q", tmpl, err, want)
		}
	}
}
