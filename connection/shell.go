package connection

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Shell runs the scripts of one task (a module's probes, then its steps)
// in one session: after a script the session's shell stays, reading the
// next script from its stdin, so a changed task costs one session, not a
// probe session and an apply session. Each script runs in a subshell
// (`exit`, traps, `cd` and `set` stay its own) with its own exit status,
// stdout and stderr, framed by a random marker; a script without stdin
// data gets /dev/null. A script with stdin data reads the rest of the
// session's stdin, which ends after the data: it is the session's last,
// and a later script opens a new session. Scripts run in order, one at a
// time.
type Shell struct {
	conn   Conn
	env    map[string]string
	become *Become

	mu   sync.Mutex
	held *heldShell // the session kept open after the last script, if any
}

// NewShell returns a Shell running its scripts on conn with env and become.
func NewShell(conn Conn, env map[string]string, become *Become) *Shell {
	return &Shell{conn: conn, env: env, become: become}
}

// Run runs script and keeps the session for the scripts that follow.
func (s *Shell) Run(ctx context.Context, script string, stdin []byte) (Result, error) {
	return s.run(ctx, script, stdin, false)
}

// RunLast runs the last script: no session is kept for more.
func (s *Shell) RunLast(ctx context.Context, script string, stdin []byte) (Result, error) {
	return s.run(ctx, script, stdin, true)
}

// Close ends the kept session (it reads the end of its stdin and exits)
// without waiting for it.
func (s *Shell) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		s.held.stdin.Close()
		s.held = nil
	}
}

func (s *Shell) run(ctx context.Context, script string, stdin []byte, last bool) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	final := last || len(stdin) > 0
	if h := s.held; h != nil && !h.hasEnded() {
		res, err := h.run(ctx, script, stdin, final)
		if final || err != nil || ctx.Err() != nil || h.hasEnded() {
			s.held = nil
		}
		return res, err
	}
	s.held = nil
	streamer, ok := s.conn.(Streamer)
	if !ok || final {
		return s.conn.Exec(ctx, Command{Script: script, Stdin: stdin, Env: s.env, Become: s.become})
	}
	h := startShell(ctx, streamer, Command{Script: script, Env: s.env, Become: s.become})
	res, err := h.wait(ctx, time.Now())
	if err == nil && ctx.Err() == nil && !h.hasEnded() {
		s.held = h
	}
	return res, err
}

// heldShell is one session whose shell reads scripts from its stdin.
type heldShell struct {
	mark      string
	stdin     *io.PipeWriter
	out, errs *frames
	notify    chan struct{}           // a frame arrived
	cancel    context.CancelCauseFunc // stops the session (a Run's ctx ended)
	ended     chan struct{}           // closed when the session has ended, with rc and err set
	rc        int
	err       error
}

// errShellEnded is what a write to an ended session's stdin returns.
var errShellEnded = errors.New("the session has ended")

// startShell starts a session running cmd's script first, then the
// scripts it reads. The session outlives ctx's cancellation (only a Run
// waiting on it stops it), not its values.
func startShell(ctx context.Context, conn Streamer, cmd Command) *heldShell {
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	h := &heldShell{mark: "play-end-" + hex.EncodeToString(nonce), notify: make(chan struct{}, 1), ended: make(chan struct{})}
	h.out, h.errs = &frames{mark: []byte(h.mark), notify: h.notify}, &frames{mark: []byte(h.mark), notify: h.notify}
	in, stdin := io.Pipe()
	h.stdin = stdin
	sctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	h.cancel = cancel
	cmd.Script = shellLoop(h.mark, cmd.Script)
	go func() {
		h.rc, h.err = conn.Stream(sctx, cmd, in, h.out, h.errs)
		in.CloseWithError(errShellEnded) // unblocks a write in progress
		cancel(nil)
		close(h.ended)
	}()
	return h
}

