package modules

import (
	"testing"
)

// The expected files and messages come from ansible-core 2.14's replace run
// on the same input.
func TestReplaceMatchesAnsible(t *testing.T) {
	const input = "a=1\nb=2\n[s]\nc=3\n[t]\nd=4\n"
	tests := []struct {
		args map[string]any
		want string
		msg  string
	}{
		{map[string]any{"regexp": `(\d)`, "replace": `<\1>`}, "a=<1>\nb=<2>\n[s]\nc=<3>\n[t]\nd=<4>\n", "4 replacements made"},
		{map[string]any{"regexp": `^b=.*$`, "replace": "b=X"}, "a=1\nb=X\n[s]\nc=3\n[t]\nd=4\n", "1 replacements made"},
		{map[string]any{"regexp": `(?P<k>\w)=1`, "replace": `\g<k>:one`}, "a:one\nb=2\n[s]\nc=3\n[t]\nd=4\n", "1 replacements made"},
		{map[string]any{"regexp": `1$`, "replace": "one"}, "a=one\nb=2\n[s]\nc=3\n[t]\nd=4\n", "1 replacements made"},
		{map[string]any{"regexp": `zz`, "replace": "y"}, input, ""},
		{map[string]any{"regexp": `\d`, "replace": "N", "after": `\[s\]`}, "a=1\nb=2\n[s]\nc=N\n[t]\nd=N\n", "2 replacements made"},
		{map[string]any{"regexp": `\d`, "replace": "N", "before": `\[s\]`}, "a=N\nb=N\n[s]\nc=3\n[t]\nd=4\n", "2 replacements made"},
		{map[string]any{"regexp": `\d`, "replace": "N", "after": `\[s\]`, "before": `\[t\]`}, "a=1\nb=2\n[s]\nc=N\n[t]\nd=4\n", "1 replacements made"},
		{map[string]any{"regexp": `^`, "replace": "#", "after": `\[s\]`, "before": `\[t\]`}, "a=1\nb=2\n[s]#\n#c=3\n#[t]\nd=4\n", "3 replacements made"},
		{map[string]any{"regexp": `\d`, "replace": "N", "after": `^\[s\]`}, input, `Pattern for before/after params did not match the given file: ^\[s\](?P<subsection>.*)`},
		{map[string]any{"regexp": `=`, "replace": "$1"}, "a$11\nb$12\n[s]\nc$13\n[t]\nd$14\n", "4 replacements made"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.planOn("replace", input, tt.args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		after := input
		if len(p.Diffs) > 0 {
			after = p.Diffs[0].After
		}
		if p.Msg != tt.msg || after != tt.want {
			t.Errorf("%v: msg %q, after %q; want %q, %q", tt.args, p.Msg, after, tt.msg, tt.want)
		}
	}
}

func TestReplaceTimeline(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/f", "port=80\n", 0o644)
	p, res := e.timeline("replace", map[string]any{"path": "$DIR/f", "regexp": `^port=\d+$`, "replace": "port=8080", "backup": true})
	if d := p.Diffs[0]; d.BeforeHeader != e.expand("before: $DIR/f") || d.AfterHeader != e.expand("after: $DIR/f") {
		t.Errorf("diff headers %q %q", d.BeforeHeader, d.AfterHeader)
	}
	if got, _ := e.read("$DIR/f"); got != "port=8080\n" {
		t.Errorf("file = %q", got)
	}
	if b, _ := res["backup_file"].(string); b == "" {
		t.Errorf("no backup_file in %v", res)
	}
}

func TestReplaceErrors(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"path": "$DIR/nope", "regexp": "x"}, "Path $DIR/nope does not exist !"},
		{map[string]any{"path": "$DIR", "regexp": "x"}, "Path $DIR is a directory !"},
		{map[string]any{"path": "$DIR/f"}, "missing required arguments: regexp"},
	} {
		_, err := e.plan("replace", tt.args)
		if got := failure(err); got != e.expand(tt.want) {
			t.Errorf("%v: error = %q, want %q", tt.args, got, e.expand(tt.want))
		}
	}
}
