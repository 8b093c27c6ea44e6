package sshtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// StartBench starts n sshd daemons for benchmarks: like Start, but on
// BenchAddr(0), BenchAddr(1), ... (apart from the tests' 127.0.0.x, so both
// can run at once and n may exceed 245), each with an empty work directory
// WorkDir(s) for the benchmark's files.
func StartBench(n int) (*Lab, error) {
	l, err := startAt(n, BenchAddr)
	if err != nil {
		return nil, err
	}
	for _, s := range l.Servers {
		if err := os.Mkdir(l.WorkDir(s), 0o755); err != nil {
			return nil, fmt.Errorf("%w (and closing the lab: %v)", err, l.Close())
		}
	}
	return l, nil
}

// BenchAddr is benchmark server i's loopback address: 127.0.1.1 to
// 127.0.1.250, then 127.0.2.1 and on.
func BenchAddr(i int) string {
	return fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250)
}

// WorkDir is the directory that belongs to server s alone; StartBench
// creates it.
func (l *Lab) WorkDir(s *Server) string {
	return filepath.Join(l.Dir, s.Name, "work")
}

// JoinCgroup moves every server's sshd into the cgroup whose cgroup.procs
// file is procs. The processes sshd forks for each connection (privilege
// separation, the session's shell and its commands) start in that cgroup
// too, so its CPU accounting is the targets' share, apart from the client's.
func (l *Lab) JoinCgroup(procs string) error {
	for _, s := range l.Servers {
		// One PID per write: the kernel takes one process per write(2).
		if err := os.WriteFile(procs, []byte(strconv.Itoa(s.PID)), 0o644); err != nil {
			return fmt.Errorf("move sshd %s (pid %d) into %s: %w", s.Name, s.PID, procs, err)
		}
	}
	return nil
}
