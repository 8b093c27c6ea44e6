package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// UnreachableError says the host could not be reached: DNS, TCP, timeout,
// authentication or host key failures, or a connection lost mid-run.
type UnreachableError struct {
	Host string // inventory hostname
	Err  error
}

func (e *UnreachableError) Error() string {
	return "Failed to connect to the host via ssh: " + e.Err.Error()
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// maxSessions is OpenSSH's default MaxSessions: more concurrent sessions on
// one connection are refused by a stock sshd, so Exec waits for a free one.
const maxSessions = 10

// Dial opens the one connection used for the host for the whole run (SSH or
// local). SSH failures are *UnreachableError.
func Dial(ctx context.Context, cfg Config) (Conn, error) {
	if cfg.Connection == "local" {
		return newLocal()
	}
	jumps := cfg.Jumps
	if len(jumps) == 0 && cfg.ProxyJump != "" {
		var err error
		if jumps, err = resolveJumps(cfg, nil); err != nil {
			return nil, &UnreachableError{Host: cfg.Name, Err: err}
		}
	}
	c := &sshConn{cfg: cfg, sessions: make(chan struct{}, maxSessions), spare: make(chan *ssh.Session, 1), alive: newLiveness()}
	var via *ssh.Client
	for _, hop := range append(slices.Clip(jumps), cfg) {
		client, err := dialSSH(ctx, hop, via)
		if err != nil {
			if via != nil {
				err = fmt.Errorf("via ProxyJump %s: %w", cfg.ProxyJump, err)
			}
			_ = c.Close()
			return nil, &UnreachableError{Host: cfg.Name, Err: err}
		}
		c.clients = append(c.clients, client)
		via = client
	}
	go func() { c.alive.end(c.lost(via.Wait())) }()
	c.keepAlive()
	c.openSpare()
	return c, nil
}

// dialSSH connects and authenticates to one host, directly or through via.
func dialSSH(ctx context.Context, cfg Config, via *ssh.Client) (*ssh.Client, error) {
	auth, err := newAuth(cfg)
	if err != nil {
		return nil, err
	}
	defer auth.close()
	callback, algos, err := hostKeyCheck(cfg)
	if err != nil {
		return nil, err
	}
	// The callback's error is kept so errors.As finds *HostKeyError whatever
	// the handshake wraps it in.
	var hostKeyErr error
	clientConfig := &ssh.ClientConfig{
		User: cfg.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(auth.signers)},
		HostKeyCallback: func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			hostKeyErr = callback(hostname, remote, key)
			return hostKeyErr
		},
		HostKeyAlgorithms: algos,
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	var conn net.Conn
	if via != nil {
		conn, err = via.DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, dialError(ctx, cfg.Host, cfg.Port, err)
	}
	// The handshake has no context of its own: closing the connection ends it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	sshConn, chans, reqs, err := ssh.NewClientConn(conn, addr, clientConfig)
	interrupted := !stop()
	switch {
	case hostKeyErr != nil:
		conn.Close()
		return nil, hostKeyErr
	case interrupted:
		conn.Close()
		return nil, fmt.Errorf("ssh: connection to %s port %d timed out during the SSH handshake: %w", cfg.Host, cfg.Port, context.Cause(ctx))
	case err != nil && strings.Contains(err.Error(), "unable to authenticate"):
		conn.Close()
		return nil, fmt.Errorf("%s@%s: Permission denied (publickey): %s", cfg.User, cfg.Host, auth.describe())
	case err != nil:
		conn.Close()
		return nil, fmt.Errorf("ssh: %s port %d: %w", cfg.Host, cfg.Port, err)
	}
	return ssh.NewClient(sshConn, chans, reqs), nil
}

