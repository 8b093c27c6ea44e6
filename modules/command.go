package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "command", New: func() Module { return &Command{} }, FreeForm: true})
	Register(Info{Name: "shell", New: func() Module { return &Command{shell: true} }, FreeForm: true})
}

// Command runs a program on the target (command), or a shell command line
// (shell). command splits the line like Python's shlex and passes each word
// as it is: no pipes, redirections or globs, but $NAME and ~ are expanded
// as Ansible does unless expand_argument_vars is false.
type Command struct {
	// RawParams is the command line: the free-form text or `cmd:`.
	RawParams string `arg:"_raw_params" aliases:"cmd"`
	// Argv is the command as a list of words, instead of a command line.
	Argv []string `arg:"argv"`
	// Chdir is the directory to run the command in.
	Chdir string `arg:"chdir"`
	// Creates skips the command when this path (glob allowed) exists.
	Creates string `arg:"creates"`
	// Removes skips the command when this path (glob allowed) does not exist.
	Removes string `arg:"removes"`
	// Stdin is fed to the command's standard input.
	Stdin *string `arg:"stdin"`
	// StdinAddNewline appends a newline to Stdin (default true).
	StdinAddNewline *bool `arg:"stdin_add_newline"`
	// StripEmptyEnds removes trailing newlines from stdout and stderr
	// (default true).
	StripEmptyEnds *bool `arg:"strip_empty_ends"`
	// ExpandArgumentVars expands $NAME, ${NAME} and ~ in command's words
	// on the target (default true); shell always expands.
	ExpandArgumentVars *bool `arg:"expand_argument_vars"`
	// Executable is the shell that runs a shell command (default /bin/sh);
	// command ignores it, as Ansible does.
	Executable string `arg:"executable"`
	// Warn is accepted for old playbooks and ignored (Ansible removed it).
	Warn any `arg:"warn"`

	shell bool
}

// Validate rejects a missing command or both forms at once, with Ansible's
// messages.
func (c *Command) Validate() error {
	if strings.TrimSpace(c.RawParams) == "" && len(c.Argv) == 0 {
		return errors.New("no command given")
	}
	if c.RawParams != "" && len(c.Argv) > 0 {
		return errors.New("only command or argv can be given, not both")
	}
	return nil
}

func (c *Command) guards() guards {
	return guards{chdir: c.Chdir, creates: c.Creates, removes: c.Removes}
}

// Plan checks creates/removes (one probe, only when given) and otherwise
// plans one step running the command, whose output Finish turns into
// Ansible's result.
func (c *Command) Plan(ctx context.Context, env *Env) (*Plan, error) {
	cmdValue, program, argv, err := c.command()
	if err != nil {
		return nil, err
	}
	g := c.guards()
	if g.needsProbe() {
		hit, err := g.check(ctx, env.Host)
		var serr *startError
		if errors.As(err, &serr) {
			return nil, c.startFailure(serr, cmdValue, program)
		}
		if err != nil {
			return nil, err
		}
		if hit != runIt {
			return c.skipped(hit, cmdValue), nil
		}
	}
	step := Step{Script: failPrelude + g.cdScript() + execScript(argv)}
	if c.Stdin != nil {
		step.Stdin = []byte(*c.Stdin)
		if boolOr(c.StdinAddNewline, true) {
			step.Stdin = append(step.Stdin, '\n')
		}
	}
	return &Plan{
		Steps:       []Step{step},
		SkipInCheck: !g.needsProbe(),
		// What Ansible returns under --check (registered even when the task
		// is skipped); Finish replaces it after running.
		Msg:    "Command would have run if not in check mode",
		Result: c.unrunResult(cmdValue),
		Finish: func(out []connection.Result) (map[string]any, error) {
			return c.finish(out[0], cmdValue, program)
		},
	}, nil
}

// skipped is the plan when creates or removes stop the command.
func (c *Command) skipped(hit guardHit, cmdValue any) *Plan {
	msg, stdout := fmt.Sprintf("Did not run command since '%s' exists", c.Creates), fmt.Sprintf("skipped, since %s exists", c.Creates)
	if hit == skipRemoves {
		msg, stdout = fmt.Sprintf("Did not run command since '%s' does not exist", c.Removes), fmt.Sprintf("skipped, since %s does not exist", c.Removes)
	}
	result := c.unrunResult(cmdValue)
	result["stdout"], result["stdout_lines"] = stdout, []string{stdout}
	return &Plan{Msg: msg, Result: result}
}

