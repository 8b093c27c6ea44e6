package inventory

import "play/internal/pyliteral"

// pythonLiteral reads an INI value as Ansible does with ast.literal_eval:
// numbers, strings, True/False/None, lists, tuples, sets and dicts become
// Go values; anything else stays the string as written.
func pythonLiteral(s string) any {
	if v, ok := pyliteral.Parse(s, false); ok {
		return v
	}
	return s
}
