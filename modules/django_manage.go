package modules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "django_manage", New: func() Module { return &DjangoManage{} }})
	RegisterAlias("community.general.django_manage", "django_manage")
}

// DjangoManage runs a Django management command with the project's
// ./manage.py, as community.general.django_manage 6.x does. Like Ansible's
// module it does not support check mode: under --check it is skipped.
type DjangoManage struct {
	// Command is the management command with its own arguments
	// ("migrate", "createsuperuser --noinput --username=admin").
	Command string `arg:"command,required"`
	// ProjectPath is the directory holding manage.py.
	ProjectPath string `arg:"project_path,required" aliases:"app_path,chdir"`
	// Settings is the settings module (myproject.settings), --settings.
	Settings string `arg:"settings"`
	// Pythonpath is a directory added to the Python path, --pythonpath.
	Pythonpath string `arg:"pythonpath" aliases:"python_path"`
	// Virtualenv is a virtualenv whose bin/ comes first in PATH, so the
	// shebang of manage.py finds its python; created with virtualenv when
	// missing (deprecated in Ansible).
	Virtualenv string `arg:"virtualenv" aliases:"virtual_env"`
	// Apps are space-separated apps (test, migrate).
	Apps string `arg:"apps"`
	// CacheTable is the table createcachetable creates.
	CacheTable string `arg:"cache_table"`
	// Clear removes existing files first (collectstatic), --clear.
	Clear bool `arg:"clear"`
	// Database is the database to target, --database.
	Database string `arg:"database"`
	// Failfast stops the tests at the first failure (test), --failfast.
	Failfast bool `arg:"failfast" aliases:"fail_fast"`
	// Fixtures are space-separated fixture names, required by loaddata.
	Fixtures string `arg:"fixtures"`
	// Testrunner is the test runner class (test), --testrunner.
	Testrunner string `arg:"testrunner" aliases:"test_runner"`
	// Skip skips out-of-order missing migrations (migrate), --skip.
	Skip bool `arg:"skip"`
	// Merge runs out-of-order or missing migrations (migrate), --merge.
	Merge bool `arg:"merge"`
	// Link links static files instead of copying them (collectstatic), --link.
	Link bool `arg:"link"`
	// AckVenvCreationDeprecation silences Ansible's warning about creating
	// a missing virtualenv; accepted for compatibility.
	AckVenvCreationDeprecation bool `arg:"ack_venv_creation_deprecation"`

	words []string // Command split like a shell
}

// djangoAllowed lists the command-specific arguments each built-in command
// accepts (Ansible's command_allowed_param_map); other commands take none.
var djangoAllowed = map[string][]string{
	"createcachetable": {"database"},
	"flush":            {"database"},
	"loaddata":         {"database", "fixtures"},
	"syncdb":           {"database"},
	"test":             {"failfast", "testrunner", "apps"},
	"migrate":          {"apps", "database"},
	"collectstatic":    {"clear"},
}

// djangoNoinput are the commands that get --noinput unless given.
var djangoNoinput = []string{"flush", "syncdb", "migrate", "test", "collectstatic"}

// Validate checks the command-specific arguments with Ansible's messages.
func (m *DjangoManage) Validate() error {
	words, err := shlexSplit(m.Command)
	if err != nil {
		return fmt.Errorf("cannot split the command %q: %w", m.Command, err)
	}
	if len(words) == 0 {
		return errors.New("command is empty: give a management command such as migrate")
	}
	m.words = words
	bin := words[0]
	given := []struct {
		name string
		set  bool
	}{{"apps", m.Apps != ""}, {"clear", m.Clear}, {"database", m.Database != ""}, {"failfast", m.Failfast},
		{"fixtures", m.Fixtures != ""}, {"testrunner", m.Testrunner != ""}}
	for _, p := range given {
		if p.set && !slices.Contains(djangoAllowed[bin], p.name) {
			return fmt.Errorf("%s param is incompatible with command=%s", p.name, bin)
		}
	}
	if bin == "loaddata" && m.Fixtures == "" {
		return errors.New("fixtures param is required for command=loaddata")
	}
	return nil
}

