package modules

import (
	"context"
	"errors"
	"strings"
	"testing"

	"play/connection"
)

// flaky is a host that refuses down reconnects, then answers.
type flaky struct {
	down, reconnects, runs int
}

func (f *flaky) Reconnect(context.Context) error {
	f.reconnects++
	if f.reconnects <= f.down {
		return errors.New("connection refused")
	}
	return nil
}

func (f *flaky) Run(_ context.Context, script string, _ []byte) (connection.Result, error) {
	f.runs++
	return connection.Result{Stdout: []byte("pong\n")}, nil
}

func TestWaitForConnection(t *testing.T) {
	tests := []struct {
		name                string
		args                map[string]any
		down                int
		wantErr             string
		reconnects, testRun int
	}{
		{name: "host up", args: map[string]any{}, reconnects: 1, testRun: 1},
		{name: "host back after two refusals", args: map[string]any{"sleep": 0}, down: 2, reconnects: 3, testRun: 1},
		{name: "host never back", args: map[string]any{"sleep": 0, "timeout": 0}, down: 1000,
			wantErr: "timed out waiting for ping module test: connection refused", reconnects: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &flaky{down: tt.down}
			m, err := New("wait_for_connection", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Plan(context.Background(), &Env{Host: host})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) != 0 || !p.SkipInCheck || host.reconnects != 0 {
				t.Fatalf("planning touched the host or check mode would wait: %+v, %d reconnects", p, host.reconnects)
			}
			res, err := p.Finish(nil)
			if tt.wantErr != "" {
				var f *Failure
				if !errors.As(err, &f) || !strings.HasPrefix(f.Msg, tt.wantErr) || f.Result["elapsed"] != 0 {
					t.Fatalf("error %v, want %q with elapsed", err, tt.wantErr)
				}
			} else if err != nil || res["elapsed"] != 0 || res["changed"] != false {
				t.Fatalf("result %v, %v", res, err)
			}
			if host.reconnects != tt.reconnects || host.runs != tt.testRun {
				t.Errorf("%d reconnects and %d tests, want %d and %d", host.reconnects, host.runs, tt.reconnects, tt.testRun)
			}
		})
	}
}
