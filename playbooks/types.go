// Package playbooks reads Ansible playbooks into plain data and validates them
// (keywords, modules, module arguments, notify targets, files) before any host
// is contacted. Values keep their templates ({{ }}): the runner renders them
// per host.
package playbooks

import "play/diag"

// Playbook is one playbook file with its imports resolved in place.
type Playbook struct {
	Path  string // as given
	Dir   string // absolute directory of the playbook (for relative paths)
	Plays []*Play
	// Warnings are what Ansible warns about while reading the files
	// (duplicate mapping keys), for the caller to print.
	Warnings []string
}

// Play is one play. Raw values (any) may hold templates.
type Play struct {
	Pos          diag.Pos
	Name         string
	Hosts        string // pattern; a list in YAML is joined with ","
	Vars         map[string]any
	VarsFiles    []any // each a path string or a list of candidate paths (first found)
	GatherFacts  *bool // nil: default (true)
	Become       any   // bool or template
	BecomeUser   string
	BecomeMethod string
	RemoteUser   string
	Environment  any // map or template
	Tags         []string
	When         []string // from import_playbook's when
	CheckMode    any
	Diff         any
	IgnoreErrors any
	NoLog        any
	Serial       any
	Connection   string
	// Keywords stored for the runner; those it does not implement yet are
	// kept as written.
	AnyErrorsFatal    any
	MaxFailPercentage any
	Order             string
	Strategy          string
	ForceHandlers     any
	RunOnce           any
	Throttle          any
	Timeout           any
	Port              any
	IgnoreUnreachable any
	BecomeFlags       string
	FactPath          string
	GatherSubset      any
	GatherTimeout     any
	ModuleDefaults    any
	Collections       []string
	VarsPrompt        any
	// Dir is the directory of the file this play came from (import_playbook
	// from another directory resolves its paths there).
	Dir string
	// Roles are the roles the play uses statically (roles:, import_role):
	// their defaults and vars are visible to all its tasks.
	Roles     []*Role
	PreTasks  []*Task
	Tasks     []*Task
	PostTasks []*Task
	Handlers  []*Task
}

// Task is one task, handler or block. Keyword values are raw (templates kept).
type Task struct {
	Pos  diag.Pos
	Name string // as written (may hold a template); "" when unnamed
	// Module is the module name as written (short or FQCN); empty for a block.
	Module string
	// Args are the module's arguments; free-form text is under "_raw_params".
	Args map[string]any
	// ArgPos is where each argument was written, for errors at run time.
	ArgPos map[string]diag.Pos
	// KeyPos is where each keyword's value was written (when, loop, ...).
	KeyPos map[string]diag.Pos

	When         []string // all must hold (a list is an "and")
	Loop         any      // loop / with_items / with_list (flattened one level for with_items)
	LoopKind     string   // "loop", "with_items", "with_list", "with_dict", ...
	LoopControl  *LoopControl
	Register     string
	ChangedWhen  []string // nil: not set
	FailedWhen   []string
	IgnoreErrors any
	Notify       []string
	Listen       []string // handlers only
	Vars         map[string]any
	Tags         []string
	NoLog        any
	Become       any
	BecomeUser   string
	BecomeMethod string
	CheckMode    any // nil: inherit --check
	Diff         any // nil: inherit --diff
	Environment  any
	DelegateTo   string
	RunOnce      any
	Until        string
	Retries      any
	Delay        any
	// Keywords stored for the runner; those it does not implement yet are
	// kept as written.
	BecomeFlags       string
	DelegateFacts     any
	IgnoreUnreachable any
	AnyErrorsFatal    any
	Throttle          any
	Timeout           any
	Async             any
	Poll              any
	Connection        string
	RemoteUser        string
	Port              any
	Debugger          string
	ModuleDefaults    any
	Collections       []string

	// Block, Rescue and Always are set for a block (Module is then empty).
	Block  []*Task
	Rescue []*Task
	Always []*Task

	// Role is the role this task came from ("" for the playbook's own),
	// RoleRef that use of the role with its variables.
	Role    string
	RoleRef *Role
	// RoleRepeat marks the block of a role used again the same way in
	// the play: hosts that already ran RoleRef skip it, as in Ansible.
	RoleRepeat bool
	// Dir is the directory relative src/template paths resolve against
	// (the role dir, or the playbook's dir).
	Dir string
}

// LoopControl is the task's loop_control.
type LoopControl struct {
	LoopVar  string // default "item"
	IndexVar string
	Label    string // template
	Pause    any
	Extended bool
}

// IsBlock says whether the task is a block.
func (t *Task) IsBlock() bool { return t.Block != nil }

// DisplayName is the name Ansible prints in TASK [..]: the name, or the
// module name for an unnamed task.
func (t *Task) DisplayName() string {
	if t.Name != "" {
		return t.Name
	}
	if t.Module != "" {
		return t.Module
	}
	return "block"
}
