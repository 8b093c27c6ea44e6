package connection

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// starter runs one command line with /bin/sh -c on the host and waits for
// it: the transport's half of Exec. rc is the exit status; a command killed
// by signal n gives 128+n, as a shell reports it.
type starter func(ctx context.Context, line string, stdin io.Reader, stdout, stderr io.Writer) (rc int, err error)

// BecomeError says become (sudo or su) could not switch to the user, e.g.
// "Incorrect sudo password". The command did not run.
type BecomeError struct {
	Method string
	User   string
	Msg    string
}

func (e *BecomeError) Error() string { return e.Msg }

// run is Exec for every transport: stream with the output collected.
func run(ctx context.Context, start starter, cmd Command, loginUser string) (res Result, err error) {
	began := time.Now()
	defer func() { res.Start, res.End = began, time.Now() }()
	var stdout, stderr bytes.Buffer
	rc, err := stream(ctx, start, cmd, loginUser, bytes.NewReader(cmd.Stdin), &stdout, &stderr)
	if err != nil {
		return Result{}, err
	}
	return Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), RC: rc}, nil
}

// stream runs cmd with its streams connected (cmd.Stdin is not used): it
// exports Env, wraps Become around the script and, for sudo with a
// password, answers sudo's prompt.
func stream(ctx context.Context, start starter, cmd Command, loginUser string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	script, err := withEnv(cmd.Script, cmd.Env)
	if err != nil {
		return -1, err
	}
	b, err := newBecome(cmd.Become, loginUser)
	if err != nil {
		return -1, err
	}
	if b == nil {
		return start(ctx, script, stdin, stdout, stderr)
	}
	if b.password != "" {
		return b.runWithPassword(ctx, start, script, stdin, stdout, stderr)
	}
	head := &headWriter{w: stderr, keep: len(noPassword)}
	rc, err := start(ctx, b.wrap(script), stdin, stdout, head)
	if err == nil && rc != 0 && bytes.HasPrefix(head.head, []byte(noPassword)) {
		return rc, &BecomeError{Method: b.method, User: b.user,
			Msg: "Missing sudo password (sudo to " + b.user + " needs one: set ansible_become_password or use --ask-become-pass)"}
	}
	return rc, err
}

// noPassword starts sudo -n's complaint when the user needs a password.
const noPassword = "sudo: a password is required"

// headWriter passes writes to w and keeps the first keep bytes.
type headWriter struct {
	w    io.Writer
	keep int
	head []byte
}

func (h *headWriter) Write(p []byte) (int, error) {
	if n := min(h.keep-len(h.head), len(p)); n > 0 {
		h.head = append(h.head, p[:n]...)
	}
	return h.w.Write(p)
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// withEnv prefixes script with an export of each variable, in name order.
func withEnv(script string, env map[string]string) (string, error) {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !envName.MatchString(k) {
			return "", fmt.Errorf("environment variable name %q is not valid: use letters, digits and _, not starting with a digit", k)
		}
		b.WriteString("export " + k + "=" + Quote(env[k]) + "\n")
	}
	return b.String() + script, nil
}

// become is a resolved Become: how to wrap a script to run as user.
type become struct {
	method, user, flags, password string
	prompt, marker                string // sudo with a password only
}

// newBecome resolves b; nil means run the script as it is (no become, or
// becoming the user we log in as).
func newBecome(b *Become, loginUser string) (*become, error) {
	if b == nil {
		return nil, nil
	}
	r := &become{method: b.Method, user: b.User, flags: b.Flags, password: b.Password}
	if r.method == "" {
		r.method = "sudo"
	}
	if r.user == "" {
		r.user = "root"
	}
	switch {
	case r.user == loginUser:
		return nil, nil
	case r.method == "su" && r.password != "":
		return nil, &BecomeError{Method: "su", User: r.user,
			Msg: "become_method su with a password is not supported: use become_method sudo, or su from root (passwordless)"}
	case r.method == "sudo" && r.password != "":
		nonce := make([]byte, 12)
		_, _ = rand.Read(nonce)
		r.prompt = fmt.Sprintf("[sudo via play, key=%x] password:", nonce)
		r.marker = fmt.Sprintf("PLAY-BECOME-SUCCESS-%x", nonce)
	case r.method != "sudo" && r.method != "su":
		return nil, &BecomeError{Method: r.method, User: r.user,
			Msg: fmt.Sprintf("become_method %q is not supported: use sudo or su", r.method)}
	}
	return r, nil
}

