package playbooks

import (
	"testing"

	"play/jinja"
)

// TestTemplateErrorAt pins where a template syntax error is reported, also
// when the parser gives no position.
func TestTemplateErrorAt(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
	}{
		{"parser position", "a\n{{ x | }}\n", 2, 8},
		{"lexer error", "a\nb\n{{ x }\nc\n", 3, 0},
		{"unterminated string", "a\n{{ 'abc }}\nb\n", 2, 0},
		{"tag without expression", "{% if x %}\n{% endif %}\n{% if %}\n{% endif %}\n", 3, 0},
		{"for never closed", "a\n{% for x in y %}\n{{ x }}\n", 2, 0},
		{"outer if never closed", "{% if a %}\n{% if b %}\n{% endif %}\nz\n", 1, 0},
		{"no final newline", "a\n{{ x }", 2, 0},
		{"comment never closed", "a\n{# note\nb\n", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jinja.Check(tt.text)
			if err == nil {
				t.Fatalf("%q parsed without error", tt.text)
			}
			if line, col := templateErrorAt(tt.text, err); line != tt.line || col != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%v)", line, col, tt.line, tt.col, err)
			}
		})
	}
}
