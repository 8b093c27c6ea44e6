package runner

import (
	"os"
	"path/filepath"
	"testing"

	"play/diag"
)

// errorPosition's texts are ansible-playbook 2.14's for the same files.
func TestErrorPositionIsAnsibles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "site.yml")
	src := "- hosts: all\n  tasks:\n    - command: echo {{ who }}\n      ignore_errors: true\n    - debug: msg=x\n    - name: plain\n      debug:\n\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	head := func(line, col string) string {
		return "\n\nThe error appears to be in '" + file + "': line " + line + ", column " + col + ", but may\nbe elsewhere in the file depending on the exact syntax problem.\n"
	}
	tests := []struct {
		name string
		line int
		want string
	}{
		{"a template on the line", 3, head("3", "7") + "\nThe offending line appears to be:\n\n  tasks:\n    - command: echo {{ who }}\n      ^ here\n" + yamlUnquotedVar},
		{"k=v on the line before: Ansible points there", 6, head("5", "17") +
			"\nThe offending line appears to be:\n\n    - debug: msg=x\n                ^ here\n\n" + yamlAndShorthand},
		{"plain", 5, head("5", "7") + "\nThe offending line appears to be:\n\n      ignore_errors: true\n    - debug: msg=x\n      ^ here\n"},
		{"past the end, blank lines skipped", 9, head("9", "7") + "\nThe offending line appears to be:\n\n    - name: plain\n      debug:\n      ^ here\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorPosition(diag.Pos{File: file, Line: tt.line, Col: 7}); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	if got := errorPosition(diag.Pos{}); got != "" {
		t.Errorf("no position: %q", got)
	}
}