// wrap returns the command line that runs script as b.user.
func (b *become) wrap(script string) string {
	if b.method == "su" {
		return "su " + b.flags + " -s /bin/sh " + Quote(b.user) + " -c " + Quote(script)
	}
	flags := b.flags
	if flags == "" {
		flags = "-H -S -n"
	}
	if b.password == "" {
		return "sudo " + flags + " -u " + Quote(b.user) + " /bin/sh -c " + Quote(script)
	}
	// sudo must prompt (-k, no -n) so the password is read by sudo, never by
	// the command; the marker on stderr says sudo let us in.
	words := slices.DeleteFunc(strings.Fields(flags), func(w string) bool { return w == "-n" })
	script = "echo " + b.marker + " >&2; " + script
	return "sudo -k " + strings.Join(words, " ") + " -p " + Quote(b.prompt) + " -u " + Quote(b.user) + " /bin/sh -c " + Quote(script)
}

// runWithPassword runs script under sudo, writing the password when sudo
// prompts for it and the command's stdin only once sudo has let us in. A
// second prompt means the password was wrong: the command is stopped at once
// rather than left feeding the rest of stdin to sudo.
func (b *become) runWithPassword(ctx context.Context, start starter, script string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &sudoWatch{become: b, wrong: cancel, prompted: make(chan struct{}), admitted: make(chan struct{}), after: stderr}
	in, feed := io.Pipe()
	go func() {
		select {
		case <-w.prompted:
			if _, err := io.WriteString(feed, b.password+"\n"); err != nil {
				return
			}
		case <-w.admitted:
		case <-ctx.Done():
			return
		}
		select {
		case <-w.admitted:
			_, _ = io.Copy(feed, stdin)
			feed.Close()
		case <-ctx.Done():
		}
	}()
	rc, err := start(ctx, b.wrap(script), in, stdout, w)
	feed.Close() // ends the feeder and the transport's stdin copy
	if w.finish(stderr) {
		return -1, &BecomeError{Method: "sudo", User: b.user, Msg: "Incorrect sudo password"}
	}
	return rc, err
}

// sudoWatch is the command's stderr while sudo may be prompting: it spots
// the prompt, the marker and failures, and passes the command's own stderr
// (what follows the marker) on to after, free of sudo's prompt.
type sudoWatch struct {
	*become
	wrong              func()        // called once on a wrong password
	prompted, admitted chan struct{} // closed on the first prompt / the marker
	after              io.Writer

	mu                     sync.Mutex
	before                 bytes.Buffer
	sawPrompt, in, refused bool
}

func (w *sudoWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.in {
		return w.after.Write(p)
	}
	w.before.Write(p)
	seen := w.before.Bytes()
	if i := bytes.Index(seen, []byte(w.marker+"\n")); i >= 0 {
		w.in = true
		close(w.admitted)
		if _, err := w.after.Write(seen[i+len(w.marker)+1:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	prompts := bytes.Count(seen, []byte(w.prompt))
	if prompts >= 1 && !w.sawPrompt {
		w.sawPrompt = true
		close(w.prompted)
	}
	if (prompts >= 2 || bytes.Contains(seen, []byte("Sorry, try again."))) && !w.refused {
		w.refused = true
		w.wrong()
	}
	return len(p), nil
}

// finish passes sudo's own messages, without its prompt, to stderr if sudo
// did not let us in, and says whether the password was wrong.
func (w *sudoWatch) finish(stderr io.Writer) (wrong bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.in && !w.refused {
		_, _ = stderr.Write(bytes.ReplaceAll(w.before.Bytes(), []byte(w.prompt), nil))
	}
	return w.refused
}
