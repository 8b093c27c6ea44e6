package playbooks

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"play/diag"
)

// roleTree is a small set of roles: app depends on base (with a param).
var roleTree = map[string]string{
	"roles/base/tasks/main.yml":    "- name: base task\n  debug: msg={{ base_x }}\n",
	"roles/base/defaults/main.yml": "base_x: base default\nshared: base default\n",
	"roles/base/handlers/main.yml": "- name: base handler\n  debug: msg=h\n",
	"roles/app/meta/main.yml":      "dependencies:\n  - role: base\n    base_x: from app\n",
	"roles/app/tasks/main.yml":     "- name: app task\n  debug: msg=app\n",
	"roles/app/tasks/other.yaml":   "- name: app other\n  debug: msg=other\n",
	"roles/app/defaults/main.yml":  "shared: app default\n",
	"roles/app/vars/main.yml":      "app_v: app vars\n",
	"roles/dup/meta/main.yml":      "allow_duplicates: true\n",
	"roles/dup/tasks/main.yml":     "- name: dup task\n  debug: msg=dup\n",
}

// listed flattens blocks into the names --list-tasks prints.
func listed(tasks []*Task) []string {
	var out []string
	walk(tasks, func(t *Task) {
		if !t.IsBlock() {
			out = append(out, t.Role+" : "+t.Name)
		}
	})
	return out
}

func TestRoleLoading(t *testing.T) {
	tests := []struct {
		name          string
		play          string
		tasks, hdlers []string
	}{
		{"dependency first", "roles: [app]",
			[]string{"base : base task", "app : app task"}, []string{"base : base handler"}},
		{"repeated: listed, not its handlers", "roles: [app, {role: base, base_x: from app}]",
			[]string{"base : base task", "app : app task", "base : base task"}, []string{"base : base handler"}},
		{"different params run again", "roles: [app, base]",
			[]string{"base : base task", "app : app task", "base : base task"}, []string{"base : base handler", "base : base handler"}},
		{"allow_duplicates", "roles: [dup, dup]",
			[]string{"dup : dup task", "dup : dup task"}, nil},
		{"before tasks, import_role where written", "roles: [base]\n  tasks:\n    - import_role: name=app tasks_from=other\n    - debug: msg=x",
			[]string{"base : base task", "base : base task", "app : app other", " : "}, []string{"base : base handler", "base : base handler"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"site.yml": "- hosts: all\n  " + tt.play + "\n"}
			for k, v := range roleTree {
				files[k] = v
			}
			p := loadPlaybook(t, files).Plays[0]
			if got := listed(p.Tasks); !reflect.DeepEqual(got, tt.tasks) {
				t.Errorf("tasks %q, want %q", got, tt.tasks)
			}
			if got := listed(p.Handlers); !reflect.DeepEqual(got, tt.hdlers) {
				t.Errorf("handlers %q, want %q", got, tt.hdlers)
			}
		})
	}
}

