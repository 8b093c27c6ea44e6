package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v3"

	"play/report"
	"play/runner"
)

// reportCommand is `play report merge`, which joins the JSON reports of a
// run's shards (--shard I/N) into the report of the whole run.
func reportCommand(stdout, stderr io.Writer) *cli.Command {
	usageError := func(_ context.Context, _ *cli.Command, err error, _ bool) error {
		fmt.Fprintf(stderr, "ERROR! %v\nusage: play report merge -o OUT.json [--junit OUT.xml] SHARD.json ...\n", err)
		return exitError{runner.ExitBadOptions}
	}
	return &cli.Command{
		Name:  "report",
		Usage: "work on the reports runs wrote (--report)",
		Commands: []*cli.Command{{
			Name:         "merge",
			Usage:        "merge the JSON reports of a run's shards into one; exits like the whole run would have (2 failed, 4 unreachable)",
			ArgsUsage:    "SHARD.json ...",
			OnUsageError: usageError,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the merged JSON report to `FILE` (- is standard output)"},
				&cli.StringFlag{Name: "junit", Usage: "also write the merged JUnit XML report to `FILE`"},
				&cli.StringFlag{Name: "playbook", Usage: "the `playbook` the shards ran: names the JUnit suite (default: guessed from the tasks' paths)"},
			},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.String("output") == "" || cmd.NArg() == 0 {
					return usageError(ctx, cmd, fmt.Errorf("play report merge needs the output file (-o) and the shards' JSON reports"), false)
				}
				return mergeReports(cmd, stdout, stderr)
			},
		}},
	}
}

func mergeReports(cmd *cli.Command, stdout, stderr io.Writer) error {
	merged, err := report.Merge(cmd.Args().Slice())
	if err == nil {
		err = merged.Write("json", cmd.String("output"), cmd.String("playbook"), stdout)
	}
	if err == nil && cmd.String("junit") != "" {
		err = merged.Write("junit", cmd.String("junit"), cmd.String("playbook"), stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return exitError{runner.ExitError}
	}
	code := merged.ExitCode()
	if code != runner.ExitOK {
		fmt.Fprintf(stderr, "ERROR! the merged run did not succeed: %s\n", strings.Join(troubledHosts(merged.Stats()), ", "))
	}
	return exitError{code}
}

// troubledHosts lists the hosts that failed or were unreachable, else
// those that changed (the failure under --fail-on-change).
func troubledHosts(stats map[string]*runner.HostStats) []string {
	var failed, changed []string
	for h, s := range stats {
		switch {
		case s.Unreachable > 0:
			failed = append(failed, h+" unreachable")
		case s.Failures > 0:
			failed = append(failed, fmt.Sprintf("%s failed (%d)", h, s.Failures))
		case s.Changed > 0:
			changed = append(changed, fmt.Sprintf("%s changed (%d) under --fail-on-change", h, s.Changed))
		}
	}
	if len(failed) == 0 {
		failed = changed
	}
	sort.Strings(failed)
	return failed
}
