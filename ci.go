package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"play/playbooks"
	"play/report"
	"play/runner"
)

// killGrace is how long commands running at Ctrl-C may finish before they
// are killed; with the recap it keeps the exit within 5 seconds.
const killGrace = 3 * time.Second

// hardStop is when an interrupted run exits even if something hangs.
const hardStop = 4500 * time.Millisecond

// addSafetyOptions adds the options a CI job and production runs need
// (reports, vault, retry files, connection retries) and `play vault`.
func addSafetyOptions(cmd *cli.Command, stdin io.Reader, stdout, stderr io.Writer) {
	cmd.Flags = append(cmd.Flags, vaultFlags()...)
	cmd.Flags = append(cmd.Flags,
		&cli.StringSliceFlag{Name: "report", Usage: "write a report `FORMAT=PATH`: json, junit or jsonl (PATH - is standard output); repeatable"},
		&cli.BoolFlag{Name: "fail-on-change", Usage: "a task that changes a host fails the run (exit 2): the idempotence check"},
		&cli.StringFlag{Name: "retry-file", Usage: "write the failed and unreachable hosts to `FILE` (rerun them with --limit @FILE); removed when none failed"},
		&cli.IntFlag{Name: "connect-retries", Value: 1, Usage: "retry a failed first connection this many `times`, with backoff"},
	)
	cmd.Commands = append(cmd.Commands, vaultCommand(stdin, stdout, stderr))
}

// reportsFor opens the --report files (and stdout_callback = json);
// toStdout says one of them replaces the normal output.
func reportsFor(cmd *cli.Command, paths []string, stdout io.Writer) (reports []report.Report, toStdout bool, err error) {
	specs := cmd.StringSlice("report")
	if callback, _ := (ansibleSetting{"ANSIBLE_STDOUT_CALLBACK", "defaults", "stdout_callback", plainSetting}).Lookup(); callback == "json" {
		specs = append(specs, "json=-")
	}
	opts := report.Options{Playbook: paths[0], FailOnChange: cmd.Bool("fail-on-change"), Stdout: stdout}
	for _, spec := range specs {
		r, err := report.New(spec, opts)
		if err != nil {
			return nil, false, err
		}
		reports = append(reports, r)
		toStdout = toStdout || strings.HasSuffix(spec, "=-")
	}
	return reports, toStdout, nil
}

// runPlaybooks runs the playbooks, then writes the reports and the retry
// file and applies --fail-on-change. Ctrl-C or SIGTERM stops starting tasks,
// gives running commands killGrace to end, prints the recap and exits 99;
// a second one exits at once.
func runPlaybooks(ctx context.Context, cmd *cli.Command, opts runner.Options, books []*playbooks.Playbook, paths []string, stdout, stderr io.Writer) error {
	reports, toStdout, err := reportsFor(cmd, paths, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return exitError{runner.ExitBadOptions}
	}
	for _, r := range reports {
		opts.Listeners = append(opts.Listeners, r)
	}
	if toStdout {
		opts.Out, opts.Live = io.Discard, false
	}
	opts.ConnectRetries = int(cmd.Int("connect-retries"))
	opts.KillGrace = killGrace

	ctx, stop := interruptible(ctx, stderr)
	defer stop()
	r := runner.New(opts)
	defer r.Close()
	code := runner.ExitOK
	for _, pb := range books {
		err := r.Run(ctx, pb)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "\n[ERROR]: User interrupted execution")
			code = runner.ExitInterrupted
		} else {
			printError(stderr, err)
			code = runner.ExitError
		}
		break
	}
	if code == runner.ExitOK && ctx.Err() != nil {
		fmt.Fprintln(stderr, "\n[ERROR]: User interrupted execution")
		code = runner.ExitInterrupted
	}
	// Like ansible-playbook, a run an error stopped prints no recap.
	if code != runner.ExitError {
		if c := r.Recap(); code == runner.ExitOK {
			code = c
		}
	}
	if err := r.StartAtTaskError(); err != nil {
		fmt.Fprintf(stderr, "[ERROR]: %v\n", err)
	}
	stats := r.Stats()
	var errs []error
	for _, rep := range reports {
		errs = append(errs, rep.Close(stats))
	}
	errs = append(errs, writeRetryFile(retryFile(cmd, paths[0]), stats, opts.Out))
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		if code == runner.ExitOK {
			code = runner.ExitError
		}
	}
	if cmd.Bool("fail-on-change") {
		if changed := changedHosts(stats); len(changed) > 0 {
			fmt.Fprintf(stderr, "ERROR! --fail-on-change: tasks changed %s; a run on converged hosts must change nothing\n", strings.Join(changed, ", "))
			if code == runner.ExitOK {
				code = runner.ExitFailed
			}
		}
	}
	return exitError{code}
}

// interruptible returns a context cancelled by the first Ctrl-C or SIGTERM.
// A second signal, or a run that has not ended by hardStop, exits 99 at once.
func interruptible(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
		case <-done:
			return
		}
		cancel()
		fmt.Fprintf(stderr, "\n[WARNING]: interrupted: starting no new task; running commands get %v to finish (Ctrl-C again to quit now)\n", killGrace)
		select {
		case <-sig:
			fmt.Fprintln(stderr, "\n[ERROR]: User interrupted execution")
		case <-time.After(hardStop):
			fmt.Fprintln(stderr, "\n[ERROR]: User interrupted execution (the run did not stop in time)")
		case <-done:
			return
		}
		os.Exit(runner.ExitInterrupted)
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
}

// writeRetryFile writes the hosts that failed or were unreachable, one per
// line, as Ansible's .retry files; with none, a stale file is removed so a
// later `--limit @file` does not rerun old failures.
func writeRetryFile(path string, stats map[string]*runner.HostStats, out io.Writer) error {
	if path == "" {
		return nil
	}
	var hosts []string
	for h, s := range stats {
		if s.Failures > 0 || s.Unreachable > 0 {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot remove the retry file: %w", err)
		}
		return nil
	}
	sort.Strings(hosts)
	if err := os.WriteFile(path, []byte(strings.Join(hosts, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("cannot write the retry file: %w", err)
	}
	fmt.Fprintf(out, "\tto retry, use: --limit @%s\n\n", path)
	return nil
}

func changedHosts(stats map[string]*runner.HostStats) []string {
	var out []string
	for h, s := range stats {
		if s.Changed > 0 {
			out = append(out, fmt.Sprintf("%s (%d)", h, s.Changed))
		}
	}
	sort.Strings(out)
	return out
}