// argv is the command Ansible runs in the project directory.
func (m *DjangoManage) argv() ([]string, error) {
	argv := append([]string{"./manage.py"}, m.words...)
	if slices.Contains(djangoNoinput, m.words[0]) && !slices.Contains(m.words, "--noinput") {
		argv = append(argv, "--noinput")
	}
	for _, o := range []struct{ name, value string }{{"settings", m.Settings}, {"pythonpath", m.Pythonpath},
		{"database", m.Database}, {"testrunner", m.Testrunner}} {
		if o.value != "" {
			argv = append(argv, "--"+o.name+"="+o.value)
		}
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"clear", m.Clear}, {"failfast", m.Failfast}, {"skip", m.Skip}, {"merge", m.Merge}, {"link", m.Link}} {
		if f.set {
			argv = append(argv, "--"+f.name)
		}
	}
	// Last come the apps, the cache table and the fixtures, lists split
	// into words.
	apps, err := shlexSplit(m.Apps)
	if err != nil {
		return nil, fmt.Errorf("cannot split apps %q into words: %w", m.Apps, err)
	}
	argv = append(argv, apps...)
	if m.CacheTable != "" {
		argv = append(argv, m.CacheTable)
	}
	fixtures, err := shlexSplit(m.Fixtures)
	if err != nil {
		return nil, fmt.Errorf("cannot split fixtures %q into words: %w", m.Fixtures, err)
	}
	return append(argv, fixtures...), nil
}

// venvMark starts the virtualenv step's output, naming the virtualenv
// program it runs ("" when there is none).
const venvMark = "play-virtualenv: "

// venvScript creates the virtualenv when it has no bin/activate yet.
func (m *DjangoManage) venvScript() string {
	return m.cdScript() + "venv=" + Quote(m.Virtualenv) + `
[ -e "$venv/bin/activate" ] && exit 0
v=$(command -v virtualenv) || { echo "` + venvMark + `"; printf 'Failed to find required executable "virtualenv" in paths: %s' "$PATH" >&2; exit 1; }
echo "` + venvMark + `$v"
exec "$v" "$venv"
`
}

// cdScript enters the project directory; when it cannot, ./manage.py is
// missing, which is how Ansible (ignoring the bad cwd) fails.
func (m *DjangoManage) cdScript() string {
	return failPrelude + "cd -- " + shellWord(m.ProjectPath, wordMode{expand: true}) + " 2>/dev/null || _fail exec 2\n"
}

// manageScript runs manage.py, the virtualenv's bin/ first in PATH.
func (m *DjangoManage) manageScript(argv []string) string {
	var b strings.Builder
	b.WriteString(m.cdScript())
	if m.Virtualenv != "" {
		fmt.Fprintf(&b, "VIRTUAL_ENV=%s; PATH=$VIRTUAL_ENV/bin:$PATH; export VIRTUAL_ENV PATH\n", Quote(m.Virtualenv))
	}
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = Quote(w)
	}
	b.WriteString(execScript(words))
	return b.String()
}

// Plan runs the command when applying; nothing is observed first, since
// only running it tells what it changes.
func (m *DjangoManage) Plan(_ context.Context, _ *Env) (*Plan, error) {
	argv, err := m.argv()
	if err != nil {
		return nil, err
	}
	var steps []Step
	if m.Virtualenv != "" {
		steps = append(steps, Step{Script: m.venvScript()})
	}
	steps = append(steps, Step{Script: m.manageScript(argv)})
	return &Plan{Steps: steps, SkipInCheck: true, Finish: func(outs []connection.Result) (map[string]any, error) {
		if m.Virtualenv != "" && outs[0].RC != 0 {
			return nil, venvFailure(outs[0], m.Virtualenv)
		}
		return m.finish(outs[len(outs)-1], argv)
	}}, nil
}

