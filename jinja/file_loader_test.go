package jinja

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// templateFiles are the files of a role's templates/ dir (and the
// playbook's, under pb/) the tests render; the expected outputs are
// ansible-playbook 2.14's on the same files.
var templateFiles = map[string]string{
	"main.j2": `{% import 'macros.j2' as m %}
{% from 'macros.j2' import kv with context %}
top {{ name }}
{% for item in items %}
{% include 'item.j2' %}
{% endfor %}
{{ m.kv('a', 1) }}
{{ kv('b', name) }}
{{ m.uses_var() }}
{% include 'sub/nested.j2' %}
{% include 'pbonly.j2' %}
{% include ['missing.j2', 'item2.j2'] ignore missing %}
{% include 'nothere.j2' ignore missing %}
end
`,
	"item.j2":  "- item={{ item }} name={{ name }} other={{ other }}\n",
	"item2.j2": `item2 {{ "%s-%d" % ("x", 3) }}` + "\n",
	"macros.j2": `{% macro kv(k, v) -%}
{{ k }}={{ v }}
{%- endmacro %}
{% macro uses_var() -%}
name is {{ name | default('UNDEF') }}
{%- endmacro %}
`,
	"sub/nested.j2":       "nested {{ name }}\n{% include 'item2.j2' %}\n",
	"pb/pbonly.j2":        "from playbook templates {{ other }}\n",
	"base.j2":             "# base {{ name }}\n{% block head %}default head{% endblock %}\n\n{% block body %}\ndefault body\n{% endblock %}\ntail {{ other }}\n",
	"child.j2":            "{% extends 'base.j2' %}\n{% block body %}\nchild body {{ name }}\n{{ super() }}\n{% endblock %}\n",
	"header.j2":           "#jinja2: trim_blocks: False, lstrip_blocks: True\n{% if true %}\n    {% for x in [1,2] %}\n  x={{ x }}\n    {% endfor %}\n{% endif %}\ndone\n",
	"header_delims.j2":    "#jinja2: variable_start_string: \"[[\", variable_end_string: \"]]\", newline_sequence: \"\\r\\n\"\n[[ name ]] {{ x }}\n",
	"delims.j2":           "[% for x in [1,2] %]\nv=[[ x ]] {{ kept }} [# c #]\n[% endfor %]\n",
	"ws.j2":               "<div>\n    {% if true %}\n    yes\n    {% endif %}\n</div>\n",
	"context.j2":          "{% set leak = \"out\" %}\n{% include \"setter.j2\" without context %}|\n{% include \"setter.j2\" %}|{{ leak }}\n",
	"setter.j2":           "{% set leak = \"in\" %}inc {{ name | default(\"UNDEF\") }}\n",
	"newlines.j2":         "a\n\n\n",
	"self.j2":             "{% include 'self.j2' %}",
	"includes_missing.j2": "a\n{% include 'nope.j2' %}\n",
	"bad.j2":              "x {{ oops(\n",
	"includes_bad.j2":     "a\n{% include 'bad.j2' %}\n",
	"extends_bad.j2":      "{% extends 'bad.j2' %}\n",
	"undefined.j2":        "{% include 'undefined_var.j2' %}\n",
	"undefined_var.j2":    "x {{ undefined_thing }}\n",
	"bad_header.j2":       "#jinja2: autoescape: True\nx\n",
	"string_inc.j2":       "{{ '{% include \"item2.j2\" %}' }}\n",
	"consts.j2":           "{% set top = 'TOPVAL' %}\n{% macro greet(n) %}hi {{ n }}{% endmacro %}\n",
	"exports.j2":          "{% import 'consts.j2' as c %}\n{% from 'consts.j2' import top, greet %}\n{{ c.greet('x') }} {{ greet('y') }} {{ c.top }} {{ top }}\n",
}

