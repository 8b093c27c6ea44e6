package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"

	"github.com/urfave/cli/v3"

	"play/runner"
)

// addProfileOption adds --profile KIND=PATH (cpu, heap, trace; repeatable):
// the run writes Go's profiles for `go tool pprof` / `go tool trace`, so a
// slow run can be measured where it happens.
func addProfileOption(cmd *cli.Command, stderr io.Writer) {
	cmd.Flags = append(cmd.Flags, &cli.StringSliceFlag{Name: "profile",
		Usage: "write a Go profile `KIND=PATH` for go tool pprof/trace: cpu, heap or trace (repeatable)"})
	var stop func() error
	cmd.Before = func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
		var err error
		stop, err = startProfiles(cmd.StringSlice("profile"))
		if err != nil {
			fmt.Fprintf(stderr, "ERROR! --profile: %v\n", err)
			return ctx, exitError{runner.ExitBadOptions}
		}
		return ctx, nil
	}
	cmd.After = func(context.Context, *cli.Command) error {
		if stop == nil {
			return nil
		}
		if err := stop(); err != nil {
			fmt.Fprintf(stderr, "[WARNING]: --profile: %v\n", err)
		}
		return nil
	}
}

// startProfiles starts the profiles named by specs; stop ends them and
// writes the files.
func startProfiles(specs []string) (stop func() error, err error) {
	var stops []func() error
	stopAll := func() error {
		var errs []error
		for _, s := range stops {
			errs = append(errs, s())
		}
		return errors.Join(errs...)
	}
	for _, spec := range specs {
		kind, path, ok := strings.Cut(spec, "=")
		if !ok || path == "" {
			return nil, errors.Join(fmt.Errorf("%q: want KIND=PATH, e.g. cpu=play.prof", spec), stopAll())
		}
		s, err := startProfile(kind, path)
		if err != nil {
			return nil, errors.Join(err, stopAll())
		}
		stops = append(stops, s)
	}
	return stopAll, nil
}

func startProfile(kind, path string) (func() error, error) {
	if kind != "cpu" && kind != "heap" && kind != "trace" {
		return nil, fmt.Errorf("unknown profile kind %q: use cpu, heap or trace", kind)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "cpu":
		err = pprof.StartCPUProfile(f)
		return func() error { pprof.StopCPUProfile(); return f.Close() }, closeOnError(f, err)
	case "trace":
		err = trace.Start(f)
		return func() error { trace.Stop(); return f.Close() }, closeOnError(f, err)
	}
	return func() error {
		runtime.GC() // the heap profile shows what is live at the end
		return errors.Join(pprof.WriteHeapProfile(f), f.Close())
	}, nil
}

func closeOnError(f *os.File, err error) error {
	if err != nil {
		return errors.Join(err, f.Close())
	}
	return nil
}
