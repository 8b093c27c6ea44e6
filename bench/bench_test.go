package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"play/internal/sshtest"
)

// The floors' shell steps, run here with sh, reach the end state the
// harness expects from the playbook, and running them again keeps it.
func TestDeployStepsReachTheEndState(t *testing.T) {
	work := filepath.Join(t.TempDir(), "work")
	if err := resetWork(work); err != nil {
		t.Fatal(err)
	}
	if err := checkDeployed("h1", work); err == nil {
		t.Fatal("a fresh work directory passes as deployed")
	}
	for range 2 {
		for i, st := range deploySteps("h1", work) {
			cmd := exec.Command("/bin/sh", "-c", st.Script)
			cmd.Stdin = strings.NewReader(string(st.Stdin))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("step %d %q: %v\n%s", i+1, st.Script, err, out)
			}
		}
		if err := checkDeployed("h1", work); err != nil {
			t.Fatal(err)
		}
	}
	if err := checkDeployed("h2", work); err == nil || !strings.Contains(err.Error(), "app/app.conf") {
		t.Errorf("h1's config passes as h2's: %v", err)
	}
}

func TestCheckRecap(t *testing.T) {
	lab := &sshtest.Lab{Servers: []*sshtest.Server{{Name: "h1"}, {Name: "h2"}}}
	const recap = "PLAY RECAP *****\n" +
		"h1                         : ok=10   changed=0    unreachable=0    failed=0    skipped=0\n" +
		"h2                         : ok=10   changed=%s    unreachable=0    failed=0    skipped=0\n"
	for _, tc := range []struct {
		out     string
		wantErr string
	}{
		{strings.Replace(recap, "%s", "0", 1), ""},
		{strings.Replace(recap, "%s", "1", 1), `h2: recap ok changed unreachable failed = "10 1 0 0", want "10 0 0 0"`},
		{strings.SplitAfter(recap, "\n")[1], `h2: recap ok changed unreachable failed = "", want`},
	} {
		err := checkRecap(tc.out, lab, 10, 0)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)) {
			t.Errorf("checkRecap(%q) = %v, want %q", tc.out, err, tc.wantErr)
		}
	}
}

func TestStatsAndTables(t *testing.T) {
	s := func(walls ...float64) []sample {
		var out []sample
		for _, w := range walls {
			out = append(out, sample{Wall: time.Duration(w * float64(time.Second)), CtlCPU: time.Second})
		}
		return out
	}
	if got := statsOf(s(3, 1, 2), wall); got != (stats{2, 1, 3}) {
		t.Errorf("odd count: %+v", got)
	}
	if got := statsOf(s(4, 1, 2, 3), wall); got != (stats{2.5, 1, 4}) {
		t.Errorf("even count: %+v", got)
	}
	results := []*result{
		{Tool: "play", Hosts: 1, Run: "trivial-10", Samples: s(1)},
		{Tool: "play", Hosts: 1, Run: "trivial-100", Samples: s(1.9)},
		{Tool: "play", Hosts: 5, Run: "rerun", Samples: s(0.5)},
		{Tool: "go-floor", Hosts: 5, Run: "rerun", Samples: s(0.25)},
		{Tool: "ansible", Hosts: 5, Run: "rerun", Error: "ansible-playbook: exit status 4"},
	}
	md := markdown([]string{"a machine"}, results)
	for _, want := range []string{
		"| play | 5 | 0.50 (0.50–0.50) | 2.0 |",
		"| play | 1.00 | 1.90 | 10.0 | 0.0 |",
		"- ansible, 5 hosts, rerun:",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	svg := chart(results)
	if !strings.Contains(svg, "<polyline") || strings.Contains(svg, ">ansible<") {
		t.Errorf("chart draws a line per tool with samples, none for failed ones:\n%s", svg)
	}
}

func TestLogAxis(t *testing.T) {
	a := newLogAxis(1, 50, 100)
	if a.pos(1) != 0 || a.pos(100) != 100 || a.pos(10) != 50 {
		t.Errorf("axis 1..100 maps 1, 10, 100 to %v %v %v", a.pos(1), a.pos(10), a.pos(100))
	}
	if got := len(a.ticks()); got != 7 { // 1 2 5 10 20 50 100
		t.Errorf("ticks = %v", a.ticks())
	}
}

func TestMergeResults(t *testing.T) {
	dir := t.TempDir()
	small, large, merged := filepath.Join(dir, "small"), filepath.Join(dir, "large"), filepath.Join(dir, "merged")
	one := []sample{{Wall: time.Second}}
	if err := writeResults(small, []string{"machine", "run 1"}, []*result{{Tool: "play", Hosts: 1, Run: "rerun", Samples: one}}); err != nil {
		t.Fatal(err)
	}
	if err := writeResults(large, []string{"machine", "run 2"}, []*result{{Tool: "play", Hosts: 50, Run: "rerun", Samples: one}}); err != nil {
		t.Fatal(err)
	}
	if err := mergeResults(merged, []string{filepath.Join(small, "results.json"), filepath.Join(large, "results.json")}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(merged, "results.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- machine\n- run 1\n- run 2\n", "| play | 1 | 1.00", "| play | 50 | 1.00"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("merged results lack %q:\n%s", want, md)
		}
	}
	if err := mergeResults(merged, nil); err == nil {
		t.Error("merging nothing succeeds")
	}
}
