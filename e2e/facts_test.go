//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"play/lab/labtest"
)

// factsVolatile change between two gatherings a second apart; they are compared by presence.
var factsVolatile = map[string]bool{
	"date_time": true, "memfree_mb": true, "memory_mb": true, "uptime_seconds": true, "loadavg": true,
	"env": true, // SSH_CLIENT's port, SSH_TTY
	// deliberate: play reports /etc/debian_version's point release (12.15); ansible-core says 12 or
	// 12.15 depending on whether python3-distro is installed on the target
	"distribution_version": true, "distribution_minor_version": true,
}

// factsAnsibleOnly are facts play leaves out: the per-device sysfs walk would fork per device;
// the interpreter is Ansible's own.
var factsAnsibleOnly = map[string]bool{"devices": true, "device_links": true, "discovered_interpreter_python": true}

// TestFactsMatchAnsible gathers facts on one fresh lab host with ansible-playbook and with play
// and compares every fact: the same names, the same values but for volatile ones.
func TestFactsMatchAnsible(t *testing.T) {
	if ansible {
		t.Skip("compares play with ansible-playbook")
	}
	l := labtest.Up(t, "fact1")
	if _, err := l.Exec("fact1", "mkdir -p /etc/ansible/facts.d && printf '[app]\\nPort = 80\\n' > /etc/ansible/facts.d/app.fact && "+
		"printf '#!/bin/sh\\necho {\\\\\"n\\\\\": 1}\\n' > /etc/ansible/facts.d/run.fact && chmod +x /etc/ansible/facts.d/run.fact"); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	site := playbook(t, `
- hosts: all
  gather_facts: true
  tasks:
    - delegate_to: localhost
      copy:
        content: "{{ ansible_facts | to_nice_json }}"
        dest: "`+out+`/{{ runner }}.json"
`, nil)
	gathered := map[string]map[string]any{}
	for runner, bin := range map[string]string{"ansible": "ansible-playbook", "play": playBin} {
		r, err := runBin(bin, t.TempDir(), nil, "-i", l.Inventory, site, "-e", "runner="+runner)
		if err != nil || r.code != 0 {
			t.Fatalf("%s: exit %d, %v\n%s", bin, r.code, err, r.out)
		}
		data, err := os.ReadFile(filepath.Join(out, runner+".json"))
		if err != nil {
			t.Fatal(err)
		}
		facts := map[string]any{}
		if err := json.Unmarshal(data, &facts); err != nil {
			t.Fatal(err)
		}
		gathered[runner] = facts
	}
	want, got := gathered["ansible"], gathered["play"]
	for name, w := range want {
		g, ok := got[name]
		switch {
		case factsAnsibleOnly[name]:
		case !ok:
			t.Errorf("play lacks %s (ansible: %.200v)", name, w)
		case factsVolatile[name]:
		case !reflect.DeepEqual(comparable(name, g), comparable(name, w)):
			t.Errorf("%s:\n play    %.400v\n ansible %.400v", name, comparable(name, g), comparable(name, w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("play has %s, ansible does not", name)
		}
	}
	if local := fmt.Sprint(got["ansible_local"]); local != "map[app:map[app:map[port:80]] run:map[n:1]]" {
		t.Errorf("ansible_local = %s", local)
	}
}

// comparable drops what legitimately differs between two gatherings: free space and inodes of
// mounts, the order of Ansible's sets and of directory listings.
func comparable(name string, v any) any {
	switch name {
	case "mounts":
		byMount := map[string]any{}
		for _, m := range v.([]any) {
			m := m.(map[string]any)
			kept := map[string]any{}
			for k, x := range m {
				if !strings.HasSuffix(k, "_available") && !strings.HasSuffix(k, "_used") {
					kept[k] = x
				}
			}
			byMount[m["mount"].(string)] = kept
		}
		return byMount
	case "virtualization_tech_guest", "virtualization_tech_host", "interfaces":
		// Sets in Ansible; interfaces comes in /sys/class/net's directory
		// order, which is not stable across hosts.
		var s []string
		for _, x := range v.([]any) {
			s = append(s, x.(string))
		}
		sort.Strings(s)
		return s
	}
	return v
}
