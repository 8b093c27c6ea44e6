package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"play/modules"
)

// The deploy workload: ten tasks typical of a deploy, each written once as a
// playbook task (play, ansible-playbook) and once as the shell step the
// floors run. Every host works in its own directory, {{ work }}.
const (
	deployTasks   = 10
	freshChanged  = 8 // all but the two commands with changed_when: false
	version       = "1.4.2\n"
	envLine       = "APP_ENV=prod"
	staleContent  = "left by an older release\n"
	payloadSize   = 4096
	templateLines = "# managed by bench\nname = %s\nport = 8080\n"
)

const deployPlaybook = `- hosts: all
  gather_facts: false
  vars:
    work: "{{ bench_root }}/{{ inventory_hostname }}/work"
  tasks:
    - name: app directory
      file: {path: "{{ work }}/app", state: directory, mode: "0755"}
    - name: payload
      copy: {src: payload.bin, dest: "{{ work }}/app/payload.bin", mode: "0640"}
    - name: config
      template: {src: app.conf.j2, dest: "{{ work }}/app/app.conf", mode: "0644"}
    - name: environment
      lineinfile: {path: "{{ work }}/app/env", line: "` + envLine + `", create: true}
    - name: read config
      command: cat {{ work }}/app/app.conf
      changed_when: false
    - name: who am I
      command: id -un
      changed_when: false
    - name: environment mode
      file: {path: "{{ work }}/app/env", mode: "0600"}
    - name: current link
      file: {src: "{{ work }}/app/app.conf", dest: "{{ work }}/current.conf", state: link}
    - name: stale file
      file: {path: "{{ work }}/stale.txt", state: absent}
    - name: version
      copy: {content: "1.4.2\n", dest: "{{ work }}/app/VERSION", mode: "0644"}
`

// step is one task as a shell command with its standard input: what the
// floors send in one SSH session each.
type step struct {
	Script string `json:"script"`
	Stdin  []byte `json:"stdin,omitempty"`
}

// payload is the 4 KB file the copy task transfers: the same bytes every run.
func payload() []byte {
	b := make([]byte, payloadSize)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func appConf(host string) string { return fmt.Sprintf(templateLines, host) }

// deploySteps are the deploy workload's tasks for one host as shell steps,
// in the playbook's order.
func deploySteps(host, work string) []step {
	q := func(rel string) string { return modules.Quote(filepath.Join(work, rel)) }
	return []step{
		{Script: "mkdir -p " + q("app") + " && chmod 0755 " + q("app")},
		{Script: "cat > " + q("app/payload.bin") + " && chmod 0640 " + q("app/payload.bin"), Stdin: payload()},
		{Script: "cat > " + q("app/app.conf") + " && chmod 0644 " + q("app/app.conf"), Stdin: []byte(appConf(host))},
		{Script: "grep -qxF " + envLine + " " + q("app/env") + " 2>/dev/null || echo " + envLine + " >> " + q("app/env")},
		{Script: "cat " + q("app/app.conf")},
		{Script: "id -un"},
		{Script: "chmod 0600 " + q("app/env")},
		{Script: "ln -sfn " + q("app/app.conf") + " " + q("current.conf")},
		{Script: "rm -f " + q("stale.txt")},
		{Script: "printf '1.4.2\\n' > " + q("app/VERSION") + " && chmod 0644 " + q("app/VERSION")},
	}
}

// trivialSteps and trivialPlaybook are the per-task overhead workload: k
// tasks that do nothing.
func trivialSteps(k int) []step {
	steps := make([]step, k)
	for i := range steps {
		steps[i] = step{Script: "true"}
	}
	return steps
}

func trivialPlaybook(k int) string {
	var b strings.Builder
	b.WriteString("- hosts: all\n  gather_facts: false\n  tasks:\n")
	for range k {
		b.WriteString("    - command: \"true\"\n")
	}
	return b.String()
}

// writeDeploy writes the deploy playbook with its file and template into dir
// and returns the playbook's path.
func writeDeploy(dir string) (string, error) {
	files := map[string][]byte{
		"deploy.yml":            []byte(deployPlaybook),
		"files/payload.bin":     payload(),
		"templates/app.conf.j2": []byte(fmt.Sprintf(templateLines, "{{ inventory_hostname }}")),
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "deploy.yml"), nil
}

// resetWork makes work a fresh host's directory: empty but for a stale file
// that the deploy removes.
func resetWork(work string) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.Mkdir(work, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(work, "stale.txt"), []byte(staleContent), 0o644)
}

// manifest lists a directory tree, one line per entry: path, type and
// permissions, then the SHA-256 of a file or the target of a link. The
// hosts are on this machine, so the harness reads their end state directly.
func manifest(root string) (string, error) {
	var lines []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		line := rel + " " + info.Mode().String()
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			line += " -> " + target
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n"), err
}

// wantManifest is the manifest of a host's work directory after the deploy.
func wantManifest(host, work string) string {
	sum := func(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }
	lines := []string{
		". drwxr-xr-x",
		"app drwxr-xr-x",
		"app/VERSION -rw-r--r-- " + sum([]byte(version)),
		"app/app.conf -rw-r--r-- " + sum([]byte(appConf(host))),
		"app/env -rw------- " + sum([]byte(envLine+"\n")),
		"app/payload.bin -rw-r----- " + sum(payload()),
		"current.conf Lrwxrwxrwx -> " + filepath.Join(work, "app/app.conf"),
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// checkDeployed says how a host's work directory differs from the deploy's
// end state, or returns nil.
func checkDeployed(host, work string) error {
	got, err := manifest(work)
	if err != nil {
		return err
	}
	if want := wantManifest(host, work); got != want {
		return fmt.Errorf("%s: end state differs from the deploy's:\n got:\n%s\nwant:\n%s", host, got, want)
	}
	return nil
}
