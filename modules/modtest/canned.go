package modtest

import (
	"context"
	"fmt"

	"play/connection"
)

// Canned is a Host that answers scripts with recorded outputs, in order:
// for table tests of a module's plan from probe outputs captured on a real host.
type Canned struct {
	Outputs []connection.Result
	// Scripts records every script run.
	Scripts []string
}

// Run implements modules.Host.
func (c *Canned) Run(_ context.Context, script string, _ []byte) (connection.Result, error) {
	c.Scripts = append(c.Scripts, script)
	if len(c.Scripts) > len(c.Outputs) {
		return connection.Result{}, fmt.Errorf("modtest.Canned: script %d has no recorded output:\n%s", len(c.Scripts), script)
	}
	return c.Outputs[len(c.Scripts)-1], nil
}

// Stdout is a successful output.
func Stdout(s string) connection.Result {
	return connection.Result{Stdout: []byte(s)}
}
