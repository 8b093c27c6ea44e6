// Package sshtest starts real OpenSSH sshd daemons on loopback addresses for
// integration tests. It needs root (sshd, unshare, bind mounts) and is meant
// to be used from TestMain, so nothing here takes a *testing.T.
package sshtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/ssh"
)

// sshdPath is OpenSSH's daemon (Debian's openssh-server).
const sshdPath = "/usr/sbin/sshd"

// stockBashrc replaces /root/.bashrc inside each sshd's private mount
// namespace: the machine's own runs a slow `pyenv init` for every command.
const stockBashrc = "/etc/skel/.bashrc"

// startTimeout bounds how long one sshd may take to listen.
const startTimeout = 10 * time.Second

// Lab is a set of sshd daemons sharing one client key and one known_hosts file.
type Lab struct {
	Dir        string // everything the lab writes lives here; removed by Close
	KeyFile    string // the client's private key (ed25519, unencrypted)
	KnownHosts string // known_hosts listing every server's host key
	Servers    []*Server
	Signer     ssh.Signer // the client key, for in-process agents and clients

	addr func(i int) string // server i's listen address; nil: 127.0.0.(10+i)
}

// Server is one running sshd.
type Server struct {
	Name    string // h1..hn
	Addr    string // 127.0.0.(10+i)
	Port    int
	PID     int
	HostKey ssh.PublicKey // what the server presents (ed25519)
	LogFile string        // sshd's log (LogLevel VERBOSE)

	cmd  *exec.Cmd
	done chan struct{} // closed once the sshd process has been reaped
}

// Start starts n sshd daemons on 127.0.0.10, 127.0.0.11, ..., each on a free
// port with its own ed25519 host key, accepting only the lab's client key for
// root (and any other user with a login shell). On error nothing is left running.
func Start(n int) (*Lab, error) {
	return startAt(n, nil)
}

// startAt is Start with server i listening on addr(i) when addr is not nil.
func startAt(n int, addr func(i int) string) (*Lab, error) {
	dir, err := os.MkdirTemp("", "sshtest-")
	if err != nil {
		return nil, err
	}
	// sshd reads authorized_keys as the user logging in: let any user
	// through Dir to it, so tests may log in as users other than root.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	l := &Lab{Dir: dir, KeyFile: filepath.Join(dir, "id_ed25519"), KnownHosts: filepath.Join(dir, "known_hosts"), addr: addr}
	if err := l.start(n); err != nil {
		return nil, errors.Join(err, l.Close())
	}
	return l, nil
}

func (l *Lab) start(n int) error {
	// sshd refuses to start without its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		return err
	}
	signer, err := writeKey(l.KeyFile)
	if err != nil {
		return err
	}
	l.Signer = signer
	authorized := filepath.Join(l.Dir, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(signer.PublicKey()), 0o644); err != nil {
		return err
	}
	var known bytes.Buffer
	for i := range n {
		s, err := l.startServer(i, authorized)
		if err != nil {
			return err
		}
		fmt.Fprintf(&known, "%s %s", s.knownHostsPatterns(), ssh.MarshalAuthorizedKey(s.HostKey))
	}
	return os.WriteFile(l.KnownHosts, known.Bytes(), 0o600)
}

func (l *Lab) startServer(i int, authorized string) (*Server, error) {
	s := &Server{Name: fmt.Sprintf("h%d", i+1), Addr: fmt.Sprintf("127.0.0.%d", 10+i)}
	if l.addr != nil {
		s.Addr = l.addr(i)
	}
	dir := filepath.Join(l.Dir, s.Name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	hostKeyFile := filepath.Join(dir, "ssh_host_ed25519_key")
	hostKey, err := writeKey(hostKeyFile)
	if err != nil {
		return nil, err
	}
	s.HostKey = hostKey.PublicKey()
	s.LogFile = filepath.Join(dir, "sshd.log")
	// A free port can be taken by someone else between probing and sshd's
	// bind; try a few ports before giving up.
	var lastErr error
	for range 5 {
		if s.Port, err = freePort(s.Addr); err != nil {
			return nil, err
		}
		config := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(config, []byte(sshdConfig(s, hostKeyFile, authorized)), 0o600); err != nil {
			return nil, err
		}
		if lastErr = s.run(config); lastErr == nil {
			l.Servers = append(l.Servers, s)
			return s, nil
		}
	}
	return nil, lastErr
}

func sshdConfig(s *Server, hostKeyFile, authorized string) string {
	return fmt.Sprintf(`ListenAddress %s:%d
HostKey %s
PidFile none
AuthorizedKeysFile %s
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
LogLevel VERBOSE
MaxSessions 64
MaxStartups 200
PrintMotd no
Subsystem sftp /usr/lib/openssh/sftp-server
`, s.Addr, s.Port, hostKeyFile, authorized)
}

// run starts sshd in the foreground (-D keeps the PID ours) inside a private
// mount namespace where /root/.bashrc is the stock one, and waits until it
// listens.
func (s *Server) run(config string) error {
	script := `exec "$@"`
	if _, err := os.Stat("/root/.bashrc"); err == nil {
		script = `mount --bind ` + stockBashrc + ` /root/.bashrc && exec "$@"`
	}
	// unshare without --fork execs, so the PID we get is sshd's.
	cmd := exec.Command("unshare", "--mount", "--propagation", "private",
		"/bin/sh", "-c", script, "sh", sshdPath, "-D", "-f", config, "-E", s.LogFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := os.WriteFile(s.LogFile, nil, 0o600); err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd for %s: %w", s.Name, err)
	}
	s.cmd, s.PID, s.done = cmd, cmd.Process.Pid, make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.done) }()

	listening := fmt.Sprintf("Server listening on %s port %d", s.Addr, s.Port)
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			log, _ := os.ReadFile(s.LogFile)
			return fmt.Errorf("sshd for %s exited at start: %s%s", s.Name, stderr.String(), log)
		case <-time.After(10 * time.Millisecond):
		}
		if log, _ := os.ReadFile(s.LogFile); bytes.Contains(log, []byte(listening)) {
			return nil
		}
	}
	return errors.Join(fmt.Errorf("sshd for %s did not listen on %s:%d within %s", s.Name, s.Addr, s.Port, startTimeout), s.Stop())
}

