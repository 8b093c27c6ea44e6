//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"play/lab/labtest"
)

// SIGTERM during a long task, on a lab host of its own (ci8a): play exits 99 within 5 s with
// the recap so far, the file being written is never partial, and nothing of play's is
// left on the host: no temporary file, no process (the command under sudo as deploy, and as
// root, whose sessions sshd refuses to signal).

func TestCI8SigtermDuringLongTasks(t *testing.T) {
	if ansible {
		t.Skip("checks play's own interruption: its temp file names and the 5 s bound")
	}
	host := shared("ci8a")
	l := labtest.Up(t, host)
	// 600 MB: on a busy machine the copy outlasts the 3 s play gives running commands and is
	// cut half way; on an idle one it may finish within them. Either way the file is whole.
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 600<<20); err != nil {
		t.Fatal(err)
	}
	onHost(t, l, host, "mkdir -p /opt/ci8 && echo old > /opt/ci8/big.bin")
	tests := []struct {
		name, user, task string
		running          string // succeeds on the host once the task is under way
	}{
		{"copy as deploy with sudo", "deploy", "copy: {src: " + big + ", dest: /opt/ci8/big.bin}",
			"test -n \"$(find /opt/ci8 -name '.play.*' -size +0)\""},
		{"command as deploy with sudo", "deploy", "command: sleep 60", "pgrep -x sleep"},
		{"command as root", "root", "command: sleep 60", "pgrep -x sleep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := playbook(t, fmt.Sprintf("- hosts: %s\n  gather_facts: false\n  become: %v\n  tasks:\n    - %s\n",
				host, tt.user != "root", tt.task), nil)
			cmd := exec.Command(playBin, "-i", l.Inventory, site, "-e", "ansible_user="+tt.user)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr, cmd.Dir = &out, &out, t.TempDir()
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				_ = cmd.Process.Kill() // only if the test failed before Wait
				if t.Failed() {
					t.Logf("play output:\n%s", out.String())
				}
			})
			if !eventually(30*time.Second, func() bool { _, err := l.Exec(host, tt.running); return err == nil }) {
				t.Fatalf("the task never started on the host (%s)", tt.running)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			took := time.Since(sent)
			if code := cmd.ProcessState.ExitCode(); code != 99 || took > 5*time.Second {
				t.Errorf("exit %d after %v, want 99 within 5s", code, took.Round(time.Millisecond))
			}
			text := out.String()
			if !strings.Contains(text, "[ERROR]: User interrupted execution") {
				t.Errorf("no interruption message")
			}
			if _, ok := ParseRecap(text)[host]; !ok {
				t.Errorf("no PLAY RECAP line for %s", host)
			}
			// What play may leave: its temporary files (file writes, script) and the processes of
			// the task (sudo, cat, sleep).
			const leftovers = `find / -xdev \( -name '.play.*' -o -name 'play-script.*' \) 2>/dev/null; pgrep -a -x 'sleep|cat|sudo'; true`
			var left string
			eventually(2*time.Second, func() bool { left = onHost(t, l, host, leftovers); return left == "" })
			if left != "" {
				t.Errorf("left on the host after the run:\n%s", left)
			}
			// Never a partial file: the old content, or (when the copy finished within the grace
			// period, as on an idle machine) all of the new one. At the very end of the grace
			// period the host may rename the whole file while play has stopped waiting for its
			// answer: the task then reads as interrupted, and the file is still whole.
			size := onHost(t, l, host, "stat -c %s /opt/ci8/big.bin")
			switch {
			case size == "4" && onHost(t, l, host, "cat /opt/ci8/big.bin") == "old":
				t.Logf("the old content stays")
			case size == fmt.Sprint(600<<20) && strings.HasPrefix(tt.task, "copy"):
				if strings.Contains(text, "changed: ["+host+"]") {
					t.Logf("the copy finished within the grace period")
				} else {
					t.Logf("the copy finished as the grace period ended")
				}
				onHost(t, l, host, "echo old > /opt/ci8/big.bin") // the old content for the next case
			default:
				t.Errorf("/opt/ci8/big.bin holds %s bytes: neither the old content nor the whole copy", size)
			}
		})
	}
}

// eventually polls ok every 50 ms until it holds or within has passed.
func eventually(within time.Duration, ok func() bool) bool {
	for end := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		if ok() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}
