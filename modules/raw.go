package modules

import (
	"context"
	"errors"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "raw", New: func() Module { return &Raw{} }, FreeForm: true})
}

// Raw runs its text through the connection's shell as it is: no quoting,
// no checks (bootstrapping hosts, devices without coreutils).
type Raw struct {
	// Text is the free-form command.
	Text string `arg:"_raw_params"`
	// Executable runs the text with `<executable> -c` instead of the
	// connection's /bin/sh.
	Executable string `arg:"executable"`
}

// Validate requires a command.
func (r *Raw) Validate() error {
	if strings.TrimSpace(r.Text) == "" {
		return errors.New("raw: no command given")
	}
	return nil
}

// Plan runs the text in one step; raw is skipped in check mode.
func (r *Raw) Plan(context.Context, *Env) (*Plan, error) {
	script := r.Text
	if r.Executable != "" {
		script = "exec " + shellWord(r.Executable, wordMode{}) + " -c " + Quote(r.Text)
	}
	return &Plan{
		Steps:       []Step{{Script: script}},
		SkipInCheck: true,
		Finish:      func(out []connection.Result) (map[string]any, error) { return ranResult(out[0]) },
	}, nil
}

// ranResult is the result of raw and script: the output as it is, changed,
// failed on a non-zero exit.
func ranResult(out connection.Result) (map[string]any, error) {
	result := outputResult(out.RC, string(out.Stdout), string(out.Stderr))
	result["changed"] = true
	if out.RC != 0 {
		return nil, rcFailure(result)
	}
	return result, nil
}

var _ Validator = (*Raw)(nil)