// dialError words a failed TCP connect as OpenSSH does (the text Ansible
// shows): "Could not resolve hostname" for a name that does not resolve,
// else the reason as strerror(3) words it, without Go's "dial tcp" prefix.
func dialError(ctx context.Context, host string, port int, err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return fmt.Errorf("ssh: Could not resolve hostname %s: %w", host, strerror{"Name or service not known", err})
	}
	if ctx.Err() != nil {
		return fmt.Errorf("ssh: connect to host %s port %d: Connection timed out (%w)", host, port, context.Cause(ctx))
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		// Go's errno texts are strerror's in lower case.
		msg := errno.Error()
		err = strerror{strings.ToUpper(msg[:1]) + msg[1:], err}
	}
	return fmt.Errorf("ssh: connect to host %s port %d: %w", host, port, err)
}

// strerror is an error shown with C's wording of it.
type strerror struct {
	msg string
	err error
}

func (e strerror) Error() string { return e.msg }
func (e strerror) Unwrap() error { return e.err }

// auth collects the keys to offer: the agent's first, then key files.
type auth struct {
	keys  []ssh.Signer
	agent net.Conn // open during the handshake: the agent signs then
	notes []string // why keys were skipped, for the error message
	tried []string // where keys came from
}

func newAuth(cfg Config) (*auth, error) {
	a := &auth{}
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		conn, err := net.Dial("unix", sock)
		if err != nil {
			a.notes = append(a.notes, fmt.Sprintf("ssh-agent at SSH_AUTH_SOCK=%s: %v", sock, err))
		} else if keys, err := agent.NewClient(conn).Signers(); err != nil {
			conn.Close()
			a.notes = append(a.notes, fmt.Sprintf("ssh-agent: %v", err))
		} else {
			a.agent, a.keys = conn, keys
			a.tried = append(a.tried, fmt.Sprintf("%d key(s) from ssh-agent", len(keys)))
		}
	}
	files, explicit := cfg.KeyFiles, true
	if len(files) == 0 {
		files, explicit = []string{expandHome("~/.ssh/id_ed25519"), expandHome("~/.ssh/id_ecdsa"), expandHome("~/.ssh/id_rsa")}, false
	}
	for _, f := range files {
		if err := a.addFile(f, explicit); err != nil {
			a.close()
			return nil, err
		}
	}
	if len(a.keys) == 0 {
		a.close()
		return nil, fmt.Errorf("no private key to log in with as %s@%s: %s", cfg.User, cfg.Host, a.describe())
	}
	return a, nil
}

// addFile adds one private key file. A missing default key is skipped; a
// missing key that was asked for is an error. An encrypted key is usable only
// through the agent.
func (a *auth) addFile(path string, explicit bool) error {
	pem, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return fmt.Errorf("private key %s: %w (check ansible_ssh_private_key_file / --private-key / IdentityFile)", path, err)
	}
	key, err := ssh.ParsePrivateKey(pem)
	var encrypted *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &encrypted):
		if !a.agentHolds(encrypted.PublicKey) {
			a.notes = append(a.notes, fmt.Sprintf("%s is encrypted and ssh-agent does not hold it: load it with `ssh-add %s`", path, path))
		}
		return nil
	case err != nil:
		return fmt.Errorf("private key %s: %w", path, err)
	}
	a.keys = append(a.keys, key)
	a.tried = append(a.tried, path)
	return nil
}

func (a *auth) agentHolds(pub ssh.PublicKey) bool {
	if pub == nil {
		return false
	}
	for _, k := range a.keys {
		if string(k.PublicKey().Marshal()) == string(pub.Marshal()) {
			return true
		}
	}
	return false
}

func (a *auth) signers() ([]ssh.Signer, error) { return a.keys, nil }

// describe says which keys were offered and which were skipped.
func (a *auth) describe() string {
	msg := "no usable key"
	if len(a.tried) > 0 {
		msg = "offered " + strings.Join(a.tried, ", ")
	}
	if len(a.notes) > 0 {
		msg += "; " + strings.Join(a.notes, "; ")
	}
	return msg + " (check ansible_user, and that the public key is in the user's ~/.ssh/authorized_keys on the host)"
}

func (a *auth) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

