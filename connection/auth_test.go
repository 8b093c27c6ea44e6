package connection

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// writeFile writes content to a new file in t's temporary directory.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// execOK dials cfg and checks a command runs as root.
func execOK(t *testing.T, cfg Config) {
	t.Helper()
	r, err := dial(t, cfg).Exec(context.Background(), Command{Script: "id -un"})
	if err != nil || string(r.Stdout) != "root\n" {
		t.Fatalf("exec: %q, %v", r.Stdout, err)
	}
}

// connections returns a function that reports how many TCP connections s
// accepted since connections was called.
func connections(t *testing.T, s interface{ Connections() (int, error) }) func() int {
	before, err := s.Connections()
	if err != nil {
		t.Fatal(err)
	}
	return func() int { n, _ := s.Connections(); return n - before }
}

func TestProxyJump(t *testing.T) {
	jump, target := lab.Servers[0], lab.Servers[1]
	viaJump, toTarget := connections(t, jump), connections(t, target)
	vars := labVars(target)
	vars["ansible_ssh_common_args"] = fmt.Sprintf("%s -J root@%s:%d", vars["ansible_ssh_common_args"], jump.Addr, jump.Port)
	cfg, err := ConfigFor(target.Name, vars, noSSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	execOK(t, cfg)
	if viaJump() != 1 || toTarget() != 1 {
		t.Errorf("connections: jump %d, target %d; want 1 each", viaJump(), toTarget())
	}
}

func TestProxyJumpUnreachableHop(t *testing.T) {
	target := lab.Servers[1]
	cfg := labConfig(t, target)
	cfg.ProxyJump = "root@127.0.0.10:1"
	cfg.Jumps = nil // Dial resolves ProxyJump itself when ConfigFor did not
	_, err := Dial(context.Background(), cfg)
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "port 1: Connection refused") {
		t.Errorf("err = %v", err)
	}
}

func TestSSHConfigFile(t *testing.T) {
	s := lab.Servers[1]
	file := writeFile(t, "config", fmt.Appendf(nil, "Host myalias\n  HostName %s\n  User root\n  Port %d\n  IdentityFile %s\n  UserKnownHostsFile %s\n",
		s.Addr, s.Port, lab.KeyFile, lab.KnownHosts))
	cfg, err := ConfigFor("web", map[string]any{"ansible_host": "myalias"}, Options{SSHConfigFile: file})
	if err != nil {
		t.Fatal(err)
	}
	execOK(t, cfg)
}

func TestAuth(t *testing.T) {
	pemBytes, err := os.ReadFile(lab.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	labKey, err := ssh.ParseRawPrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(labKey, "", []byte("passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	encrypted := writeFile(t, "encrypted", pem.EncodeToMemory(block))
	_, strangerKey, _ := ed25519.GenerateKey(rand.Reader)
	block, _ = ssh.MarshalPrivateKey(strangerKey, "")
	stranger := writeFile(t, "stranger", pem.EncodeToMemory(block))
	agentSock := startAgent(t, labKey)

	tests := []struct {
		name     string
		agent    bool
		keyFiles []string
		wantErr  string
	}{
		{name: "agent", agent: true},
		{name: "agent holds the encrypted key", agent: true, keyFiles: []string{encrypted}},
		{name: "encrypted key without agent", keyFiles: []string{encrypted}, wantErr: "is encrypted and ssh-agent does not hold it: load it with `ssh-add " + encrypted},
		{name: "key not authorized", keyFiles: []string{stranger}, wantErr: "root@127.0.0.10: Permission denied (publickey): offered " + stranger},
		{name: "missing key file", keyFiles: []string{"/nonexistent/key"}, wantErr: "private key /nonexistent/key: open /nonexistent/key: no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.agent {
				t.Setenv("SSH_AUTH_SOCK", agentSock)
			}
			cfg := labConfig(t, lab.Servers[0])
			cfg.KeyFiles = tc.keyFiles
			if tc.wantErr == "" {
				execOK(t, cfg)
				return
			}
			_, err := Dial(context.Background(), cfg)
			var unreachable *UnreachableError
			if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want *UnreachableError with %q", err, tc.wantErr)
			}
		})
	}
}

// startAgent serves an in-process ssh-agent holding key on a unix socket.
func startAgent(t *testing.T, key any) string {
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: key}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = agent.ServeAgent(keyring, conn)
			}()
		}
	}()
	return sock
}
