package playbooks

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"play/diag"
)

// badPlaybooks are the files in testdata/bad, each wrong in one way a user
// gets wrong, with the error Load reports: where, what (a prefix: module
// argument lists belong to the modules) and the hint. Messages shared with
// Ansible were compared with `ansible-playbook --syntax-check` (2.14).
var badPlaybooks = []struct {
	file, at, msg, hint string
}{
	{"action_and_local_action", "3:7", "action and local_action are mutually exclusive", "keep only one of them"},
	{"become_not_boolean", "2:11", "the field 'become' has an invalid value (maybe), and could not be converted to bool", "use true or false"},
	{"block_with_loop", "5:7", "'loop' is not a valid attribute for a Block", "blocks cannot loop: move the tasks to a file and loop over include_tasks"},
	{"empty_playbook", "1:1", "empty playbook, nothing to do", "a playbook is a list of plays, e.g. '- hosts: all'"},
	{"extra_params", "3:13", "this task 'copy' has extra params, which is only allowed in the following modules: ", "copy takes named arguments: write `copy: a=1 b=2` or a mapping"},
	{"yaml_recursive_alias", "2:9", "recursive YAML alias: the anchor &v contains itself", "an alias may only refer to a node that is complete"},
	{"jinja_bad_condition", "4:13", "template error: template syntax error: expected either a number, string, keyword or identifier.", "check the braces and quotes of the expression"},
	{"jinja_unclosed_braces", "4:9", "template error: template syntax error: Unexpected delimiter \"}\".", "check the braces and quotes of the expression"},
	{"import_cycle", "3:20", "recursive import of ", "a file must not import itself, directly or through other imports"},
	{"import_playbook_missing", "1:20", "Could not find or access 'testdata/bad/does-not-exist.yml'", relativePathHint},
	{"import_tasks_missing", "3:21", "Could not find or access 'testdata/bad/tasks/does-not-exist.yml'", relativePathHint},
	{"import_tasks_template", "3:21", "import_tasks cannot use a template in its file name: tasks/{{ ansible_os_family }}.yml", "imports are read before any variable is known; use include_tasks for a file chosen at run time"},
	{"include_role_bad_option", "3:7", "Invalid options for include_role: task_from", "did you mean `tasks_from`?"},
	{"invalid_choice", "5:9", "value of state must be one of: ", ""},
	{"listen_on_task", "4:7", "'listen' is not a valid attribute for a Task", "listen is for handlers; move this task under handlers:"},
	{"loop_and_with_items", "5:7", "duplicate loop in task: items", "use only one of loop and with_*: loop is already set"},
	{"loop_control_typo", "6:9", "'loopvar' is not a valid attribute for a LoopControl", "did you mean `loop_var`?"},
	{"missing_hosts", "1:3", "the field 'hosts' is required but was not set", "add e.g. `hosts: all` to the play"},
	{"missing_required_argument", "3:13", "missing required arguments: path", "add `path:` to the arguments of file"},
	{"module_args_list", "4:9", "unexpected parameter type in action: list", "write the arguments as a mapping or as key=value pairs"},
	{"module_typo", "4:7", "couldn't resolve module/action 'copyy'", "did you mean `copy`?"},
	{"no_module", "3:7", "no module/action detected in task.", "a task needs a module (e.g. `ansible.builtin.debug: msg=hi`) or a `block:`"},
	{"not_a_list_of_plays", "2:1", "a playbook must be a list of plays, got a mapping instead", "start each play with '- ', e.g. '- hosts: all'"},
	{"play_is_empty", "1:2", "a play must be a mapping (hosts:, tasks:, ...), got nothing", "write a play as a mapping under '- ', e.g. '- hosts: all'"},
	{"play_keyword_typo", "2:3", "'taks' is not a valid attribute for a Play", "did you mean `tasks`?"},
	{"play_not_a_mapping", "1:3", "a play must be a mapping (hosts:, tasks:, ...), got a string", "add a colon after the keyword: `hosts: ...`"},
	{"register_not_identifier", "4:17", "Invalid variable name in 'register' specified: 'uptime-result'", "variable names contain only letters, digits and underscores, and do not start with a digit"},
	{"role_not_found", "3:7", "the role 'nope' was not found in testdata/bad/roles:", "put the role in roles/ beside the playbook, or add its parent directory to ANSIBLE_ROLES_PATH or roles_path in ansible.cfg"},
	{"tags_mapping", "5:9", "tags must be specified as a list", "write `tags: [a, b]` or `tags: a,b`"},
	{"task_is_a_string", "3:7", "a task must be a mapping (module: args, name: ...), got a string", "add a colon after the module name: `debug: ...`"},
	{"task_keyword_typo", "5:7", "'whne' is not a valid attribute for a Task", "did you mean `when`?"},
	{"tasks_not_a_list", "3:5", "tasks should be a list of tasks, got a mapping", "start each task with '- ', e.g. '- name: ...'"},
	{"two_modules", "3:7", "conflicting action statements: copy, file", "a task runs one module: split it into two tasks"},
	{"unbalanced_quotes", "3:16", `failed at splitting arguments, either an unbalanced jinja2 block or quotes: echo "hello`, "close every quote and {{ }}, or quote the entire value"},
	{"unknown_module", "4:7", "couldn't resolve module/action 'community.general.frobnicate'. This often indicates a misspelling, missing collection, or incorrect module path.", ""},
	{"unsupported_argument", "5:9", "Unsupported parameters for module: dset. Supported parameters include: ", "did you mean `dest`?"},
	{"var_name_invalid", "3:5", "Invalid variable name in vars specified for Play: 'app-port' is not a valid variable name", "variable names contain only letters, digits and underscores, and do not start with a digit"},
	{"vars_file_missing", "3:7", "vars file not found: testdata/bad/vars/does-not-exist.yml", relativePathHint},
	{"vault_value", "3:15", "Attempting to decrypt but no vault secrets found: ../testdata/bad/vault_value.yml:3", "give the password with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass"},
	{"when_mapping", "5:9", "the field 'when' should be a condition (a string, a bool or a list of them), got a mapping", `write the expression as a string, e.g. when: "x == 1"`},
	{"with_lookup_typo", "4:7", "unknown loop 'with_item': there is no 'item' lookup", "did you mean `with_items`?"},
	{"yaml_colon_in_value", "3:22", "syntax error while loading YAML: mapping values are not allowed in this context", `a value containing ": " must be quoted, e.g. name: "x: y"`},
	{"yaml_tab_indent", "3:1", "syntax error while loading YAML: found character that cannot start any token", "YAML does not use tabs for indentation: replace the tabs on this line with spaces"},
	{"yaml_unquoted_template", "4:15", "this value looks like an unquoted template: always quote template expression brackets when they start a value", `write it in quotes: "{{ ... }}"`},
}

