package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where cgroup v1 controllers are mounted (Debian 12's hybrid
// layout on these machines).
const cgroupRoot = "/sys/fs/cgroup"

// cgroup is one cgroup v1 group under the cpuacct and memory controllers.
type cgroup struct{ cpu, mem string }

func newCgroup(name string) (*cgroup, error) {
	g := &cgroup{cpu: filepath.Join(cgroupRoot, "cpuacct", name), mem: filepath.Join(cgroupRoot, "memory", name)}
	for _, dir := range []string{g.cpu, g.mem} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create cgroup (the benchmark needs root and cgroup v1 cpuacct+memory): %w", err)
		}
	}
	return g, nil
}

// cpu is the CPU time the group's processes have used so far.
func (g *cgroup) cpuTime() (time.Duration, error) {
	ns, err := readInt(filepath.Join(g.cpu, "cpuacct.usage"))
	return time.Duration(ns), err
}

// resetPeak restarts the group's memory high-water mark.
func (g *cgroup) resetPeak() error {
	return os.WriteFile(filepath.Join(g.mem, "memory.max_usage_in_bytes"), []byte("0"), 0o644)
}

func (g *cgroup) peakMemory() (int64, error) {
	return readInt(filepath.Join(g.mem, "memory.max_usage_in_bytes"))
}

// killAll kills what is left in the group (OpenSSH ControlPersist masters
// that the measured tool started and left behind) and waits until it is empty.
func (g *cgroup) killAll() error {
	for range 100 {
		data, err := os.ReadFile(filepath.Join(g.cpu, "cgroup.procs"))
		if err != nil {
			return err
		}
		pids := strings.Fields(string(data))
		if len(pids) == 0 {
			return nil
		}
		for _, p := range pids {
			if pid, err := strconv.Atoi(p); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("processes left in %s after SIGKILL", g.cpu)
}

// remove deletes the group; it must be empty.
func (g *cgroup) remove() error {
	return errors.Join(os.Remove(g.cpu), os.Remove(g.mem))
}

func readInt(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
}

// sample is what one run of one tool cost.
type sample struct {
	Wall      time.Duration
	CtlCPU    time.Duration // the tool and every process it started
	TargetCPU time.Duration // the sshd daemons and everything they ran
	PeakMem   int64         // bytes, the tool's cgroup high-water mark
}

// measure runs argv in the controller's cgroup (a shell joins it, then
// execs the tool, so nothing the tool starts escapes) and returns its cost
// and combined output.
func measure(ctl, targets *cgroup, dir string, env, argv []string) (sample, []byte, error) {
	join := `echo $$ > "$1/cgroup.procs" && echo $$ > "$2/cgroup.procs" && shift 2 && exec "$@"`
	cmd := exec.Command("/bin/sh", append([]string{"-c", join, "sh", ctl.cpu, ctl.mem}, argv...)...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	var s sample
	if err := ctl.resetPeak(); err != nil {
		return s, nil, err
	}
	ctl0, err0 := ctl.cpuTime()
	tgt0, err1 := targets.cpuTime()
	start := time.Now()
	runErr := cmd.Run()
	s.Wall = time.Since(start)
	killErr := ctl.killAll()
	ctl1, err2 := ctl.cpuTime()
	tgt1, err3 := targets.cpuTime()
	peak, err4 := ctl.peakMemory()
	s.CtlCPU, s.TargetCPU, s.PeakMem = ctl1-ctl0, tgt1-tgt0, peak
	if err := errors.Join(err0, err1, err2, err3, err4, killErr); err != nil {
		return s, out.Bytes(), err
	}
	if runErr != nil {
		return s, out.Bytes(), fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), runErr, tail(out.String(), 40))
	}
	return s, out.Bytes(), nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
