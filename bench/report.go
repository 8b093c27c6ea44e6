package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

func toolIndex(name string) int {
	return slices.IndexFunc(tools, func(t tool) bool { return t.name == name })
}

func toolNames() []string {
	var names []string
	for _, t := range tools {
		names = append(names, t.name)
	}
	return names
}

// machine describes where the numbers came from.
func machine(note string, repeat int) []string {
	first := func(name string, args ...string) string {
		out, _ := exec.Command(name, args...).CombinedOutput()
		line, _, _ := strings.Cut(string(out), "\n")
		return strings.TrimSpace(line)
	}
	cpu := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(info), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	lines := []string{
		fmt.Sprintf("%s, %d cores, %s", cpu, runtime.NumCPU(), first("uname", "-sr")),
		fmt.Sprintf("%s; %s; %s", first("ansible-playbook", "--version"), first("ssh", "-V"), runtime.Version()),
		fmt.Sprintf("%s, %d runs per cell, load average at the end: %s", time.Now().UTC().Format("2006-01-02 15:04 UTC"), repeat, strings.Join(strings.Fields(string(load))[:3], " ")),
	}
	if note != "" {
		lines = append(lines, note)
	}
	return lines
}

// stats are the median and range of one measure over a result's samples.
type stats struct{ med, lo, hi float64 }

func statsOf(samples []sample, measure func(sample) float64) stats {
	v := make([]float64, len(samples))
	for i, s := range samples {
		v[i] = measure(s)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return stats{math.NaN(), math.NaN(), math.NaN()}
	}
	med := v[len(v)/2]
	if len(v)%2 == 0 {
		med = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return stats{med, v[0], v[len(v)-1]}
}

func wall(s sample) float64      { return s.Wall.Seconds() }
func ctlCPU(s sample) float64    { return s.CtlCPU.Seconds() }
func targetCPU(s sample) float64 { return s.TargetCPU.Seconds() }
func peakMB(s sample) float64    { return float64(s.PeakMem) / (1 << 20) }

// find is the result for tool, hosts and run, or nil.
func find(results []*result, tool string, hosts int, run string) *result {
	i := slices.IndexFunc(results, func(r *result) bool { return r.Tool == tool && r.Hosts == hosts && r.Run == run })
	if i < 0 {
		return nil
	}
	return results[i]
}

func writeResults(dir string, machine []string, results []*result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(map[string]any{"machine": machine, "results": results}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "chart.svg"), []byte(chart(results)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(markdown(machine, results)), 0o644)
}

// mergeResults writes one set of tables and one chart from the
// results.json of several runs (say 1-10 hosts with every tool, then 50
// hosts with the faster ones), keeping each run's machine lines.
func mergeResults(dir string, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("name the results.json files to merge")
	}
	var machine []string
	var results []*result
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var run struct {
			Machine []string  `json:"machine"`
			Results []*result `json:"results"`
		}
		if err := json.Unmarshal(data, &run); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, m := range run.Machine {
			if !slices.Contains(machine, m) {
				machine = append(machine, m)
			}
		}
		results = append(results, run.Results...)
	}
	return writeResults(dir, machine, results)
}

func markdown(machine []string, results []*result) string {
	var b strings.Builder
	b.WriteString("# Benchmark results\n\n")
	for _, m := range machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	b.WriteString("\nWall time is the median of the runs (min–max in brackets); CPU is user+system time of the tool " +
		"and everything it started (controller) and of the sshd daemons and all they ran (targets), from cgroup " +
		"cpuacct; memory is the controller cgroup's peak.\n\n![time vs hosts](chart.svg)\n")
	for _, run := range []struct{ name, title string }{
		{"rerun", "Re-run of the 10-task deploy (nothing to change)"},
		{"fresh", "First run of the 10-task deploy (fresh hosts)"},
	} {
		fmt.Fprintf(&b, "\n## %s\n\n| tool | hosts | wall s | × go-floor | controller CPU s | target CPU s | controller memory MB |\n|---|---:|---:|---:|---:|---:|---:|\n", run.title)
		for _, r := range results {
			if r.Run != run.name || len(r.Samples) == 0 {
				continue
			}
			w := statsOf(r.Samples, wall)
			ratio := "–"
			if f := find(results, "go-floor", r.Hosts, r.Run); f != nil && len(f.Samples) > 0 {
				ratio = fmt.Sprintf("%.1f", w.med/statsOf(f.Samples, wall).med)
			}
			fmt.Fprintf(&b, "| %s | %d | %.2f (%.2f–%.2f) | %s | %.2f | %.2f | %.0f |\n", r.Tool, r.Hosts, w.med, w.lo, w.hi, ratio,
				statsOf(r.Samples, ctlCPU).med, statsOf(r.Samples, targetCPU).med, statsOf(r.Samples, peakMB).med)
		}
	}
	perTaskTable(&b, results)
	var failed []string
	for _, r := range results {
		if r.Error != "" {
			failed = append(failed, fmt.Sprintf("- %s, %d hosts, %s:\n\n```\n%s\n```\n", r.Tool, r.Hosts, r.Run, tail(r.Error, 20)))
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## Runs that failed or did not reach the expected state (not in the tables)\n\n" + strings.Join(failed, "\n"))
	}
	return b.String()
}

// perTaskTable is the cost of one more trivial task on one host: the
// difference of the medians of the two trivial runs over their task counts.
func perTaskTable(b *strings.Builder, results []*result) {
	var runs []string
	for _, r := range results {
		if strings.HasPrefix(r.Run, "trivial-") && !slices.Contains(runs, r.Run) {
			runs = append(runs, r.Run)
		}
	}
	if len(runs) != 2 {
		return
	}
	k1, k2 := taskCount(runs[0]), taskCount(runs[1])
	fmt.Fprintf(b, "\n## Per trivial task on one host (%d vs %d `command: true` tasks)\n\n| tool | %d tasks s | %d tasks s | ms per task | controller CPU ms per task | target CPU ms per task |\n|---|---:|---:|---:|---:|---:|\n", k1, k2, k1, k2)
	for _, t := range tools {
		small, large := find(results, t.name, 1, runs[0]), find(results, t.name, 1, runs[1])
		if small == nil || large == nil || len(small.Samples) == 0 || len(large.Samples) == 0 {
			continue
		}
		per := func(m func(sample) float64) float64 {
			return (statsOf(large.Samples, m).med - statsOf(small.Samples, m).med) / float64(k2-k1) * 1000
		}
		fmt.Fprintf(b, "| %s | %.2f | %.2f | %.1f | %.1f | %.1f |\n", t.name, statsOf(small.Samples, wall).med, statsOf(large.Samples, wall).med,
			per(wall), per(ctlCPU), per(targetCPU))
	}
}

func taskCount(run string) int {
	var k int
	fmt.Sscanf(run, "trivial-%d", &k)
	return k
}