// finish reads manage.py's output: Ansible's failures, and changed as the
// command's output tells it.
func (m *DjangoManage) finish(out connection.Result, argv []string) (map[string]any, error) {
	stdout, stderr := string(out.Stdout), string(out.Stderr)
	bin := m.words[0]
	if serr := startErrorOf(stderr); serr != nil {
		result := outputResult(atoiOr(serr.errno, 1), "", "")
		result["cmd"] = strings.Join(argv, " ")
		return nil, &Failure{Msg: serr.message(argv[0]), Result: result}
	}
	if out.RC != 0 {
		switch {
		case bin == "createcachetable" && strings.Contains(stderr, "table") && strings.Contains(stderr, "already exists"):
			stdout = "already exists."
		case strings.Contains(stderr, "Unknown command:"):
			return nil, &Failure{Msg: outputsMsg(stderr, "Unknown django command: "+bin), Result: map[string]any{"cmd": argv}}
		default:
			return nil, &Failure{Msg: outputsMsg(stdout, stderr), Result: map[string]any{"cmd": argv}}
		}
	}
	result := map[string]any{"changed": djangoChanged(bin, stdout), "out": stdout, "cmd": argv,
		"app_path": m.ProjectPath, "project_path": m.ProjectPath}
	for k, v := range map[string]string{"virtualenv": m.Virtualenv, "settings": m.Settings, "pythonpath": m.Pythonpath} {
		result[k] = nilIfEmpty(v)
	}
	return result, nil
}

// venvFailure is Ansible's failure when the virtualenv cannot be created.
func venvFailure(out connection.Result, venv string) *Failure {
	head, rest, _ := strings.Cut(string(out.Stdout), "\n")
	program := strings.TrimPrefix(head, venvMark)
	if program == "" {
		return &Failure{Msg: string(out.Stderr)}
	}
	return &Failure{Msg: outputsMsg(rest, string(out.Stderr)), Result: map[string]any{"cmd": []string{program, venv}}}
}

// outputsMsg is the msg Ansible's django_manage and pip fail with: both
// outputs, each only when not empty.
func outputsMsg(stdout, stderr string) string {
	msg := ""
	if stdout != "" {
		msg = "stdout: " + stdout
	}
	if stderr != "" {
		msg += "\n:stderr: " + stderr
	}
	return msg
}

// djangoInstalled is a line of loaddata's kind that loaded objects.
func djangoInstalled(line string) bool {
	return strings.Contains(line, "Installed") && !strings.Contains(line, "Installed 0 object")
}

// djangoChangedLine says, per command, whether a line of its output
// reports a change (Ansible's <command>_filter_output).
var djangoChangedLine = map[string]func(string) bool{
	"flush":    djangoInstalled,
	"loaddata": djangoInstalled,
	"syncdb": func(l string) bool {
		return strings.Contains(l, "Creating table ") || djangoInstalled(l)
	},
	"migrate": func(l string) bool {
		return strings.Contains(l, "Migrating forwards ") || djangoInstalled(l) || strings.Contains(l, "Applying")
	},
	// Ansible looks for "0 static files" anywhere, so 10 or 120 files
	// copied read as no change; here only a count of 0 does.
	"collectstatic": func(l string) bool { return l != "" && !djangoNoStatic.MatchString(l) },
}

// djangoNoStatic matches collectstatic's line when it copied nothing.
var djangoNoStatic = regexp.MustCompile(`(^|[^0-9])0 static files`)

// djangoChanged is Ansible's changed for a command's output: a line the
// command's filter accepts, createcachetable unless the table existed, and
// false for every other command.
func djangoChanged(bin, out string) bool {
	if bin == "createcachetable" {
		return !strings.Contains(out, "already exists")
	}
	if changedLine, ok := djangoChangedLine[bin]; ok {
		return slices.ContainsFunc(strings.Split(out, "\n"), changedLine)
	}
	return false
}

var _ Validator = (*DjangoManage)(nil)
