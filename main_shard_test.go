package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// shardHosts are the inventory of the shard tests; "extra" joins at run
// time through add_host.
var shardHosts = []string{"web1", "web2", "web3", "db1", "db2", "db3"}

// shardLab writes an inventory of shardHosts spread over the lab's sshd
// servers and a playbook: a localhost play that add_hosts "extra", then a
// play on all that appends a line to the host's own log under work.
func shardLab(t *testing.T) (inv, pb, work string) {
	t.Helper()
	dir := t.TempDir()
	work = filepath.Join(dir, "work")
	connVars := func(i int) string {
		s := lab.Servers[i%len(lab.Servers)]
		return fmt.Sprintf("ansible_host: %s, ansible_port: %d, ansible_user: root, ansible_ssh_private_key_file: %s, ansible_ssh_common_args: '-o UserKnownHostsFile=%s'",
			s.Addr, s.Port, lab.KeyFile, lab.KnownHosts)
	}
	var b strings.Builder
	b.WriteString("all:\n  hosts:\n")
	for i, h := range shardHosts {
		fmt.Fprintf(&b, "    %s: {%s}\n", h, connVars(i))
	}
	inv = filepath.Join(dir, "hosts.yml")
	writeFile(t, inv, b.String())
	pb = filepath.Join(dir, "site.yml")
	writeFile(t, pb, `- hosts: localhost
  gather_facts: false
  tasks:
    - add_host: {name: extra, groups: late, `+connVars(0)+`}
- hosts: all
  gather_facts: false
  tasks:
    - file: path=`+work+`/{{ inventory_hostname }} state=directory
    - shell: echo ran >> `+work+`/{{ inventory_hostname }}/log
    - debug: msg="{{ inventory_hostname }} in {{ groups['all'] | length }}"
    - command: "false"
      when: inventory_hostname == 'db2'
      ignore_errors: true
`)
	return inv, pb, work
}

