package modules

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"
)

func init() {
	Register(Info{Name: "pause", New: func() Module { return &Pause{} }, Local: true})
}

// Pause waits a number of seconds or minutes, or for the user to press
// Enter, on the controller, as ansible.builtin.pause. The runner runs it
// once for all the play's hosts (Ansible's BYPASS_HOST_LOOP).
type Pause struct {
	// Seconds to pause (at least 1).
	Seconds *int `arg:"seconds"`
	// Minutes to pause.
	Minutes *int `arg:"minutes"`
	// Prompt is the text shown while waiting for Enter (or beside a timed
	// pause).
	Prompt string `arg:"prompt"`
	// Echo shows what the user types (default true).
	Echo *bool `arg:"echo"`
}

// Validate rejects minutes with seconds, with Ansible's message.
func (p *Pause) Validate() error {
	if p.Seconds != nil && p.Minutes != nil {
		return errors.New("parameters are mutually exclusive: minutes|seconds")
	}
	return nil
}

// Console is the controller's terminal as a module that talks to the user
// sees it.
type Console interface {
	// TaskName is the running task's name as its banner shows it.
	TaskName() string
	// Display prints a line in the run's output.
	Display(line string)
	// Warn prints a [WARNING] line.
	Warn(msg string)
	// Ask prints prompt and reads a line (without echo when private);
	// interactive is false, and nothing is read, without a terminal.
	Ask(ctx context.Context, prompt string, private bool) (answer string, interactive bool, err error)
}

// Plan pauses (in check mode too, as Ansible does) and returns Ansible's
// result: what was typed, and how long the pause lasted.
func (p *Pause) Plan(ctx context.Context, env *Env) (*Plan, error) {
	console, ok := env.Ctl.(Console)
	if !ok {
		return nil, errors.New("pause needs the controller's terminal")
	}
	echo := boolOr(p.Echo, true)
	hidden := ""
	if !echo {
		hidden = " (output is hidden)"
	}
	text := "Press enter to continue, Ctrl+C to interrupt"
	if p.Prompt != "" {
		text = p.Prompt
	}
	prompt := "[" + console.TaskName() + "]\n" + text + hidden + ":"
	unit, seconds := "minutes", -1
	switch {
	case p.Minutes != nil:
		seconds = *p.Minutes * 60
	case p.Seconds != nil:
		unit, seconds = "seconds", *p.Seconds
	}
	start := time.Now()
	input := ""
	if seconds >= 0 {
		seconds = max(seconds, 1)
		console.Display("Pausing for " + strconv.Itoa(seconds) + " seconds" + hidden)
		console.Display("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r")
		if p.Prompt != "" {
			console.Display(prompt)
		}
		if !sleepCtx(ctx, time.Duration(seconds)*time.Second) {
			return nil, ctx.Err()
		}
	} else {
		answer, interactive, err := console.Ask(ctx, prompt+" ", !echo)
		if err != nil {
			return nil, err
		}
		if !interactive {
			console.Display(prompt)
			console.Warn("Not waiting for response to prompt as stdin is not interactive")
		}
		input = answer
	}
	stop := time.Now()
	elapsed := stop.Sub(start).Seconds()
	if unit == "minutes" {
		elapsed /= 60
	}
	return &Plan{Result: map[string]any{
		"changed": false, "rc": 0, "stderr": "", "echo": echo, "user_input": input,
		"start": pythonTime(start), "stop": pythonTime(stop), "delta": int(stop.Sub(start).Seconds()),
		"stdout": "Paused for " + pythonRound2(elapsed) + " " + unit,
	}}, nil
}

// pythonRound2 prints round(x, 2) as Python's str does ("1.0", "0.02").
func pythonRound2(x float64) string {
	s := strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
	if _, err := strconv.Atoi(s); err == nil {
		s += ".0"
	}
	return s
}

var _ Validator = (*Pause)(nil)
