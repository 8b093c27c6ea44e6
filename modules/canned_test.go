package modules

import (
	"context"
	"testing"

	"play/connection"
	"play/modules/modtest"
)

// planWith decodes args into the module and plans it against a host that
// replays outputs. When wantErr is set, it checks the planning error is
// exactly that and returns nil; any other error fails the test.
func planWith(t *testing.T, module string, args map[string]any, wantErr string, outputs ...connection.Result) *Plan {
	t.Helper()
	m, err := New(module, args)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := m.Plan(context.Background(), &Env{Host: &modtest.Canned{Outputs: outputs}})
	if wantErr != "" {
		if err == nil || err.Error() != wantErr {
			t.Fatalf("error = %v, want %q", err, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// stepCommands lists the plan's steps as their command lines.
func stepCommands(plan *Plan) []string {
	var steps []string
	for _, s := range plan.Steps {
		steps = append(steps, commandLine(s.Script))
	}
	return steps
}
