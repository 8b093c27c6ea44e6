package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"play/internal/sshtest"
)

// Twenty-two real sshd hosts with more forks than hosts, under -race: every
// host gets its results, and no output line is ever two lines run together.
func TestManyHostsConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 22 sshd daemons")
	}
	const n = 22
	l, err := sshtest.Start(n)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := t.TempDir()
	inv := filepath.Join(dir, "hosts.yml")
	if err := l.WriteInventory(inv, nil); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	pb := filepath.Join(dir, "many.yml")
	writeFile(t, pb, `- hosts: all
  gather_facts: true
  tasks:
    - file: path=`+work+`/{{ inventory_hostname }} state=directory
    - copy: content="{{ inventory_hostname }}\n" dest=`+work+`/{{ inventory_hostname }}/name
    - command: cat `+work+`/{{ inventory_hostname }}/name
      register: out
      changed_when: false
    - assert:
        that: out.stdout == inventory_hostname
        quiet: true
    - debug: msg="{{ item }}"
      loop: [1, 2, 3]
`)
	res := play(t, "-i", inv, pb, "-f", "30")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	rc := recap(t, res.stdout)
	if len(rc) != n {
		t.Fatalf("recap has %d hosts, want %d", len(rc), n)
	}
	for host, c := range rc {
		if c != [7]int{6, 2, 0, 0, 0, 0, 0} {
			t.Errorf("%s: %v", host, c)
		}
		if got, _ := os.ReadFile(filepath.Join(work, host, "name")); string(got) != host+"\n" {
			t.Errorf("%s wrote %q", host, got)
		}
	}
	line := regexp.MustCompile(`^(|PLAY \[.*|TASK \[.*|PLAY RECAP \*+|(ok|changed): \[h\d+\]( => \(item=\d\))?( => \{)?|    "msg": (\d|"All assertions passed")|\}|h\d+\s+: ok=.*)$`)
	for _, l := range strings.Split(res.stdout, "\n") {
		if !line.MatchString(l) {
			t.Errorf("unexpected or interleaved output line: %q", l)
		}
	}
	if strings.Count(res.stdout, "ok: [") != n*6 { // facts, command, assert, 3 items
		t.Errorf("ok lines: %d", strings.Count(res.stdout, "ok: ["))
	}
}
