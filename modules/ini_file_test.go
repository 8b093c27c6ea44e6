package modules

import (
	"testing"
)

// The expected files and messages come from community.general 6.6.2's
// ini_file run on the same input ("" for ok, msg OK).
func TestIniFileMatchesAnsible(t *testing.T) {
	tests := []struct {
		input string
		args  map[string]any
		want  string
		msg   string
	}{
		{"", map[string]any{"section": "s", "option": "o", "value": "v"}, "\n[s]\no = v\n", "section and option added"},
		{"[s]\no = 1\n", map[string]any{"section": "s", "option": "o", "value": "2"}, "[s]\no = 2\n", "option changed"},
		{"[s]\no = 1\n", map[string]any{"section": "s", "option": "o", "value": "1"}, "[s]\no = 1\n", ""},
		{"[s]\no=1", map[string]any{"section": "s", "option": "o", "value": "1"}, "[s]\no = 1\n", "option changed"},
		{"[s]\n# o = 1\nx = 2\n\n[t]\ny = 3\n", map[string]any{"section": "s", "option": "o", "value": "5", "no_extra_spaces": true}, "[s]\no=5\nx = 2\n\n[t]\ny = 3\n", "option changed"},
		{"[s]\no = 1\no = 2\no = 3\n", map[string]any{"section": "s", "option": "o", "values": []any{"3", "4"}}, "[s]\no = 4\no = 3\n", "option changed"},
		{"[s]\no = 1\no = 2\no = 3\n", map[string]any{"section": "s", "option": "o", "values": []any{"3", "4"}, "exclusive": false}, "[s]\no = 1\no = 2\no = 3\no = 4\n", "option added"},
		{"[s]\no = 1\no = 2\n", map[string]any{"section": "s", "option": "o", "state": "absent"}, "[s]\n", "option changed"},
		{"[s]\no = 1\no = 2\n", map[string]any{"section": "s", "option": "o", "value": "2", "state": "absent", "exclusive": false}, "[s]\no = 1\n", "option changed"},
		{"[s]\no = 1\n[t]\nx = 1\n", map[string]any{"section": "s", "state": "absent"}, "[t]\nx = 1\n", "section removed"},
		{"a = 1\n[s]\no = 1\n", map[string]any{"option": "a", "value": "2"}, "a = 2\n[s]\no = 1\n", "option changed"},
		{"a = 1\n[s]\no = 1\n", map[string]any{"option": "b", "value": "2"}, "a = 1\nb = 2\n[s]\no = 1\n", "option added"},
		{"[s]\no = 1\n", map[string]any{"section": "t", "option": "x", "value": "y"}, "[s]\no = 1\n[t]\nx = y\n", "section and option added"},
		{"[s]\no = 1\n", map[string]any{"section": "t", "allow_no_value": true}, "[s]\no = 1\n[t]\n", "only section added"},
		{"[s]\no = 1\n", map[string]any{"section": "s", "option": "flag", "allow_no_value": true}, "[s]\no = 1\nflag\n", "option added"},
		{"[s]\nflag\n", map[string]any{"section": "s", "option": "flag", "allow_no_value": true}, "[s]\nflag\n", ""},
		{"[s]\no = 1\n\n# end\n", map[string]any{"section": "s", "option": "p", "value": "2"}, "[s]\no = 1\np = 2\n\n# end\n", "option added"},
		{"[s]\no = 1\n", map[string]any{"section": "s", "option": "o", "state": "absent", "value": "9", "exclusive": false}, "[s]\no = 1\n", ""},
		{"[s]\n;o = 1\n", map[string]any{"section": "s", "option": "o", "value": "1"}, "[s]\no = 1\n", "option changed"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.planOn("ini_file", tt.input, tt.args)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		msg := tt.msg
		if msg == "" {
			msg = "OK"
		}
		if p.Msg != msg || p.Changed() != (tt.msg != "") || p.Diffs[0].Before != tt.input {
			t.Errorf("%v on %q: msg %q, changed %v; want %q", tt.args, tt.input, p.Msg, p.Changed(), tt.msg)
		}
		if !p.Changed() {
			continue
		}
		if p.Diffs[0].After != tt.want {
			t.Errorf("%v on %q: after %q, want %q", tt.args, tt.input, p.Diffs[0].After, tt.want)
		}
		if _, err := e.apply(p); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.read("$DIR/f"); got != tt.want {
			t.Errorf("%v: file = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestIniFileTimeline(t *testing.T) {
	e := newTestEnv(t)
	p, res := e.timeline("ini_file", map[string]any{"path": "$DIR/sub/app.ini", "section": "db", "option": "port",
		"value": 5432, "mode": "0640"})
	if p.Msg != "section and option added" || p.Diffs[0].BeforeHeader != e.expand("before: $DIR/sub/app.ini (content)") ||
		p.Diffs[0].Before != "" || p.Diffs[0].After != "\n[db]\nport = 5432\n" || len(p.Diffs) != 1 {
		t.Errorf("plan %q %+v", p.Msg, p.Diffs)
	}
	if got, mode := e.read("$DIR/sub/app.ini"); got != "\n[db]\nport = 5432\n" || mode != "0640" {
		t.Errorf("file %q %s", got, mode)
	}
	if res != nil && res["backup_file"] != nil {
		t.Errorf("backup without backup: %v", res)
	}
	_, res = e.timeline("ini_file", map[string]any{"path": "$DIR/sub/app.ini", "section": "db", "option": "port",
		"value": 5433, "backup": true})
	if b, _ := res["backup_file"].(string); b == "" {
		t.Errorf("no backup_file in %v", res)
	} else if got, _ := e.read(b); got != "\n[db]\nport = 5432\n" {
		t.Errorf("backup %q", got)
	}
}

func TestIniFileErrors(t *testing.T) {
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"path": "$DIR/nope", "section": "s", "option": "o", "value": "v", "create": false}, "Destination $DIR/nope does not exist!"},
		{map[string]any{"path": "$DIR/f", "section": "s", "option": "o"}, "Parameter 'value(s)' must be defined if state=present and allow_no_value=False."},
		{map[string]any{"path": "$DIR/f", "option": "o", "value": "v", "values": []any{"w"}}, "parameters are mutually exclusive: value|values"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		_, err := e.plan("ini_file", tt.args)
		if got := failure(err); got != e.expand(tt.want) {
			t.Errorf("%v: error = %q, want %q", tt.args, got, e.expand(tt.want))
		}
	}
}
