package modules

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"play/modules/modtest"
)

// console is a fake controller terminal: it records what is shown and
// answers prompts when it has a terminal.
type console struct {
	modtest.Controller
	terminal bool
	answer   string
	lines    []string
}

func (c *console) TaskName() string    { return "wait here" }
func (c *console) Display(line string) { c.lines = append(c.lines, line) }
func (c *console) Warn(msg string)     { c.lines = append(c.lines, "[WARNING]: "+msg) }
func (c *console) Ask(_ context.Context, prompt string, private bool) (string, bool, error) {
	if !c.terminal {
		return "", false, nil
	}
	c.lines = append(c.lines, "ask private="+map[bool]string{true: "yes", false: "no"}[private]+": "+prompt)
	return c.answer, true, nil
}

func TestPause(t *testing.T) {
	const controls = "(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r"
	tests := []struct {
		name     string
		args     map[string]any
		terminal bool
		lines    []string
		stdout   string // a regexp: the time paused is measured
		input    string
	}{
		{name: "seconds", args: map[string]any{"seconds": 1},
			lines: []string{"Pausing for 1 seconds", controls}, stdout: `Paused for 1\.\d+ seconds`},
		{name: "minutes 0 pauses one second", args: map[string]any{"minutes": 0, "prompt": "hello", "echo": false},
			lines: []string{"Pausing for 1 seconds (output is hidden)", controls, "[wait here]\nhello (output is hidden):"}, stdout: `Paused for 0\.0[23] minutes`},
		{name: "prompt without a terminal", args: map[string]any{"prompt": "Type something"},
			lines:  []string{"[wait here]\nType something:", "[WARNING]: Not waiting for response to prompt as stdin is not interactive"},
			stdout: `Paused for 0\.0 minutes`},
		{name: "prompt on a terminal", args: map[string]any{"echo": "no"}, terminal: true,
			lines:  []string{"ask private=yes: [wait here]\nPress enter to continue, Ctrl+C to interrupt (output is hidden): "},
			stdout: `Paused for 0\.0 minutes`, input: "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &console{terminal: tt.terminal, answer: "secret"}
			m, err := New("pause", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Plan(context.Background(), &Env{Ctl: c})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.lines, tt.lines) {
				t.Errorf("shown %q\nwant  %q", c.lines, tt.lines)
			}
			stdout, _ := p.Result["stdout"].(string)
			if !regexp.MustCompile("^"+tt.stdout+"$").MatchString(stdout) || p.Result["user_input"] != tt.input || p.Changed() || p.Result["rc"] != 0 {
				t.Errorf("result %v", p.Result)
			}
		})
	}
	if _, err := New("pause", map[string]any{"seconds": 1, "minutes": 1}); err == nil || !strings.Contains(err.Error(), "mutually exclusive: minutes|seconds") {
		t.Errorf("minutes with seconds: %v", err)
	}
}

func TestPythonRound2(t *testing.T) {
	for x, want := range map[float64]string{1.0001: "1.0", 0: "0.0", 0.016: "0.02", 2.5: "2.5", 61.126: "61.13"} {
		if got := pythonRound2(x); got != want {
			t.Errorf("pythonRound2(%v) = %s, want %s", x, got, want)
		}
	}
}
