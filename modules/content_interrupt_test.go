package modules

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFileWriteInterrupted cuts a write half way, as an interrupted run
// (TERM to the command's process group) or a killed session (stdin ends
// early) does: the old file must stay as it was and no temporary file may
// be left beside it.
func TestFileWriteInterrupted(t *testing.T) {
	tests := []struct {
		name    string
		cut     func(cmd *exec.Cmd, stdin io.Closer)
		rc      int
		message string
	}{
		{"run interrupted", func(cmd *exec.Cmd, _ io.Closer) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }, 143, ""},
		{"session killed", func(_ *exec.Cmd, stdin io.Closer) { stdin.Close() }, 1, "incomplete write: received 1048576 of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "big")
			if err := os.WriteFile(dest, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			data := bytes.Repeat([]byte("x"), 4<<20)
			step := fileWrite{Dest: dest, Data: data, Mode: 0o644}.step()
			cmd := exec.Command("/bin/sh", "-c", step.Script)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			half := len(data) / 4
			if _, err := stdin.Write(data[:half]); err != nil {
				t.Fatal(err)
			}
			waitForTemp(t, dir, int64(half))
			tt.cut(cmd, stdin)
			err = cmd.Wait()
			stdin.Close()
			if rc := cmd.ProcessState.ExitCode(); rc != tt.rc {
				t.Errorf("exit status %d (%v), want %d; stderr: %s", rc, err, tt.rc, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.message) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tt.message)
			}
			if got, err := os.ReadFile(dest); err != nil || string(got) != "old\n" {
				t.Errorf("%s = %.20q (%v), want the old content", dest, got, err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".play.*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// waitForTemp waits until the write's temporary file in dir holds size bytes.
func waitForTemp(t *testing.T, dir string, size int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		tmps, _ := filepath.Glob(filepath.Join(dir, ".play.*"))
		if len(tmps) == 1 {
			if fi, err := os.Stat(tmps[0]); err == nil && fi.Size() == size {
				return
			}
		}
	}
	t.Fatalf("no temporary file of %d bytes in %s", size, dir)
}
