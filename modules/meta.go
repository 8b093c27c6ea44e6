package modules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"play/diag"
)

func init() {
	Register(Info{Name: "meta", New: func() Module { return &Meta{} }, FreeForm: true, Local: true})
}

// metaActions are the actions meta accepts; the runner carries them out.
var metaActions = []string{"clear_facts", "clear_host_errors", "end_batch", "end_host", "end_play", "flush_handlers", "noop", "refresh_inventory", "reset_connection"}

// Meta asks the runner to act on the play (flush_handlers, end_play, ...).
type Meta struct {
	// Action is the free-form action name.
	Action string `arg:"_raw_params,required"`
}

// Validate rejects unknown actions, listing the valid ones.
func (m *Meta) Validate() error {
	a := strings.TrimSpace(m.Action)
	if slices.Contains(metaActions, a) {
		return nil
	}
	hint := ""
	if s := diag.Suggest(a, metaActions); s != "" {
		hint = fmt.Sprintf(" Did you mean %s?", s)
	}
	return fmt.Errorf("invalid meta action requested: %s.%s Valid actions: %s", a, hint, strings.Join(metaActions, ", "))
}

// Plan returns the action as "_meta" for the runner.
func (m *Meta) Plan(context.Context, *Env) (*Plan, error) {
	return &Plan{Result: map[string]any{"_meta": strings.TrimSpace(m.Action)}}, nil
}

var _ Validator = (*Meta)(nil)
