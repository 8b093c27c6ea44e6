package connection

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCancelSendsTermFirst: a cancelled command gets TERM, so it can clean
// up, and KILL only if it has not ended termGrace later. Locally only: the
// lab's sshd logs in as root, and OpenSSH refuses signal requests for root
// sessions (no post-auth privilege separation), so over SSH only closing
// the session (EOF on the command's stdin) reaches the command.
func TestCancelSendsTermFirst(t *testing.T) {
	local, err := Dial(context.Background(), Config{Connection: "local"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		trap      string
		cleanedUp bool
		minWait   time.Duration
	}{
		{"cleans up on TERM", `trap 'touch "$d/cleaned"; exit 143' TERM`, true, 0},
		{"ignores TERM", `trap '' TERM`, false, termGrace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				waitForFile(filepath.Join(dir, "started"))
				cancel()
			}()
			start := time.Now()
			_, err := local.Exec(ctx, Command{Script: tt.trap + `; touch "$d/started"; sleep 30 & wait`,
				Env: map[string]string{"d": dir}})
			took := time.Since(start)
			if !errors.Is(err, context.Canceled) || took < tt.minWait || took > termGrace+2*time.Second {
				t.Errorf("err = %v after %s, want Canceled after %s to %s", err, took, tt.minWait, termGrace+2*time.Second)
			}
			if _, err := os.Stat(filepath.Join(dir, "cleaned")); (err == nil) != tt.cleanedUp {
				t.Errorf("cleanup ran: %v, want %v", err == nil, tt.cleanedUp)
			}
		})
	}
}

func waitForFile(path string) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
}
