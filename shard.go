package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"play/inventory"
)

// addShardOptions adds --shard I/N (also read from PLAY_SHARD), which runs
// one share of the hosts, and `play report merge`, which joins the shares'
// reports.
func addShardOptions(cmd *cli.Command, stdout, stderr io.Writer) {
	cmd.Flags = append(cmd.Flags, &cli.StringFlag{
		Name:    "shard",
		Usage:   "run only share `I/N` of the hosts (1 <= I <= N; a host's share depends only on its name and N)",
		Sources: cli.EnvVars("PLAY_SHARD"),
	})
	cmd.Commands = append(cmd.Commands, reportCommand(stdout, stderr))
}

// shard is one share of a fleet split n ways: this run takes the hosts whose
// inventory name hashes to index.
type shard struct{ index, count int }

// parseShard reads "I/N" with 1 <= I <= N.
func parseShard(s string) (shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, errI := strconv.Atoi(strings.TrimSpace(is))
	n, errN := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case !ok || errI != nil || errN != nil:
		return shard{}, fmt.Errorf("invalid --shard %q: write I/N, this run's share I of N shards, such as 1/4", s)
	case n < 1:
		return shard{}, fmt.Errorf("invalid --shard %q: the number of shards N must be at least 1", s)
	case i < 1 || i > n:
		return shard{}, fmt.Errorf("invalid --shard %q: the share I counts from 1 to N=%d (from a 0-based index such as JOB_COMPLETION_INDEX, pass $((JOB_COMPLETION_INDEX+1))/%d)", s, n, n)
	}
	return shard{index: i, count: n}, nil
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.index, s.count) }

// keeps says whether host is this shard's. localhost is the controller
// itself, which every shard has, so it is in every shard.
func (s shard) keeps(host string) bool {
	return host == "localhost" || shardOf(host, s.count) == s.index
}

// shardOf is the 1-based shard of host among n: a jump consistent hash
// (Lamping & Veach, 2014) of the name, so it depends on nothing but the name
// and n, and going from n to n+1 shards moves only 1/(n+1) of the hosts.
func shardOf(host string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(host))
	return jumpHash(mix64(h.Sum64()), n) + 1
}

// mix64 is splitmix64's finalizer: FNV alone leaves names that differ in
// their last digit (web01, web02) too close for the jump hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func jumpHash(key uint64, buckets int) int {
	b, j := int64(-1), int64(0)
	for j < int64(buckets) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// shardOption reads --shard (or PLAY_SHARD); nil when the run is not sharded.
func shardOption(cmd *cli.Command) (*shard, error) {
	v := cmd.String("shard")
	if v == "" {
		return nil, nil
	}
	s, err := parseShard(v)
	return &s, err
}

// warnEmptyShard says, on stderr, when the hosts the inventory and --limit
// select (localhost aside) are all in other shards. The run still goes on:
// its localhost plays run, and may add_host hosts that are this shard's.
func warnEmptyShard(s *shard, inv *inventory.Inventory, limit string, stderr io.Writer) error {
	hosts, err := inv.Limit(inv.Hosts(), limit)
	if err != nil {
		return err
	}
	selected, mine := 0, 0
	for _, h := range hosts {
		if h.Name == "localhost" {
			continue
		}
		selected++
		if s.keeps(h.Name) {
			mine++
		}
	}
	if selected > 0 && mine == 0 {
		fmt.Fprintf(stderr, "[WARNING]: shard %s has none of the %d hosts selected by the inventory and --limit: only localhost and the hosts add_host puts in this shard will run\n", s, selected)
	}
	return nil
}
