package modules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "pip", New: func() Module { return &Pip{} }})
}

// Pip installs Python packages with pip, into a virtualenv if asked.
type Pip struct {
	// Name are the packages, with optional version specifiers ("django>=4,<5"),
	// or paths and URLs pip understands.
	Name []string `arg:"name"`
	// Version is the version of the one package in name ("1.0" or ">=1.0").
	Version string `arg:"version"`
	// State is present, absent, latest or forcereinstall.
	State string `arg:"state" choices:"present,absent,latest,forcereinstall"`
	// Requirements is a requirements file on the host.
	Requirements string `arg:"requirements"`
	// Virtualenv is a virtualenv directory, created if it does not exist.
	Virtualenv string `arg:"virtualenv"`
	// VirtualenvSitePackages lets the virtualenv see the global site-packages.
	VirtualenvSitePackages bool `arg:"virtualenv_site_packages"`
	// VirtualenvCommand creates the virtualenv (default "python3 -m venv").
	VirtualenvCommand string `arg:"virtualenv_command"`
	// VirtualenvPython is the interpreter of the virtualenv (not with venv).
	VirtualenvPython string `arg:"virtualenv_python"`
	// Executable is the pip to run (pip3, /opt/py/bin/pip), not with virtualenv.
	Executable string `arg:"executable"`
	// ExtraArgs are more pip arguments (the user's own shell words).
	ExtraArgs string `arg:"extra_args"`
	// Chdir is the directory pip runs in (default /tmp).
	Chdir string `arg:"chdir"`
	// Editable installs in develop mode (-e).
	Editable bool `arg:"editable"`
	// Umask is the umask pip runs with (octal).
	Umask string `arg:"umask"`
	// BreakSystemPackages lets pip change a Python the distribution manages.
	BreakSystemPackages bool `arg:"break_system_packages"`
}

// pipStateArgs are pip's arguments for each state.
var pipStateArgs = map[string][]string{"present": {"install"}, "absent": {"uninstall", "-y"},
	"latest": {"install", "-U"}, "forcereinstall": {"install", "-U", "--force-reinstall"}}

// Validate applies Ansible's argument rules and defaults.
func (m *Pip) Validate() error {
	m.State = cmp.Or(m.State, "present")
	m.VirtualenvCommand = cmp.Or(m.VirtualenvCommand, "python3 -m venv")
	switch {
	case len(m.Name) == 0 && m.Requirements == "":
		return errors.New("one of the following is required: name, requirements")
	case len(m.Name) > 0 && m.Requirements != "":
		return errors.New("parameters are mutually exclusive: name|requirements")
	case m.Executable != "" && m.Virtualenv != "":
		return errors.New("parameters are mutually exclusive: executable|virtualenv")
	case m.State == "latest" && m.Version != "":
		return errors.New("version is incompatible with state=latest")
	case m.VirtualenvPython != "" && m.venvModule():
		return errors.New("virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command")
	}
	if m.Umask != "" && strings.Trim(m.Umask, "01234567") != "" {
		return errors.New("umask must be an octal integer")
	}
	if m.Virtualenv != "" && m.Chdir != "" && !path.IsAbs(m.Virtualenv) {
		m.Virtualenv = path.Join(m.Chdir, m.Virtualenv)
	}
	names := m.names()
	if m.Version != "" && len(names) > 1 {
		return errors.New("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.")
	}
	if m.Version != "" && len(names) == 1 && len(parsePipRequirement(names[0]).Specs) > 0 {
		return errors.New("The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.")
	}
	return nil
}

// venvModule says whether the virtualenv command is Python's venv, which
// takes no -p.
func (m *Pip) venvModule() bool {
	return strings.Contains(m.VirtualenvCommand, "pyvenv") || strings.Contains(m.VirtualenvCommand, "-m venv")
}

// names rebuilds the names as Ansible does: a comma-separated string
// splits into pieces, and a piece that is only a specifier ("<2") belongs
// to the package before it.
func (m *Pip) names() []string {
	var parts []string
	for _, n := range m.Name {
		parts = append(parts, strings.Split(n, ",")...)
	}
	var names []string
	inBrackets := false
	for _, p := range parts {
		trimmed := strings.TrimLeft(p, " ")
		isName := trimmed == "" || !strings.ContainsRune("<>=!~", rune(trimmed[0]))
		if (isName && !inBrackets) || len(names) == 0 {
			names = append(names, p)
		} else {
			names[len(names)-1] += "," + p
		}
		if strings.Contains(p, "[") {
			inBrackets = true
		}
		if inBrackets && strings.Contains(p, "]") {
			inBrackets = false
		}
	}
	return names
}

