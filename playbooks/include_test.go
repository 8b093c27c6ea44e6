package playbooks

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The deprecated include: Ansible 2.14 reads it as import_tasks when the file
// name is plain, it has no loop and it is not in a file included at run time;
// otherwise it stays a run-time include (named "include" in the output).
func TestDeprecatedInclude(t *testing.T) {
	const setup = "- name: one\n  debug: msg=one\n"
	tests := []struct {
		name, task string
		dynamic    bool     // in a file include_tasks reads at run time
		modules    []string // of the resulting tasks
		tags       []string // of the first one
	}{
		{"plain name is an import", "- include: setup.yml\n  tags: packages", false, []string{"debug"}, []string{"packages"}},
		{"FQCN plain name", "- ansible.builtin.include: setup.yml", false, []string{"debug"}, nil},
		{"template is read at run time", "- include: '{{ which }}.yml'", false, []string{"include"}, nil},
		{"loop is read at run time", "- include: setup.yml\n  loop: [1, 2]", false, []string{"include"}, nil},
		{"inside a run-time include", "- include: setup.yml", true, []string{"include"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tasks []*Task
			if tt.dynamic {
				dir := writeFiles(t, map[string]string{"setup.yml": setup, "inc.yml": tt.task + "\n"})
				file, err := ParseTasksFile(filepath.Join(dir, "inc.yml"), "", nil)
				if err != nil {
					t.Fatal(err)
				}
				tasks = file.Tasks
			} else {
				site := "- hosts: all\n  tasks:\n    " + strings.ReplaceAll(tt.task, "\n", "\n    ") + "\n"
				tasks = loadPlaybook(t, map[string]string{"setup.yml": setup, "site.yml": site}).Plays[0].Tasks
			}
			var modules []string
			for _, task := range tasks {
				modules = append(modules, shortName(task.Module))
			}
			if !reflect.DeepEqual(modules, tt.modules) || !reflect.DeepEqual(tasks[0].Tags, tt.tags) {
				t.Fatalf("modules %v tags %v, want %v %v", modules, tasks[0].Tags, tt.modules, tt.tags)
			}
		})
	}
}
