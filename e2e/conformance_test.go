//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"play/lab/labtest"
)

// Conformance with ansible-playbook: every playbook in testdata/conformance runs through
// ansible-playbook on a fresh lab host and through $PLAY_BIN on its fresh twin, and the two
// runs must agree on the exit code, the PLAY RECAP, the diffs printed under --diff, the
// "msg" of every failed task and the host's end state.
//
// A playbook says how it is run in its leading comments:
//
//	# runs: --check --diff | --diff | --check --diff   (the default: check fresh, apply, check converged)
//	# setup: shell run on both hosts before the first run (lab exec, not SSH)
//	# state: shell printing the end state, compared between the twins (may repeat)
//	# expect: text both runs print in every run (may repeat), e.g. an error found before any task
//	# reuse: the case's state is files under /srv: it runs on the pair's hosts as the last case
//	         left them, /srv emptied, instead of on freshly booted ones
//
// Both inventories name the host "target" (group web), so outputs compare as they are, and
// hold "gone" (group down), an address that refuses connections, and "unresolved" (group
// nowhere), a name that does not resolve, for unreachable-host cases, and group pair: target and target_b, a second name for the same host, for two-host cases.

const conformanceDir = "../testdata/conformance"

// confPairs are the twin host pairs the cases share, one case per pair at a time: at most
// this many ansible-playbook runs at once on the machine's two cores.
var confPairs = [][2]string{{shared("conf1"), shared("conf2")}, {shared("conf3"), shared("conf4")}, {shared("conf5"), shared("conf6")}}

// confCase is a playbook and how it is run and checked.
type confCase struct {
	path   string
	runs   [][]string
	setup  string
	state  string
	expect []string
	reuse  bool
}

var defaultConfRuns = "--check --diff | --diff | --check --diff"

// readConfCase reads a playbook's leading comments.
func readConfCase(path string) (confCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return confCase{}, err
	}
	defer f.Close()
	c := confCase{path: path}
	runs := defaultConfRuns
	var setup, state []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "#")
		if !ok {
			break
		}
		key, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		value = strings.TrimSpace(value)
		switch key {
		case "runs":
			runs = value
		case "setup":
			setup = append(setup, value)
		case "state":
			state = append(state, value)
		case "expect":
			c.expect = append(c.expect, value)
		case "reuse":
			c.reuse = true
		}
	}
	for run := range strings.SplitSeq(runs, "|") {
		c.runs = append(c.runs, strings.Fields(run))
	}
	c.setup = strings.Join(setup, "\n")
	c.state = strings.Join(state, "\n")
	if c.state == "" {
		return c, fmt.Errorf("%s: no '# state:' comment: say how to read the end state the two runs must agree on", path)
	}
	return c, sc.Err()
}

func TestConformance(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(conformanceDir, "*.yml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no playbooks in %s: %v", conformanceDir, err)
	}
	pairs := make(chan *confPair, len(confPairs))
	for _, p := range confPairs {
		pair := &confPair{names: p, dir: t.TempDir()}
		t.Cleanup(func() { pair.close(t) })
		pairs <- pair
	}
	for _, path := range paths {
		c, err := readConfCase(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yml"), func(t *testing.T) {
			t.Parallel()
			pair := <-pairs
			defer func() { pairs <- pair }()
			c.compare(t, pair.hosts(t, c.reuse), pair.names)
		})
	}
}

// confPair is a twin host pair, booted by the first case that runs on it and again for
// every case not marked "# reuse".
type confPair struct {
	names [2]string
	dir   string
	lab   *labtest.Lab
}

// hosts are the pair's hosts for a case: booted fresh, or as they are with /srv emptied
// for a case that reuses them.
func (p *confPair) hosts(t *testing.T, reuse bool) *labtest.Lab {
	if reuse && p.lab != nil {
		for _, h := range p.names {
			if out, err := p.lab.Exec(h, "rm -rf /srv/* /srv/.[!.]*"); err != nil {
				t.Fatalf("emptying /srv on %s: %v\n%s", h, err, out)
			}
		}
		return p.lab
	}
	// Start boots the hosts afresh, also when they run.
	l, err := labtest.Start(p.dir, p.names[0], p.names[1])
	if err != nil {
		t.Fatal(err)
	}
	p.lab = l
	return l
}

func (p *confPair) close(t *testing.T) {
	if p.lab == nil {
		return
	}
	if err := p.lab.Close(); err != nil {
		t.Error(err)
	}
	p.lab = nil
}

// twin is one side of a comparison: a runner and the host it manages.
type twin struct {
	bin, host, inventory string
	env                  []string
}

