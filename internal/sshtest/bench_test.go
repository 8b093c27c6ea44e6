package sshtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestBenchAddr(t *testing.T) {
	for i, want := range map[int]string{0: "127.0.1.1", 249: "127.0.1.250", 250: "127.0.2.1", 999: "127.0.4.250"} {
		if got := BenchAddr(i); got != want {
			t.Errorf("BenchAddr(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestStartBench(t *testing.T) {
	l, err := StartBench(2)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := l.Servers[1]
	if s.Addr != "127.0.1.2" {
		t.Errorf("second server on %s, want 127.0.1.2", s.Addr)
	}
	// The server's own work directory is there and writable over SSH.
	file := filepath.Join(l.WorkDir(s), "f")
	if out, err := exec.Command("ssh", append(sshArgs(l, s, "["+s.Addr+"]:"+strconv.Itoa(s.Port)), "echo x > "+file)...).CombinedOutput(); err != nil {
		t.Fatalf("ssh %s: %v\n%s", s.Name, err, out)
	}
	if _, err := os.Stat(file); err != nil {
		t.Error(err)
	}

	// JoinCgroup writes one sshd PID per write; a plain file keeps the last.
	procs := filepath.Join(t.TempDir(), "cgroup.procs")
	if err := l.JoinCgroup(procs); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(procs); string(got) != strconv.Itoa(s.PID) {
		t.Errorf("cgroup.procs = %q, want the last sshd's PID %d", got, s.PID)
	}
}
