package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"play/diag"
)

// The texts and the k=v check of Ansible's errors/__init__.py
// (_get_extended_error), so a task's error message reads as in Ansible.
const (
	yamlPositionDetails = "The error appears to be in '%s': line %d, column %d, but may\nbe elsewhere in the file depending on the exact syntax problem.\n"
	yamlAndShorthand    = "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n"
	yamlUnquotedVar     = `We could be wrong, but this one looks like it might be an issue with
missing quotes. Always quote template expression brackets when they
start a value. For instance:

    with_items:
      - {{ foo }}

Should be written as:

    with_items:
      - "{{ foo }}"
`
)

var shorthandArg = regexp.MustCompile(`\w+(\s+)?=(\s+)?[\w/-]+`)

// errorPosition is the part of Ansible's error message that says where the
// error is: the position and the lines there (the line before, the line and
// a caret), prefixed by a blank line.
func errorPosition(pos diag.Pos) string {
	if pos.File == "" {
		return ""
	}
	file, err := filepath.Abs(pos.File)
	if err != nil {
		file = pos.File
	}
	out := "\n\n" + fmt.Sprintf(yamlPositionDetails, file, pos.Line, pos.Col)
	prev, target := errorLines(file, pos.Line)
	switch {
	case target == "":
	case shorthandArg.MatchString(prev):
		// Ansible points at the '=' of the line before instead.
		at := strings.Index(strings.TrimRight(prev, " \t\r\n"), "=")
		out = "\n\n" + fmt.Sprintf(yamlPositionDetails, file, pos.Line-1, at+1)
		out += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s^ here\n\n", strings.TrimRight(prev, " \t\r\n"), strings.Repeat(" ", at))
		out += yamlAndShorthand
	default:
		out += fmt.Sprintf("\nThe offending line appears to be:\n\n%s\n%s\n%s^ here\n", strings.TrimRight(prev, " \t\r\n"), strings.TrimRight(target, " \t\r\n"), strings.Repeat(" ", max(pos.Col-1, 0)))
		// Ansible's first check for a common mistake; its later ones
		// (dict, colon and quoting slips) are left out.
		if strings.Contains(target, "{{") && strings.Contains(target, "}}") && !(strings.Contains(target, `"{{`) && strings.Contains(target, "'{{")) {
			out += yamlUnquotedVar
		}
	}
	return out
}

// errorLines are line (1-based) of file, moved up past blank lines, and the
// line before it, as Ansible picks them; "" when the file cannot be read.
func errorLines(file string, line int) (prev, target string) {
	data, err := os.ReadFile(file)
	if err != nil || line < 1 {
		return "", ""
	}
	lines := strings.SplitAfter(string(data), "\n")
	i := min(line-1, len(lines)-1)
	for i > 0 && strings.TrimSpace(lines[i]) == "" {
		i--
	}
	if i > 0 {
		prev = lines[i-1]
	}
	return prev, lines[i]
}