// shellLoop is the session's script: first runs in a subshell, then each
// script read from stdin up to a line with the marker. "<mark> in" runs
// the script with the rest of stdin (its data) and ends the session; eval
// of a subshell, not a subshell running eval, so that dash execs the
// script's last command in the subshell, as it does for first. After
// each script the marker goes to stdout with the exit status and to stderr.
// The scripts are read by the read builtin, a byte at a time: dash, unlike
// bash, reads ahead when it reads its own script from a pipe, which would
// take the data meant for the commands.
func shellLoop(mark, first string) string {
	return `__play_m=` + mark + `
__play_r() { printf '%s %d\n' "$__play_m" "$1"; printf '%s\n' "$__play_m" >&2; }
(
` + first + `
) </dev/null; __play_r $?
while __play_s=; do
  while IFS= read -r __play_l || exit 0; [ "$__play_l" != "$__play_m" ] && [ "$__play_l" != "$__play_m in" ]; do __play_s="$__play_s$__play_l
"; done
  if [ "$__play_l" = "$__play_m" ]; then eval "(
$__play_s) </dev/null"; __play_r $?; else eval "(
$__play_s)"; __play_r $?; exit; fi
done`
}

func (h *heldShell) hasEnded() bool {
	select {
	case <-h.ended:
		return true
	default:
		return false
	}
}

// run sends script (and, when final, its stdin data, then the end of
// stdin) and waits for its result.
func (h *heldShell) run(ctx context.Context, script string, stdin []byte, final bool) (Result, error) {
	began := time.Now()
	var b bytes.Buffer
	b.WriteString(script)
	if !strings.HasSuffix(script, "\n") {
		b.WriteByte('\n')
	}
	b.WriteString(h.mark)
	if final {
		b.WriteString(" in")
	}
	b.WriteByte('\n')
	b.Write(stdin)
	go func() {
		if _, err := h.stdin.Write(b.Bytes()); err == nil && final {
			h.stdin.Close()
		}
	}()
	return h.wait(ctx, began)
}

// wait returns the next script's result: its frames, or what the session
// left if it ended without them. When ctx ends the session is stopped, but
// a script that still finishes (a connection may give it a grace period)
// returns its result.
func (h *heldShell) wait(ctx context.Context, began time.Time) (Result, error) {
	done := ctx.Done()
	for {
		if h.out.ready() && h.errs.ready() {
			out, tail := h.out.take()
			errs, _ := h.errs.take()
			rc, err := strconv.Atoi(strings.TrimSpace(tail))
			if err != nil {
				rc = -1
			}
			return Result{Stdout: out, Stderr: errs, RC: rc, Start: began, End: time.Now()}, nil
		}
		select {
		case <-h.notify:
		case <-done:
			h.cancel(context.Cause(ctx))
			done = nil
		case <-h.ended:
			if h.out.ready() && h.errs.ready() {
				continue
			}
			switch {
			case ctx.Err() != nil:
				return Result{}, ctx.Err()
			case h.err != nil:
				return Result{}, h.err
			}
			return Result{Stdout: h.out.rest(), Stderr: h.errs.rest(), RC: h.rc, Start: began, End: time.Now()}, nil
		}
	}
}

// frames is one output stream of a held shell, cut at the markers.
type frames struct {
	mark   []byte
	notify chan<- struct{}

	mu      sync.Mutex
	buf     bytes.Buffer
	scanned int // bytes of buf known to hold no marker start
	done    []frame
}

// frame is one script's output and what followed the marker on its line.
type frame struct {
	body []byte
	tail string
}

func (f *frames) Write(p []byte) (int, error) {
	f.mu.Lock()
	f.buf.Write(p)
	found := false
	for {
		seen := f.buf.Bytes()
		i := bytes.Index(seen[f.scanned:], f.mark)
		if i < 0 {
			f.scanned = max(0, len(seen)-len(f.mark)+1)
			break
		}
		i += f.scanned
		nl := bytes.IndexByte(seen[i:], '\n')
		if nl < 0 {
			f.scanned = i
			break
		}
		f.done = append(f.done, frame{body: bytes.Clone(seen[:i]), tail: string(seen[i+len(f.mark) : i+nl])})
		f.buf.Next(i + nl + 1)
		f.scanned = 0
		found = true
	}
	f.mu.Unlock()
	if found {
		select {
		case f.notify <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// take takes the oldest complete frame (ready says there is one).
func (f *frames) take() (body []byte, tail string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fr := f.done[0]
	f.done = f.done[1:]
	return fr.body, fr.tail
}

func (f *frames) ready() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.done) > 0
}

// rest is the output after the last frame.
func (f *frames) rest() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.buf.Bytes())
}
