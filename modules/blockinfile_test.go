package modules

import (
	"testing"
)

// The expected files and messages come from ansible-core 2.14's blockinfile
// run on the same input (append/prepend_newline follow 2.16's code).
func TestBlockinfileMatchesAnsible(t *testing.T) {
	const old = "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb=2\n"
	tests := []struct {
		input string
		args  map[string]any
		want  string
		msg   string
	}{
		{"a=1\nb=2\n", map[string]any{"block": "x\ny"}, "a=1\nb=2\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n", "Block inserted"},
		{"a=1\nb=2\n", map[string]any{"block": "x", "insertbefore": "BOF"}, "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na=1\nb=2\n", "Block inserted"},
		{"a=1\nb=2\na=3\n", map[string]any{"block": "x", "insertafter": "^a="}, "a=1\nb=2\na=3\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", "Block inserted"},
		{"a=1\nb=2\na=3\n", map[string]any{"block": "x", "insertbefore": "^a="}, "a=1\nb=2\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na=3\n", "Block inserted"},
		{old, map[string]any{"block": "new"}, "a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\nb=2\n", "Block inserted"},
		{old, map[string]any{"block": "old"}, old, ""},
		{old, map[string]any{"state": "absent"}, "a=1\nb=2\n", "Block removed"},
		{old, map[string]any{"block": ""}, "a=1\nb=2\n", "Block removed"},
		{"a=1", map[string]any{"block": "x", "marker": "<!-- {mark} -->", "marker_begin": "start", "marker_end": "stop"}, "a=1\n<!-- start -->\nx\n<!-- stop -->\n", "Block inserted"},
		{"a=1\nb=2\n", map[string]any{"block": "x", "insertafter": "^zz"}, "a=1\nb=2\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", "Block inserted"},
		{"a=1\nb=2\nc=3\n", map[string]any{"block": "x\ny", "insertafter": "(?m)^a=1\n"}, "a=1\nb=2\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\nc=3\n", "Block inserted"},
		{"a=1\nb=2\n", map[string]any{"block": "x", "insertafter": "^a=", "append_newline": true, "prepend_newline": true}, "a=1\n\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n\nb=2\n", "Block inserted"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.planOn("blockinfile", tt.input, tt.args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if p.Msg != tt.msg || p.Diffs[0].After != tt.want {
			t.Errorf("%v on %q: msg %q, after %q; want %q, %q", tt.args, tt.input, p.Msg, p.Diffs[0].After, tt.msg, tt.want)
		}
		if p.Changed() != (tt.msg != "") {
			t.Errorf("%v: changed = %v", tt.args, p.Changed())
		}
	}
}

func TestBlockinfileTimeline(t *testing.T) {
	e := newTestEnv(t)
	p, _ := e.timeline("blockinfile", map[string]any{"path": "$DIR/new", "block": "x", "create": true, "mode": "0600"})
	if p.Msg != "File created and ownership, perms or SE linux context changed" {
		t.Errorf("msg = %q", p.Msg)
	}
	if got, mode := e.read("$DIR/new"); got != "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n" || mode != "0600" {
		t.Errorf("file = %q %s", got, mode)
	}
	_, res := e.timeline("blockinfile", map[string]any{"path": "$DIR/new", "block": "y", "backup": true})
	if b, _ := res["backup_file"].(string); b == "" {
		t.Errorf("no backup_file in %v", res)
	}
}

func TestBlockinfileErrors(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"path": "$DIR/nope", "block": "x"}, "Path $DIR/nope does not exist !"},
		{map[string]any{"path": "$DIR", "block": "x"}, "Path $DIR is a directory !"},
		{map[string]any{"path": "$DIR/f", "insertafter": "a", "insertbefore": "b"}, "parameters are mutually exclusive: insertafter|insertbefore"},
	} {
		_, err := e.plan("blockinfile", tt.args)
		if got := failure(err); got != e.expand(tt.want) {
			t.Errorf("%v: error = %q, want %q", tt.args, got, e.expand(tt.want))
		}
	}
}
