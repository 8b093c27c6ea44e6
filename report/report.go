// Package report writes machine-readable reports of a run from the runner's
// events: a JSON document shaped like Ansible's json callback, JUnit XML
// shaped like Ansible's junit callback, and JSON Lines streamed as the run
// goes.
package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"play/runner"
)

// Report is a runner.Listener that writes its file when the run ends.
type Report interface {
	runner.Listener
	// Close writes what is left with the final per-host counters.
	Close(stats map[string]*runner.HostStats) error
}

// Options shape every report of a run.
type Options struct {
	// Playbook is the first playbook's path (the JUnit suite's name).
	Playbook string
	// FailOnChange reports changed tasks as failures (--fail-on-change).
	FailOnChange bool
	// Stdout is where a report whose path is "-" goes.
	Stdout io.Writer
}

// Formats are the report kinds --report accepts.
var Formats = []string{"json", "junit", "jsonl"}

// New makes the report a --report value asks for: FORMAT=PATH, PATH "-"
// being standard output.
func New(spec string, opts Options) (Report, error) {
	format, path, ok := strings.Cut(spec, "=")
	if !ok || path == "" {
		return nil, fmt.Errorf("invalid --report %q: write FORMAT=PATH with FORMAT one of %s (PATH - is standard output)", spec, strings.Join(Formats, ", "))
	}
	out := &destination{path: path, stdout: opts.Stdout}
	switch format {
	case "json":
		return &document{collector: newCollector(opts), dest: out, write: writeJSON}, nil
	case "junit":
		return &document{collector: newCollector(opts), dest: out, write: writeJUnit}, nil
	case "jsonl":
		w, err := out.open()
		if err != nil {
			return nil, err
		}
		return &stream{w: w, closer: out}, nil
	}
	return nil, fmt.Errorf("invalid --report %q: unknown format %q (use one of %s)", spec, format, strings.Join(Formats, ", "))
}

// destination is a report's path: "-" for standard output, else a file
// written whole at the end (temp file + rename) or streamed.
type destination struct {
	path   string
	stdout io.Writer
	file   *os.File
}

func (d *destination) open() (io.Writer, error) {
	if d.path == "-" {
		return d.stdout, nil
	}
	f, err := os.Create(d.path)
	if err != nil {
		return nil, fmt.Errorf("cannot write report: %w", err)
	}
	d.file = f
	return f, nil
}

func (d *destination) Close() error {
	if d.file == nil {
		return nil
	}
	return errors.Join(d.file.Sync(), d.file.Close())
}

// writeWhole writes data to the destination atomically: a half-written
// report never replaces a previous one.
func (d *destination) writeWhole(data []byte) error {
	if d.path == "-" {
		_, err := d.stdout.Write(data)
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(d.path), ".report.*")
	if err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("cannot write report %s: %w", d.path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), d.path)
}

// collector keeps every event in order for the whole-document reports.
type collector struct {
	opts  Options
	mu    sync.Mutex
	plays []*play
	byKey map[string]*task // play index + task identity -> task
}

type play struct {
	runner.PlayEvent
	end   time.Time
	tasks []*task
}

type task struct {
	runner.TaskEvent
	end   time.Time
	hosts []runner.HostEvent
}

func newCollector(opts Options) *collector {
	return &collector{opts: opts, byKey: map[string]*task{}}
}

func (c *collector) PlayStart(ev runner.PlayEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.plays = append(c.plays, &play{PlayEvent: ev, end: ev.Start})
}

func (c *collector) TaskStart(ev runner.TaskEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.current(ev.Play)
	t := &task{TaskEvent: ev, end: ev.Start}
	p.tasks = append(p.tasks, t)
	c.byKey[taskKey(len(c.plays), ev)] = t
}

func (c *collector) HostResult(ev runner.HostEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.byKey[taskKey(len(c.plays), ev.Task)]
	if t == nil {
		// A result for a task that did not announce itself (an include's
		// implicit task): it starts with its first result.
		p := c.current(ev.Task.Play)
		start := ev.Task
		start.Start = ev.Start
		t = &task{TaskEvent: start}
		p.tasks = append(p.tasks, t)
		c.byKey[taskKey(len(c.plays), ev.Task)] = t
	}
	t.hosts = append(t.hosts, ev)
	if ev.End.After(t.end) {
		t.end = ev.End
	}
	if p := c.plays[len(c.plays)-1]; ev.End.After(p.end) {
		p.end = ev.End
	}
}

// current is the play being run, made up if a task comes first.
func (c *collector) current(name string) *play {
	if len(c.plays) == 0 {
		c.plays = append(c.plays, &play{PlayEvent: runner.PlayEvent{Name: name, Start: time.Now()}})
	}
	return c.plays[len(c.plays)-1]
}

func taskKey(play int, t runner.TaskEvent) string {
	return fmt.Sprintf("%d\x00%s\x00%s\x00%t", play, t.Path, t.Name, t.Handler)
}

// document is a report written whole when the run ends.
type document struct {
	*collector
	dest  *destination
	write func(c *collector, stats map[string]*runner.HostStats) ([]byte, error)
}

func (d *document) Close(stats map[string]*runner.HostStats) error {
	d.mu.Lock()
	data, err := d.write(d.collector, stats)
	d.mu.Unlock()
	if err != nil {
		return err
	}
	return d.dest.writeWhole(data)
}

// failedByChange says whether --fail-on-change turns this result into a failure.
func (c *collector) failedByChange(h runner.HostEvent) bool {
	return c.opts.FailOnChange && h.Status == runner.StatusChanged
}
