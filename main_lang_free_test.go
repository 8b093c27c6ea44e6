package main

import (
	"strings"
	"testing"
)

// Under free with fewer forks than hosts, a host runs its next task as soon
// as a fork is free (b's first task runs before a's second, which needs
// it), forks going round the hosts; ansible_play_batch is the batch, not
// the one host. Output as ansible-playbook 2.14 -f 1 prints it.
func TestFreeStrategyForksAndBatch(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/free_forks", map[string]string{"hosts": sshHosts("a", "b", "c")})
	wantOutput(t, playIn(t, dir), 0, `
PLAY [all] *********************************************************************

TASK [first] *******************************************************************
changed: [a]
changed: [b]

TASK [second] ******************************************************************
changed: [a]
changed: [b]

TASK [batch] *******************************************************************
ok: [a] => {
    "msg": "['a', 'b'] ['a', 'b', 'c']"
}
ok: [b] => {
    "msg": "['a', 'b'] ['a', 'b', 'c']"
}

PLAY [all] *********************************************************************

TASK [first] *******************************************************************
changed: [c]

TASK [second] ******************************************************************
changed: [c]

TASK [batch] *******************************************************************
ok: [c] => {
    "msg": "['c'] ['a', 'b', 'c']"
}
`)
}

// meta: end_play under free ends the play for every host (the next play
// runs); run_once, any_errors_fatal and max_fail_percentage are not
// honoured under free, with ansible-playbook 2.14's warnings (printed once;
// Ansible prints them on stderr).
func TestFreeStrategyEndPlayAndWarnings(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/free_end_play", map[string]string{"hosts": sshHosts("a", "b", "c")})
	res := playIn(t, dir)
	wantOutput(t, res, 2, `
PLAY [all] *********************************************************************

TASK [command] *****************************************************************
changed: [a]
changed: [b]
changed: [c]

PLAY [all] *********************************************************************
[WARNING]: Using max_fail_percentage with the free strategy is not supported, as tasks are executed independently on each host
[WARNING]: Using any_errors_fatal with the free strategy is not supported, as tasks are executed independently on each host

TASK [command] *****************************************************************
fatal: [a]: FAILED!`, `
changed: [b]
changed: [c]
[WARNING]: Using run_once with the free strategy is not currently supported. This task will still be executed for every host in the inventory list.
`, `"msg": "second b"`, `"msg": "second c"`)
	if strings.Contains(res.stdout, "after ") || strings.Count(res.stdout, "[WARNING]") != 3 {
		t.Errorf("a host ran on after end_play, or warnings repeat:\n%s", res.stdout)
	}
	if got := recap(t, res.stdout); got["a"] != [7]int{1, 1, 0, 1, 0, 0, 0} || got["b"] != [7]int{4, 2, 0, 0, 0, 0, 0} {
		t.Errorf("recap %v", got)
	}
}
