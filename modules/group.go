package modules

import (
	"context"
	"strconv"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "group", New: func() Module { return &Group{} }})
}

// Group manages a local group with groupadd, groupmod and groupdel.
type Group struct {
	// Name is the group.
	Name string `arg:"name,required"`
	// GID is the group's id.
	GID *int `arg:"gid"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// System makes a system group (an id from the system range).
	System bool `arg:"system"`
	// NonUnique allows a gid another group already has.
	NonUnique bool `arg:"non_unique"`
	// Force deletes the group even when it is a user's primary group.
	Force bool `arg:"force"`
	// Local is accepted for compatibility: play manages /etc/group either way.
	Local bool `arg:"local"`
}

// Plan observes the group with getent, in one round trip.
func (g *Group) Plan(ctx context.Context, env *Env) (*Plan, error) {
	res, err := env.Host.Run(ctx, accountScript("G", "group", g.Name), nil)
	if err != nil {
		return nil, err
	}
	return g.plan(parseAccounts(res.Stdout).groups[g.Name]), nil
}

// plan decides the step from the group's record (nil when absent).
func (g *Group) plan(cur *groupEntry) *Plan {
	state := g.State
	if state == "" {
		state = "present"
	}
	p := &Plan{Result: map[string]any{"name": g.Name, "state": state}}
	var cmd []string
	switch {
	case state == "absent":
		if cur != nil {
			cmd = []string{"groupdel"}
			if g.Force {
				cmd = append(cmd, "-f")
			}
		}
	case cur == nil:
		cmd = append([]string{"groupadd"}, g.gidOpts()...)
		if g.System {
			cmd = append(cmd, "-r")
		}
	case g.GID != nil && *g.GID != cur.GID:
		cmd = append([]string{"groupmod"}, g.gidOpts()...)
	}
	if state == "present" {
		p.Result["system"] = g.System
		if cur != nil {
			p.Result["gid"] = cur.GID
		}
	}
	if cmd == nil {
		return p
	}
	script := strings.Join(cmd, " ") + " " + Quote(g.Name)
	if state == "present" {
		script += " && " + accountScript("G", "group", g.Name)
	}
	p.Steps = []Step{{Script: script}}
	p.Finish = func(outs []connection.Result) (map[string]any, error) {
		out := outs[0]
		if out.RC != 0 {
			return nil, &Failure{Msg: strings.TrimSpace(string(out.Stderr)), Result: map[string]any{"name": g.Name}}
		}
		res := map[string]any{}
		if after := parseAccounts(out.Stdout).groups[g.Name]; after != nil {
			res["gid"] = after.GID
		}
		return res, nil
	}
	return p
}

func (g *Group) gidOpts() []string {
	if g.GID == nil {
		return nil
	}
	opts := []string{"-g", strconv.Itoa(*g.GID)}
	if g.NonUnique {
		opts = append(opts, "-o")
	}
	return opts
}