// sshConn is one SSH connection (after any jump hosts); every Exec is a new
// session on it.
type sshConn struct {
	cfg      Config
	clients  []*ssh.Client // jump hosts first, the host itself last
	sessions chan struct{} // bounds open sessions (spare included) to maxSessions

	// spare is a session opened ahead of time while the previous command
	// runs: opening one costs a round trip (channel open, then confirmation)
	// before the exec request can go, so a command that finds a spare costs
	// one round trip instead of two. It holds a slot of sessions.
	spare chan *ssh.Session
	// opening, while a spare is being opened, is closed once it is in
	// spare or was given up: a command starting meanwhile waits for it
	// rather than opening a session of its own, which would arrive later.
	mu      sync.Mutex
	opening chan struct{}

	alive *liveness
}

func (c *sshConn) Exec(ctx context.Context, cmd Command) (Result, error) {
	return run(ctx, c.start, cmd, c.cfg.User)
}

func (c *sshConn) Stream(ctx context.Context, cmd Command, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	return stream(ctx, c.start, cmd, c.cfg.User, stdin, stdout, stderr)
}

// start runs line with /bin/sh -c in a new session and waits for it.
func (c *sshConn) start(ctx context.Context, line string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	session, spare, err := c.session(ctx)
	if err != nil {
		return -1, err
	}
	defer func() { <-c.sessions }()
	defer session.Close()
	c.openSpare()
	return c.runIn(ctx, session, spare, line, stdin, stdout, stderr)
}

// session returns a session to run one command in, holding a slot of
// c.sessions: the spare if there is one or one is on its way, else a new
// one. fromSpare says it was opened earlier (and may have been closed by
// the host since).
func (c *sshConn) session(ctx context.Context) (s *ssh.Session, fromSpare bool, err error) {
	c.mu.Lock()
	opening := c.opening
	c.mu.Unlock()
	if opening != nil {
		select {
		case <-opening:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	select {
	case s := <-c.spare:
		return s, true, nil
	default:
	}
	select {
	case s := <-c.spare:
		return s, true, nil
	case c.sessions <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	s, err = c.newSession()
	if err != nil {
		<-c.sessions
	}
	return s, false, err
}

func (c *sshConn) newSession() (*ssh.Session, error) {
	session, err := c.openSession()
	if err != nil {
		var refused *ssh.OpenChannelError
		if errors.As(err, &refused) {
			return nil, fmt.Errorf("%s refused a new SSH session: %w", c.cfg.Name, err)
		}
		return nil, c.lost(err)
	}
	return session, nil
}

// openSpare opens the next command's session in the background when a
// slot is free and no spare is there or on its way.
func (c *sshConn) openSpare() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.spare) > 0 || c.opening != nil {
		return
	}
	opening := make(chan struct{})
	c.opening = opening
	go func() {
		defer func() {
			c.mu.Lock()
			c.opening = nil
			c.mu.Unlock()
			close(opening)
		}()
		select {
		case c.sessions <- struct{}{}:
		default:
			return // every slot is busy: commands open their own
		}
		s, err := c.newSession()
		if err != nil {
			<-c.sessions // the next command opens its own and reports the error
			return
		}
		select {
		case c.spare <- s:
		default:
			s.Close()
			<-c.sessions
		}
	}()
}

// runIn runs line in session. A spare the host has closed meanwhile (idle
// timeout, MaxSessions lowered) fails to start: the command then runs in a
// new session instead.
func (c *sshConn) runIn(ctx context.Context, session *ssh.Session, spare bool, line string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	// The session may outlive a cancelled Exec (sshd keeps the channel open
	// while the remote command's children hold its output): the gates stop
	// it writing into the caller's buffers once we return.
	outGate, errGate := &gate{w: stdout}, &gate{w: stderr}
	defer outGate.close()
	defer errGate.close()
	group := &groupLeader{w: errGate}
	session.Stdout, session.Stderr = pooledReaderFrom{outGate}, pooledReaderFrom{group}
	var in io.WriteCloser
	if stdin != nil {
		var err error
		if in, err = session.StdinPipe(); err != nil {
			return -1, err
		}
	}
	if err := session.Start("/bin/sh -c " + Quote(withGroupID(line))); err != nil {
		if !spare {
			return -1, c.lost(err)
		}
		fresh, err := c.newSession()
		if err != nil {
			return -1, err
		}
		defer fresh.Close()
		return c.runIn(ctx, fresh, false, line, stdin, stdout, stderr)
	}
	if in != nil {
		// Copied here rather than through session.Stdin, which x/crypto/ssh
		// copies through a pipe with a new 32 KB buffer per session. The
		// copy ends at the end of stdin or when the session closes.
		go func() {
			_, _ = pooledCopy(in, stdin)
			in.Close()
		}()
	}
	done, exited := make(chan error, 1), make(chan struct{})
	go func() {
		done <- session.Wait()
		close(exited)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// sshd signals the command's process group (OpenSSH 7.9 and later;
		// not for root logins, which run without privilege separation),
		// and so does signalGroup. Closing the session also ends the
		// command's stdin, which a file write detects (modules/content.go).
		terminate(exited, func(kill bool) {
			sig := ssh.SIGTERM
			if kill {
				sig = ssh.SIGKILL
			}
			_ = session.Signal(sig)
			c.signalGroup(group.id(), sig)
		})
		return -1, ctx.Err()
	}
	var exit *ssh.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit) && exit.Signal() != "":
		return signalRC(exit.Signal()), nil
	case errors.As(err, &exit):
		return exit.ExitStatus(), nil
	}
	return -1, c.lost(err)
}

