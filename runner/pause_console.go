package runner

import (
	"context"

	"play/modules"
)

// The controller is the console of modules that talk to the user (pause).

func (c *controller) TaskName() string    { return c.ex.r.taskTitle(c.ex.pc, c.ex.t) }
func (c *controller) Display(line string) { c.ex.r.out.line("", line) }
func (c *controller) Warn(msg string)     { c.ex.r.out.warn(msg) }

// Ask asks on the terminal; without one (no Prompter) nothing is read.
func (c *controller) Ask(_ context.Context, prompt string, private bool) (string, bool, error) {
	if c.ex.r.opts.Prompt == nil {
		return "", false, nil
	}
	answer, err := c.ex.r.opts.Prompt(prompt, private)
	return answer, true, err
}

var _ modules.Console = (*controller)(nil)
