package modules

import (
	"strings"
	"testing"

	"play/jinja"
)

func TestTemplateTimeline(t *testing.T) {
	tests := []struct {
		name     string
		template string
		args     map[string]any
		want     string
		mode     string
	}{
		{"renders variables", "host={{ inventory_hostname }}\nport={{ port }}\n",
			map[string]any{"src": "app.conf.j2", "dest": "$DIR/app.conf"}, "host=web1\nport=8080\n", "0644"},
		{"mode", "a\nb\n",
			map[string]any{"src": "app.conf.j2", "dest": "$DIR/app.conf", "mode": "0600"}, "a\nb\n", "0600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.write("@templates/app.conf.j2", tt.template, 0o644)
			p, _ := e.timeline("template", tt.args)
			if got, mode := e.read("$DIR/app.conf"); got != tt.want || mode != tt.mode {
				t.Errorf("dest = %q mode %s, want %q mode %s", got, mode, tt.want, tt.mode)
			}
			d := p.Diffs[0]
			if d.BeforeHeader != "before" || d.AfterHeader != "after: "+e.ctl.Dir+"/templates/app.conf.j2" || d.After != tt.want {
				t.Errorf("diff = %+v", d)
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	e := newTestEnv(t)
	e.write("@templates/bad.j2", "{{ nope }}\n", 0o644)
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"src": "missing.j2", "dest": "$DIR/x"}, "could not find or access 'missing.j2'"},
		{map[string]any{"src": "bad.j2", "dest": "$DIR/x"}, "AnsibleError: template error while templating string: 'nope' is undefined"},
		{map[string]any{"dest": "$DIR/x"}, "missing required arguments: src"},
	} {
		_, err := e.plan("template", tt.args)
		if got := failure(err); got != tt.want {
			t.Errorf("error = %q, want %q", got, tt.want)
		}
	}
}

func TestTemplateJinjaOptions(t *testing.T) {
	off := false
	tests := []struct {
		name string
		t    Template
		want jinja.Options
	}{
		{"defaults: trim_blocks on", Template{}, jinja.Options{TrimBlocks: true}},
		{"trim off, lstrip on", Template{TrimBlocks: &off, LstripBlocks: true}, jinja.Options{LstripBlocks: true}},
		{"escaped newline sequence", Template{NewlineSequence: `\r\n`}, jinja.Options{TrimBlocks: true, NewlineSequence: "\r\n"}},
		{"delimiters", Template{BlockStart: "[%", BlockEnd: "%]", VariableStart: "[[", VariableEnd: "]]", CommentStart: "[#", CommentEnd: "#]"},
			jinja.Options{TrimBlocks: true, BlockStart: "[%", BlockEnd: "%]", VariableStart: "[[", VariableEnd: "]]", CommentStart: "[#", CommentEnd: "#]"}},
	}
	for _, tt := range tests {
		if got := tt.t.JinjaOptions(); got != tt.want {
			t.Errorf("%s: JinjaOptions() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestTemplateArgs(t *testing.T) {
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"src": "a.j2", "dest": "/x", "output_encoding": "UTF-8", "trim_blocks": "no", "newline_sequence": `\r`}, ""},
		{map[string]any{"src": "a.j2", "dest": "/x", "output_encoding": "latin-1"}, `output_encoding "latin-1" is not supported: play writes templates in utf-8`},
		{map[string]any{"src": "a.j2", "dest": "/x", "newline_sequence": "x"}, "newline_sequence"},
	} {
		err := Check("template", tt.args)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Check(%v) = %v, want %q", tt.args, err, tt.want)
		}
	}
}
