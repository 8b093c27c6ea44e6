package connection

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// Warn receives warnings the connection layer gives once per run, such as a
// host key accepted without verification. The default prints Ansible's
// "[WARNING]: " line on stderr; the CLI may replace it before dialing.
var Warn = func(msg string) { fmt.Fprintln(os.Stderr, "[WARNING]: "+msg) }

// warned remembers which warnings were given, so each is given once per run.
var warned sync.Map

func warnOnce(msg string) {
	if _, seen := warned.LoadOrStore(msg, true); !seen {
		Warn(msg)
	}
}

// knownHostsMu serialises appends to known_hosts files (accept-new).
var knownHostsMu sync.Mutex

// HostKeyError says the host's key could not be verified against known_hosts.
type HostKeyError struct {
	Host  string        // as looked up in known_hosts: host, or [host]:port
	Port  int           // the port connected to
	Key   ssh.PublicKey // the key the host presented
	Files []string      // the known_hosts files searched
	// Known holds the keys known_hosts has for Host; empty means the host is
	// unknown, otherwise the key has changed.
	Known []xknownhosts.KnownKey
	// Revoked is set when the key is marked @revoked.
	Revoked *xknownhosts.KnownKey
}

func (e *HostKeyError) Error() string {
	fp := ssh.FingerprintSHA256(e.Key)
	switch {
	case e.Revoked != nil:
		return fmt.Sprintf("host key verification failed: the %s key %s of %s is marked @revoked at %s:%d",
			e.Key.Type(), fp, e.Host, e.Revoked.Filename, e.Revoked.Line)
	case len(e.Known) == 0:
		file := "~/.ssh/known_hosts"
		if len(e.Files) > 0 {
			file = e.Files[0]
		}
		port := ""
		if e.Port != 22 {
			port = "-p " + strconv.Itoa(e.Port) + " "
		}
		return fmt.Sprintf("host key verification failed: %s is not in known_hosts (%s); it offers the %s key %s. "+
			"If that is the host's key, add it with: ssh-keyscan %s-t %s %s >> %s",
			e.Host, strings.Join(e.Files, ", "), e.Key.Type(), fp, port, keyscanType(e.Key), hostOnly(e.Host), file)
	default:
		var old []string
		for _, k := range e.Known {
			old = append(old, fmt.Sprintf("%s %s at %s:%d", k.Key.Type(), ssh.FingerprintSHA256(k.Key), k.Filename, k.Line))
		}
		return fmt.Sprintf("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY! "+
			"The %s key of %s is now %s; known_hosts has %s. If the host really was reinstalled, "+
			"remove the old key with: ssh-keygen -f %s -R %s",
			e.Key.Type(), e.Host, fp, strings.Join(old, ", "), e.Known[0].Filename, Quote(e.Host))
	}
}

// keyscanType is ssh-keyscan's -t name for a key.
func keyscanType(k ssh.PublicKey) string {
	t := strings.TrimPrefix(k.Type(), "ssh-")
	if strings.HasPrefix(t, "ecdsa-") {
		return "ecdsa"
	}
	return t
}

// hostOnly strips the [ ]:port of a known_hosts name.
func hostOnly(name string) string {
	if host, _, err := net.SplitHostPort(name); err == nil {
		return host
	}
	return name
}

// hostKeyCheck returns the host key callback for cfg and the host key
// algorithms to offer, those known_hosts has for the host first so the server
// presents a key we can verify.
func hostKeyCheck(cfg Config) (ssh.HostKeyCallback, []string, error) {
	db, err := knownHostsDBs.load(cfg.KnownHostsFiles)
	if err != nil {
		return nil, nil, fmt.Errorf("reading known_hosts: %w", err)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	algos := db.HostKeyAlgorithms(addr)
	for _, a := range ssh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(algos, a) {
			algos = append(algos, a)
		}
	}
	check := db.HostKeyCallback()
	callback := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := check(hostname, remote, key)
		if err == nil {
			return nil
		}
		hkErr := &HostKeyError{Host: knownhosts.Normalize(hostname), Port: cfg.Port, Key: key, Files: cfg.KnownHostsFiles}
		var revoked *xknownhosts.RevokedError
		var keyErr *xknownhosts.KeyError
		switch {
		case errors.As(err, &revoked):
			hkErr.Revoked = &revoked.Revoked
			return hkErr
		case !errors.As(err, &keyErr):
			return err
		}
		hkErr.Known = keyErr.Want
		switch {
		case cfg.StrictHostKeyChecking == "no":
			msg := fmt.Sprintf("host key checking is off (StrictHostKeyChecking=no): accepted the %s key %s of %s without verifying it",
				key.Type(), ssh.FingerprintSHA256(key), hkErr.Host)
			if len(keyErr.Want) > 0 {
				msg += fmt.Sprintf(", although it differs from the key at %s:%d", keyErr.Want[0].Filename, keyErr.Want[0].Line)
			}
			warnOnce(msg)
			return nil
		case cfg.StrictHostKeyChecking == "accept-new" && len(keyErr.Want) == 0:
			return addKnownHost(cfg.KnownHostsFiles, hostname, key)
		}
		return hkErr
	}
	return callback, algos, nil
}

// knownHostsDBs holds the parsed known_hosts files, shared by every host that
// reads the same files: parsed per host, 1,000 hosts and a 1,000-line file
// held a million parsed lines (about 400 MB) while they connected.
var knownHostsDBs = knownHostsCache{dbs: map[string]knownHostsDB{}}

type knownHostsCache struct {
	mu  sync.Mutex
	dbs map[string]knownHostsDB // by the list of files asked for
}

// knownHostsDB is a parsed database and the files' state it was read from.
type knownHostsDB struct {
	stamp string
	db    *knownhosts.HostKeyDB
}

// load returns the database of the existing files among paths, parsed again
// only when a file appeared, went away or changed size or modification time
// (accept-new, the known_hosts module or another program wrote it). The lock
// is held while parsing, so hosts connecting at once parse the files once.
func (c *knownHostsCache) load(paths []string) (*knownhosts.HostKeyDB, error) {
	var files []string
	var stamp strings.Builder
	for _, f := range paths {
		if fi, err := os.Stat(f); err == nil {
			files = append(files, f)
			fmt.Fprintf(&stamp, "%s\x00%d\x00%d\x00", f, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	key := strings.Join(paths, "\x00")
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.dbs[key]; ok && cached.stamp == stamp.String() {
		return cached.db, nil
	}
	db, err := knownhosts.NewDB(files...)
	if err != nil {
		return nil, err
	}
	c.dbs[key] = knownHostsDB{stamp: stamp.String(), db: db}
	return db, nil
}

// addKnownHost appends the host's key to the first known_hosts file.
func addKnownHost(files []string, hostname string, key ssh.PublicKey) error {
	if len(files) == 0 {
		return errors.New("accept-new: no known_hosts file to add the host key to")
	}
	knownHostsMu.Lock()
	defer knownHostsMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(files[0]), 0o700); err != nil {
		return fmt.Errorf("accept-new: %w", err)
	}
	f, err := os.OpenFile(files[0], os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("accept-new: %w", err)
	}
	_, err = fmt.Fprintln(f, knownhosts.Line([]string{hostname}, key))
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("accept-new: adding %s to %s: %w", hostname, files[0], err)
	}
	return nil
}