func TestRoleVariables(t *testing.T) {
	files := map[string]string{"site.yml": "- hosts: all\n  roles:\n    - role: app\n      p: 1\n      vars: {ev: 2}\n"}
	for k, v := range roleTree {
		files[k] = v
	}
	p := loadPlaybook(t, files).Plays[0]
	app := p.Tasks[0].RoleRef
	base := p.Tasks[0].Block[0].RoleRef
	checks := []struct {
		name      string
		got, want map[string]any
	}{
		{"app defaults over its dependency's", app.Defaults, map[string]any{"base_x": "base default", "shared": "app default"}},
		{"app vars with the entry's vars", app.Vars, map[string]any{"app_v": "app vars", "ev": 2}},
		{"app params", app.Params, map[string]any{"p": 1}},
		{"dependency defaults over its parent's", base.Defaults, map[string]any{"base_x": "base default", "shared": "base default"}},
		{"dependency inherits parent vars", base.Vars, map[string]any{"app_v": "app vars", "ev": 2}},
		{"dependency params over parent's", base.Params, map[string]any{"p": 1, "base_x": "from app"}},
		{"public defaults", app.PublicDefaults, map[string]any{"base_x": "base default", "shared": "app default"}},
		{"public vars", app.PublicVars, map[string]any{"app_v": "app vars"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(p.Roles) != 1 || p.Roles[0] != app || !strings.HasSuffix(app.Path, "/roles/app") {
		t.Errorf("play roles %v, path %s", p.Roles, app.Path)
	}
}

func TestRoleSearchPath(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		role  string
	}{
		{"ANSIBLE_ROLES_PATH", func(t *testing.T, dir string) {
			t.Setenv("ANSIBLE_ROLES_PATH", "/nonexistent:"+filepath.Join(dir, "shared"))
		}, "lib"},
		{"roles_path in ansible.cfg, relative to it", func(t *testing.T, dir string) {
			t.Setenv("ANSIBLE_CONFIG", filepath.Join(dir, "cfg", "ansible.cfg"))
		}, "lib"},
		{"Galaxy name found by its last part", func(t *testing.T, dir string) { t.Setenv("ANSIBLE_ROLES_PATH", filepath.Join(dir, "shared")) }, "ns.lib"},
		{"the playbook dir itself", func(*testing.T, string) {}, "local"},
		{"a path", func(*testing.T, string) {}, "./local"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", t.TempDir())
			dir := writeFiles(t, map[string]string{
				"site.yml":                    "- hosts: all\n  roles: [" + tt.role + "]\n",
				"shared/lib/tasks/main.yml":   "- name: lib\n  debug: msg=lib\n",
				"shared/lib/meta/main.yml":    "dependencies: [sibling]\n",
				"shared/sibling/tasks/main":   "- name: sibling\n  debug: msg=s\n",
				"cfg/ansible.cfg":             "[defaults]\ninventory = x\nroles_path: ../shared\n",
				"local/tasks/main.yml":        "- name: local\n  debug: msg=local\n",
				"local/handlers/main.yaml":    "[]\n",
				"shared/lib/defaults/main.js": "{}",
			})
			tt.setup(t, dir)
			pb, err := Load(filepath.Join(dir, "site.yml"))
			if err != nil {
				t.Fatal(err)
			}
			if got := listed(pb.Plays[0].Tasks); len(got) == 0 {
				t.Errorf("no tasks from %s", tt.role)
			}
		})
	}
}

func TestRoleErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		at    string // file:line:col, the file relative to the test dir
		msg   string
	}{
		{"unknown role lists the search path",
			map[string]string{"site.yml": "- hosts: all\n  roles:\n    - {role: nope}\n"},
			"site.yml:3:14", "the role 'nope' was not found in DIR/roles:"},
		{"dependencies not a list",
			map[string]string{"site.yml": "- hosts: all\n  roles: [r]\n", "roles/r/meta/main.yml": "dependencies: {x: 1}\n"},
			"roles/r/meta/main.yml:1:15", "Expected role dependencies to be a list."},
		{"unknown meta key",
			map[string]string{"site.yml": "- hosts: all\n  roles: [r]\n", "roles/r/meta/main.yml": "dependecies: []\n"},
			"roles/r/meta/main.yml:1:1", "'dependecies' is not a valid attribute for a RoleMetadata"},
		{"role task error points into the role",
			map[string]string{"site.yml": "- hosts: all\n  roles: [r]\n", "roles/r/tasks/main.yml": "- name: x\n  copyy: {}\n"},
			"roles/r/tasks/main.yml:2:3", "couldn't resolve module/action 'copyy'"},
		{"missing tasks_from",
			map[string]string{"site.yml": "- hosts: all\n  tasks:\n    - include_role: name=r tasks_from=nope\n", "roles/r/tasks/main.yml": "[]\n"},
			"site.yml:3:21", "Could not find specified file in role: tasks/nope"},
		{"dependency cycle",
			map[string]string{"site.yml": "- hosts: all\n  roles: [a]\n", "roles/a/meta/main.yml": "dependencies: [b]\n", "roles/b/meta/main.yml": "dependencies: [a]\n"},
			"roles/b/meta/main.yml:1:16", "recursive role dependency: a depends on itself"},
		{"import_role loops",
			map[string]string{"site.yml": "- hosts: all\n  tasks:\n    - import_role: name=r\n      loop: [1]\n", "roles/r/tasks/main.yml": "[]\n"},
			"site.yml:4:13", "You cannot use loops on 'import_role' statements."},
		{"include_role without a name",
			map[string]string{"site.yml": "- hosts: all\n  tasks:\n    - include_role: tasks_from=x\n"},
			"site.yml:3:7", "'name' is a required field for include_role."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := Load(filepath.Join(dir, "site.yml"))
			var d *diag.Error
			if !errors.As(err, &d) {
				t.Fatalf("error %v, want a *diag.Error", err)
			}
			rel, _ := filepath.Rel(dir, d.Pos.File)
			if got := rel + ":" + strings.TrimPrefix(d.Pos.String(), d.Pos.File+":"); got != tt.at {
				t.Errorf("at %s, want %s", got, tt.at)
			}
			if msg := strings.ReplaceAll(d.Msg, dir, "DIR"); !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message %q, want prefix %q", msg, tt.msg)
			}
		})
	}
}

// vars/main/ and defaults/main/ may be directories: their files (YAML,
// JSON or no extension, subdirectories too, not hidden nor backups) merge
// in sorted order, and main.yml wins over the directory, as in
// ansible-playbook 2.14.
func TestRoleVarsDirectory(t *testing.T) {
	files := map[string]string{
		"site.yml":                      "- hosts: all\n  roles: [r, q]\n",
		"roles/r/tasks/main.yml":        "- debug: msg=r\n",
		"roles/r/vars/main/10-a.yml":    "a: from-10\nb: from-10\n",
		"roles/r/vars/main/20-b.yaml":   "b: from-20\nc: from-20\n",
		"roles/r/vars/main/sub/x.yml":   "c: from-sub\n",
		"roles/r/vars/main/.hidden.yml": "a: hidden\n",
		"roles/r/vars/main/z.txt":       "a: txt\n",
		"roles/r/vars/main/zz.yml~":     "a: backup\n",
		"roles/r/defaults/main/1.yml":   "d: def1\ne: def1\n",
		"roles/r/defaults/main/2":       "e: def2\n",
		"roles/q/tasks/main.yml":        "- debug: msg=q\n",
		"roles/q/vars/main.yml":         "f: file\n",
		"roles/q/vars/main/x.yml":       "f: dir\n",
	}
	p := loadPlaybook(t, files).Plays[0]
	r, q := p.Tasks[0].RoleRef, p.Tasks[1].RoleRef
	checks := []struct {
		name      string
		got, want map[string]any
	}{
		{"r vars", r.Vars, map[string]any{"a": "from-10", "b": "from-20", "c": "from-sub"}},
		{"r defaults", r.Defaults, map[string]any{"d": "def1", "e": "def2"}},
		{"q vars", q.Vars, map[string]any{"f": "file"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