// requirements are the names parsed, the version argument applied.
func (m *Pip) requirements() []pipRequirement {
	names := m.names()
	reqs := make([]pipRequirement, len(names))
	for i, n := range names {
		reqs[i] = parsePipRequirement(n)
	}
	if m.Version != "" && len(reqs) == 1 {
		v := strings.TrimLeft(m.Version, " ")
		sep := " "
		if v != "" && v[0] >= '0' && v[0] <= '9' {
			sep = "=="
		}
		reqs[0] = parsePipRequirement(reqs[0].Text + sep + v)
		reqs[0].Text = strings.ReplaceAll(reqs[0].Text, " ", "")
	}
	return reqs
}

// pipPrelude finds pip and leaves it in "$@", as Ansible picks it: the
// executable, the virtualenv's pip3 or pip, the pip module of python3, or
// pip3 on PATH. It runs in chdir with the umask asked for.
func (m *Pip) pipPrelude() string {
	var b strings.Builder
	b.WriteString("export LC_ALL=C\n")
	if m.Umask != "" {
		b.WriteString("umask " + m.Umask + "\n")
	}
	fmt.Fprintf(&b, "cd %s || exit\nexe=%s venv=%s\n", Quote(cmp.Or(m.Chdir, "/tmp")), Quote(m.Executable), Quote(m.Virtualenv))
	b.WriteString(`if [ -n "$exe" ]; then
  case $exe in /*) set -- "$exe";; *) p=$(command -v "$exe") || { echo "Unable to find any of $exe to use.  pip needs to be installed." >&2; exit 3; }; set -- "$p";; esac
elif [ -n "$venv" ]; then
  if [ -x "$venv/bin/pip3" ]; then set -- "$venv/bin/pip3"; elif [ -x "$venv/bin/pip" ]; then set -- "$venv/bin/pip"
  else echo "Unable to find pip in the virtualenv, $venv, under any of these names: pip3, pip. Make sure pip is present in the virtualenv." >&2; exit 3; fi
  PATH=$venv/bin:$PATH
elif py=$(command -v python3) && "$py" -c 'import pip' 2>/dev/null; then set -- "$py" -m pip.__main__
elif p=$(command -v pip3); then set -- "$p"
else echo "Unable to find any of pip3 to use.  pip needs to be installed." >&2; exit 3; fi
`)
	return b.String()
}

// pipListMark starts the probe's package list, after the pip it found.
const pipListMark = "play-pip-list: "

// probe says whether the virtualenv exists, which pip runs, and lists what
// it has installed.
func (m *Pip) probe() string {
	return `if [ -n ` + Quote(m.Virtualenv) + ` ] && [ ! -e ` + Quote(path.Join(m.Virtualenv, "bin/activate")) + ` ]; then echo novenv; exit 0; fi
` + m.pipPrelude() + `echo "` + pipListMark + `$*"
"$@" list --format=freeze 2>/dev/null || "$@" freeze
`
}

