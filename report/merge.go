package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"play/runner"
)

// Merged is the report of a whole run joined from the JSON reports its
// shards wrote (--shard I/N --report json=PATH).
type Merged struct {
	c     *collector
	stats map[string]*runner.HostStats
}

// controller is the one host every shard runs (it is each shard's own
// controller), so its results may come from several reports.
const controller = "localhost"

// Merge joins JSON reports written by the shards of one run: plays are
// matched by position and name, tasks by name and path in order (a task
// that ran in some shards only is kept in its place), each host's results
// come from the one report that has them, and the recap counters are
// summed. A host other than localhost found in two reports is an error
// naming both files. localhost, which every shard runs, keeps one result
// per task (the first failure, else the first report's) and the largest of
// each recap counter, so the merge reads as one run.
func Merge(paths []string) (*Merged, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no report to merge: give the JSON reports the shards wrote")
	}
	m := &merger{
		Merged:    &Merged{c: newCollector(Options{}), stats: map[string]*runner.HostStats{}},
		statsFrom: map[string]string{},
		from:      map[*task]map[string]string{},
	}
	for _, path := range paths {
		plays, stats, err := readJSONReport(path)
		if err != nil {
			return nil, err
		}
		if err := m.add(path, plays, stats); err != nil {
			return nil, err
		}
	}
	m.finish()
	return m.Merged, nil
}

// Stats are the merged recap counters per host.
func (m *Merged) Stats() map[string]*runner.HostStats { return m.stats }

// ExitCode is what the whole run would have exited with: 4 for an
// unreachable host, 2 for a failed one or a change under --fail-on-change.
func (m *Merged) ExitCode() int {
	code := runner.ExitCode(m.stats)
	if code != runner.ExitOK || !m.c.opts.FailOnChange {
		return code
	}
	for _, s := range m.stats {
		if s.Changed > 0 {
			return runner.ExitFailed
		}
	}
	return code
}

// Write writes the merged report in format json or junit to path ("-" is
// stdout); playbook names the JUnit suite, as the run's first playbook
// does ("": the file of the first task outside a role).
func (m *Merged) Write(format, path, playbook string, stdout io.Writer) error {
	write := map[string]func(*collector, map[string]*runner.HostStats) ([]byte, error){"json": writeJSON, "junit": writeJUnit}[format]
	if write == nil {
		return fmt.Errorf("cannot write a merged %q report: the formats are json and junit", format)
	}
	m.c.opts.Playbook = cmp.Or(playbook, m.playbook())
	data, err := write(m.c, m.stats)
	if err != nil {
		return err
	}
	return (&destination{path: path, stdout: stdout}).writeWhole(data)
}

// playbook guesses the playbook's path from the tasks it lists itself.
func (m *Merged) playbook() string {
	for _, p := range m.c.plays {
		for _, t := range p.tasks {
			file := t.Path[:max(0, strings.LastIndexByte(t.Path, ':'))]
			if file != "" && !strings.Contains(file, "/roles/") {
				return file
			}
		}
	}
	return "playbook"
}

// merger is the state of a merge: which report each host came from.
type merger struct {
	*Merged
	statsFrom map[string]string
	from      map[*task]map[string]string // task -> host -> report
}

func (m *merger) add(path string, plays []*play, stats map[string]*runner.HostStats) error {
	for host, s := range stats {
		if *s == (runner.HostStats{}) {
			continue // written by a version that listed hosts that ran nothing
		}
		if prev, ok := m.statsFrom[host]; ok && host != controller {
			return conflict(host, "a recap", prev, path)
		}
		m.statsFrom[host] = path
		sum := m.stats[host]
		if sum == nil {
			sum = &runner.HostStats{}
			m.stats[host] = sum
		}
		join := func(a, b int) int { return a + b }
		if host == controller {
			// Every shard ran localhost's plays: the merge reads as one run.
			join = func(a, b int) int { return max(a, b) }
		}
		sum.OK = join(sum.OK, s.OK)
		sum.Changed = join(sum.Changed, s.Changed)
		sum.Unreachable = join(sum.Unreachable, s.Unreachable)
		sum.Failures = join(sum.Failures, s.Failures)
		sum.Skipped = join(sum.Skipped, s.Skipped)
		sum.Rescued = join(sum.Rescued, s.Rescued)
		sum.Ignored = join(sum.Ignored, s.Ignored)
	}
	for i, p := range plays {
		if i == len(m.c.plays) {
			m.c.plays = append(m.c.plays, &play{PlayEvent: p.PlayEvent, end: p.end})
		}
		into := m.c.plays[i]
		if into.Name != p.Name {
			return fmt.Errorf("cannot merge %s: its play #%d is %q where an earlier report has %q; merge only the reports of one run's shards", path, i+1, p.Name, into.Name)
		}
		widen(&into.Start, &into.end, p.Start, p.end)
		var err error
		if into.tasks, err = m.alignTasks(path, into.tasks, p.tasks); err != nil {
			return err
		}
	}
	return nil
}

