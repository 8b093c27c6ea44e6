package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "script", New: func() Module { return &Script{} }, FreeForm: true})
}

// Script copies a controller script to the target and runs it there.
type Script struct {
	// Text is "path [args]": path is found like Ansible's files/ lookup,
	// args go to the target's shell as written.
	Text string `arg:"_raw_params" aliases:"cmd"`
	// Chdir is the absolute directory to run the script in.
	Chdir string `arg:"chdir"`
	// Creates skips the script when this path (glob allowed) exists.
	Creates string `arg:"creates"`
	// Removes skips the script when this path (glob allowed) does not exist.
	Removes string `arg:"removes"`
	// Executable runs the script with this program (`python3`) instead of
	// its shebang.
	Executable string `arg:"executable"`
	// Decrypt is accepted for compatibility (no vault support).
	Decrypt *bool `arg:"decrypt"`
}

// Validate requires a script and an absolute chdir, as Ansible does.
func (s *Script) Validate() error {
	if strings.TrimSpace(s.Text) == "" {
		return errors.New("script: no script given; write `script: path/to/script.sh args`")
	}
	if s.Chdir != "" && !path.IsAbs(s.Chdir) {
		return fmt.Errorf("chdir %s must be an absolute path for a Unix-aware remote node", s.Chdir)
	}
	return nil
}

// Plan checks creates/removes (when given), reads the script on the
// controller and plans one step: upload by stdin to a temp file, run it,
// remove it, exit with its status.
func (s *Script) Plan(ctx context.Context, env *Env) (*Plan, error) {
	text := strings.TrimSpace(s.Text)
	words, err := shlexSplit(text)
	if err != nil {
		return nil, fmt.Errorf("script: cannot split %q: %w", text, err)
	}
	g := guards{chdir: s.Chdir, creates: s.Creates, removes: s.Removes}
	if g.needsProbe() {
		hit, err := g.check(ctx, env.Host)
		var serr *startError
		if errors.As(err, &serr) {
			return nil, Failf("%s", serr.message(s.Chdir))
		}
		if err != nil {
			return nil, err
		}
		switch hit {
		case skipCreates:
			return &Plan{Msg: fmt.Sprintf("%s exists, matching creates option", s.Creates), Result: map[string]any{"skipped": true}}, nil
		case skipRemoves:
			return &Plan{Msg: fmt.Sprintf("%s does not exist, matching removes option", s.Removes), Result: map[string]any{"skipped": true}}, nil
		}
	}
	data, _, err := env.Ctl.ReadFile("files", words[0])
	if err != nil {
		return nil, Failf("Could not find or access '%s' on the Ansible Controller: %v", words[0], err)
	}
	run := `"$t"`
	if s.Executable != "" {
		run = shellWord(s.Executable, wordMode{}) + " " + run
	}
	script := failPrelude + `t=$(mktemp "${TMPDIR:-/tmp}/play-script.XXXXXX") || exit 1
cat >"$t" && chmod 700 "$t" || { rm -f "$t"; exit 1; }
(
` + g.cdScript() + run + " " + text[firstWordEnd(text):] + `
)
rc=$?
rm -f "$t"
exit $rc
`
	return &Plan{
		Steps:       []Step{{Script: script, Stdin: data}},
		SkipInCheck: !g.needsProbe(),
		Finish: func(out []connection.Result) (map[string]any, error) {
			if serr := startErrorOf(string(out[0].Stderr)); serr != nil {
				return nil, Failf("%s", serr.message(s.Chdir))
			}
			return ranResult(out[0])
		},
	}, nil
}

var _ Validator = (*Script)(nil)