// Plan lists what pip has and plans the install or uninstall.
func (m *Pip) Plan(ctx context.Context, env *Env) (*Plan, error) {
	res, err := env.Host.Run(ctx, m.probe(), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, Failf("%s", strings.TrimSpace(string(res.Stderr)))
	}
	out := string(res.Stdout)
	noVenv := strings.HasPrefix(out, "novenv")
	installed := map[string]string{}
	pipCmd := path.Join(m.Virtualenv, "bin/pip3")
	if noVenv {
		out = ""
	} else {
		head, list, _ := strings.Cut(out, "\n")
		pipCmd = strings.TrimPrefix(head, pipListMark)
		out = list
		for _, line := range strings.Split(list, "\n") {
			if name, version, ok := strings.Cut(line, "=="); ok {
				installed[pipCanonical(name)] = version
			}
		}
	}
	reqs := m.requirements()
	args := m.installArgs(reqs)
	result := map[string]any{"cmd": append(strings.Fields(pipCmd), args...), "name": m.Name, "version": m.Version,
		"state": m.State, "requirements": m.Requirements, "virtualenv": m.Virtualenv, "stdout": out, "stderr": string(res.Stderr)}
	for k, unset := range map[string]bool{"name": len(m.Name) == 0, "version": m.Version == "", "requirements": m.Requirements == "", "virtualenv": m.Virtualenv == ""} {
		if unset {
			result[k] = nil // null, as Ansible returns an option not given
		}
	}
	p := &Plan{Result: result}
	// Whether pip has anything to do, when the installed versions tell.
	act := noVenv || m.Requirements != "" || m.State == "latest" || m.State == "forcereinstall"
	for _, r := range reqs {
		version, ok := installed[r.Name]
		switch {
		case r.Name == "":
			act = true
		case m.State == "absent" && ok:
			act = true
		case m.State != "absent" && (!ok || !r.satisfiedBy(version)):
			act = true
		}
	}
	if !act {
		return p, nil
	}
	prelude := m.pipPrelude()
	if noVenv {
		p.Steps = append(p.Steps, Step{Script: m.venvScript()})
	}
	p.Steps = append(p.Steps, Step{Script: prelude + `"$@" ` + shellWords(args) + "\n"})
	compare := m.Requirements != "" || slices.ContainsFunc(m.Name, func(n string) bool { return pipVCS.MatchString(n) })
	if compare {
		p.Steps = append(p.Steps, Step{Script: prelude + `"$@" list --format=freeze 2>/dev/null || "$@" freeze` + "\n"})
	}
	p.Finish = func(outs []connection.Result) (map[string]any, error) {
		return m.finish(result, outs, noVenv, compare, out)
	}
	return p, nil
}

// installArgs are pip's arguments after the program; extra_args are split
// into words at spaces.
func (m *Pip) installArgs(reqs []pipRequirement) []string {
	args := slices.Clone(pipStateArgs[m.State])
	extra := strings.Fields(m.ExtraArgs)
	if m.Editable && !slices.Contains(extra, "-e") {
		extra = append(extra, "-e")
	}
	if m.BreakSystemPackages {
		extra = append(extra, "--break-system-packages")
	}
	args = append(args, extra...)
	if m.Requirements != "" {
		return append(args, "-r", m.Requirements)
	}
	for _, r := range reqs {
		args = append(args, r.Text)
	}
	return args
}

// shellWords quotes each word for the shell.
func shellWords(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
	}
	return strings.Join(quoted, " ")
}

// venvScript creates the virtualenv with the user's command.
func (m *Pip) venvScript() string {
	cmd := m.VirtualenvCommand
	if m.VirtualenvSitePackages {
		cmd += " --system-site-packages"
	}
	if m.VirtualenvPython != "" {
		cmd += " -p" + Quote(m.VirtualenvPython)
	}
	return "cd " + Quote(cmp.Or(m.Chdir, "/tmp")) + " || exit\n" + cmd + " " + Quote(m.Virtualenv) + "\n"
}

// pipVCS matches the VCS URLs pip installs from (git+https://...).
var pipVCS = regexp.MustCompile(`^(svn|git|hg|bzr)\+`)

// finish reads the steps' outputs as Ansible does: changed when pip says it
// installed or uninstalled something, or when the package list moved.
func (m *Pip) finish(result map[string]any, outs []connection.Result, venvCreated, compare bool, before string) (map[string]any, error) {
	res := map[string]any{}
	for k, v := range result {
		res[k] = v
	}
	// The steps: the virtualenv, pip, and the package list after it.
	install := btoi(venvCreated)
	var stdout, stderr string
	for _, o := range outs[:min(install+1, len(outs))] {
		stdout += string(o.Stdout)
		stderr += string(o.Stderr)
		notInstalled := m.State == "absent" && o.RC == 1 && strings.Contains(string(o.Stdout)+string(o.Stderr), "not installed")
		if o.RC != 0 && !notInstalled {
			msg := ""
			if stdout != "" {
				msg = "stdout: " + stdout
			}
			if stderr != "" {
				msg += "\n:stderr: " + stderr
			}
			return nil, &Failure{Msg: msg, Result: map[string]any{"cmd": res["cmd"]}}
		}
	}
	pipOut := string(outs[install].Stdout)
	var changed bool
	switch {
	case m.State == "absent":
		changed = strings.Contains(pipOut, "Successfully uninstalled")
	case compare:
		changed = len(outs) > install+1 && string(outs[install+1].Stdout) != before
	default:
		changed = strings.Contains(pipOut, "Successfully installed")
	}
	res["changed"] = changed || venvCreated
	res["stdout"], res["stderr"] = stdout, stderr
	return res, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

var _ Validator = (*Pip)(nil)
