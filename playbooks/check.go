package playbooks

import (
	"strings"

	"play/diag"
)

// UnknownHandler is the error for a notify entry of t that names none of
// handlers, by name or listen topic, with a hint at what was meant. Like
// Ansible, the runner raises it when a changed task notifies, not at load
// time: a task that never changes never notifies.
func UnknownHandler(t *Task, name string, handlers []*Task) *diag.Error {
	var names []string
	walk(handlers, func(h *Task) {
		if h.Name != "" {
			names = append(names, h.Name)
		}
		names = append(names, h.Listen...)
	})
	e := diag.Errorf(t.KeyPos["notify"], "The requested handler '%s' was not found in either the main handlers list nor in the listening handlers list", name)
	switch sug := suggest(name, names); {
	case sug != "":
		e.WithHint("did you mean `%s`?", sug)
	case len(names) == 0:
		e.WithHint("this play has no handlers; add one under handlers: with name: %s", name)
	default:
		e.WithHint("handlers of this play: %s", strings.Join(names, ", "))
	}
	return e
}