// writeTemplates writes templateFiles and returns the search path the
// template module would use for a role: templates/, then the playbook's.
func writeTemplates(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range templateFiles {
		p := filepath.Join(dir, "templates", name)
		if rest, ok := strings.CutPrefix(name, "pb/"); ok {
			p = filepath.Join(dir, "pb", "templates", rest)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{filepath.Join(dir, "templates"), filepath.Join(dir, "pb", "templates")}
}

func TestRenderFile(t *testing.T) {
	search := writeTemplates(t)
	vars := map[string]any{"name": "N", "other": "O", "items": []any{1, 2}}
	trimOff, lstrip := FileOptions(), FileOptions()
	trimOff.TrimBlocks = false
	lstrip.LstripBlocks = true
	crlf, cr := FileOptions(), FileOptions()
	crlf.NewlineSequence, cr.NewlineSequence = "\r\n", "\r"
	delims := FileOptions()
	delims.BlockStart, delims.BlockEnd, delims.VariableStart, delims.VariableEnd, delims.CommentStart, delims.CommentEnd = "[%", "%]", "[[", "]]", "[#", "#]"
	tests := []struct {
		file string
		opts Options
		want string
	}{
		{"main.j2", FileOptions(), "top N\n- item=1 name=N other=O- item=2 name=N other=Oa=1\nb=N\nname is UNDEF\nnested N\nitem2 x-3from playbook templates Oitem2 x-3end\n"},
		{"child.j2", FileOptions(), "# base N\ndefault head\nchild body N\ndefault body\n\ntail O\n"},
		{"header.j2", FileOptions(), "\n\n  x=1\n\n  x=2\n\n\ndone\n"},
		{"header_delims.j2", FileOptions(), "N {{ x }}\r\n"},
		{"delims.j2", delims, "v=1 {{ kept }} v=2 {{ kept }} \n"},
		{"ws.j2", FileOptions(), "<div>\n        yes\n    </div>\n"},
		{"ws.j2", lstrip, "<div>\n    yes\n</div>\n"},
		{"ws.j2", trimOff, "<div>\n    \n    yes\n    \n</div>\n"},
		{"ws.j2", crlf, "<div>\r\n        yes\r\n    </div>\r\n"},
		{"context.j2", FileOptions(), "inc UNDEF|\ninc N|out\n"},
		{"newlines.j2", FileOptions(), "a\n\n\n"},
		{"newlines.j2", cr, "a\r\r\r\r\r"},
		{"exports.j2", FileOptions(), "hi x hi y TOPVAL TOPVAL\n"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text := templateFiles[tt.file]
			got, err := RenderFile(text, search, tt.opts, vars)
			if err != nil || got != tt.want {
				t.Errorf("RenderFile(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
			}
			if err := CheckFile(text, search, tt.opts); err != nil {
				t.Errorf("CheckFile(%s) = %v", tt.file, err)
			}
		})
	}
}

func TestRenderFileErrors(t *testing.T) {
	search := writeTemplates(t)
	tests := []struct {
		file     string
		want     string
		wantFile string // the file a *FileError names
		check    bool   // CheckFile finds it too
	}{
		{"includes_missing.j2", "nope.j2", "", false},
		{"self.j2", "templates include each other more than 64 deep", "", false},
		{"includes_bad.j2", "Unbalanced delimiters", "bad.j2", true},
		{"extends_bad.j2", "Unbalanced delimiters", "bad.j2", true},
		{"undefined.j2", "'undefined_thing' is undefined", "", false},
		{"bad_header.j2", "#jinja2: override autoescape: unknown option", "", true},
		{"string_inc.j2", "", "", false}, // a string value is not parsed: no error
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := RenderFile(templateFiles[tt.file], search, FileOptions(), map[string]any{})
			checkErr := CheckFile(templateFiles[tt.file], search, FileOptions())
			if tt.want == "" {
				if err != nil || checkErr != nil {
					t.Fatalf("errors = %v, %v; want none", err, checkErr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RenderFile error = %v, want it to contain %q", err, tt.want)
			}
			var fe *FileError
			if got := errors.As(err, &fe); got != (tt.wantFile != "") || got && filepath.Base(fe.Path) != tt.wantFile {
				t.Errorf("RenderFile error %v: FileError %v, want one naming %q", err, fe, tt.wantFile)
			}
			if (checkErr != nil) != tt.check {
				t.Errorf("CheckFile error = %v, want an error: %v", checkErr, tt.check)
			}
			if tt.check && tt.wantFile != "" && (!errors.As(checkErr, &fe) || filepath.Base(fe.Path) != tt.wantFile) {
				t.Errorf("CheckFile error %v does not name %s", checkErr, tt.wantFile)
			}
		})
	}
}

func TestApplyHeader(t *testing.T) {
	tests := []struct {
		text, body string
		want       Options
		err        string
	}{
		{"x\n", "x\n", FileOptions(), ""},
		{"#jinja2: trim_blocks: False\nx\n", "x\n", Options{}, ""},
		{"#jinja2:lstrip_blocks:True, block_start_string: '<%'\nx", "x", Options{TrimBlocks: true, LstripBlocks: true, BlockStart: "<%"}, ""},
		{"#jinja2: newline_sequence: '\\r\\n'\r\nx", "x", Options{TrimBlocks: true, NewlineSequence: "\r\n"}, ""},
		{"#jinja2: trim_blocks: False ", "#jinja2: trim_blocks: False ", Options{}, ""}, // no newline: Ansible drops the last character and keeps the text
		{"#jinja2: trim_blocks = False\nx", "", FileOptions(), "failed to parse jinja2 override 'trim_blocks = False'"},
		{"#jinja2: trim_blocks: yes\nx", "", FileOptions(), "expected True or False, got yes"},
		{"#jinja2: block_start_string: <%\nx", "", FileOptions(), "expected a quoted string, got <%"},
	}
	for _, tt := range tests {
		opts := FileOptions()
		body, err := applyHeader(tt.text, &opts)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("applyHeader(%q) error = %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil || body != tt.body || opts != tt.want {
			t.Errorf("applyHeader(%q) = %q, %+v, %v; want %q, %+v", tt.text, body, opts, err, tt.body, tt.want)
		}
	}
}
