package modules

import (
	"context"
	"sort"
	"strings"
)

func init() {
	Register(Info{Name: "set_fact", New: func() Module { return &SetFact{} }, Local: true})
}

// SetFact sets host variables (facts) from its arguments. Values arrive
// templated by the runner and keep their types.
type SetFact struct {
	// Facts are the variables to set: every argument except cacheable.
	Facts map[string]any `arg:"*"`
	// Cacheable also stores the facts as gathered facts (returned to the
	// runner as "_cacheable").
	Cacheable bool `arg:"cacheable"`
}

// Validate requires at least one fact and valid variable names.
func (s *SetFact) Validate() error {
	if len(s.Facts) == 0 {
		return Failf("No key/value pairs provided, at least one is required for this action to succeed")
	}
	names := make([]string, 0, len(s.Facts))
	for k := range s.Facts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !isIdentifier(k) {
			return Failf("The variable name '%s' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.", k)
		}
	}
	return nil
}

// Plan returns the facts; the runner stores them.
func (s *SetFact) Plan(context.Context, *Env) (*Plan, error) {
	facts := make(map[string]any, len(s.Facts))
	for k, v := range s.Facts {
		// Ansible turns the strings true/false/yes/no into booleans
		// (k=v arguments are strings).
		if str, ok := v.(string); ok {
			switch strings.ToLower(str) {
			case "true", "yes":
				v = true
			case "false", "no":
				v = false
			}
		}
		facts[k] = v
	}
	return &Plan{Result: map[string]any{"ansible_facts": facts, "_cacheable": s.Cacheable}}, nil
}

var _ Validator = (*SetFact)(nil)
