package jinja

import (
	"regexp"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2/nodes"

	"play/internal/pyliteral"
)

// Ansible 2.14 (jinja2_native off) templates a value ending in newlines in a way that
// decides what copy content= and friends write:
//
//   - "{{ name }}\n" naming a bool or number variable is that variable itself (Templar's
//     SINGLE_VAR shortcut; Python's $ matches before the final newline): "True", no newline.
//   - Otherwise Jinja drops the source's last newline and renders; a result that looks like a
//     dict, a list or a bool ("{...", "[...", True, False) is read with ast.literal_eval, unless
//     it is one {{ }} whose last filter returns text (to_json, to_nice_yaml, string...): the
//     value is then that dict, list or bool, without newline.
//   - A text result gets back the source's trailing newlines it lacks (never more).

// singleVar is Ansible's Templar.SINGLE_VAR without the newline.
var singleVar = regexp.MustCompile(`^\{\{\s*(\w*)\s*\}\}$`)

// textFilters are Ansible's STRING_TYPE_FILTERS: their output is never literal_eval'd.
var textFilters = []string{"string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json"}

// renderNative renders a value's template: the native value of a lone "{{ expr }}", else
// text, with Ansible's treatment of a trailing newline.
func (sc *scope) renderNative(s string) (any, error) {
	core, ok := strings.CutSuffix(s, "\n")
	if !ok {
		return sc.render(s, true)
	}
	if singleVar.MatchString(core) {
		v, err := sc.render(core, true)
		if err != nil {
			return nil, err
		}
		switch toGo(v).(type) {
		case bool, int, int64, float64:
			return v, nil
		}
	}
	out, err := sc.render(core, false)
	if err != nil {
		return nil, err
	}
	text := out.(string)
	if (strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[") || text == "True" || text == "False") && !endsInTextFilter(core) {
		if v, ok := pyliteral.Parse(text, true); ok {
			return wrap(v), nil
		}
	}
	want := len(s) - len(strings.TrimRight(s, "\n"))
	if have := len(text) - len(strings.TrimRight(text, "\n")); have < want {
		text += strings.Repeat("\n", want-have)
	}
	return text, nil
}

// endsInTextFilter says whether src is one {{ expr | filter }} whose last filter returns text.
func endsInTextFilter(src string) bool {
	c, err := compile(src)
	if err != nil || c.output == nil || c.output.Condition != nil {
		return false
	}
	f, ok := c.output.Expression.(*nodes.FilteredExpression)
	return ok && len(f.Filters) > 0 && slices.Contains(textFilters, f.Filters[len(f.Filters)-1].Name)
}
