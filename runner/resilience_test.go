package runner

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"play/connection"
)

func TestDialRetries(t *testing.T) {
	firstBackoff = 20 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens: connection refused
	key := filepath.Join(t.TempDir(), "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	tests := []struct {
		retries int
		minWait time.Duration
	}{
		{0, 0},
		{2, 60 * time.Millisecond}, // 20ms + 40ms
	}
	for _, tt := range tests {
		r := New(Options{ConnectRetries: tt.retries})
		start := time.Now()
		_, err := r.dial(context.Background(), connection.Config{Name: "h", Host: "127.0.0.1", Port: port, User: "u", KeyFiles: []string{key}, Timeout: time.Second})
		took := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), "Connection refused") {
			t.Fatalf("retries %d: got %v", tt.retries, err)
		}
		if took < tt.minWait || took > tt.minWait+time.Second {
			t.Errorf("retries %d: took %v, want about %v", tt.retries, took, tt.minWait)
		}
	}
}

// blockingConn runs commands until their context ends.
type blockingConn struct {
	connection.Conn
	killed atomic.Bool
}

func (b *blockingConn) Exec(ctx context.Context, _ connection.Command) (connection.Result, error) {
	<-ctx.Done()
	b.killed.Store(true)
	return connection.Result{}, ctx.Err()
}

func TestGraceConnKillsAfterGrace(t *testing.T) {
	inner := &blockingConn{}
	g := &graceConn{Conn: inner, grace: 100 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan time.Duration)
	go func() {
		start := time.Now()
		_, _ = g.Exec(ctx, connection.Command{})
		done <- time.Since(start)
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	took := <-done
	if took < 100*time.Millisecond || took > 2*time.Second || !inner.killed.Load() {
		t.Fatalf("command ended after %v (killed %v), want after the 100ms grace", took, inner.killed.Load())
	}
}

func TestRetryable(t *testing.T) {
	if retryable(&connection.HostKeyError{}) {
		t.Error("a host key error is not retried")
	}
	if !retryable(&net.OpError{Op: "dial", Err: context.DeadlineExceeded}) {
		t.Error("a dial timeout is retried")
	}
}