// unrunResult is the result of a command that did not run: rc 0, empty
// output, no times.
func (c *Command) unrunResult(cmdValue any) map[string]any {
	result := outputResult(0, "", "")
	result["cmd"], result["start"], result["end"], result["delta"] = cmdValue, nil, nil, nil
	return result
}

// command returns the result's cmd (a list for command, the text for
// shell), the program that runs, and the sh words that run it.
func (c *Command) command() (cmdValue any, program string, argv []string, err error) {
	if c.shell {
		text := c.RawParams
		if len(c.Argv) > 0 {
			text = joinQuoted(c.Argv)
		}
		program = c.Executable
		if program == "" {
			program = "/bin/sh"
		}
		return text, program, []string{shellWord(program, wordMode{}), "-c", Quote(text)}, nil
	}
	words := c.Argv
	if len(words) == 0 {
		if words, err = shlexSplit(c.RawParams); err != nil {
			return nil, "", nil, fmt.Errorf("cannot split the command %q: %w", c.RawParams, err)
		}
	}
	mode := wordMode{expand: boolOr(c.ExpandArgumentVars, true)}
	for _, w := range words {
		argv = append(argv, shellWord(w, mode))
	}
	return words, words[0], argv, nil
}

// finish builds Ansible's result from the step's output.
func (c *Command) finish(out connection.Result, cmdValue any, program string) (map[string]any, error) {
	stderr := string(out.Stderr)
	if serr := startErrorOf(stderr); serr != nil {
		return nil, c.startFailure(serr, cmdValue, program)
	}
	stdout := string(out.Stdout)
	if boolOr(c.StripEmptyEnds, true) {
		stdout, stderr = strings.TrimRight(stdout, "\r\n"), strings.TrimRight(stderr, "\r\n")
	}
	result := outputResult(out.RC, stdout, stderr)
	result["cmd"], result["msg"], result["changed"] = cmdValue, "", true
	result["start"], result["end"], result["delta"] = nil, nil, nil
	if !out.Start.IsZero() {
		result["start"], result["end"], result["delta"] = pythonTime(out.Start), pythonTime(out.End), pythonDelta(out.End.Sub(out.Start))
	}
	if out.RC != 0 {
		return nil, rcFailure(result)
	}
	return result, nil
}

// startFailure is the result of a command that could not start, with the
// keys Ansible returns in each case.
func (c *Command) startFailure(serr *startError, cmdValue any, program string) *Failure {
	result := outputResult(nil, "", "")
	result["changed"] = false
	if serr.kind == "chdir" {
		result["cmd"], result["start"], result["end"], result["delta"] = cmdValue, nil, nil, nil
		return &Failure{Msg: serr.message(c.Chdir), Result: result}
	}
	result["rc"] = atoiOr(serr.errno, 1)
	result["cmd"] = cmdValue
	if words, ok := cmdValue.([]string); ok {
		result["cmd"] = joinQuoted(words)
	}
	return &Failure{Msg: serr.message(program), Result: result}
}

// execScript checks that argv[0] can run (Python reports a missing or
// non-executable program as an OSError, not as a shell's 127) and execs it.
func execScript(argv []string) string {
	prog := argv[0]
	check := fmt.Sprintf("command -v %s >/dev/null 2>&1 || _fail exec 2\n", prog)
	if strings.Contains(prog, "/") {
		check = fmt.Sprintf("[ -e %[1]s ] || _fail exec 2\n{ [ -d %[1]s ] || [ ! -x %[1]s ]; } && _fail exec 13\n", prog)
	}
	return check + "exec " + strings.Join(argv, " ") + "\n"
}

// joinQuoted joins words into one sh command line.
func joinQuoted(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
	}
	return strings.Join(quoted, " ")
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func atoiOr(s string, def int) int {
	n, err := ToInt(s)
	if err != nil {
		return def
	}
	return n
}

var _ Validator = (*Command)(nil)
