package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"play/connection"
	"play/inventory"
	"play/playbooks"
	"play/runner"
)

// BenchmarkPerTask measures play's per-task overhead (100 `command: "true"`
// tasks on one loopback sshd, one open connection) against the floor: one bare
// SSH session running `true` on an open connection. Both are measured in the
// same run; the ratio is reported as x-floor.
func BenchmarkPerTask(b *testing.B) {
	dir := b.TempDir()
	invPath := filepath.Join(dir, "hosts.yml")
	if err := lab.WriteInventory(invPath, nil); err != nil {
		b.Fatal(err)
	}
	const tasks = 100
	pbPath := filepath.Join(dir, "true.yml")
	var sb strings.Builder
	sb.WriteString("- hosts: h1\n  gather_facts: false\n  tasks:\n")
	for range tasks {
		sb.WriteString("    - command: \"true\"\n")
	}
	if err := os.WriteFile(pbPath, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Load([]string{invPath})
	if err != nil {
		b.Fatal(err)
	}
	pb, err := playbooks.Load(pbPath)
	if err != nil {
		b.Fatal(err)
	}
	h1, _ := inv.Host("h1")
	cfg, err := connection.ConfigFor("h1", h1.Vars(), connection.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	conn, err := connection.Dial(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	var perTask, perSession time.Duration
	for b.Loop() {
		start := time.Now()
		for range tasks {
			if res, err := conn.Exec(ctx, connection.Command{Script: "true"}); err != nil || res.RC != 0 {
				b.Fatal(err, res.RC)
			}
		}
		perSession += time.Since(start) / tasks

		r := runner.New(runner.Options{Inventory: inv, Out: io.Discard})
		// The connection is opened by the first task; count it apart by
		// timing a warm-up run of the same runner first.
		if err := r.Run(ctx, pb); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := r.Run(ctx, pb); err != nil {
			b.Fatal(err)
		}
		perTask += time.Since(start) / tasks
		if code := r.Recap(); code != 0 {
			b.Fatalf("run failed: exit %d", code)
		}
		r.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(perTask.Microseconds())/n, "µs/task")
	b.ReportMetric(float64(perSession.Microseconds())/n, "µs/session")
	b.ReportMetric(float64(perTask)/float64(perSession), "x-floor")
}
