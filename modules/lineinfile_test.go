package modules

import (
	"testing"
)

// The expected files and messages come from ansible-core 2.14's lineinfile
// run on the same input.
func TestLineinfileMatchesAnsible(t *testing.T) {
	tests := []struct {
		input string
		args  map[string]any
		want  string
		msg   string
	}{
		{"a=1\nb=2\n", map[string]any{"line": "c=3"}, "a=1\nb=2\nc=3\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"regexp": "^b=", "line": "b=5"}, "a=1\nb=5\n", "line replaced"},
		{"a=1\nb=2\n", map[string]any{"regexp": "^x=", "line": "x=9"}, "a=1\nb=2\nx=9\n", "line added"},
		{"a=1\nb=2\na=3\n", map[string]any{"insertafter": "^a=", "line": "new"}, "a=1\nb=2\na=3\nnew\n", "line added"},
		{"a=1\nb=2\nb=3\n", map[string]any{"insertbefore": "^b=", "line": "new"}, "a=1\nb=2\nnew\nb=3\n", "line added"},
		{"a=1\nb=2\nb=3\n", map[string]any{"insertbefore": "^b=", "line": "new", "firstmatch": true}, "a=1\nnew\nb=2\nb=3\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"insertbefore": "BOF", "line": "first"}, "first\na=1\nb=2\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"regexp": `^(\w)=(\d)$`, "line": `\2=\1`, "backrefs": true}, "a=1\n2=b\n", "line replaced"},
		{"a=1\nb=2\n", map[string]any{"regexp": `^(?P<k>\w)=(\d)$`, "line": `\g<k>:\g<2>`, "backrefs": true}, "a=1\nb:2\n", "line replaced"},
		{"a=1\nb=2\n", map[string]any{"regexp": `^zz(\d)`, "line": `\1`, "backrefs": true}, "a=1\nb=2\n", ""},
		{"a=1\nb=2\na=3\n", map[string]any{"regexp": "^a=", "line": "a=9", "firstmatch": true}, "a=9\nb=2\na=3\n", "line replaced"},
		{"a=1\nb=2\na=3\n", map[string]any{"regexp": "^a", "state": "absent"}, "b=2\n", "2 line(s) removed"},
		{"a=1", map[string]any{"line": "b=2"}, "a=1\nb=2\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"search_string": "=", "line": "x"}, "a=1\nx\n", "line replaced"},
		{"a=1\nb=2\n", map[string]any{"line": "a=1"}, "a=1\nb=2\n", ""},
		{"a=1\nb=2\n", map[string]any{"insertafter": "^a=", "line": "b=2"}, "a=1\nb=2\n", ""},
		{"a=1\nb=2", map[string]any{"insertafter": "^b=", "line": "c"}, "a=1\nb=2c\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"insertafter": "^zz", "line": "c"}, "a=1\nb=2\nc\n", "line added"},
		{"a=1\nb=2\n", map[string]any{"insertafter": "EOF", "regexp": "^a", "line": "a=2"}, "a=2\nb=2\n", "line replaced"},
		{"a=1\nb=2\n", map[string]any{"line": "b=2", "state": "absent"}, "a=1\n", "1 line(s) removed"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.planOn("lineinfile", tt.input, tt.args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if p.Msg != tt.msg || p.Diffs[0].After != tt.want || p.Diffs[0].Before != tt.input {
			t.Errorf("%v on %q: msg %q, after %q; want %q, %q", tt.args, tt.input, p.Msg, p.Diffs[0].After, tt.msg, tt.want)
		}
		if tt.msg == "" {
			if p.Changed() {
				t.Errorf("%v: steps without a change", tt.args)
			}
			continue
		}
		if _, err := e.apply(p); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.read("$DIR/f"); got != tt.want {
			t.Errorf("%v: file = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestLineinfileTimeline(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/f", "a=1\nb=2\n", 0o644)
	p, res := e.timeline("lineinfile", map[string]any{"path": "$DIR/f", "regexp": "^b=", "line": "b=5", "mode": "0600", "backup": true})
	if p.Msg != "line replaced and ownership, perms or SE linux context changed" {
		t.Errorf("msg = %q", p.Msg)
	}
	if len(p.Diffs) != 2 || p.Diffs[0].BeforeHeader != e.expand("before: $DIR/f (content)") ||
		p.Diffs[1].BeforeHeader != e.expand("before: $DIR/f (file attributes)") ||
		p.Diffs[1].Before != "{\n    \"mode\": \"0644\"\n}\n" || p.Diffs[1].After != "{\n    \"mode\": \"0600\"\n}\n" {
		t.Errorf("diffs = %+v", p.Diffs)
	}
	if got, mode := e.read("$DIR/f"); got != "a=1\nb=5\n" || mode != "0600" {
		t.Errorf("file = %q %s", got, mode)
	}
	if b, _ := res["backup"].(string); b == "" {
		t.Errorf("no backup in %v", res)
	} else if got, _ := e.read(b); got != "a=1\nb=2\n" {
		t.Errorf("backup = %q", got)
	}
}

func TestLineinfileCreate(t *testing.T) {
	e := newTestEnv(t)
	e.timeline("lineinfile", map[string]any{"path": "$DIR/sub/new", "line": "x", "create": true})
	if got, mode := e.read("$DIR/sub/new"); got != "x\n" || mode != "0644" {
		t.Errorf("file = %q %s", got, mode)
	}
}

func TestLineinfileErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"path": "$DIR/nope", "line": "x"}, "Destination $DIR/nope does not exist !"},
		{map[string]any{"path": "$DIR", "line": "x"}, "Path $DIR is a directory !"},
		{map[string]any{"path": "$DIR/f"}, "line is required with state=present"},
		{map[string]any{"path": "$DIR/f", "state": "absent"}, "one of line, search_string, or regexp is required with state=absent"},
		{map[string]any{"path": "$DIR/f", "line": "x", "backrefs": true}, "regexp is required with backrefs=true"},
		{map[string]any{"path": "$DIR/f", "line": "x", "insertafter": "a", "insertbefore": "b"}, "parameters are mutually exclusive: insertafter|insertbefore"},
		{map[string]any{"path": "$DIR/f", "line": "x", "regexp": "(?<=a)b"}, `regular expression "(?<=a)b" uses (?<=...), which Go's RE2 syntax does not support (no lookaround or backreferences)`},
		{map[string]any{"path": "$DIR/f", "line": `\3`, "regexp": "(a)", "backrefs": true}, `invalid group reference 3 in "\\3"`},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		e.write("$DIR/f", "a\n", 0o644)
		_, err := e.plan("lineinfile", tt.args)
		if got := failure(err); got != e.expand(tt.want) {
			t.Errorf("%v: error = %q, want %q", tt.args, got, e.expand(tt.want))
		}
	}
}
