package modules

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "getent", New: func() Module { return &Getent{} }})
}

// Getent reads a name service database (passwd, group, hosts, services...)
// with the host's getent and returns it as the fact getent_<database>.
type Getent struct {
	// Database is the database to read.
	Database string `arg:"database,required"`
	// Key is the entry to look up; the whole database without it.
	Key string `arg:"key"`
	// Split is the field separator (':' for passwd, shadow, group and gshadow, white space otherwise).
	Split string `arg:"split"`
	// FailKey fails when the key is missing.
	FailKey *bool `arg:"fail_key"`
	// Service is the NSS service to use (getent -s).
	Service string `arg:"service"`
}

// getentMsgs are getent's exit codes as Ansible explains them.
var getentMsgs = map[int]string{
	1: "Missing arguments, or database unknown.",
	2: "One or more supplied key could not be found in the database.",
	3: "Enumeration not supported on this database.",
}

// Plan implements Module: one getent run, no steps.
func (g *Getent) Plan(ctx context.Context, env *Env) (*Plan, error) {
	cmd := "getent"
	if g.Service != "" {
		cmd += " -s " + Quote(g.Service)
	}
	cmd += " " + Quote(g.Database)
	if g.Key != "" {
		cmd += " " + Quote(g.Key)
	}
	s, err := observe(ctx, env.Host, "the "+g.Database+" database", fmt.Sprintf("%s; %s 2>/dev/null; rc=$?\n%s; echo \"$rc\"\n", section("out"), cmd, section("rc")))
	if err != nil {
		return nil, err
	}
	return g.plan(s)
}

// plan builds the facts from getent's output and exit code.
func (g *Getent) plan(s Sections) (*Plan, error) {
	rc := atoiOr(s.Line("rc"), 1)
	db := map[string]any{}
	facts := map[string]any{"getent_" + g.Database: db}
	switch {
	case rc == 2 && !boolOr(g.FailKey, true):
		db[g.Key] = nil
		return &Plan{Msg: getentMsgs[2], Result: map[string]any{"ansible_facts": facts}}, nil
	case rc != 0:
		msg, ok := getentMsgs[rc]
		if !ok {
			msg = fmt.Sprintf("Unexpected failure! (rc %d)", rc)
		}
		return nil, &Failure{Msg: msg}
	}
	split := g.Split
	if split == "" && slices.Contains([]string{"passwd", "shadow", "group", "gshadow"}, g.Database) {
		split = ":"
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimRight(s["out"], "\n"), "\n") {
		var rec []string
		if split == "" {
			rec = strings.Fields(line)
		} else {
			rec = strings.Split(line, split)
		}
		if len(rec) == 0 {
			continue
		}
		fields := make([]any, len(rec)-1)
		for i, f := range rec[1:] {
			fields[i] = f
		}
		// Several entries for one key become a list of records.
		switch seen[rec[0]] {
		case 0:
			db[rec[0]] = fields
		case 1:
			db[rec[0]] = []any{db[rec[0]], fields}
		default:
			db[rec[0]] = append(db[rec[0]].([]any), fields)
		}
		seen[rec[0]]++
	}
	return &Plan{Result: map[string]any{"ansible_facts": facts}}, nil
}