// badTemplateFiles are playbooks whose template task names a template file
// with a Jinja2 syntax error: found at load time, the error points into the
// template (at: file:line:col under testdata/bad; col 0 when the parser does
// not know it) and names the task.
var badTemplateFiles = []struct {
	file, at, msg, hint string
}{
	{"template_file_unclosed", "templates/site.conf.j2:3:0",
		"syntax error in template 'site.conf.j2' of the task at ../testdata/bad/template_file_unclosed.yml:3:7: Unexpected delimiter \"}\"", templateBraces},
	{"template_file_no_endfor", "templates/hosts.j2:2:0",
		"syntax error in template 'hosts.j2' of the task at ../testdata/bad/template_file_no_endfor.yml:3:7: Unexpected EOF, expected tag else or endfor.",
		"the block opened on this line is never closed: add its {% endfor %}, {% endif %}, ... (or the missing }} or #})"},
	{"template_file_in_role", "roles/badtpl/templates/app.ini.j2:3:0",
		"syntax error in template 'app.ini.j2' of the task at testdata/bad/roles/badtpl/tasks/main.yml:1:3: expected either a number, string, keyword or identifier.", templateBraces},
	{"template_file_bad_filter", "templates/motd.j2:2:33",
		"syntax error in template 'motd.j2' of the task at ../testdata/bad/template_file_bad_filter.yml:4:7: filter name must be an identifier", templateBraces},
}

const templateBraces = "every {{ needs its }} and every {% %} tag a valid expression; write literal braces as {{ '{{' }}"

func TestBadPlaybooks(t *testing.T) {
	files, err := filepath.Glob("../testdata/bad/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{"too_many_errors": true}
	for _, tt := range badPlaybooks {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "bad", tt.file+".yml")
			assertBad(t, path, path+":"+tt.at, tt.msg, tt.hint)
		})
	}
	for _, tt := range badTemplateFiles {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "bad", tt.file+".yml")
			assertBad(t, path, "testdata/bad/"+tt.at, tt.msg, tt.hint)
		})
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".yml"); !covered[name] {
			t.Errorf("%s has no expected error in badPlaybooks", f)
		}
	}
}

// TestErrorsCollected checks a load reports many problems at once, capped.
func TestErrorsCollected(t *testing.T) {
	errs := loadErrors(t, "../testdata/bad/too_many_errors.yml")
	if len(errs) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d and a summary", len(errs), maxErrors)
	}
	if last := errs[maxErrors].Error(); last != "... and 5 more errors (fix the ones above first)" {
		t.Errorf("summary: %s", last)
	}
	var d *diag.Error
	if !errors.As(errs[1], &d) || d.Pos.Line != 7 {
		t.Errorf("second error: %v", errs[1])
	}
}

// assertBad loads path and checks it fails with exactly one *diag.Error at
// at (file:line:col, the directory testdata/bad spelt so) saying msg (a
// prefix) with hint.
func assertBad(t *testing.T, path, at, msg, hint string) {
	t.Helper()
	abs, err := filepath.Abs("../testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	errs := loadErrors(t, path)
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), errors.Join(errs...))
	}
	var d *diag.Error
	if !errors.As(errs[0], &d) {
		t.Fatalf("error %T is not a *diag.Error: %v", errs[0], errs[0])
	}
	if got := strings.ReplaceAll(fmt.Sprintf("%s:%d:%d", d.Pos.File, d.Pos.Line, d.Pos.Col), abs, "testdata/bad"); got != at {
		t.Errorf("at %s, want %s", got, at)
	}
	if got := strings.ReplaceAll(d.Msg, abs, "testdata/bad"); !strings.HasPrefix(got, msg) {
		t.Errorf("message\n got: %s\nwant: %s", got, msg)
	}
	if d.Hint != hint {
		t.Errorf("hint\n got: %s\nwant: %s", d.Hint, hint)
	}
}

func loadErrors(t *testing.T, path string) []error {
	t.Helper()
	pb, err := Load(path)
	if err == nil || pb != nil {
		t.Fatalf("Load(%s) = %v, %v; want only an error", path, pb, err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	return joined.Unwrap()
}
