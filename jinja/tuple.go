package jinja

import (
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// tuple is a Python tuple: what zip, product, zip_longest, subelements,
// splitext and dict.items() return. It behaves as a list but prints as
// Python does, ('a', 1), because Ansible shows str() of such values in
// messages and templates. It leaves the engine as a plain []any.
type tuple []any

// String implements fmt.Stringer: gonja prints values through it.
func (t tuple) String() string { return pyRepr(t) }

// GetItem implements exec.ItemGetter with Python's negative indexes.
func (t tuple) GetItem(key any) (*exec.Value, bool) { return list(t).GetItem(key) }

// GetAttribute implements exec.AttributeGetter: tuples have no attributes.
func (t tuple) GetAttribute(name string) (*exec.Value, bool) {
	return exec.AsValue(missingAttribute("tuple", name)), false
}

// tupleRepr is repr(t): (1, 2), (1,) and ().
func tupleRepr(t tuple) string {
	parts := make([]string, len(t))
	for i, x := range t {
		parts[i] = pyRepr(x)
	}
	if len(t) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
