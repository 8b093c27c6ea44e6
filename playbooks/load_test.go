package playbooks

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// writeFiles writes files (path → content) under a temporary directory and
// returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadPlaybook loads site.yml from files, failing the test on errors.
func loadPlaybook(t *testing.T, files map[string]string) *Playbook {
	t.Helper()
	pb, err := Load(filepath.Join(writeFiles(t, files), "site.yml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return pb
}

// taskView is the part of a Task the parsing tests compare.
type taskView struct {
	Module     string
	Args       map[string]any
	When       []string
	Loop       any
	LoopKind   string
	Tags       []string
	Notify     []string
	Register   string
	DelegateTo string
	Become     any
	Vars       map[string]any
}

func view(t *Task) taskView {
	return taskView{Module: t.Module, Args: t.Args, When: t.When, Loop: t.Loop, LoopKind: t.LoopKind, Tags: t.Tags,
		Notify: t.Notify, Register: t.Register, DelegateTo: t.DelegateTo, Become: t.Become, Vars: t.Vars}
}

func TestTaskForms(t *testing.T) {
	tests := []struct {
		name string
		task string // one task, indented for the tasks: list
		want taskView
	}{
		{"dict args", "copy: {src: a, dest: b}",
			taskView{Module: "copy", Args: map[string]any{"src": "a", "dest": "b"}}},
		{"k=v args with quotes", `copy: src=a dest="b c"`,
			taskView{Module: "copy", Args: map[string]any{"src": "a", "dest": "b c"}}},
		{"free-form command with options", "command: ls -l /tmp chdir=/tmp creates=/x",
			taskView{Module: "command", Args: map[string]any{"_raw_params": "ls -l /tmp", "chdir": "/tmp", "creates": "/x"}}},
		{"shell with jinja spanning spaces", `shell: echo {{ a | default('x y') }} > /tmp/f`,
			taskView{Module: "shell", Args: map[string]any{"_raw_params": "echo {{ a | default('x y') }} > /tmp/f"}}},
		{"k=v jinja value", `debug: msg="{{ a | default('x y') }}"`,
			taskView{Module: "debug", Args: map[string]any{"msg": "{{ a | default('x y') }}"}}},
		{"action string", "action: copy src=a dest=b",
			taskView{Module: "copy", Args: map[string]any{"src": "a", "dest": "b"}}},
		{"action dict", "action: {module: copy, src: a, dest: b}",
			taskView{Module: "copy", Args: map[string]any{"src": "a", "dest": "b"}}},
		{"local_action", "local_action: command echo hi",
			taskView{Module: "command", Args: map[string]any{"_raw_params": "echo hi"}, DelegateTo: "localhost"}},
		{"FQCN", "ansible.builtin.file: path=/tmp/x state=directory",
			taskView{Module: "ansible.builtin.file", Args: map[string]any{"path": "/tmp/x", "state": "directory"}}},
		{"args keyword merged", "command: ls\n  args:\n    chdir: /tmp",
			taskView{Module: "command", Args: map[string]any{"_raw_params": "ls", "chdir": "/tmp"}}},
		{"module args win over args keyword", "copy: src=a dest=b\n  args:\n    dest: c\n    mode: '0600'",
			taskView{Module: "copy", Args: map[string]any{"src": "a", "dest": "b", "mode": "0600"}}},
		{"args from a template", `copy: "{{ copy_args }}"`,
			taskView{Module: "copy", Args: map[string]any{"_variable_params": "{{ copy_args }}"}}},
		{"meta", "meta: flush_handlers",
			taskView{Module: "meta", Args: map[string]any{"_raw_params": "flush_handlers"}}},
		{"include_tasks stored", "include_tasks: other.yml",
			taskView{Module: "include_tasks", Args: map[string]any{"_raw_params": "other.yml"}}},
		{"include_vars stored", "include_vars: {file: vars.yml}",
			taskView{Module: "include_vars", Args: map[string]any{"file": "vars.yml"}}},
		{"when bool", "debug: msg=hi\n  when: false",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, When: []string{"False"}}},
		{"when list", "debug: msg=hi\n  when:\n    - a is defined\n    - b | bool",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, When: []string{"a is defined", "b | bool"}}},
		{"with_items", "debug: msg={{ item }}\n  with_items: [[1, 2], 3]",
			taskView{Module: "debug", Args: map[string]any{"msg": "{{ item }}"}, LoopKind: "with_items", Loop: []any{[]any{1, 2}, 3}}},
		{"loop template", `debug: msg={{ item }}` + "\n  loop: \"{{ things }}\"",
			taskView{Module: "debug", Args: map[string]any{"msg": "{{ item }}"}, LoopKind: "loop", Loop: "{{ things }}"}},
		{"tags string and play tags", "debug: msg=hi\n  tags: 'a, b'",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, Tags: []string{"a", "b", "play"}}},
		{"notify string and register", "debug: msg=hi\n  notify: restart\n  register: out",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, Notify: []string{"restart"}, Register: "out"}},
		{"YAML 1.1 booleans", "debug: msg=hi\n  become: yes\n  vars:\n    a: on\n    b: 'yes'\n    c: No\n    mode: 0644",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, Become: true,
				Vars: map[string]any{"a": true, "b": "yes", "c": false, "mode": 420}}},
		{"template boolean kept", "debug: msg=hi\n  become: '{{ use_sudo }}'",
			taskView{Module: "debug", Args: map[string]any{"msg": "hi"}, Become: "{{ use_sudo }}"}},
		{"unsafe and anchors", "debug:\n    msg: !unsafe '{{ raw }}'\n  vars:\n    base: &b {x: 1}\n    more:\n      <<: *b\n      y: 2",
			taskView{Module: "debug", Args: map[string]any{"msg": "{{ raw }}"},
				Vars: map[string]any{"base": map[string]any{"x": 1}, "more": map[string]any{"x": 1, "y": 2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := loadPlaybook(t, map[string]string{
				"site.yml": "- hosts: all\n  tags: play\n  tasks:\n    - " + strings.ReplaceAll(tt.task, "\n", "\n    ") +
					"\n  handlers:\n    - name: restart\n      debug: msg=x\n",
				"other.yml": "- debug: msg=other\n",
			})
			tasks := pb.Plays[0].Tasks
			if len(tasks) != 1 {
				t.Fatalf("got %d tasks, want 1", len(tasks))
			}
			want := tt.want
			if want.Tags == nil {
				want.Tags = []string{"play"}
			}
			if got := view(tasks[0]); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestPlayKeywords(t *testing.T) {
	pb := loadPlaybook(t, map[string]string{
		"site.yml": `- name: web
  hosts: [web, db]
  gather_facts: no
  become: true
  become_user: app
  serial: 2
  vars_files:
    - vars.yml
    - ["missing-{{ env }}.yml", vars.yml]
  environment: {LANG: C}
  tags: [setup]
  tasks: []
`,
		"vars.yml": "a: 1\n",
	})
	p := pb.Plays[0]
	if p.Name != "web" || p.Hosts != "web,db" || p.GatherFacts == nil || *p.GatherFacts || p.Become != true ||
		p.BecomeUser != "app" || p.Serial != 2 || !reflect.DeepEqual(p.Tags, []string{"setup"}) {
		t.Errorf("play keywords not read: %+v", p)
	}
	wantFiles := []any{"vars.yml", []any{"missing-{{ env }}.yml", "vars.yml"}}
	if !reflect.DeepEqual(p.VarsFiles, wantFiles) {
		t.Errorf("VarsFiles = %#v, want %#v", p.VarsFiles, wantFiles)
	}
	if !reflect.DeepEqual(p.Environment, map[string]any{"LANG": "C"}) {
		t.Errorf("Environment = %#v", p.Environment)
	}
	if p.Dir != pb.Dir || p.Pos.Line != 1 || p.Pos.Col != 3 {
		t.Errorf("Dir %q (playbook %q), Pos %v", p.Dir, pb.Dir, p.Pos)
	}
}

func TestBlocksAndHandlers(t *testing.T) {
	pb := loadPlaybook(t, map[string]string{
		"site.yml": `- hosts: all
  tasks:
    - name: outer
      tags: b
      when: x
      block:
        - command: /bin/true
          notify: topic
      rescue:
        - debug: msg=rescued
      always:
        - debug: msg=always
  handlers:
    - name: first
      debug: msg=first
      listen: topic
    - name: second
      debug: msg=second
      listen: [topic, other]
`,
	})
	p := pb.Plays[0]
	b := p.Tasks[0]
	if !b.IsBlock() || b.Name != "outer" || !reflect.DeepEqual(b.When, []string{"x"}) {
		t.Fatalf("block not read: %+v", b)
	}
	if len(b.Block) != 1 || len(b.Rescue) != 1 || len(b.Always) != 1 {
		t.Fatalf("block sections: %d %d %d", len(b.Block), len(b.Rescue), len(b.Always))
	}
	if c := b.Block[0]; c.Module != "command" || !reflect.DeepEqual(c.Tags, []string{"b"}) || c.When != nil {
		t.Errorf("block child: module %q tags %v when %v (the block's when stays on the block)", c.Module, c.Tags, c.When)
	}
	if len(p.Handlers) != 2 || !reflect.DeepEqual(p.Handlers[1].Listen, []string{"topic", "other"}) {
		t.Errorf("handlers: %+v", p.Handlers)
	}
}

func TestImports(t *testing.T) {
	pb := loadPlaybook(t, map[string]string{
		"site.yml": `- hosts: all
  tasks:
    - debug: msg=before
    - import_tasks: tasks/setup.yml
      when: ready
      tags: setup
      become: true
      vars: {who: import, shared: import}
- import_playbook: plays/more.yml
  when: second
  tags: more
  vars: {level: top}
`,
		"tasks/setup.yml": `- name: one
  debug: msg=one
  when: own
  vars: {shared: task}
- import_tasks: nested.yml
`,
		"tasks/nested.yml": "- name: two\n  command: echo two\n  become: false\n",
		"plays/more.yml": `- hosts: db
  vars: {level: play}
  tasks:
    - import_tasks: ../tasks/nested.yml
`,
	})
	if len(pb.Plays) != 2 {
		t.Fatalf("got %d plays, want 2", len(pb.Plays))
	}
	tasks := pb.Plays[0].Tasks
	if len(tasks) != 3 {
		t.Fatalf("got %d tasks, want 3 (import inlined)", len(tasks))
	}
	one, two := tasks[1], tasks[2]
	if !reflect.DeepEqual(one.When, []string{"ready", "own"}) || !reflect.DeepEqual(one.Tags, []string{"setup"}) ||
		one.Become != true || !reflect.DeepEqual(one.Vars, map[string]any{"who": "import", "shared": "task"}) {
		t.Errorf("imported task one: when %v tags %v become %v vars %v", one.When, one.Tags, one.Become, one.Vars)
	}
	if !reflect.DeepEqual(two.When, []string{"ready"}) || two.Become != false || !strings.HasSuffix(two.Dir, "tasks") {
		t.Errorf("nested import: when %v become %v dir %s", two.When, two.Become, two.Dir)
	}
	if !strings.HasSuffix(two.Pos.File, filepath.Join("tasks", "nested.yml")) || two.Pos.Line != 1 {
		t.Errorf("nested import position %v", two.Pos)
	}
	more := pb.Plays[1]
	if more.Hosts != "db" || !reflect.DeepEqual(more.When, []string{"second"}) || more.Vars["level"] != "play" ||
		!strings.HasSuffix(more.Dir, "plays") || len(more.Tasks) != 1 || !reflect.DeepEqual(more.Tags, []string{"more"}) {
		t.Fatalf("imported play: hosts %q when %v vars %v dir %s tasks %d tags %v", more.Hosts, more.When, more.Vars, more.Dir, len(more.Tasks), more.Tags)
	}
	if !reflect.DeepEqual(more.Tasks[0].Tags, []string{"more"}) {
		t.Errorf("imported play's task tags %v, want the import's", more.Tasks[0].Tags)
	}
}

// Notify entries are checked when a changed task notifies (UnknownHandler),
// as in Ansible: every playbook below loads.
func TestNotify(t *testing.T) {
	tests := []struct {
		name, tasks, handlers, want string // want: UnknownHandler's error for the first notify entry, or ""
	}{
		{"by name", "notify: restart", "- name: restart\n  debug: msg=x", ""},
		{"by listen topic", "notify: [web]", "- name: restart\n  debug: msg=x\n  listen: web", ""},
		{"role form", "notify: 'common : restart'", "- name: restart\n  debug: msg=x", ""},
		{"templated notify", "notify: 'restart {{ svc }}'", "- name: restart\n  debug: msg=x", ""},
		{"templated handler", "notify: restart nginx", "- name: 'restart {{ svc }}'\n  debug: msg=x", ""},
		{"handler notifies handler", "notify: restart", "- name: restart\n  debug: msg=x\n  notify: reload\n- name: reload\n  debug: msg=y", ""},
		{"unknown", "notify: stop", "- name: restart\n  debug: msg=x\n- name: reload\n  debug: msg=y", "site.yml:4:15: The requested handler 'stop' was not found in either the main handlers list nor in the listening handlers list (handlers of this play: restart, reload)"},
		{"typo", "notify: restart ngnix", "- name: restart nginx\n  debug: msg=x", "(did you mean `restart nginx`?)"},
		{"no handlers", "notify: reload", "[]", "(this play has no handlers; add one under handlers: with name: reload)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"site.yml": "- hosts: all\n  tasks:\n    - debug: msg=hi\n      " + tt.tasks +
				"\n  handlers:\n    " + strings.ReplaceAll(tt.handlers, "\n", "\n    ") + "\n"})
			pb, err := Load(filepath.Join(dir, "site.yml"))
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want == "" {
				return
			}
			play := pb.Plays[0]
			task := play.Tasks[0]
			if err := UnknownHandler(task, task.Notify[0], play.Handlers); !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseTasksFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{"tasks.yml": "- debug: msg=a\n- block:\n    - debug: msg=b\n  tags: t\n"})
	file, err := ParseTasksFile(filepath.Join(dir, "tasks.yml"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tasks := file.Tasks; len(tasks) != 2 || tasks[0].Module != "debug" || !reflect.DeepEqual(tasks[1].Block[0].Tags, []string{"t"}) {
		t.Errorf("tasks: %+v", tasks)
	}
	if _, err := ParseTasksFile(filepath.Join(dir, "nope.yml"), "", nil); err == nil || !strings.Contains(err.Error(), "Could not find or access") {
		t.Errorf("missing tasks file: %v", err)
	}
}

// A tasks file read inside a role imports roles found from the playbook's
// directory; they are included by that role and bring their handlers.
func TestParseTasksFileImportsRoles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"tasks/inc.yml":             "- import_role: name=w\n",
		"roles/w/tasks/main.yml":    "- debug: msg=w\n",
		"roles/w/handlers/main.yml": "- name: wh\n  debug: msg=h\n",
	})
	in := &Role{Name: "outer", Path: filepath.Join(dir, "roles/outer")}
	file, err := ParseTasksFile(filepath.Join(dir, "tasks/inc.yml"), dir, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(file.Roles) != 1 || file.Roles[0].Name != "w" || len(file.Handlers) != 1 || file.Handlers[0].Name != "wh" {
		t.Fatalf("roles %+v handlers %+v", file.Roles, file.Handlers)
	}
	if got := file.Roles[0].Includers(); len(got) != 1 || got[0] != in {
		t.Errorf("includers %v, want [outer]", got)
	}
}

func TestReadVarsFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"vars.yml":  "a: 1\nb: yes\nc: [x]\n",
		"vars.json": `{"a": 1, "b": "x"}`,
		"list.yml":  "- a\n",
		"empty.yml": "# no vars yet\n",
	})
	tests := []struct {
		file, want string
		vars       map[string]any
	}{
		{"vars.yml", "", map[string]any{"a": 1, "b": true, "c": []any{"x"}}},
		{"vars.json", "", map[string]any{"a": 1, "b": "x"}},
		{"empty.yml", "", map[string]any{}},
		{"list.yml", "list.yml:1:1: vars for a vars file must be a mapping", nil},
		{"nope.yml", "Could not find or access", nil},
	}
	for _, tt := range tests {
		vars, err := ReadVarsFile(filepath.Join(dir, tt.file))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.file, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.file, err, tt.want)
		case tt.want == "" && !reflect.DeepEqual(vars, tt.vars):
			t.Errorf("%s: %#v, want %#v", tt.file, vars, tt.vars)
		}
	}
}

// TestDuplicateKeysWarn: a repeated key keeps its last value with the
// warning ansible-playbook 2.14 printed for the same file (the position is
// the mapping's).
func TestDuplicateKeysWarn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dup.yml")
	pbText := "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: one\n      name: two\n      debug: {msg: a, msg: b}\n"
	if err := os.WriteFile(path, []byte(pbText), 0o644); err != nil {
		t.Fatal(err)
	}
	pb, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"While constructing a mapping from " + path + ", line 4, column 7, found a duplicate dict key (name). Using last defined value only.",
		"While constructing a mapping from " + path + ", line 6, column 14, found a duplicate dict key (msg). Using last defined value only.",
	}
	if !slices.Equal(pb.Warnings, want) {
		t.Errorf("warnings:\n%q\nwant\n%q", pb.Warnings, want)
	}
	task := pb.Plays[0].Tasks[0]
	if task.Name != "two" || task.Args["msg"] != "b" {
		t.Errorf("name %q, msg %v: want the last values, two and b", task.Name, task.Args["msg"])
	}
}
