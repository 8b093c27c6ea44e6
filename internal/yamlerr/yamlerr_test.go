package yamlerr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestError: each file in testdata is broken one usual way; at is where
// `ansible-playbook --syntax-check` 2.14 (PyYAML) put the error. Where
// Ansible moved its caret to a k=v on the line before (its "k=v shorthand"
// guess), the files avoid it so that the parser's own position shows.
func TestError(t *testing.T) {
	tests := []struct {
		file, at, msg, hint string
	}{
		{"tab", "3:1", "found character that cannot start any token", "tabs on this line"},
		{"badindent", "6:6", "did not find expected '-' indicator", "indentation"},
		{"bom", "4:6", "did not find expected '-' indicator", "indentation"},
		{"crlf", "4:4", "did not find expected key", "indentation"},
		{"stray_dash", "3:3", "did not find expected key", "indentation"},
		{"stray_dash2", "6:3", "did not find expected key", "indentation"},
		{"colon_in_name", "3:14", "mapping values are not allowed in this context", `must be quoted, e.g. name: "x: y"`},
		{"misc", "3:21", "mapping values are not allowed in this context", `must be quoted`},
		{"nospace", "5:18", "mapping values are not allowed in this context", "space after its colon"},
		{"quote_then_text", "4:18", "did not find expected key", "starts with a quote must end with it"},
		{"template_start", "4:24", "did not find expected key", "starting with {{ must be quoted"},
		{"unclosed_brace", "4:8", "did not find expected ',' or '}'", "is not closed"},
		{"unclosed_bracket", "4:8", "did not find expected ',' or ']'", "is not closed"},
		{"unclosed_dq", "6:1", "found unexpected end of stream", "never closed"},
		{"unclosed_sq", "5:1", "found unexpected end of stream", "never closed"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file+".yml")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc yaml.Node
			err = yaml.Unmarshal(data, &doc)
			if err == nil {
				t.Fatal("the file parses: it should be broken")
			}
			e := Error(path, data, err)
			if want := path + ":" + tt.at; e.Pos.String() != want {
				t.Errorf("at %s, want %s (go-yaml said %v)", e.Pos, want, err)
			}
			if e.Msg != tt.msg {
				t.Errorf("msg %q, want %q", e.Msg, tt.msg)
			}
			if !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("hint %q, want it to contain %q", e.Hint, tt.hint)
			}
		})
	}
}

// TestErrorWithoutLine: an error go-yaml reports without a line (an alias
// to an unknown anchor) keeps its text and the file, and gets its hint.
func TestErrorWithoutLine(t *testing.T) {
	data := []byte("a: *nope\n")
	var doc yaml.Node
	err := yaml.Unmarshal(data, &doc)
	if err == nil {
		t.Fatal("an undefined alias parses")
	}
	e := Error("f.yml", data, err)
	if e.Pos.String() != "f.yml" || e.Msg != "unknown anchor 'nope' referenced" || !strings.Contains(e.Hint, "define the anchor") {
		t.Errorf("got %s: %q (%s)", e.Pos, e.Msg, e.Hint)
	}
}
