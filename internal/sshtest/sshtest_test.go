package sshtest

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// sshArgs are OpenSSH client arguments that log into s with the lab's key,
// verifying the host key against the lab's known_hosts.
func sshArgs(l *Lab, s *Server, addr string) []string {
	return []string{"-i", l.KeyFile, "-p", strconv.Itoa(s.Port),
		"-o", "UserKnownHostsFile=" + l.KnownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes", "-o", "HostKeyAlias=" + addr, "root@" + s.Addr}
}

func TestLab(t *testing.T) {
	l, err := Start(2)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(l.Dir); !os.IsNotExist(err) {
			t.Errorf("Close left %s behind", l.Dir)
		}
	}()
	if len(l.Servers) != 2 || l.Servers[0].Addr != "127.0.0.10" || l.Servers[1].Name != "h2" {
		t.Fatalf("servers = %+v", l.Servers)
	}

	for _, s := range l.Servers {
		// Both names in known_hosts verify: the address and the server's name.
		for _, alias := range []string{s.Addr, s.Name} {
			hostKeyAlias := "[" + alias + "]:" + strconv.Itoa(s.Port)
			out, err := exec.Command("ssh", append(sshArgs(l, s, hostKeyAlias), "id -un; grep -c pyenv ~/.bashrc || true")...).CombinedOutput()
			if err != nil {
				t.Fatalf("ssh %s as %s: %v\n%s", s.Name, alias, err, out)
			}
			if got := string(out); got != "root\n0\n" {
				t.Errorf("ssh %s as %s printed %q, want root and a bashrc without pyenv", s.Name, alias, got)
			}
		}
		if n, err := s.Connections(); err != nil || n != 2 {
			t.Errorf("%s Connections() = %d, %v; want 2", s.Name, n, err)
		}
	}

	inv := l.Dir + "/hosts.yml"
	if err := l.WriteInventory(inv, map[string]any{"ansible_python_interpreter": "/usr/bin/python3"}); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		All struct {
			Vars  map[string]any
			Hosts map[string]map[string]any
		}
	}
	data, _ := os.ReadFile(inv)
	if err := yaml.Unmarshal(data, &parsed); err != nil {
		t.Fatal(err)
	}
	h2 := parsed.All.Hosts["h2"]
	if h2["ansible_host"] != "127.0.0.11" || h2["ansible_port"] != l.Servers[1].Port || h2["ansible_user"] != "root" ||
		!strings.Contains(h2["ansible_ssh_common_args"].(string), "UserKnownHostsFile="+l.KnownHosts) ||
		parsed.All.Vars["ansible_python_interpreter"] != "/usr/bin/python3" {
		t.Errorf("inventory:\n%s", data)
	}

	// Stop drops the listener and open connections; a second Stop is harmless.
	s := l.Servers[1]
	session := exec.Command("ssh", append(sshArgs(l, s, "["+s.Addr+"]:"+strconv.Itoa(s.Port)), "echo up; sleep 30")...)
	stdout, err := session.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := session.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := stdout.Read(make([]byte, 3)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := session.Wait(); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("ssh session survived Stop: err=%v after %s", err, time.Since(start))
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Addr, strconv.Itoa(s.Port)), time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Stop", s.Name)
	}
}
