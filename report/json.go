package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"time"

	"play/runner"
)

// timeFormat is Ansible's json callback's timestamp (UTC, microseconds).
const timeFormat = "2006-01-02T15:04:05.000000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

func duration(start, end time.Time) map[string]any {
	return map[string]any{"start": stamp(start), "end": stamp(end)}
}

// writeJSON renders Ansible's json callback document.
func writeJSON(c *collector, stats map[string]*runner.HostStats) ([]byte, error) {
	plays := []any{}
	for _, p := range c.plays {
		tasks := []any{}
		for _, t := range p.tasks {
			hosts := map[string]any{}
			for _, h := range t.hosts {
				res := maps.Clone(h.Result)
				res["action"] = t.Action
				if c.failedByChange(h) {
					res["failed"] = true
					res["msg"] = failOnChangeMsg
				}
				hosts[h.Host] = res
			}
			info := map[string]any{"name": t.Name, "duration": duration(t.Start, t.end)}
			if t.Path != "" {
				info["path"] = t.Path
			}
			tasks = append(tasks, map[string]any{"task": info, "hosts": hosts})
		}
		plays = append(plays, map[string]any{
			"play":  map[string]any{"name": p.Name, "duration": duration(p.Start, p.end)},
			"tasks": tasks,
		})
	}
	doc := map[string]any{
		"plays":               plays,
		"stats":               statsJSON(stats),
		"custom_stats":        map[string]any{},
		"global_custom_stats": map[string]any{},
	}
	return marshal(doc, "    ")
}

// failOnChangeMsg is the failure a changed task becomes under --fail-on-change.
const failOnChangeMsg = "the task changed the host and --fail-on-change was given (a second run must change nothing)"

// statsJSON is the recap of the hosts that ran something, as Ansible's
// (its stats.processed): a host only looked at (hostvars) has no entry.
func statsJSON(stats map[string]*runner.HostStats) map[string]any {
	out := map[string]any{}
	for host, s := range stats {
		if *s == (runner.HostStats{}) {
			continue
		}
		out[host] = map[string]int{
			"ok": s.OK, "changed": s.Changed, "unreachable": s.Unreachable, "failures": s.Failures,
			"skipped": s.Skipped, "rescued": s.Rescued, "ignored": s.Ignored,
		}
	}
	return out
}

// marshal encodes with sorted keys and without HTML escaping, as Python's
// json.dumps does.
func marshal(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
