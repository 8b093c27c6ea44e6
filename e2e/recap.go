// Package e2e holds play's end-to-end tests: real Debian hosts from the lab (lab/lab), the play
// binary at $PLAY_BIN (built from the repository when unset) or ansible-playbook
// (PLAY_BIN=ansible-playbook) to prove the tests themselves right. The tests carry the build
// tag e2e and need root: run them with `make e2e`.
package e2e

import (
	"regexp"
	"strconv"
)

// Recap is one host's line of the PLAY RECAP.
type Recap struct {
	Ok, Changed, Unreachable, Failed, Skipped, Rescued, Ignored int
}

var recapLine = regexp.MustCompile(`(?m)^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)`)

// ParseRecap reads the PLAY RECAP lines
// "host : ok=N changed=N unreachable=N failed=N skipped=N rescued=N ignored=N" of a run's output.
func ParseRecap(out string) map[string]Recap {
	recaps := map[string]Recap{}
	for _, m := range recapLine.FindAllStringSubmatch(out, -1) {
		n := make([]int, 7)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+2]) // \d+ always converts
		}
		recaps[m[1]] = Recap{Ok: n[0], Changed: n[1], Unreachable: n[2], Failed: n[3], Skipped: n[4], Rescued: n[5], Ignored: n[6]}
	}
	return recaps
}