// knownHostsPatterns names the server as clients look it up: by address and
// by name, both with the port since it is not 22.
func (s *Server) knownHostsPatterns() string {
	return fmt.Sprintf("[%s]:%d,[%s]:%d", s.Addr, s.Port, s.Name, s.Port)
}

// Connections counts the TCP connections sshd has accepted so far.
func (s *Server) Connections() (int, error) {
	log, err := os.ReadFile(s.LogFile)
	if err != nil {
		return 0, err
	}
	return bytes.Count(log, []byte("Connection from ")), nil
}

// Sessions counts the sessions sshd has started a command in so far (a
// session opened and closed unused is not counted).
func (s *Server) Sessions() (int, error) {
	log, err := os.ReadFile(s.LogFile)
	if err != nil {
		return 0, err
	}
	return bytes.Count(log, []byte("Starting session: command ")), nil
}

// Stop kills this sshd and every per-connection process it forked, so open
// connections drop as they would when a host goes down. Stopping a stopped
// server does nothing.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	select {
	case <-s.done:
		return nil
	default:
	}
	// Freeze the tree first, twice (to catch what forked as the first
	// pass ran): a process forked while the kill goes on would escape it,
	// and may hold the connection's socket open. Then children first: once
	// the listener is gone they are reparented away.
	for range 2 {
		_ = s.signalAll(syscall.SIGSTOP)
	}
	for _, pid := range descendants(s.PID) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop sshd %s (pid %d): %w", s.Name, s.PID, err)
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("sshd %s (pid %d) did not exit after SIGKILL", s.Name, s.PID)
	}
}

// Freeze stops (SIGSTOP) this sshd and every process it forked: the host
// stops answering while its TCP connections stay open, as a hung or
// overloaded host does. Thaw resumes it; Stop still kills it.
func (s *Server) Freeze() error { return s.signalAll(syscall.SIGSTOP) }

// Thaw resumes (SIGCONT) a frozen server.
func (s *Server) Thaw() error { return s.signalAll(syscall.SIGCONT) }

// signalAll sends sig to sshd first (so it forks nothing meanwhile), then
// to every process below it.
func (s *Server) signalAll(sig syscall.Signal) error {
	if err := syscall.Kill(s.PID, sig); err != nil {
		return fmt.Errorf("signal sshd %s (pid %d): %w", s.Name, s.PID, err)
	}
	for _, pid := range descendants(s.PID) {
		_ = syscall.Kill(pid, sig)
	}
	return nil
}

// descendants lists every process below pid, read from /proc.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name in parentheses may contain spaces; fields resume after ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		kids := children[queue[0]]
		queue = append(queue[1:], kids...)
		out = append(out, kids...)
	}
	return out
}

// Close stops every server the lab started and removes Dir.
func (l *Lab) Close() error {
	var errs []error
	for _, s := range l.Servers {
		errs = append(errs, s.Stop())
	}
	errs = append(errs, os.RemoveAll(l.Dir))
	return errors.Join(errs...)
}

// WriteInventory writes a YAML inventory naming every server (h1..hn) with its
// connection variables, readable by both play and ansible-playbook. extra goes
// into all.vars.
func (l *Lab) WriteInventory(path string, extra map[string]any) error {
	hosts := map[string]any{}
	for _, s := range l.Servers {
		hosts[s.Name] = map[string]any{
			"ansible_host":                 s.Addr,
			"ansible_port":                 s.Port,
			"ansible_user":                 "root",
			"ansible_ssh_private_key_file": l.KeyFile,
			"ansible_ssh_common_args":      "-o UserKnownHostsFile=" + l.KnownHosts + " -o StrictHostKeyChecking=yes",
		}
	}
	all := map[string]any{"hosts": hosts}
	if len(extra) > 0 {
		all["vars"] = extra
	}
	out, err := yaml.Marshal(map[string]any{"all": all})
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// writeKey generates an ed25519 key, writes it in OpenSSH format with mode
// 0600 (sshd and ssh refuse readable keys) and returns it.
func writeKey(path string) (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// freePort asks the kernel for a port that is free on addr right now.
func freePort(addr string) (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
