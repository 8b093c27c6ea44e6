package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"play/runner"
)

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// feed plays a small run into l: one play, a gather, an ok, a changed,
// an ignored failure, a failure, a skip and an unreachable host.
func feed(l runner.Listener) map[string]*runner.HostStats {
	l.PlayStart(runner.PlayEvent{Name: "web", Hosts: []string{"a", "b"}, Start: t0})
	task := func(name, action, path string, results ...runner.HostEvent) {
		ev := runner.TaskEvent{Play: "web", Name: name, Action: action, Path: path, Start: t0}
		l.TaskStart(ev)
		for _, r := range results {
			r.Task = ev
			r.Start, r.End = t0, t0.Add(1500*time.Millisecond)
			l.HostResult(r)
		}
	}
	ok := func(host, status string, res map[string]any) runner.HostEvent {
		return runner.HostEvent{Host: host, Status: status, Result: res}
	}
	task("Gathering Facts", "setup", "", ok("a", "ok", map[string]any{"changed": false}))
	task("hello", "debug", "site.yml:4", ok("a", "ok", map[string]any{"changed": false, "msg": "hi"}), ok("b", "ok", map[string]any{"changed": false, "msg": "hi"}))
	task("write", "copy", "site.yml:6", ok("a", "changed", map[string]any{"changed": true, "dest": "/etc/x"}))
	task("secret", "command", "site.yml:8", ok("a", "changed", map[string]any{"censored": "hidden", "changed": true}))
	ign := ok("a", "failed", map[string]any{"changed": false, "msg": "boom", "rc": 1})
	ign.Ignored = true
	task("may fail", "command", "site.yml:10", ign, ok("b", "unreachable", map[string]any{"changed": false, "msg": "Failed to connect", "unreachable": true}))
	task("must work", "command", "site.yml:12", ok("a", "failed", map[string]any{"changed": false, "rc": 2}))
	task("later", "debug", "site.yml:14", ok("a", "skipped", map[string]any{"changed": false, "skip_reason": "Conditional result was False"}))
	return map[string]*runner.HostStats{"a": {OK: 5, Changed: 2, Failures: 1, Skipped: 1, Ignored: 1}, "b": {OK: 1, Unreachable: 1}}
}

func run(t *testing.T, spec string, opts Options) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out")
	r, err := New(strings.ReplaceAll(spec, "PATH", path), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(feed(r)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestJSON(t *testing.T) {
	var doc struct {
		Plays []struct {
			Play struct {
				Name     string
				Duration map[string]string
			}
			Tasks []struct {
				Task  struct{ Name, Path string }
				Hosts map[string]map[string]any
			}
		}
		Stats map[string]map[string]int
	}
	data := run(t, "json=PATH", Options{FailOnChange: true})
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(doc.Plays) != 1 || doc.Plays[0].Play.Name != "web" || doc.Plays[0].Play.Duration["end"] != "2024-05-01T10:00:01.500000Z" {
		t.Fatalf("plays: %+v", doc.Plays)
	}
	tasks := doc.Plays[0].Tasks
	if len(tasks) != 7 {
		t.Fatalf("got %d tasks", len(tasks))
	}
	checks := []struct {
		task      int
		host, key string
		want      any
	}{
		{1, "b", "msg", "hi"},
		{1, "a", "action", "debug"},
		{2, "a", "failed", true}, // --fail-on-change
		{3, "a", "censored", "hidden"},
		{4, "b", "unreachable", true},
	}
	for _, c := range checks {
		if got := tasks[c.task].Hosts[c.host][c.key]; got != c.want {
			t.Errorf("task %d host %s %s = %v, want %v", c.task, c.host, c.key, got, c.want)
		}
	}
	if tasks[1].Task.Path != "site.yml:4" || doc.Stats["b"]["unreachable"] != 1 || doc.Stats["a"]["ignored"] != 1 {
		t.Errorf("task path / stats: %+v %+v", tasks[1].Task, doc.Stats)
	}
}

func TestJUnit(t *testing.T) {
	tests := []struct {
		name         string
		opts         Options
		wantFailures int
		wantCase     string
	}{
		{"plain", Options{Playbook: "ci/site.yml"}, 1, `<testcase classname="site.yml:6" name="[a] web: write" time="1.5"><system-out>{"changed":true,"dest":"/etc/x"}</system-out></testcase>`},
		{"fail on change", Options{Playbook: "ci/site.yml", FailOnChange: true}, 3, `<testcase classname="site.yml:6" name="[a] web: write" time="1.5"><failure message="the task changed the host and --fail-on-change was given (a second run must change nothing)" type="changed">{"changed":true,"dest":"/etc/x"}</failure></testcase>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := run(t, "junit=PATH", tt.opts)
			var doc junitSuites
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			s := doc.Suites[0]
			if s.Name != "site" || s.Tests != 8 || s.Failures != tt.wantFailures || s.Errors != 1 || s.Skipped != 1 {
				t.Errorf("suite %s: tests=%d failures=%d errors=%d skipped=%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped)
			}
			compact := strings.NewReplacer("\n", "", "\t", "", "&#34;", `"`).Replace(string(data))
			if !strings.Contains(compact, tt.wantCase) {
				t.Errorf("missing %s in\n%s", tt.wantCase, data)
			}
			for _, want := range []string{
				`<failure message="rc=2" type="failure">`,
				`<error message="Failed to connect" type="unreachable">`,
				`<skipped>Conditional result was False</skipped>`,
			} {
				if !strings.Contains(compact, want) {
					t.Errorf("missing %s", want)
				}
			}
			if strings.Contains(compact, "Gathering Facts") {
				t.Error("fact gathering is not a test case")
			}
		})
	}
}

func TestJSONLines(t *testing.T) {
	data := run(t, "jsonl=PATH", Options{})
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 18 {
		t.Fatalf("got %d lines:\n%s", len(lines), data)
	}
	var events []string
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		events = append(events, ev["event"].(string))
	}
	if events[0] != "play_start" || events[1] != "task_start" || events[2] != "host_result" || events[len(events)-1] != "recap" {
		t.Errorf("events: %v", events)
	}
}

func TestStdoutAndBadSpecs(t *testing.T) {
	var buf bytes.Buffer
	r, err := New("json=-", Options{Stdout: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(feed(r)); err != nil || !json.Valid(buf.Bytes()) {
		t.Fatalf("stdout report: %v\n%s", err, buf.String())
	}
	for spec, want := range map[string]string{
		"json":                   `invalid --report "json": write FORMAT=PATH with FORMAT one of json, junit, jsonl`,
		"xml=out.xml":            `invalid --report "xml=out.xml": unknown format "xml" (use one of json, junit, jsonl)`,
		"jsonl=/nonexistent/x/y": "cannot write report: open /nonexistent/x/y: no such file or directory",
	} {
		if _, err := New(spec, Options{}); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", spec, err, want)
		}
	}
}
