package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Under strategy: free, host a runs its whole task list and its handler
// while b still sleeps in the first task; each result comes under its
// task's banner, as ansible-playbook 2.14 prints it (same playbook, -c local).
func TestFreeStrategyHostsDoNotWait(t *testing.T) {
	pb := filepath.Join(projectFrom(t, "testdata/lang/free_wait", nil), "site.yml")
	res := play(t, "-i", sshInventory(t, "a", "b"), pb)
	want := `
PLAY [all] *********************************************************************

TASK [first] *******************************************************************
changed: [a]

TASK [second] ******************************************************************
ok: [a] => {
    "msg": "second a"
}

RUNNING HANDLER [h] ************************************************************
ok: [a] => {
    "msg": "handler"
}

TASK [first] *******************************************************************
changed: [b]

TASK [second] ******************************************************************
ok: [b] => {
    "msg": "second b"
}

RUNNING HANDLER [h] ************************************************************
ok: [b] => {
    "msg": "handler"
}

PLAY RECAP *********************************************************************
`
	if res.code != 0 || !strings.HasPrefix(res.stdout, want) {
		t.Fatalf("exit %d, output:\n%s\nwant it to start with:\n%s", res.code, res.stdout, want)
	}
	for host, counts := range recap(t, res.stdout) {
		if counts != [7]int{3, 1, 0, 0, 0, 0, 0} {
			t.Errorf("recap of %s = %v, want ok=3 changed=1", host, counts)
		}
	}
}

// group_by under free applies right after the host's task: a host that
// is later sees the groups every earlier host made, and the next play sees
// them all. A failed host stops alone.
func TestFreeStrategyInventoryChangesAndFailures(t *testing.T) {
	pb := filepath.Join(projectFrom(t, "testdata/lang/free_inventory", nil), "site.yml")
	// One fork makes the interleaving fixed (a, b, a, b, ...: the hosts take
	// turns at each task) instead of depending on how fast the machine is:
	// b's debug comes after both group_by, in ansible-playbook too.
	res := play(t, "-i", sshInventory(t, "a", "b"), pb, "-f", "1")
	for _, want := range []string{
		"ok: [b] => {\n    \"msg\": \"g_a,g_b\"\n}",
		"fatal: [b]: FAILED! => {\"changed\": false, \"msg\": \"stop\"}",
		"ok: [a] => {\n    \"msg\": \"after\"\n}",
		"ok: [a] => {\n    \"msg\": \"['a'] ['b']\"\n}",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	got := recap(t, res.stdout)
	if got["a"] != [7]int{5, 2, 0, 0, 1, 0, 0} || got["b"] != [7]int{3, 2, 0, 1, 0, 0, 0} || res.code != 2 {
		t.Errorf("exit %d, recap %v", res.code, got)
	}
}
