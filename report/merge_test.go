package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"play/runner"
)

// shardRun is what one shard's run sends its reports.
type shardRun struct {
	tasks []shardTask
	stats map[string]*runner.HostStats
}

type shardTask struct {
	name    string
	line    int
	results []runner.HostEvent
}

func result(host, status string, res map[string]any) runner.HostEvent {
	return runner.HostEvent{Host: host, Status: status, Result: res}
}

// play feeds the run into l, every event at time at, as one play "all".
func (s shardRun) play(l runner.Listener, at time.Time) {
	l.PlayStart(runner.PlayEvent{Name: "all", Start: at})
	for _, st := range s.tasks {
		ev := runner.TaskEvent{Play: "all", Name: st.name, Action: "command", Path: fmt.Sprintf("site.yml:%d", st.line), Start: at}
		l.TaskStart(ev)
		for _, r := range st.results {
			r.Task = ev
			r.Start, r.End = at, at.Add(time.Second)
			l.HostResult(r)
		}
	}
}

// write writes the run's report in format to a file in dir.
func (s shardRun) write(t *testing.T, dir, name, format string, opts Options) string {
	t.Helper()
	path := filepath.Join(dir, name)
	r, err := New(format+"="+path, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.play(r, t0)
	if err := r.Close(s.stats); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mergeTo(t *testing.T, format string, paths ...string) []byte {
	t.Helper()
	m, err := Merge(paths)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := m.Write(format, "-", "", &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A report merged alone comes out as it went in: reading it back loses nothing.
func TestMergeOneReportIsIdentity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.json")
	r, err := New("json="+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(feed(r)); err != nil {
		t.Fatal(err)
	}
	if got, want := mergeTo(t, "json", path), readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
}

var (
	okRes = map[string]any{"changed": false}
	fail  = map[string]any{"changed": false, "failed": true, "msg": "boom", "rc": 1}
)

// Two shards, where a task (a handler, an include) ran in one of them only,
// merge into the report one run over both hosts writes.
func TestMergeShardsEqualsOneRun(t *testing.T) {
	dir := t.TempDir()
	a := shardRun{
		tasks: []shardTask{
			{"first", 4, []runner.HostEvent{result("a", "ok", okRes)}},
			{"only on a", 6, []runner.HostEvent{result("a", "changed", map[string]any{"changed": true, "big": 12345678901234567})}},
			{"last", 8, []runner.HostEvent{result("a", "ok", okRes)}},
		},
		stats: map[string]*runner.HostStats{"a": {OK: 3, Changed: 1}},
	}
	b := shardRun{
		tasks: []shardTask{
			{"first", 4, []runner.HostEvent{result("b", "ok", okRes)}},
			{"last", 8, []runner.HostEvent{result("b", "failed", fail)}},
		},
		stats: map[string]*runner.HostStats{"b": {OK: 1, Failures: 1}},
	}
	whole := shardRun{
		tasks: []shardTask{
			{"first", 4, []runner.HostEvent{result("a", "ok", okRes), result("b", "ok", okRes)}},
			{"only on a", 6, a.tasks[1].results},
			{"last", 8, []runner.HostEvent{result("a", "ok", okRes), result("b", "failed", fail)}},
		},
		stats: map[string]*runner.HostStats{"a": a.stats["a"], "b": b.stats["b"]},
	}
	for _, format := range []string{"json", "junit"} {
		got := mergeTo(t, format, a.write(t, dir, "a", "json", Options{}), b.write(t, dir, "b", "json", Options{}))
		want := readFile(t, whole.write(t, dir, "whole", format, Options{Playbook: "site.yml"}))
		if !bytes.Equal(got, want) {
			t.Errorf("merged %s:\n%s\nwant:\n%s", format, got, want)
		}
	}
	m, err := Merge([]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")})
	if err != nil {
		t.Fatal(err)
	}
	if code := m.ExitCode(); code != runner.ExitFailed {
		t.Errorf("exit code %d, want %d (b failed)", code, runner.ExitFailed)
	}
}

func TestMergeExitCode(t *testing.T) {
	unreachable := map[string]any{"changed": false, "unreachable": true, "msg": "Failed to connect"}
	for _, tc := range []struct {
		name  string
		res   runner.HostEvent
		stats runner.HostStats
		opts  Options
		want  int
	}{
		{"ok", result("a", "ok", okRes), runner.HostStats{OK: 1}, Options{}, runner.ExitOK},
		{"failed", result("a", "failed", fail), runner.HostStats{Failures: 1}, Options{}, runner.ExitFailed},
		{"unreachable", result("a", "unreachable", unreachable), runner.HostStats{Unreachable: 1}, Options{}, runner.ExitUnreachable},
		{"changed", result("a", "changed", map[string]any{"changed": true}), runner.HostStats{Changed: 1}, Options{}, runner.ExitOK},
		{"changed under --fail-on-change", result("a", "changed", map[string]any{"changed": true}), runner.HostStats{Changed: 1}, Options{FailOnChange: true}, runner.ExitFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := shardRun{tasks: []shardTask{{"t", 4, []runner.HostEvent{tc.res}}}, stats: map[string]*runner.HostStats{"a": &tc.stats}}
			m, err := Merge([]string{run.write(t, t.TempDir(), "a.json", "json", tc.opts)})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.ExitCode(); got != tc.want {
				t.Errorf("exit code %d, want %d", got, tc.want)
			}
		})
	}
}

// localhost runs in every shard: one result per task, a failure kept over
// a success, and the recap of one run.
func TestMergeLocalhostFromEveryShard(t *testing.T) {
	dir := t.TempDir()
	local := func(host string, res runner.HostEvent, s runner.HostStats) string {
		run := shardRun{
			tasks: []shardTask{{"t", 4, []runner.HostEvent{res, result(host, "ok", okRes)}}},
			stats: map[string]*runner.HostStats{"localhost": &s, host: {OK: 1}},
		}
		return run.write(t, dir, host, "json", Options{})
	}
	m, err := Merge([]string{
		local("a", result("localhost", "ok", okRes), runner.HostStats{OK: 1}),
		local("b", result("localhost", "failed", fail), runner.HostStats{Failures: 1}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := *m.Stats()["localhost"]; got != (runner.HostStats{OK: 1, Failures: 1}) {
		t.Errorf("localhost recap %+v, want the largest of each counter", got)
	}
	var out bytes.Buffer
	if err := m.Write("json", "-", "", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"msg": "boom"`) {
		t.Errorf("localhost's failure in shard b is not in the merge:\n%s", &out)
	}
}

func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	one := shardRun{tasks: []shardTask{{"t", 4, []runner.HostEvent{result("a", "ok", okRes)}}}, stats: map[string]*runner.HostStats{"a": {OK: 1}}}
	a := one.write(t, dir, "a.json", "json", Options{})
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, bytes.Replace(readFile(t, a), []byte(`"name": "all"`), []byte(`"name": "db"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	b := shardRun{tasks: []shardTask{{"t", 4, []runner.HostEvent{result("b", "ok", okRes)}}}, stats: map[string]*runner.HostStats{"b": {OK: 1}}}.write(t, dir, "b.json", "json", Options{})
	junit := one.write(t, dir, "a.xml", "junit", Options{})
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"a report twice", []string{a, b, a}, "host a has a recap in both " + a + " and " + a},
		{"another playbook", []string{b, other}, "its play #1 is \"db\" where an earlier report has \"all\""},
		{"not JSON", []string{junit}, junit + " is not a JSON report written by --report json=PATH"},
		{"no plays", []string{writeText(t, dir, "empty.json", "{}")}, "it has no plays or no stats"},
		{"missing", []string{filepath.Join(dir, "nope.json")}, "cannot read report"},
		{"none", nil, "no report to merge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.paths)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// A failure only ignore_errors saw (the host's recap has no failures) is no
// JUnit failure, as in the run's own JUnit report.
func TestMergedJUnitPassesIgnoredFailures(t *testing.T) {
	dir := t.TempDir()
	ignored := result("a", "failed", fail)
	ignored.Ignored = true
	run := shardRun{tasks: []shardTask{{"t", 4, []runner.HostEvent{ignored}}}, stats: map[string]*runner.HostStats{"a": {Ignored: 1}}}
	got := mergeTo(t, "junit", run.write(t, dir, "a.json", "json", Options{}))
	want := readFile(t, run.write(t, dir, "a.xml", "junit", Options{Playbook: "site.yml"}))
	if !bytes.Equal(got, want) {
		t.Errorf("merged junit:\n%s\nwant:\n%s", got, want)
	}
}

func writeText(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
