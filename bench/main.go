// Command bench measures play against ansible-playbook (default, tuned,
// Mitogen) and two floors (OpenSSH, x/crypto/ssh) on real sshd daemons on
// loopback, checks every run did the same work, and writes a markdown table
// and an SVG chart into bench/results. It needs root (sshd, cgroups). See
// bench/README.md.
//
//	bench [flags]                    measure (bench -h for the flags)
//	bench floor FILE                 the Go floor, as the harness runs it
//	bench hosts N                    start N hosts and wait (profiling by hand)
//	bench merge -out DIR FILE...     one table and chart from several results.json
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"play/internal/sshtest"
)

// result is every sample of one tool on one workload and host count; Error
// says why there are none (the tool failed or did not reach the end state).
type result struct {
	Tool    string   `json:"tool"`
	Hosts   int      `json:"hosts"`
	Run     string   `json:"run"` // fresh, rerun, trivial-10, trivial-100
	Samples []sample `json:"samples"`
	Error   string   `json:"error,omitempty"`
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "floor" {
		if err := runFloor(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "hosts" {
		n, err := strconv.Atoi(os.Args[2])
		if err == nil && n < 1 {
			err = fmt.Errorf("%d hosts", n)
		}
		if err == nil {
			err = serveHosts(n)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench hosts:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "merge" {
		merge := flag.NewFlagSet("merge", flag.ExitOnError)
		out := merge.String("out", "bench/results", "directory for the merged results.json, results.md and chart")
		_ = merge.Parse(os.Args[2:])
		if err := mergeResults(*out, merge.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "bench merge:", err)
			os.Exit(1)
		}
		return
	}
	hosts := flag.String("hosts", "1,5,10", "host counts to run the deploy on, comma-separated")
	repeat := flag.Int("repeat", 3, "runs of each tool per workload; the table shows the median and the range")
	perTask := flag.String("pertask", "10,100", "the two trivial task counts for the per-task cost on one host (empty: skip)")
	only := flag.String("tools", "", "tools to run, comma-separated (default: all)")
	play := flag.String("play", "bin/play", "the play binary to measure")
	out := flag.String("out", "bench/results", "directory for results.json, results.md and the chart")
	note := flag.String("note", "", "a line about the machine's load, printed with the results")
	rtt := flag.Duration("rtt", 0, "round-trip time to add between the tools and every host (a delaying proxy), e.g. 50ms")
	flag.Parse()
	if *rtt > 0 {
		*note = strings.TrimSpace(fmt.Sprintf("%s Every host is behind a proxy that adds %s of round-trip time.", *note, *rtt))
	}
	if err := run(*hosts, *perTask, *only, *play, *out, *note, *repeat, *rtt); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(hostList, perTask, only, play, out, note string, repeat int, rtt time.Duration) error {
	counts, err := ints(hostList)
	if err != nil {
		return fmt.Errorf("-hosts: %w", err)
	}
	trivial, err := ints(perTask)
	if err != nil || len(trivial) != 0 && len(trivial) != 2 {
		return fmt.Errorf("-pertask wants two task counts like 10,100, got %q", perTask)
	}
	selected, err := selectTools(only)
	if err != nil {
		return err
	}
	b, err := newBench(play, selected, repeat, rtt)
	if err != nil {
		return err
	}
	defer b.close()
	for _, n := range counts {
		if err := b.deploy(n); err != nil {
			return err
		}
	}
	if len(trivial) == 2 {
		if err := b.perTask(trivial[0], trivial[1]); err != nil {
			return err
		}
	}
	return writeResults(out, machine(note, repeat), b.results)
}

func ints(list string) ([]int, error) {
	var out []int
	for f := range strings.FieldsFuncSeq(list, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func selectTools(only string) ([]tool, error) {
	if only == "" {
		return tools, nil
	}
	var out []tool
	for name := range strings.SplitSeq(only, ",") {
		i := toolIndex(name)
		if i < 0 {
			return nil, fmt.Errorf("-tools: no tool %q (there are %s)", name, strings.Join(toolNames(), ", "))
		}
		out = append(out, tools[i])
	}
	return out, nil
}

// bench holds the cgroups and the results across host counts.
type bench struct {
	play, self   string
	tools        []tool
	repeat       int
	rtt          time.Duration // added round-trip time, 0 for none
	ctl, targets *cgroup
	results      []*result
}

func newBench(play string, selected []tool, repeat int, rtt time.Duration) (*bench, error) {
	play, err := filepath.Abs(play)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(play); err != nil {
		return nil, fmt.Errorf("%w (build it first: make build)", err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b := &bench{play: play, self: self, tools: selected, repeat: repeat, rtt: rtt}
	id := strconv.Itoa(os.Getpid())
	if b.ctl, err = newCgroup("play-bench-controller-" + id); err != nil {
		return nil, err
	}
	if b.targets, err = newCgroup("play-bench-targets-" + id); err != nil {
		_ = b.ctl.remove()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	_ = b.ctl.remove()
	_ = b.targets.remove()
}

// start brings up n hosts in the targets' cgroup with an inventory for them.
func (b *bench) start(n int) (*rig, error) {
	lab, err := sshtest.StartBench(n)
	if err != nil {
		return nil, err
	}
	r := &rig{lab: lab, dir: filepath.Join(lab.Dir, "run"), inv: filepath.Join(lab.Dir, "run", "hosts.yml"), play: b.play, self: b.self, hosts: n, stopDelay: func() {}}
	if b.rtt > 0 {
		if r.stopDelay, err = lab.AddLatency(b.rtt); err != nil {
			return nil, fmt.Errorf("%w (and closing the lab: %v)", err, lab.Close())
		}
	}
	for _, d := range []string{r.dir, filepath.Join(r.dir, "stdin"), filepath.Join(r.dir, "cp"), filepath.Join(r.dir, "tmp")} {
		if err = os.MkdirAll(d, 0o755); err != nil {
			break
		}
	}
	if err == nil {
		err = lab.JoinCgroup(filepath.Join(b.targets.cpu, "cgroup.procs"))
	}
	if err == nil {
		err = lab.WriteInventory(r.inv, map[string]any{"bench_root": lab.Dir, "ansible_python_interpreter": "/usr/bin/python3"})
	}
	if err != nil {
		return nil, fmt.Errorf("%w (and closing the lab: %v)", err, r.close())
	}
	return r, nil
}

// deploy runs the deploy workload on n fresh hosts, then again, with every
// tool, repeat times, tools interleaved so that load changes hit them alike.
func (b *bench) deploy(n int) error {
	r, err := b.start(n)
	if err != nil {
		return err
	}
	defer r.close()
	playbook, err := writeDeploy(r.dir)
	if err != nil {
		return err
	}
	w := &workload{name: "deploy", playbook: playbook, steps: deploySteps, ok: deployTasks}
	fresh, rerun := b.newResults(n, "fresh"), b.newResults(n, "rerun")
	for rep := range b.repeat {
		for i, t := range b.tools {
			if fresh[i].Error != "" || rerun[i].Error != "" {
				continue
			}
			for _, s := range r.lab.Servers {
				if err := resetWork(r.lab.WorkDir(s)); err != nil {
					return err
				}
			}
			b.sample(r, t, w, freshChanged, fresh[i])
			if fresh[i].Error == "" {
				b.sample(r, t, w, 0, rerun[i])
			} else {
				rerun[i].Error = "not run: the fresh run failed"
			}
			fmt.Fprintf(os.Stderr, "%d hosts, run %d, %s: %s\n", n, rep+1, t.name, progress(fresh[i], rerun[i]))
		}
	}
	return nil
}

// perTask runs k1 and k2 trivial tasks on one host with every tool.
func (b *bench) perTask(k1, k2 int) error {
	r, err := b.start(1)
	if err != nil {
		return err
	}
	defer r.close()
	var loads []*workload
	var res [][]*result
	for _, k := range []int{k1, k2} {
		path := filepath.Join(r.dir, fmt.Sprintf("trivial-%d.yml", k))
		if err := os.WriteFile(path, []byte(trivialPlaybook(k)), 0o644); err != nil {
			return err
		}
		loads = append(loads, &workload{name: fmt.Sprintf("trivial-%d", k), playbook: path, ok: k,
			steps: func(string, string) []step { return trivialSteps(k) }})
		res = append(res, b.newResults(1, fmt.Sprintf("trivial-%d", k)))
	}
	for rep := range b.repeat {
		for i, t := range b.tools {
			for j, w := range loads {
				if res[j][i].Error == "" {
					b.sample(r, t, w, w.ok, res[j][i])
				}
			}
			fmt.Fprintf(os.Stderr, "per task, run %d, %s: %s\n", rep+1, t.name, progress(res[0][i], res[1][i]))
		}
	}
	return nil
}

func (b *bench) newResults(n int, run string) []*result {
	out := make([]*result, len(b.tools))
	for i, t := range b.tools {
		out[i] = &result{Tool: t.name, Hosts: n, Run: run}
		b.results = append(b.results, out[i])
	}
	return out
}

// sample runs t once and adds the sample to res, or records why the run
// does not count: the tool failed, or a host's recap or end state is wrong.
func (b *bench) sample(r *rig, t tool, w *workload, changed int, res *result) {
	argv, env, err := t.argv(r, w)
	var s sample
	var out []byte
	if err == nil {
		s, out, err = measure(b.ctl, b.targets, r.dir, env, argv)
	}
	if err == nil && t.recap {
		err = checkRecap(string(out), r.lab, w.ok, changed)
	}
	if err == nil && w.name == "deploy" {
		for _, srv := range r.lab.Servers {
			if err = checkDeployed(srv.Name, r.lab.WorkDir(srv)); err != nil {
				break
			}
		}
	}
	if err != nil {
		res.Error = err.Error()
		return
	}
	res.Samples = append(res.Samples, s)
}

func progress(rs ...*result) string {
	var parts []string
	for _, r := range rs {
		if r.Error != "" {
			parts = append(parts, r.Run+" FAILED: "+tail(r.Error, 15))
			continue
		}
		last := r.Samples[len(r.Samples)-1]
		parts = append(parts, fmt.Sprintf("%s %s", r.Run, last.Wall.Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

// recapLine is one host's line in the PLAY RECAP of play and ansible-playbook.
var recapLine = regexp.MustCompile(`(?m)^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)`)

// checkRecap checks every host's recap line shows ok and changed tasks and
// nothing unreachable or failed.
func checkRecap(out string, lab *sshtest.Lab, ok, changed int) error {
	got := map[string]string{}
	for _, m := range recapLine.FindAllStringSubmatch(out, -1) {
		got[m[1]] = strings.Join(m[2:], " ")
	}
	want := fmt.Sprintf("%d %d 0 0", ok, changed)
	for _, s := range lab.Servers {
		if got[s.Name] != want {
			return fmt.Errorf("%s: recap ok changed unreachable failed = %q, want %q\n%s", s.Name, got[s.Name], want, tail(out, 30))
		}
	}
	return nil
}
