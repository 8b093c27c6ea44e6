package connection

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
)

func TestHostKeyChecking(t *testing.T) {
	s, other := lab.Servers[0], lab.Servers[1]
	defer func(w func(string)) { Warn = w }(Warn)
	name := fmt.Sprintf("[%s]:%d", s.Addr, s.Port)
	line := func(key ssh.PublicKey) string { return name + " " + string(ssh.MarshalAuthorizedKey(key)) }
	tests := []struct {
		name       string
		knownHosts *string // nil: the file does not exist
		strict     string
		wantErr    []string // substrings; none means Dial succeeds
		wantWarn   bool
	}{
		{name: "known", knownHosts: ptr(line(s.HostKey)), strict: "yes"},
		{name: "unknown refused", knownHosts: ptr(""), strict: "yes", wantErr: []string{
			name + " is not in known_hosts", ssh.FingerprintSHA256(s.HostKey),
			fmt.Sprintf("add it with: ssh-keyscan -p %d -t ed25519 %s >> ", s.Port, s.Addr)}},
		{name: "changed refused", knownHosts: ptr("# old\n" + line(other.HostKey)), strict: "yes", wantErr: []string{
			"REMOTE HOST IDENTIFICATION HAS CHANGED", ssh.FingerprintSHA256(s.HostKey), ssh.FingerprintSHA256(other.HostKey),
			"known_hosts:2", "ssh-keygen -f "}},
		{name: "unknown accepted with no", knownHosts: ptr(""), strict: "no", wantWarn: true},
		{name: "changed accepted with no", knownHosts: ptr(line(other.HostKey)), strict: "no", wantWarn: true},
		{name: "accept-new adds", strict: "accept-new"},
		{name: "accept-new refuses changed", knownHosts: ptr(line(other.HostKey)), strict: "accept-new", wantErr: []string{"REMOTE HOST IDENTIFICATION HAS CHANGED"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "ssh", "known_hosts")
			if tc.knownHosts != nil {
				if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(*tc.knownHosts), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var warnings []string
			Warn = func(msg string) { warnings = append(warnings, msg) }
			warned.Clear()
			cfg := labConfig(t, s)
			cfg.KnownHostsFiles, cfg.StrictHostKeyChecking = []string{file}, tc.strict
			c, err := Dial(context.Background(), cfg)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
			} else {
				var unreachable *UnreachableError
				var hostKey *HostKeyError
				if !errors.As(err, &unreachable) || !errors.As(err, &hostKey) {
					t.Fatalf("err = %v, want *UnreachableError wrapping *HostKeyError", err)
				}
				t.Log(err)
				for _, want := range tc.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
			}
			t.Log(warnings)
			if (len(warnings) > 0) != tc.wantWarn {
				t.Errorf("warnings %q, want some: %v", warnings, tc.wantWarn)
			}
			if tc.strict == "accept-new" && len(tc.wantErr) == 0 {
				// The key was added: strict checking now accepts the host.
				cfg.StrictHostKeyChecking = "yes"
				c, err := Dial(context.Background(), cfg)
				if err != nil {
					t.Fatalf("after accept-new: %v", err)
				}
				c.Close()
			}
		})
	}
}

func ptr(s string) *string { return &s }

// The key types known_hosts has for the host come first, so the server
// presents a key that can be verified.
func TestHostKeyAlgorithmsPreferKnownTypes(t *testing.T) {
	ecdsaKey, _, _, _, err := ssh.ParseAuthorizedKey([]byte("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg="))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(file, []byte("[db]:2222 "+string(ssh.MarshalAuthorizedKey(ecdsaKey))), 0o600); err != nil {
		t.Fatal(err)
	}
	_, algos, err := hostKeyCheck(Config{Host: "db", Port: 2222, KnownHostsFiles: []string{file, "/nonexistent"}})
	if err != nil {
		t.Fatal(err)
	}
	if algos[0] != ssh.KeyAlgoECDSA256 || !slices.Contains(algos, ssh.KeyAlgoED25519) {
		t.Errorf("algorithms %q: want %s first, the others after", algos, ssh.KeyAlgoECDSA256)
	}
}

// Hosts reading the same known_hosts files share one parsed database until a
// file changes.
func TestKnownHostsCache(t *testing.T) {
	dir := t.TempDir()
	file, missing := filepath.Join(dir, "known_hosts"), filepath.Join(dir, "absent")
	write := func(content string) {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	key := lab.Servers[0].HostKey
	line := func(host string) string { return host + " " + string(ssh.MarshalAuthorizedKey(key)) }
	cache := knownHostsCache{dbs: map[string]knownHostsDB{}}
	paths := []string{file, missing}
	steps := []struct {
		name     string
		change   func()
		reparsed bool
		known    []string // hosts the database must have
	}{
		{name: "first load", change: func() { write(line("a")) }, reparsed: true, known: []string{"a:22"}},
		{name: "unchanged", change: func() {}, known: []string{"a:22"}},
		{name: "appended", change: func() { write(line("a") + line("b")) }, reparsed: true, known: []string{"a:22", "b:22"}},
		{name: "second file appears", change: func() {
			if err := os.WriteFile(missing, []byte(line("c")), 0o600); err != nil {
				t.Fatal(err)
			}
		}, reparsed: true, known: []string{"a:22", "b:22", "c:22"}},
		{name: "file removed", change: func() { os.Remove(file) }, reparsed: true, known: []string{"c:22"}},
	}
	var last *knownhosts.HostKeyDB
	for _, step := range steps {
		step.change()
		db, err := cache.load(paths)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if reparsed := db != last; reparsed != step.reparsed {
			t.Errorf("%s: parsed again = %v, want %v", step.name, reparsed, step.reparsed)
		}
		for _, host := range step.known {
			if len(db.HostKeys(host)) == 0 {
				t.Errorf("%s: %s not in the database", step.name, host)
			}
		}
		last = db
	}
}