// compare runs the case on both twins and reports every difference.
func (c confCase) compare(t *testing.T, l *labtest.Lab, pair [2]string) {
	playbook, err := filepath.Abs(c.path)
	if err != nil {
		t.Fatal(err)
	}
	ref := twin{bin: "ansible-playbook", host: pair[0]}
	got := twin{bin: playBin, host: pair[1]}
	for _, tw := range []*twin{&ref, &got} {
		tw.inventory = confInventory(t, l, tw.host)
		// ansible-playbook shares one SSH connection per host within the case (a fresh host
		// each case, so no stale master) and pipelines: three times faster.
		tw.env = []string{"ANSIBLE_PIPELINING=1", "ANSIBLE_SSH_ARGS=-o ControlMaster=auto -o ControlPersist=60s",
			"ANSIBLE_SSH_CONTROL_PATH_DIR=" + shortTempDir(t)}
		if c.setup != "" {
			if out, err := l.Exec(tw.host, c.setup); err != nil {
				t.Fatalf("setup on %s: %v\n%s", tw.host, err, out)
			}
		}
	}
	for _, flags := range c.runs {
		args := append([]string{"-i", "", playbook}, flags...)
		want, have := runTwins(t, ref, got, args)
		label := "run with " + strings.Join(flags, " ")
		if len(flags) == 0 {
			label = "run without flags"
		}
		var diffs []string
		if want.code != have.code {
			diffs = append(diffs, fmt.Sprintf("exit code %d, ansible-playbook %d", have.code, want.code))
		}
		if !maps.Equal(want.recap, have.recap) {
			diffs = append(diffs, fmt.Sprintf("recap %+v, ansible-playbook %+v", have.recap, want.recap))
		}
		if w, h := taskLines(want.out), taskLines(have.out); !slices.Equal(w, h) {
			diffs = append(diffs, fmt.Sprintf("task results:\n%s\nansible-playbook's:\n%s", strings.Join(h, "\n"), strings.Join(w, "\n")))
		}
		if w, h := diffHunks(want.out), diffHunks(have.out); !slices.Equal(w, h) {
			diffs = append(diffs, fmt.Sprintf("diffs:\n%s\nansible-playbook's:\n%s", strings.Join(h, "\n"), strings.Join(w, "\n")))
		}
		if w, h := failureMsgs(want.out), failureMsgs(have.out); !slices.Equal(w, h) {
			diffs = append(diffs, fmt.Sprintf("failure messages:\n%s\nansible-playbook's:\n%s", strings.Join(h, "\n"), strings.Join(w, "\n")))
		}
		for _, text := range c.expect {
			if !strings.Contains(want.out, text) || !strings.Contains(have.out, text) {
				diffs = append(diffs, fmt.Sprintf("%q is not in both outputs", text))
			}
		}
		if len(diffs) > 0 {
			t.Errorf("%s: %s\n--- ansible-playbook:\n%s\n--- %s:\n%s", label, strings.Join(diffs, "\n"), want.out, got.bin, have.out)
		}
	}
	wantState, err1 := l.Exec(ref.host, c.state)
	haveState, err2 := l.Exec(got.host, c.state)
	if err1 != nil || err2 != nil {
		t.Fatalf("state: %v / %v", err1, err2)
	}
	if wantState != haveState {
		t.Errorf("end state differs:\n%s\nansible-playbook's:\n%s", haveState, wantState)
	}
}

// runTwins runs both twins' runners at once; args[1] is filled with each twin's inventory.
func runTwins(t *testing.T, ref, got twin, args []string) (want, have result) {
	var wg sync.WaitGroup
	var errs [2]error
	run := func(i int, tw twin, r *result) {
		defer wg.Done()
		args := slices.Clone(args)
		args[1] = tw.inventory
		*r, errs[i] = runBin(tw.bin, shortTempDir(t), tw.env, args...)
	}
	wg.Add(2)
	go run(0, ref, &want)
	go run(1, got, &have)
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatal(err)
	}
	return want, have
}

// confInventory writes an inventory naming host "target" and returns its path.
func confInventory(t *testing.T, l *labtest.Lab, host string) string {
	path := filepath.Join(t.TempDir(), "hosts.yml")
	writeFile(t, path, fmt.Sprintf(`all:
  vars:
    ansible_user: root
    ansible_ssh_private_key_file: %s
    ansible_ssh_common_args: -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes
    ansible_python_interpreter: /usr/bin/python3
  children:
    web:
      hosts:
        target: {ansible_host: %s}
    down:
      hosts:
        gone: {ansible_host: 127.0.0.1, ansible_port: 1}
    nowhere:
      hosts:
        unresolved: {ansible_host: play-conformance.invalid}
    pair:
      hosts:
        target:
        target_b: {ansible_host: %[3]s}
`, l.Key, l.KnownHosts, l.Host(host).Addr))
	return path
}