// Two shards run every host, the add_host one included, exactly once, and
// merging their reports gives the report of one unsharded run.
func TestShardsRunEveryHostOnceAndMergeToOneRun(t *testing.T) {
	inv, pb, work := shardLab(t)
	dir := t.TempDir()
	var reports []string
	ran := map[string]int{}
	for i := 1; i <= 2; i++ {
		report := filepath.Join(dir, fmt.Sprintf("shard%d.json", i))
		res := play(t, "-i", inv, pb, "--shard", fmt.Sprintf("%d/2", i), "--report", "json="+report)
		if res.code != 0 {
			t.Fatalf("shard %d/2: exit %d\n%s%s", i, res.code, res.stdout, res.stderr)
		}
		for host := range recap(t, res.stdout) {
			if host != "localhost" {
				ran[host]++
			}
		}
		reports = append(reports, report)
	}
	for _, host := range append(shardHosts, "extra") {
		log, _ := os.ReadFile(filepath.Join(work, host, "log"))
		if ran[host] != 1 || string(log) != "ran\n" {
			t.Errorf("%s ran in %d shards, its log is %q; want 1 and one line", host, ran[host], log)
		}
	}

	merged, mergedXML := filepath.Join(dir, "merged.json"), filepath.Join(dir, "merged.xml")
	if res := play(t, append([]string{"report", "merge", "-o", merged, "--junit", mergedXML}, reports...)...); res.code != 0 {
		t.Fatalf("merge: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	if err := os.RemoveAll(work); err != nil {
		t.Fatal(err)
	}
	whole, wholeXML := filepath.Join(dir, "whole.json"), filepath.Join(dir, "whole.xml")
	if res := play(t, "-i", inv, pb, "--report", "json="+whole, "--report", "junit="+wholeXML); res.code != 0 {
		t.Fatalf("unsharded run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got, want := timeless(t, merged), timeless(t, whole); got != want {
		t.Errorf("merged report:\n%s\nunsharded run's:\n%s", got, want)
	}
	// JUnit: the same counts of tests, failures, errors (times aside).
	counts := regexp.MustCompile(`<testsuites [^>]*?time=`)
	if got, want := counts.Find(readBytes(t, mergedXML)), counts.Find(readBytes(t, wholeXML)); string(got) != string(want) || want == nil {
		t.Errorf("merged JUnit %s, unsharded %s", got, want)
	}
}

// A shard none of the inventory's hosts fall in says so, runs its
// localhost play (and what add_host puts in it) and exits 0; its report
// merges with the others'.
func TestEmptyShard(t *testing.T) {
	inv, pb, _ := shardLab(t)
	const n = 10
	empty := 0
	for i := 1; i <= n && empty == 0; i++ {
		empty = i
		for _, h := range shardHosts {
			if shardOf(h, n) == i {
				empty = 0
			}
		}
	}
	if empty == 0 {
		t.Fatalf("every one of %d shards has a host of %v", n, shardHosts)
	}
	res := play(t, "-i", inv, pb, "--shard", fmt.Sprintf("%d/%d", empty, n))
	want := fmt.Sprintf("[WARNING]: shard %d/%d has none of the 6 hosts selected by the inventory and --limit", empty, n)
	if res.code != 0 || !strings.Contains(res.stderr, want) {
		t.Fatalf("exit %d, want 0 and %q\n%s%s", res.code, want, res.stdout, res.stderr)
	}
	if hosts := recap(t, res.stdout); len(hosts) != 1+boolInt(shardOf("extra", n) == empty) {
		t.Errorf("recap %v: want localhost only (and extra if it is this shard's)", hosts)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestShardOptionErrors(t *testing.T) {
	inv, pb, _ := shardLab(t)
	for _, tc := range []struct {
		name, flag, env, want string
	}{
		{"zero-based", "0/2", "", `invalid --shard "0/2": the share I counts from 1 to N=2`},
		{"past the end", "3/2", "", "counts from 1 to N=2"},
		{"no slash", "2", "", "write I/N"},
		{"from the environment", "", "two/4", `invalid --shard "two/4"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PLAY_SHARD", tc.env)
			args := []string{"-i", inv, pb}
			if tc.flag != "" {
				args = append(args, "--shard", tc.flag)
			}
			res := play(t, args...)
			if res.code != 5 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 5 and %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

// --list-hosts shows the shard's hosts; PLAY_SHARD sets it, --shard wins.
func TestShardListHosts(t *testing.T) {
	inv, pb, _ := shardLab(t)
	hostsLine := regexp.MustCompile(`(?s)play #2.*?hosts \(\d+\):\n(.*)`)
	listed := func(args ...string) []string {
		res := play(t, append([]string{"-i", inv, pb, "--list-hosts"}, args...)...)
		m := hostsLine.FindStringSubmatch(res.stdout)
		if res.code != 0 || m == nil {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		return strings.Fields(m[1])
	}
	var want []string
	for _, h := range []string{"db1", "db2", "db3", "web1", "web2", "web3"} {
		if shardOf(h, 2) == 2 {
			want = append(want, h)
		}
	}
	t.Setenv("PLAY_SHARD", "1/2")
	if got := listed("--shard", "2/2"); !slices.Equal(got, want) {
		t.Errorf("--shard 2/2 lists %v, want the hosts %v", got, want)
	}
	t.Setenv("PLAY_SHARD", "2/2")
	if got := listed(); !slices.Equal(got, want) {
		t.Errorf("PLAY_SHARD=2/2 lists %v, want the hosts %v", got, want)
	}
}

func TestReportMergeCommand(t *testing.T) {
	inv, pb, _ := shardLab(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "shard1.json")
	if res := play(t, "-i", inv, pb, "--shard", "1/2", "--report", "json="+report); res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	out := filepath.Join(dir, "out.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no output", []string{report}, 5, "needs the output file (-o)"},
		{"no input", []string{"-o", out}, 5, "needs the output file (-o) and the shards' JSON reports"},
		{"a shard twice", []string{"-o", out, report, report}, 1, "in both " + report + " and " + report},
		{"not a report", []string{"-o", out, pb}, 1, pb + " is not a JSON report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := play(t, append([]string{"report", "merge"}, tc.args...)...)
			if res.code != tc.code || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.code, res.stderr, tc.code, tc.want)
			}
		})
	}
}

// A merged run with a failed host exits 2 and names it, as the run would.
func TestReportMergeFails(t *testing.T) {
	dir := t.TempDir()
	pb := filepath.Join(dir, "fail.yml")
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: msg=no\n      when: inventory_hostname == 'b'\n")
	inv := sshInventory(t, "a", "b")
	var reports []string
	for i := 1; i <= 2; i++ {
		report := filepath.Join(dir, fmt.Sprintf("%d.json", i))
		play(t, "-i", inv, pb, "--shard", fmt.Sprintf("%d/2", i), "--report", "json="+report)
		reports = append(reports, report)
	}
	res := play(t, append([]string{"report", "merge", "-o", "-"}, reports...)...)
	if res.code != 2 || !strings.Contains(res.stderr, "b failed (1)") || !strings.Contains(res.stdout, `"msg": "no"`) {
		t.Errorf("exit %d\n%s%s\nwant 2, b failed and the merged JSON on stdout", res.code, res.stdout, res.stderr)
	}
}

// timeless is a JSON report without its times (durations, and the start,
// end and delta of command results), indented for a readable diff.
func timeless(t *testing.T, path string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal(readBytes(t, path), &doc); err != nil {
		t.Fatal(err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"start", "end", "delta"} {
				delete(v, k)
			}
			for _, e := range v {
				strip(e)
			}
		case []any:
			for _, e := range v {
				strip(e)
			}
		}
	}
	strip(doc)
	out, _ := json.MarshalIndent(doc, "", "  ")
	return string(out)
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
