package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want shard
		err  string
	}{
		{in: "1/1", want: shard{1, 1}},
		{in: "2/4", want: shard{2, 4}},
		{in: " 3 / 3 ", want: shard{3, 3}},
		{in: "2", err: "write I/N"},
		{in: "a/b", err: "write I/N"},
		{in: "1/2/3", err: "write I/N"},
		{in: "/4", err: "write I/N"},
		{in: "1/0", err: "at least 1"},
		{in: "0/4", err: "$((JOB_COMPLETION_INDEX+1))/4"},
		{in: "5/4", err: "counts from 1 to N=4"},
		{in: "-1/4", err: "counts from 1 to N=4"},
	} {
		got, err := parseShard(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("parseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseShard(%q) error %v, want one saying %q", tc.in, err, tc.err)
		}
	}
}

// The split is part of the interface: CI jobs of one rollout may run
// different play versions, so the same host must land in the same share.
func TestShardOfIsPinned(t *testing.T) {
	for _, tc := range []struct {
		host string
		n    int
		want int
	}{
		{"web1", 2, 1}, {"web1", 3, 1}, {"web1", 10, 7},
		{"web2", 2, 2}, {"web2", 10, 8},
		{"db1", 3, 2},
		{"10.0.0.1", 10, 1},
		{"web0042.example.com", 10, 6},
		{"anything", 1, 1},
	} {
		if got := shardOf(tc.host, tc.n); got != tc.want {
			t.Errorf("shardOf(%q, %d) = %d, want %d", tc.host, tc.n, got, tc.want)
		}
	}
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("web%04d.example.com", i)
	}
	return out
}

// Every host is in exactly one share, and the shares of 1,000 hosts are
// as even as random placement makes them: within three standard
// deviations of the binomial (2 shards: ±47 of 500; 10: ±28 of 100).
func TestShardBalance(t *testing.T) {
	hosts := names(1000)
	for _, n := range []int{1, 2, 3, 4, 10, 16, 32} {
		count := make([]int, n+1)
		for _, h := range hosts {
			in := 0
			for i := 1; i <= n; i++ {
				if (shard{i, n}).keeps(h) {
					in++
					count[i]++
				}
			}
			if in != 1 {
				t.Fatalf("%s is in %d of %d shards", h, in, n)
			}
		}
		ideal := float64(len(hosts)) / float64(n)
		spread := 3 * math.Sqrt(ideal*(1-1/float64(n)))
		for i, c := range count[1:] {
			if math.Abs(float64(c)-ideal) > spread {
				t.Errorf("shard %d/%d has %d hosts, want %.0f ± %.0f", i+1, n, c, ideal, spread)
			}
		}
	}
}

// Going from n to n+1 shards moves only the hosts the new shard takes,
// about 1/(n+1) of them.
func TestShardGrowthMovesFewHosts(t *testing.T) {
	hosts := names(1000)
	for n := 1; n <= 8; n++ {
		moved := 0
		for _, h := range hosts {
			before, after := shardOf(h, n), shardOf(h, n+1)
			if before == after {
				continue
			}
			moved++
			if after != n+1 {
				t.Errorf("%s moved from shard %d/%d to %d/%d, not to the new shard", h, before, n, after, n+1)
			}
		}
		if want := len(hosts) / (n + 1); float64(moved) > 1.25*float64(want) {
			t.Errorf("%d → %d shards moved %d hosts, want about %d", n, n+1, moved, want)
		}
	}
}

func TestLocalhostIsInEveryShard(t *testing.T) {
	for i := 1; i <= 3; i++ {
		if !(shard{i, 3}).keeps("localhost") {
			t.Errorf("shard %d/3 does not keep localhost", i)
		}
	}
}
