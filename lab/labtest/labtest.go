// Package labtest gives end-to-end tests real Debian 12 hosts from the play lab (lab/lab):
// booted fresh for the caller, with an Ansible inventory and a known_hosts file of their own,
// removed again when the caller is done. The lab needs root.
//
// One set of hosts for a whole test package (the cheap way):
//
//	func TestMain(m *testing.M) {
//		l, err := labtest.Start(dir, "app1", "app2")
//		...
//		code := m.Run()
//		l.Close()
//		os.Exit(code)
//	}
//
// or hosts for one test: l := labtest.Up(t, "web1").
package labtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Host is one lab host.
type Host struct {
	Name  string
	Addr  string // IPv4 address on the lab's bridge
	Group string // the name without its trailing digits: app2 -> app
}

// Lab is a set of running lab hosts and the files that reach them.
type Lab struct {
	Inventory  string // Ansible YAML inventory of exactly these hosts (host keys verified)
	KnownHosts string // the hosts' real keys; the inventory points at this file
	SSHConfig  string // for `ssh -F SSHConfig NAME`
	Key        string // private key that logs in as root and as deploy (passwordless sudo)
	hosts      map[string]Host
	names      []string
}

// Script is the path of lab/lab, found beside this package's source.
func Script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "lab")
}

// Start boots the named hosts fresh (recreated if they already run; other lab hosts are left
// alone) and writes their inventory, known_hosts and ssh_config into dir.
func Start(dir string, names ...string) (*Lab, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("labtest: no host names given: name the hosts, e.g. Start(dir, \"app1\", \"db1\")")
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("labtest: the lab boots containers and needs root: run the tests as root (make e2e does)")
	}
	if _, err := script(append([]string{"up", "--fresh"}, names...)...); err != nil {
		return nil, err
	}
	l := &Lab{names: names}
	if err := l.load(dir); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Up is Start for one test: it fails the test if the hosts do not come up and removes them
// when the test and its subtests are done.
func Up(t testing.TB, names ...string) *Lab {
	t.Helper()
	l, err := Start(t.TempDir(), names...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

// load writes the hosts' files into dir and reads them back.
func (l *Lab) load(dir string) error {
	if _, err := script(append([]string{"inventory", dir}, l.names...)...); err != nil {
		return err
	}
	l.Inventory = filepath.Join(dir, "hosts.yml")
	l.KnownHosts = filepath.Join(dir, "known_hosts")
	l.SSHConfig = filepath.Join(dir, "ssh_config")
	var inv struct {
		All struct {
			Vars struct {
				Key string `yaml:"ansible_ssh_private_key_file"`
			}
		}
	}
	data, err := os.ReadFile(l.Inventory)
	if err != nil {
		return fmt.Errorf("labtest: %w", err)
	}
	if err := yaml.Unmarshal(data, &inv); err != nil {
		return fmt.Errorf("labtest: the inventory lab/lab wrote does not parse: %w", err)
	}
	l.Key = inv.All.Vars.Key
	txt, err := os.ReadFile(filepath.Join(dir, "hosts.txt"))
	if err != nil {
		return fmt.Errorf("labtest: %w", err)
	}
	l.hosts, err = parseHosts(txt)
	return err
}

// parseHosts reads hosts.txt: "name address group" per line.
func parseHosts(txt []byte) (map[string]Host, error) {
	hosts := map[string]Host{}
	sc := bufio.NewScanner(bytes.NewReader(txt))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil, fmt.Errorf("labtest: hosts.txt: want \"name address group\", got %q", sc.Text())
		}
		hosts[f[0]] = Host{Name: f[0], Addr: f[1], Group: f[2]}
	}
	return hosts, sc.Err()
}

// Names are the lab's hosts, in the order given to Start.
func (l *Lab) Names() []string { return append([]string(nil), l.names...) }

// Host returns the named host; a name the lab does not have yields a Host with no address.
func (l *Lab) Host(name string) Host { return l.hosts[name] }

// Exec runs cmd with /bin/sh inside the host, as root, without SSH and without play (nsenter
// into the container), and returns its standard output. Use it to check a host's end state.
func (l *Lab) Exec(name, cmd string) (string, error) {
	return script("exec", name, cmd)
}

// Stop kills the host's container at once; its address stays, so clients get connection
// resets and refusals (not timeouts) until Close.
func (l *Lab) Stop(name string) error {
	_, err := script("stop", name)
	return err
}

// Close removes the lab's hosts (stopped ones too).
func (l *Lab) Close() error {
	_, err := script(append([]string{"down"}, l.names...)...)
	return err
}

// script runs lab/lab with args and returns its standard output.
func script(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(Script(), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("lab/lab %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