// alignTasks merges the tasks of a report's play into those merged so far,
// in order: tasks both have (a longest common subsequence by name and
// path) are joined, the others are kept where they ran.
func (m *merger) alignTasks(path string, have, add []*task) ([]*task, error) {
	// lcs[i][j] is the length of the common subsequence of have[i:] and add[j:].
	lcs := make([][]int, len(have)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(add)+1)
	}
	for i := len(have) - 1; i >= 0; i-- {
		for j := len(add) - 1; j >= 0; j-- {
			if sameTask(have[i], add[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []*task
	i, j := 0, 0
	for i < len(have) || j < len(add) {
		switch {
		case i < len(have) && j < len(add) && sameTask(have[i], add[j]):
			if err := m.joinTask(path, have[i], add[j]); err != nil {
				return nil, err
			}
			out = append(out, have[i])
			i, j = i+1, j+1
		case j == len(add) || i < len(have) && lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, have[i])
			i++
		default:
			t := &task{TaskEvent: add[j].TaskEvent, end: add[j].end}
			if err := m.joinTask(path, t, add[j]); err != nil {
				return nil, err
			}
			out = append(out, t)
			j++
		}
	}
	return out, nil
}

func sameTask(a, b *task) bool { return a.Name == b.Name && a.Path == b.Path }

// joinTask adds a report's results for a task to the merged task.
func (m *merger) joinTask(path string, into, add *task) error {
	widen(&into.Start, &into.end, add.Start, add.end)
	if into.Action == "" {
		into.Action = add.Action
	}
	from := m.from[into]
	if from == nil {
		from = map[string]string{}
		m.from[into] = from
	}
	for _, h := range add.hosts {
		k := slices.IndexFunc(into.hosts, func(e runner.HostEvent) bool { return e.Host == h.Host })
		switch {
		case k < 0:
			into.hosts = append(into.hosts, h)
			from[h.Host] = path
		case h.Host != controller:
			return conflict(h.Host, fmt.Sprintf("results for task %q of play %q", add.Name, add.Play), from[h.Host], path)
		case !problem(into.hosts[k]) && problem(h):
			// localhost ran in every shard: keep a failure rather than hide it.
			into.hosts[k] = h
			from[h.Host] = path
		}
	}
	return nil
}

func problem(h runner.HostEvent) bool {
	return h.Status == runner.StatusFailed || h.Status == runner.StatusUnreachable
}

func conflict(host, what, first, second string) error {
	return fmt.Errorf("cannot merge: host %s has %s in both %s and %s; a host runs in one shard only, so merge the reports of one run's shards (same N, each I once)", host, what, first, second)
}

// widen stretches [start, end] to cover [s, e].
func widen(start, end *time.Time, s, e time.Time) {
	if s.Before(*start) {
		*start = s
	}
	if e.After(*end) {
		*end = e
	}
}

// finish orders each task's hosts by name and marks the ignored failures:
// the JSON, like Ansible's, does not say which failures ignore_errors
// ignored, so a failed result counts as ignored when its host's recap has
// no failures but ignored ones.
func (m *merger) finish() {
	for _, p := range m.c.plays {
		for _, t := range p.tasks {
			slices.SortFunc(t.hosts, func(a, b runner.HostEvent) int { return strings.Compare(a.Host, b.Host) })
			for k, h := range t.hosts {
				if s := m.stats[h.Host]; h.Status == runner.StatusFailed && s != nil {
					t.hosts[k].Ignored = s.Failures == 0 && s.Ignored > 0
				}
				m.c.opts.FailOnChange = m.c.opts.FailOnChange || h.Status == runner.StatusChanged && h.Result["msg"] == failOnChangeMsg
			}
		}
	}
}

// jsonReport is the document writeJSON writes.
type jsonReport struct {
	Plays []struct {
		Play struct {
			Name     string   `json:"name"`
			Duration jsonSpan `json:"duration"`
		} `json:"play"`
		Tasks []struct {
			Task struct {
				Name     string   `json:"name"`
				Path     string   `json:"path"`
				Duration jsonSpan `json:"duration"`
			} `json:"task"`
			Hosts map[string]map[string]any `json:"hosts"`
		} `json:"tasks"`
	} `json:"plays"`
	Stats map[string]struct {
		OK          int `json:"ok"`
		Changed     int `json:"changed"`
		Unreachable int `json:"unreachable"`
		Failures    int `json:"failures"`
		Skipped     int `json:"skipped"`
		Rescued     int `json:"rescued"`
		Ignored     int `json:"ignored"`
	} `json:"stats"`
}

type jsonSpan struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func (s jsonSpan) times() (start, end time.Time, err error) {
	if start, err = time.Parse(timeFormat, s.Start); err == nil {
		end, err = time.Parse(timeFormat, s.End)
	}
	return start, end, err
}

// readJSONReport reads a report written by --report json=PATH back into
// the collector's form.
func readJSONReport(path string) ([]*play, map[string]*runner.HostStats, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read report: %w", err)
	}
	bad := func(why string, err error) error {
		return fmt.Errorf("%s is not a JSON report written by --report json=PATH: %s%w", path, why, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers in results are written back as they were read
	var doc jsonReport
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, bad("", err)
	}
	if doc.Plays == nil || doc.Stats == nil {
		return nil, nil, bad("it has no plays or no stats", nil)
	}
	var plays []*play
	for _, jp := range doc.Plays {
		start, end, err := jp.Play.Duration.times()
		if err != nil {
			return nil, nil, bad(fmt.Sprintf("play %q: ", jp.Play.Name), err)
		}
		p := &play{PlayEvent: runner.PlayEvent{Name: jp.Play.Name, Start: start}, end: end}
		for _, jt := range jp.Tasks {
			start, end, err := jt.Task.Duration.times()
			if err != nil {
				return nil, nil, bad(fmt.Sprintf("task %q: ", jt.Task.Name), err)
			}
			t := &task{TaskEvent: runner.TaskEvent{Play: p.Name, Name: jt.Task.Name, Path: jt.Task.Path, Start: start}, end: end}
			for host, res := range jt.Hosts {
				if a, ok := res["action"].(string); ok {
					t.Action = a
				}
				delete(res, "action") // writeJSON adds the task's
				t.hosts = append(t.hosts, runner.HostEvent{Task: t.TaskEvent, Host: host, Status: statusOf(res), Result: res, Start: start, End: end})
			}
			p.tasks = append(p.tasks, t)
		}
		plays = append(plays, p)
	}
	stats := map[string]*runner.HostStats{}
	for host, s := range doc.Stats {
		stats[host] = &runner.HostStats{OK: s.OK, Changed: s.Changed, Unreachable: s.Unreachable, Failures: s.Failures, Skipped: s.Skipped, Rescued: s.Rescued, Ignored: s.Ignored}
	}
	return plays, stats, nil
}

// statusOf reads a result's status back from its flags; a failure made by
// --fail-on-change is the change it was.
func statusOf(res map[string]any) string {
	switch {
	case res["unreachable"] == true:
		return runner.StatusUnreachable
	case res["failed"] == true && res["msg"] == failOnChangeMsg:
		return runner.StatusChanged
	case res["failed"] == true:
		return runner.StatusFailed
	case res["skipped"] == true:
		return runner.StatusSkipped
	case res["changed"] == true:
		return runner.StatusChanged
	}
	return runner.StatusOK
}
