package connection

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
)

// A cancelled command is signalled twice: by the SSH signal request, and by
// `kill` on its process group from a second session. sshd runs each session
// in a new session and process group (setsid), but honours signal requests
// only for non-root logins (privilege separation): for root it refuses them,
// and a `sleep 60` would outlive the run. The command line first prints the
// group's id (its shell's pid) on stderr, which groupLeader takes out again.

// groupMarker starts the line a command prints first: "play-pgid:1234".
const groupMarker = "play-pgid:"

// withGroupID prefixes line with the print of its process group id.
func withGroupID(line string) string { return "echo " + groupMarker + "$$ >&2; " + line }

// groupLeader is the command's stderr: it takes the group id line out of
// the first bytes and passes the rest on.
type groupLeader struct {
	w    io.Writer
	mu   sync.Mutex
	head []byte // the first line, until complete
	seen bool   // the first line was handled
	pgid int
}

func (g *groupLeader) Write(p []byte) (int, error) {
	g.mu.Lock()
	if g.seen {
		g.mu.Unlock()
		return g.w.Write(p)
	}
	g.head = append(g.head, p...)
	line, rest, complete := bytes.Cut(g.head, []byte("\n"))
	if !complete {
		g.mu.Unlock()
		return len(p), nil
	}
	g.seen = true
	if id, ok := bytes.CutPrefix(line, []byte(groupMarker)); ok {
		g.pgid, _ = strconv.Atoi(string(id))
	} else {
		rest = g.head // not ours: pass everything on
	}
	g.head = nil
	g.mu.Unlock()
	if len(rest) > 0 {
		if _, err := g.w.Write(rest); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// id is the command's process group, 0 until known.
func (g *groupLeader) id() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pgid
}

// signalGroup sends sig to process group pgid from a new session, as the
// login user: root logins reach everything; for other users sshd's signal
// request works, and sudo relays what it receives to the command it runs.
// It gives up after termGrace (the host may be gone).
func (c *sshConn) signalGroup(pgid int, sig ssh.Signal) {
	if pgid <= 1 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), termGrace)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case c.sessions <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-c.sessions }()
		s, err := c.newSession()
		if err != nil {
			return
		}
		defer s.Close()
		_ = s.Run("kill -s " + string(sig) + " -- -" + strconv.Itoa(pgid) + " 2>/dev/null")
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
