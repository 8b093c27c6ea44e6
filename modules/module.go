// Package modules holds every module play can run. A module observes the host
// (one probe script), and returns a Plan: the steps that would converge it, the
// diffs and the values to return. The runner applies the plan unless in check
// mode, so check mode and apply can never disagree.
package modules

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"play/connection"
)

// Module is one task's module with its decoded arguments. Each module is a
// struct whose fields are its arguments (see Decode for the tags).
type Module interface {
	// Plan observes the host and returns what would make it converge.
	// It never changes the host.
	Plan(ctx context.Context, env *Env) (*Plan, error)
}

// Validator is implemented by modules with cross-field rules (mutually
// exclusive, required together, ...). It runs after decoding.
type Validator interface {
	Validate() error
}

// Host runs shell scripts on the target, already bound to the task's become
// and environment settings (become is wrapped once, in the connection layer).
type Host interface {
	Run(ctx context.Context, script string, stdin []byte) (connection.Result, error)
}

// Controller is what a module may use on the controller side.
type Controller interface {
	// ReadFile reads a controller file; a relative path is searched the way
	// Ansible does (role files/ or templates/ dir, then the playbook dir).
	// kind is "files" or "templates".
	ReadFile(kind, path string) (data []byte, resolved string, err error)
	// Render renders a Jinja2 template text with the task's variables.
	Render(text string) (string, error)
	// Eval evaluates a bare Jinja2 expression (`x | default(1)`).
	Eval(expr string) (any, error)
	// EvalBool evaluates a condition like `when:` does.
	EvalBool(expr string) (bool, error)
	// Var returns a variable's value as the task sees it.
	Var(name string) (any, bool)
}

// Env is what one module invocation gets: the host, the controller, and
// whether the user asked for diffs (modules then fetch the before text).
type Env struct {
	Host     Host
	Ctl      Controller
	HostName string // inventory name
	WantDiff bool
}

// Plan is the outcome of observing the host: data, not actions.
type Plan struct {
	// Steps converge the host; changed is true exactly when there are steps.
	Steps []Step
	// Diffs show what the steps change, as Ansible prints them with --diff.
	Diffs []Diff
	// Msg is the result's msg.
	Msg string
	// Result holds the module's return values (path, checksum, stat, ...).
	Result map[string]any
	// SkipInCheck marks modules whose result is only known by acting
	// (command, shell): under --check they are reported skipped.
	SkipInCheck bool
	// SkipInCheckMsg is the skipped result's msg (default: command's).
	SkipInCheckMsg string
	// Finish, when set, turns the outputs of the steps into the result after
	// applying (command's rc/stdout). It gets one output per step run; a step
	// that exits non-zero stops the others. Without Finish, a non-zero exit
	// fails the task with the step's stderr.
	Finish func(out []connection.Result) (map[string]any, error)
	// LocalWrites are controller files written when applying (fetch).
	LocalWrites []LocalWrite
	// Unchanged forces changed=false even with steps (e.g. a probe-like
	// step whose output is the result).
	Unchanged bool
}

// Changed says whether applying the plan changes the host or the controller.
func (p *Plan) Changed() bool {
	return (len(p.Steps) > 0 || len(p.LocalWrites) > 0) && !p.Unchanged
}

// LocalWrite is a file written on the controller, atomically.
type LocalWrite struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// Step is one shell script run on the host when applying.
type Step struct {
	Script string
	Stdin  []byte
}

// Diff is one before/after pair, printed as a unified diff.
type Diff struct {
	BeforeHeader string
	AfterHeader  string
	Before       string
	After        string
	// Prepared is text shown as it is instead of a before/after diff
	// (apt's simulated transaction, as Ansible's diff "prepared" key).
	Prepared string
	// InCheck, when set, is what --check shows instead (the zero Diff: nothing):
	// Ansible's modules return early in check mode when the path does not
	// exist yet, before they compute the whole diff (file state=touch, the
	// attributes of a file lineinfile would create).
	InCheck *Diff
}

// Failure is a module failure with Ansible's msg and extra result keys.
type Failure struct {
	Msg    string
	Result map[string]any
}

func (f *Failure) Error() string { return f.Msg }

// Failf returns a *Failure with a formatted message.
func Failf(format string, a ...any) *Failure {
	return &Failure{Msg: fmt.Sprintf(format, a...)}
}

// Info describes a registered module.
type Info struct {
	Name string
	New  func() Module
	// FreeForm modules take `command: ls -l` style raw text (_raw_params).
	FreeForm bool
	// Local modules run only on the controller (debug, set_fact, assert...).
	Local bool
}

var registry = map[string]*Info{}

// Register adds a module under its short name and its ansible.builtin. name.
// It panics on duplicates: two modules must never share a name.
func Register(info Info) {
	for _, n := range []string{info.Name, "ansible.builtin." + info.Name, "ansible.legacy." + info.Name} {
		if _, dup := registry[n]; dup {
			panic("modules: duplicate module " + n)
		}
		i := info
		registry[n] = &i
	}
}

// RegisterAlias adds another name (an FQCN of a collection) for a module.
func RegisterAlias(alias, name string) {
	info, ok := registry[name]
	if !ok {
		panic("modules: alias " + alias + " for unknown module " + name)
	}
	if _, dup := registry[alias]; dup {
		panic("modules: duplicate module " + alias)
	}
	registry[alias] = info
}

// Lookup finds a module by short name or FQCN.
func Lookup(name string) (*Info, bool) {
	i, ok := registry[name]
	return i, ok
}

// Names lists the short names of all modules, sorted.
func Names() []string {
	var names []string
	for n := range registry {
		if !strings.Contains(n, ".") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// New decodes args (already templated) into the named module and validates it.
func New(name string, args map[string]any) (Module, error) {
	info, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("couldn't resolve module/action '%s'", name)
	}
	m := info.New()
	if err := Decode(args, m, false); err != nil {
		return nil, err
	}
	if v, ok := m.(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Check validates args before any host is contacted. Values that still hold
// a template ({{ }}) are accepted for any type: they are checked at run time.
func Check(name string, args map[string]any) error {
	info, ok := Lookup(name)
	if !ok {
		return fmt.Errorf("couldn't resolve module/action '%s'", name)
	}
	m := info.New()
	if err := Decode(args, m, true); err != nil {
		return err
	}
	if v, ok := m.(Validator); ok && !hasTemplate(args) {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	return nil
}
