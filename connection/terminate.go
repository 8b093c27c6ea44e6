package connection

import "time"

// termGrace is how long a cancelled command has between TERM and KILL:
// time for a write to remove its temporary file (KILL cannot be trapped).
const termGrace = time.Second

// terminate stops a cancelled command: it sends TERM, then KILL if exited
// is not closed within termGrace.
func terminate(exited <-chan struct{}, signal func(kill bool)) {
	signal(false)
	t := time.NewTimer(termGrace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		signal(true)
	}
}