// lost reports the connection as gone: why it ended if it has (the host
// stopped answering), else err.
func (c *sshConn) lost(err error) error {
	if ended := c.alive.ended(); ended != nil {
		return ended
	}
	return &UnreachableError{Host: c.cfg.Name, Err: fmt.Errorf("connection to %s port %d lost: %w", c.cfg.Host, c.cfg.Port, err)}
}

// signalRC is the exit status a shell reports for a command killed by sig:
// 128 + the signal's number (the signals RFC 4254 names; others give -1).
func signalRC(sig string) int {
	numbers := map[string]syscall.Signal{"ABRT": syscall.SIGABRT, "ALRM": syscall.SIGALRM, "FPE": syscall.SIGFPE,
		"HUP": syscall.SIGHUP, "ILL": syscall.SIGILL, "INT": syscall.SIGINT, "KILL": syscall.SIGKILL,
		"PIPE": syscall.SIGPIPE, "QUIT": syscall.SIGQUIT, "SEGV": syscall.SIGSEGV, "TERM": syscall.SIGTERM,
		"USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2}
	if n, ok := numbers[sig]; ok {
		return 128 + int(n)
	}
	return -1
}

// Close closes the connection to the host, then those to its jump hosts.
func (c *sshConn) Close() error {
	lostBefore := c.alive.ended() != nil
	c.alive.end(errClosed)
	select {
	case s := <-c.spare:
		s.Close()
		<-c.sessions
	default:
	}
	var errs []error
	for i := len(c.clients) - 1; i >= 0; i-- {
		if err := c.clients[i].Close(); err != nil && !errors.Is(err, net.ErrClosed) && !lostBefore {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// gate passes writes to w until closed, then drops them.
type gate struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return len(p), nil
	}
	return g.w.Write(p)
}

// copyBuffers are the buffers a session's streams are copied with.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

// pooledCopy copies r to w with a buffer from copyBuffers.
func pooledCopy(w io.Writer, r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{w}, r, *buf) // hides a ReadFrom: no recursion
}

// pooledReaderFrom gives a session's output writer a ReadFrom that copies
// with a pooled buffer: x/crypto/ssh copies each output stream with io.Copy,
// which would allocate 32 KB per stream and session (at 1,000 hosts, most of
// the controller's garbage).
type pooledReaderFrom struct{ io.Writer }

func (p pooledReaderFrom) ReadFrom(r io.Reader) (int64, error) { return pooledCopy(p.Writer, r) }

func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
