package modules

import (
	"context"
	"slices"
	"sort"
	"strings"
)

func init() {
	Register(Info{Name: "docker_network", New: func() Module { return &DockerNetwork{} }})
	RegisterAlias("community.docker.docker_network", "docker_network")
	RegisterAlias("community.general.docker_network", "docker_network")
}

// DockerNetwork creates, removes and connects containers to a network.
type DockerNetwork struct {
	// Name is the network's name.
	Name string `arg:"name,required" aliases:"network_name"`
	// Driver is the network driver (default bridge).
	Driver string `arg:"driver"`
	// DriverOptions are the driver's options (docker network create --opt).
	DriverOptions map[string]any `arg:"driver_options"`
	// Labels are the network's labels.
	Labels map[string]any `arg:"labels"`
	// Internal restricts external access to the network.
	Internal *bool `arg:"internal"`
	// Attachable lets standalone containers attach to a swarm network.
	Attachable *bool `arg:"attachable"`
	// EnableIPv6 enables IPv6 on the network.
	EnableIPv6 *bool `arg:"enable_ipv6"`
	// Connected are containers (names) that must be on the network.
	Connected []string `arg:"connected" aliases:"containers"`
	// Appends keeps containers not listed in connected (default false:
	// they are disconnected).
	Appends bool `arg:"appends" aliases:"incremental"`
	// Force recreates the network (state present) or disconnects its
	// containers before removing it (absent).
	Force bool `arg:"force"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
}

// Plan inspects the network in one round trip.
func (m *DockerNetwork) Plan(ctx context.Context, env *Env) (*Plan, error) {
	docs, err := dockerProbe(ctx, env.Host, dockerInspect{"network", m.Name})
	if err != nil {
		return nil, err
	}
	net := docs[0]
	result := map[string]any{"network": net, "actions": []string{}}
	if net == nil {
		result["network"] = map[string]any{}
	}
	before, after := map[string]any{}, map[string]any{}
	var lines, actions []string
	have := networkContainers(net)
	if m.State == "absent" {
		if net != nil {
			for _, c := range have {
				lines = append(lines, dockerArgs("network", "disconnect", "--force", m.Name, c))
			}
			lines = append(lines, dockerArgs("network", "rm", m.Name)+" >/dev/null")
			actions = append(actions, "Removed network "+m.Name)
			before["exists"], after["exists"] = true, false
			result["network"] = map[string]any{}
		}
		return m.plan(result, actions, lines, before, after, false), nil
	}
	diffs := m.differences(net)
	for k, d := range diffs {
		before[k], after[k] = d[0], d[1]
	}
	if net != nil && (len(diffs) > 0 || m.Force) {
		for _, c := range have {
			lines = append(lines, dockerArgs("network", "disconnect", "--force", m.Name, c))
		}
		lines = append(lines, dockerArgs("network", "rm", m.Name)+" >/dev/null")
		actions = append(actions, "Removed network "+m.Name)
		net, have = nil, nil
	}
	if net == nil {
		lines = append(lines, m.createCommand()+" >/dev/null")
		actions = append(actions, "Created network "+m.Name+" with driver "+m.driver())
		if _, ok := before["exists"]; !ok && len(diffs) == 0 {
			before["exists"], after["exists"] = false, true
		}
	}
	for _, c := range m.Connected {
		if !slices.Contains(have, c) {
			lines = append(lines, dockerArgs("network", "connect", m.Name, c))
			actions = append(actions, "Connected container "+c)
		}
	}
	for _, c := range have {
		if !m.Appends && !slices.Contains(m.Connected, c) {
			lines = append(lines, dockerArgs("network", "disconnect", m.Name, c))
			actions = append(actions, "Disconnected container "+c)
		}
	}
	if changedConns := len(lines) > 0 && net != nil; changedConns {
		before["connected"], after["connected"] = have, m.wantConnected(have)
	}
	return m.plan(result, actions, lines, before, after, true), nil
}

// plan wraps the lines into one step whose result re-reads the network.
func (m *DockerNetwork) plan(result map[string]any, actions, lines []string, before, after map[string]any, inspect bool) *Plan {
	p := &Plan{Result: result}
	if len(lines) == 0 {
		return p
	}
	result["actions"] = actions
	p.Diffs = []Diff{jsonDiff(before, after)}
	if !inspect {
		p.Steps = []Step{{Script: "set -e\n" + strings.Join(lines, "\n") + "\n"}}
		return p
	}
	p.Steps = []Step{{Script: dockerScript(lines, "network", m.Name)}}
	p.Finish = dockerFinish("network", result)
	return p
}

func (m *DockerNetwork) driver() string {
	if m.Driver == "" {
		return "bridge"
	}
	return m.Driver
}

// differences lists the options that need the network recreated.
func (m *DockerNetwork) differences(net map[string]any) map[string][2]any {
	d := map[string][2]any{}
	if net == nil {
		return d
	}
	if have := digString(net, "Driver"); have != m.driver() {
		d["driver"] = [2]any{have, m.driver()}
	}
	opts, _ := dig(net, "Options").(map[string]any)
	if want := pairs(m.DriverOptions); !subset(want, pairs(opts)) {
		d["driver_options"] = [2]any{pairs(opts), want}
	}
	if want := pairs(m.Labels); !subset(want, labelPairs(dig(net, "Labels"))) {
		d["labels"] = [2]any{labelPairs(dig(net, "Labels")), want}
	}
	for _, o := range []struct {
		name string
		want *bool
		key  string
	}{{"internal", m.Internal, "Internal"}, {"attachable", m.Attachable, "Attachable"}, {"enable_ipv6", m.EnableIPv6, "EnableIPv6"}} {
		if have, _ := dig(net, o.key).(bool); o.want != nil && *o.want != have {
			d[o.name] = [2]any{have, *o.want}
		}
	}
	return d
}

// wantConnected is the container list after the change.
func (m *DockerNetwork) wantConnected(have []string) []string {
	out := slices.Clone(m.Connected)
	if m.Appends {
		out = append(out, have...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// createCommand is docker network create with the options given.
func (m *DockerNetwork) createCommand() string {
	args := []string{"network", "create", "--driver", m.driver()}
	for _, kv := range pairs(m.DriverOptions) {
		args = append(args, "--opt", kv)
	}
	for _, kv := range pairs(m.Labels) {
		args = append(args, "--label", kv)
	}
	for _, o := range []struct {
		on   *bool
		flag string
	}{{m.Internal, "--internal"}, {m.Attachable, "--attachable"}, {m.EnableIPv6, "--ipv6"}} {
		if o.on != nil && *o.on {
			args = append(args, o.flag)
		}
	}
	return dockerArgs(append(args, m.Name)...)
}

// networkContainers lists the names of the containers on a network.
func networkContainers(net map[string]any) []string {
	cs, _ := dig(net, "Containers").(map[string]any)
	var names []string
	for _, c := range cs {
		if name := digString(c.(map[string]any), "Name"); name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
