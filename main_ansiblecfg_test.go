package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Everything about the connection comes from ansible.cfg, or from the
// matching ANSIBLE_* variables: the inventory (hosts without key or
// known_hosts), forks, remote_user, private_key_file (relative to the
// file), host_key_checking, become, become_user, become_method, timeout,
// stdout_callback = json and retry_files_enabled. The results and stats are
// those ansible-playbook 2.14 printed for the same files over the same sshd.
func TestAnsibleConfigSettings(t *testing.T) {
	settings := []struct {
		env, section, key, value string
		path                     bool // relative to ansible.cfg's directory or to the working one
	}{
		{"ANSIBLE_INVENTORY", "defaults", "inventory", "hosts", true},
		{"ANSIBLE_FORKS", "defaults", "forks", "1", false},
		{"ANSIBLE_REMOTE_USER", "defaults", "remote_user", "root", false},
		{"ANSIBLE_PRIVATE_KEY_FILE", "defaults", "private_key_file", "id_key", true},
		{"ANSIBLE_HOST_KEY_CHECKING", "defaults", "host_key_checking", "False", false},
		{"ANSIBLE_TIMEOUT", "defaults", "timeout", "5", false},
		{"ANSIBLE_STDOUT_CALLBACK", "defaults", "stdout_callback", "json", false},
		{"ANSIBLE_RETRY_FILES_ENABLED", "defaults", "retry_files_enabled", "yes", false},
		{"ANSIBLE_BECOME", "privilege_escalation", "become", "True", false},
		{"ANSIBLE_BECOME_USER", "privilege_escalation", "become_user", "nobody", false},
		{"ANSIBLE_BECOME_METHOD", "privilege_escalation", "become_method", "sudo", false},
	}
	key, err := os.ReadFile(lab.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	pbSource, err := os.ReadFile("testdata/lang/cfg/site.yml")
	if err != nil {
		t.Fatal(err)
	}
	// project is a directory with the playbook, the inventory and the key;
	// the test runs from elsewhere, so relative paths must be resolved.
	project := func(t *testing.T) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "site.yml"), string(pbSource))
		var hosts strings.Builder
		for i, name := range []string{"a", "b"} {
			fmt.Fprintf(&hosts, "%s ansible_host=%s ansible_port=%d\n", name, lab.Servers[i].Addr, lab.Servers[i].Port)
		}
		writeFile(t, filepath.Join(dir, "hosts"), hosts.String())
		if err := os.WriteFile(filepath.Join(dir, "id_key"), key, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, source := range []string{"ansible.cfg", "environment"} {
		t.Run(source, func(t *testing.T) {
			dir := project(t)
			var cfg strings.Builder
			section := ""
			for _, s := range settings {
				value := s.value
				if source == "environment" {
					if s.path {
						value = filepath.Join(dir, value)
					}
					t.Setenv(s.env, value)
					continue
				}
				if s.section != section {
					section = s.section
					fmt.Fprintf(&cfg, "[%s]\n", section)
				}
				fmt.Fprintf(&cfg, "%s = %s\n", s.key, value)
			}
			if source == "ansible.cfg" {
				writeFile(t, filepath.Join(dir, "ansible.cfg"), cfg.String())
				t.Setenv("ANSIBLE_CONFIG", filepath.Join(dir, "ansible.cfg"))
			}
			res := play(t, filepath.Join(dir, "site.yml"))
			if res.code != 2 {
				t.Fatalf("exit %d, want 2 (b fails)\n%s%s", res.code, res.stdout, res.stderr)
			}
			var doc struct {
				Plays []struct {
					Tasks []struct {
						Hosts map[string]map[string]any
					}
				}
				Stats map[string]map[string]int
			}
			if err := json.Unmarshal([]byte(res.stdout[strings.Index(res.stdout, "{"):]), &doc); err != nil {
				t.Fatalf("stdout_callback = json: %v\n%s", err, res.stdout)
			}
			for _, host := range []string{"a", "b"} {
				if got := doc.Plays[0].Tasks[0].Hosts[host]["stdout"]; got != "nobody" {
					t.Errorf("%s: id -un = %v, want nobody (become, become_user)", host, got)
				}
			}
			wantStats := map[string]map[string]int{
				"a": {"changed": 0, "failures": 0, "ignored": 0, "ok": 2, "rescued": 0, "skipped": 1, "unreachable": 0},
				"b": {"changed": 0, "failures": 1, "ignored": 0, "ok": 2, "rescued": 0, "skipped": 0, "unreachable": 0},
			}
			if fmt.Sprint(doc.Stats) != fmt.Sprint(wantStats) {
				t.Errorf("stats %v, want %v", doc.Stats, wantStats)
			}
			if retry, err := os.ReadFile(filepath.Join(dir, "site.retry")); err != nil || string(retry) != "b\n" {
				t.Errorf("site.retry = %q, %v; want b", retry, err)
			}
		})
	}
}