// shortTempDir is a temporary directory with a short path: ssh control sockets must fit
// in 108 bytes.
func shortTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "cp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// afterPath is a diff's after header naming a file: Ansible names a controller temp copy
// (tmpXXXXXXXX for copy content=, .../tmpXXXXXXXX/name.j2 for a template), play the source.
var (
	afterPath = regexp.MustCompile(`^\+\+\+ after: (/.*)$`)
	tempName  = regexp.MustCompile(`^tmp[a-z0-9_]{8}$`)
)

// normalAfter is an after header with its path cut to the base name, and Ansible's temp
// file for literal content named as play names it.
func normalAfter(line string) string {
	m := afterPath.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	if base := path.Base(m[1]); !tempName.MatchString(base) {
		return "+++ after: " + base
	}
	return "+++ after: dynamically generated"
}

// touchTime is a time in file state=touch's diff: the hosts' clocks differ.
var touchTime = regexp.MustCompile(`^([-+ ] +"[am]time": )[0-9.]+`)

// diffHunks are the unified diffs in a run's output, one string each, with Ansible's
// after headers normalised (normalAfter) and touch's times blanked. The hunks of one task
// are sorted: hosts finish in any order.
func diffHunks(out string) []string {
	var hunks, task []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			task = append(task, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	endTask := func() {
		flush()
		slices.Sort(task)
		hunks = append(hunks, task...)
		task = nil
	}
	for line := range strings.SplitSeq(out, "\n") {
		switch {
		case strings.HasPrefix(line, "TASK [") || strings.HasPrefix(line, "RUNNING HANDLER [") || strings.HasPrefix(line, "PLAY "):
			endTask()
		case strings.HasPrefix(line, "--- before"):
			flush()
			cur = []string{line}
		case cur == nil:
		case strings.HasPrefix(line, "+++ after: "):
			cur = append(cur, normalAfter(line))
		case line != "" && strings.ContainsAny(line[:1], "+- @\\"):
			cur = append(cur, touchTime.ReplaceAllString(line, "${1}T"))
		default:
			flush()
		}
	}
	endTask()
	return hunks
}

// resultLine is a task's result line for a host: its status and host, and the item of a
// loop, without the result that may follow (" => {...").
var resultLine = regexp.MustCompile(`^((?:ok|changed|skipping|failed|fatal): \[[^\]]+\](?:: FAILED!|: UNREACHABLE!)?)(?:(?: =>)? (\(item=.*?\))(?: => .*)?| => .*)?$`)

// taskLines are the task headers of a run's output, each followed by its result lines
// (sorted: hosts finish in any order) and "...ignoring".
func taskLines(out string) []string {
	var lines, task []string
	endTask := func() {
		slices.Sort(task)
		lines, task = append(lines, task...), nil
	}
	for line := range strings.SplitSeq(out, "\n") {
		switch m := resultLine.FindStringSubmatch(strings.TrimRight(line, " ")); {
		case strings.HasPrefix(line, "TASK [") || strings.HasPrefix(line, "RUNNING HANDLER ["):
			endTask()
			lines = append(lines, strings.TrimRight(line, " *"))
		case m != nil:
			task = append(task, strings.TrimSpace(m[1]+" "+m[2]))
		case line == "...ignoring":
			task = append(task, line)
		}
	}
	endTask()
	return lines
}

// failedResult is the start of a failed task's line, with its host: "fatal: [web1]: FAILED! => "
// or "failed: [web1] (item=x) => ".
var failedResult = regexp.MustCompile(`^(?:fatal: (\[[^\]]*\]): FAILED!|failed: (\[[^\]]*\]) \(item=.*\)) => (.*)$`)

// failureMsgs are the "msg" of every failed task result in a run's output, as "[host] msg",
// sorted: hosts finish in any order. Unreachable hosts are left out: their messages are
// ssh's and depend on how Ansible reached the host.
func failureMsgs(out string) []string {
	var msgs []string
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		m := failedResult.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		host, body := m[1]+m[2], m[3]
		if body == "{" { // a result printed over several lines, up to a "}" alone
			for i++; i < len(lines) && lines[i] != "}"; i++ {
				body += lines[i]
			}
			body += "}"
		}
		var result struct {
			Msg any `json:"msg"`
		}
		if err := json.Unmarshal([]byte(body), &result); err != nil {
			msgs = append(msgs, host+" unparsed: "+body)
			continue
		}
		msgs = append(msgs, fmt.Sprintf("%s %v", host, result.Msg))
	}
	slices.Sort(msgs)
	return msgs
}
