package playbooks

import (
	"slices"
	"strings"

	"play/diag"
)

// checkNotify reports notify entries naming no handler and no listen topic
// of the play. Templated names are known only at run time, and so is what a
// templated handler name matches.
func checkNotify(src *source, p *Play) {
	var names []string
	walk(p.Handlers, func(h *Task) {
		if h.Name != "" {
			names = append(names, h.Name)
		}
		names = append(names, h.Listen...)
	})
	if slices.ContainsFunc(names, isTemplate) {
		return
	}
	for _, section := range [][]*Task{p.PreTasks, p.Tasks, p.PostTasks, p.Handlers} {
		walk(section, func(t *Task) {
			for _, n := range t.Notify {
				if isTemplate(n) || handlerExists(names, n) {
					continue
				}
				e := diag.Errorf(t.KeyPos["notify"], "The requested handler '%s' was not found in either the main handlers list nor in the listening handlers list", n)
				switch sug := suggest(n, names); {
				case sug != "":
					e.WithHint("did you mean `%s`?", sug)
				case len(names) == 0:
					e.WithHint("this play has no handlers; add one under handlers: with name: %s", n)
				default:
					e.WithHint("handlers of this play: %s", strings.Join(names, ", "))
				}
				src.add(e)
			}
		})
	}
}

// handlerExists matches a notify entry, also in its "role : name" form.
func handlerExists(names []string, n string) bool {
	if slices.Contains(names, n) {
		return true
	}
	_, name, ok := strings.Cut(n, " : ")
	return ok && slices.Contains(names, name)
}
