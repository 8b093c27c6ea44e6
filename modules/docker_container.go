package modules

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

func init() {
	Register(Info{Name: "docker_container", New: func() Module { return &DockerContainer{} }})
	RegisterAlias("community.docker.docker_container", "docker_container")
	RegisterAlias("community.general.docker_container", "docker_container")
}

// DockerContainer manages a container with the docker CLI. An existing
// container is recreated only when a compared option differs from what
// docker inspect shows (--diff lists those options); networks are connected
// (and, with purge_networks or comparisons networks: strict, disconnected)
// and the restart policy updated in place.
type DockerContainer struct {
	// Name is the container's name.
	Name string `arg:"name,required"`
	// Image is the image to run (name:tag); required to create.
	Image string `arg:"image"`
	// State is started (default), stopped, present or absent.
	State string `arg:"state" choices:"started,stopped,present,absent"`
	// Command overrides the image's CMD: a command line or a list.
	Command any `arg:"command"`
	// Entrypoint overrides the image's ENTRYPOINT.
	Entrypoint []string `arg:"entrypoint"`
	// Env are environment variables set in the container.
	Env map[string]any `arg:"env"`
	// Labels are the container's labels.
	Labels map[string]any `arg:"labels"`
	// PublishedPorts are "[ip:]host:container[/proto]" mappings.
	PublishedPorts []string `arg:"published_ports" aliases:"ports"`
	// Volumes are "source:destination[:mode]" binds or "destination".
	Volumes []string `arg:"volumes"`
	// RestartPolicy is no, on-failure, always or unless-stopped.
	RestartPolicy string `arg:"restart_policy" choices:"no,on-failure,always,unless-stopped"`
	// RestartRetries is the on-failure retry count.
	RestartRetries int `arg:"restart_retries"`
	// Networks are the networks to connect, as [{name: net}, ...].
	Networks []any `arg:"networks"`
	// NetworkMode is the container's network mode (bridge, host, none, a network).
	NetworkMode string `arg:"network_mode"`
	// WorkingDir, User and Hostname are compared and set when given.
	WorkingDir string `arg:"working_dir"`
	User       string `arg:"user"`
	Hostname   string `arg:"hostname"`
	// Recreate always recreates the container.
	Recreate bool `arg:"recreate"`
	// Restart restarts a started container that needed no other change.
	Restart bool `arg:"restart"`
	// KeepVolumes keeps anonymous volumes when removing (default true).
	KeepVolumes *bool `arg:"keep_volumes"`
	// Detach is accepted for compatibility; containers always run detached.
	Detach *bool `arg:"detach"`
	// Comparisons say per option (or "*" for all) how it is compared: strict,
	// ignore, or allow_more_present (the default: for networks, env and labels
	// the container may have more than asked).
	Comparisons map[string]any `arg:"comparisons"`
	// PurgeNetworks disconnects networks not in Networks (the default bridge
	// too), as comparisons networks: strict does.
	PurgeNetworks bool `arg:"purge_networks"`
	// NetworksCliCompatible (default true) creates the container on the first
	// network only, as docker run --network; false creates it on the default
	// network and connects all of Networks.
	NetworksCliCompatible *bool `arg:"networks_cli_compatible"`
}

// Validate applies defaults and parses the ports and the network list.
func (m *DockerContainer) Validate() error {
	if m.State == "" {
		m.State = "started"
	}
	if _, err := portBindings(m.PublishedPorts); err != nil {
		return err
	}
	for opt, v := range m.Comparisons {
		if c, _ := ToString(v); !slices.Contains([]string{"strict", "ignore", "allow_more_present"}, c) {
			return Failf("comparisons: %s: want strict, ignore or allow_more_present, got %v", opt, v)
		}
	}
	_, err := m.networkNames()
	return err
}

// comparison is how option is compared: comparisons[option], comparisons["*"],
// or allow_more_present.
func (m *DockerContainer) comparison(option string) string {
	for _, k := range []string{option, "*"} {
		if c, ok := m.Comparisons[k]; ok {
			s, _ := ToString(c)
			return s
		}
	}
	return "allow_more_present"
}

// purgeNetworks says whether networks not asked for are disconnected.
func (m *DockerContainer) purgeNetworks() bool {
	return m.Networks != nil && (m.PurgeNetworks || m.comparison("networks") == "strict")
}

// cliCompatible is networks_cli_compatible (default true).
func (m *DockerContainer) cliCompatible() bool {
	return m.NetworksCliCompatible == nil || *m.NetworksCliCompatible
}

// networkNames lists the networks' names.
func (m *DockerContainer) networkNames() ([]string, error) {
	var names []string
	for _, n := range m.Networks {
		switch v := n.(type) {
		case map[string]any:
			name, _ := ToString(v["name"])
			if name == "" {
				return nil, Failf("networks: every network needs a name, got %v", v)
			}
			names = append(names, name)
		case string:
			names = append(names, v)
		default:
			return nil, Failf("networks: want a list of {name: NETWORK}, got %v", n)
		}
	}
	return names, nil
}

// command is the desired CMD (nil when not given).
func (m *DockerContainer) command() ([]string, error) {
	switch c := m.Command.(type) {
	case nil:
		return nil, nil
	case string:
		return shlexSplit(c)
	case []any:
		return ToStringList(c)
	}
	return nil, Failf("command: want a string or a list, got %v", m.Command)
}

// Plan inspects the container and the image in one round trip.
func (m *DockerContainer) Plan(ctx context.Context, env *Env) (*Plan, error) {
	objs := []dockerInspect{{"container", m.Name}}
	if m.Image != "" {
		objs = append(objs, dockerInspect{"image", m.Image})
	}
	docs, err := dockerProbe(ctx, env.Host, objs...)
	if err != nil {
		return nil, err
	}
	ctr := docs[0]
	// An image not on the host yet (built by an earlier task that --check
	// did not run) is different from any container's: docker create
	// pulls it, or fails with docker's own message.
	var image map[string]any
	if m.Image != "" {
		if image = docs[1]; image == nil {
			image = map[string]any{"Id": m.Image}
		}
	}
	running, _ := dig(ctr, "State", "Running").(bool)
	before, after := map[string]any{}, map[string]any{}
	var lines []string
	if m.State == "absent" {
		if ctr != nil {
			if running {
				before["running"], after["running"] = true, false
			}
			before["exists"], after["exists"] = true, false
			rm := []string{"rm", "--force"}
			if m.KeepVolumes != nil && !*m.KeepVolumes {
				rm = append(rm, "--volumes")
			}
			lines = append(lines, dockerArgs(append(rm, m.Name)...)+" >/dev/null")
		}
		p := &Plan{Result: map[string]any{"container": map[string]any{}}}
		if len(lines) > 0 {
			p.Steps = []Step{{Script: "set -e\n" + strings.Join(lines, "\n") + "\n"}}
			p.Diffs = []Diff{jsonDiff(before, after)}
		}
		return p, nil
	}
	created := false
	if ctr == nil {
		if m.Image == "" {
			return nil, Failf("Cannot create container when image is not specified!")
		}
		before["exists"], after["exists"] = false, true
		created = true
	} else {
		diffs, err := m.differences(ctr, image)
		if err != nil {
			return nil, err
		}
		for k, d := range diffs {
			before[k], after[k] = d[0], d[1]
		}
		m.restartPolicyDiffers(ctr, before, after)
		if len(diffs) > 0 || m.Recreate {
			lines = append(lines, dockerArgs("rm", "--force", m.Name)+" >/dev/null")
			created = true
		}
	}
	if created {
		create, err := m.createCommand()
		if err != nil {
			return nil, err
		}
		lines = append(lines, create+" >/dev/null")
		lines = append(lines, m.connectNetworks(nil, true)...)
		names, _ := m.networkNames()
		if !m.cliCompatible() && m.NetworkMode == "" && m.purgeNetworks() && !slices.Contains(names, "bridge") {
			lines = append(lines, dockerArgs("network", "disconnect", "bridge", m.Name))
		}
	} else {
		lines = append(lines, m.updateInPlace(ctr, before, after)...)
	}
	nowRunning := running && !created
	switch {
	case m.State == "started" && !nowRunning:
		before["running"], after["running"] = running, true
		lines = append(lines, dockerArgs("start", m.Name)+" >/dev/null")
	case m.State == "started" && m.Restart:
		before["running"], after["running"] = running, true
		before["restarted"], after["restarted"] = false, true
		lines = append(lines, dockerArgs("restart", m.Name)+" >/dev/null")
	case m.State == "stopped" && running && !created:
		before["running"], after["running"] = true, false
		lines = append(lines, dockerArgs("stop", m.Name)+" >/dev/null")
	}
	result := map[string]any{"container": ctr}
	if ctr == nil {
		result["container"] = map[string]any{}
	}
	p := &Plan{Result: result}
	if len(lines) > 0 {
		p.Steps = []Step{{Script: dockerScript(lines, "container", m.Name)}}
		p.Diffs = []Diff{jsonDiff(before, after)}
		p.Finish = dockerFinish("container", result)
	}
	return p, nil
}

// differences compares the options that need a new container with what
// inspect shows, as option -> [current, wanted].
func (m *DockerContainer) differences(ctr, image map[string]any) (map[string][2]any, error) {
	d := map[string][2]any{}
	if image != nil && digString(ctr, "Image") != digString(image, "Id") {
		d["image"] = [2]any{digString(ctr, "Image"), digString(image, "Id")}
	}
	cmd, err := m.command()
	if err != nil {
		return nil, err
	}
	if cmd != nil && !slices.Equal(cmd, digStrings(ctr, "Config", "Cmd")) {
		d["command"] = [2]any{digStrings(ctr, "Config", "Cmd"), cmd}
	}
	if m.Entrypoint != nil && !slices.Equal(m.Entrypoint, digStrings(ctr, "Config", "Entrypoint")) {
		d["entrypoint"] = [2]any{digStrings(ctr, "Config", "Entrypoint"), m.Entrypoint}
	}
	// env and labels may hold more than asked: the image adds its own.
	if want := pairs(m.Env); !subset(want, digStrings(ctr, "Config", "Env")) {
		d["env"] = [2]any{digStrings(ctr, "Config", "Env"), want}
	}
	haveLabels := labelPairs(dig(ctr, "Config", "Labels"))
	if want := pairs(m.Labels); !subset(want, haveLabels) {
		d["labels"] = [2]any{haveLabels, want}
	}
	wantPorts, err := portBindings(m.PublishedPorts)
	if err != nil {
		return nil, err
	}
	if havePorts := currentPorts(ctr); !slices.Equal(wantPorts, havePorts) {
		d["published_ports"] = [2]any{havePorts, wantPorts}
	}
	binds, anon := m.splitVolumes()
	haveBinds := digStrings(ctr, "HostConfig", "Binds")
	sort.Strings(haveBinds)
	if !slices.Equal(binds, haveBinds) {
		d["volumes"] = [2]any{haveBinds, binds}
	}
	for _, v := range anon {
		if dig(ctr, "Config", "Volumes", v) == nil {
			d["volumes"] = [2]any{haveBinds, m.Volumes}
		}
	}
	for _, o := range []struct {
		name, want string
		path       []string
	}{
		{"working_dir", m.WorkingDir, []string{"Config", "WorkingDir"}},
		{"user", m.User, []string{"Config", "User"}},
		{"hostname", m.Hostname, []string{"Config", "Hostname"}},
		{"network_mode", m.NetworkMode, []string{"HostConfig", "NetworkMode"}},
	} {
		if have := digString(ctr, o.path...); o.want != "" && o.want != have {
			d[o.name] = [2]any{have, o.want}
		}
	}
	for k := range d {
		if m.comparison(k) == "ignore" {
			delete(d, k)
		}
	}
	return d, nil
}

// updateInPlace connects missing networks and updates the restart policy
// of a container that is kept.
func (m *DockerContainer) updateInPlace(ctr map[string]any, before, after map[string]any) []string {
	var lines []string
	if m.restartPolicyDiffers(ctr, before, after) {
		lines = append(lines, dockerArgs("update", "--restart", m.restartValue(), m.Name)+" >/dev/null")
	}
	nets, _ := dig(ctr, "NetworkSettings", "Networks").(map[string]any)
	have := make([]string, 0, len(nets))
	for n := range nets {
		have = append(have, n)
	}
	sort.Strings(have)
	if m.comparison("networks") == "ignore" {
		return lines
	}
	want, _ := m.networkNames()
	if want == nil {
		want = []string{} // networks: [] with strict comparison: on none
	}
	connect := m.connectNetworks(have, false)
	var disconnect []string
	if m.purgeNetworks() {
		for _, n := range have {
			if !slices.Contains(want, n) {
				disconnect = append(disconnect, dockerArgs("network", "disconnect", n, m.Name))
			}
		}
	}
	if len(connect) > 0 || len(disconnect) > 0 {
		before["networks"], after["networks"] = have, want
		lines = append(append(lines, connect...), disconnect...)
	}
	return lines
}

// restartPolicyDiffers compares the restart policy, which docker updates in
// place, adding it to the diff.
func (m *DockerContainer) restartPolicyDiffers(ctr map[string]any, before, after map[string]any) bool {
	have := digString(ctr, "HostConfig", "RestartPolicy", "Name")
	if have == "" {
		have = "no"
	}
	if m.RestartPolicy == "" || have == m.RestartPolicy {
		return false
	}
	before["restart_policy"], after["restart_policy"] = have, m.RestartPolicy
	return true
}

// connectNetworks connects the wanted networks the container is not on; a
// new container was created on the first one already.
func (m *DockerContainer) connectNetworks(have []string, created bool) []string {
	names, _ := m.networkNames()
	var lines []string
	for i, n := range names {
		if created && i == 0 && m.NetworkMode == "" && m.cliCompatible() || slices.Contains(have, n) {
			continue
		}
		lines = append(lines, dockerArgs("network", "connect", n, m.Name))
	}
	return lines
}

func (m *DockerContainer) restartValue() string {
	if m.RestartPolicy == "on-failure" && m.RestartRetries > 0 {
		return fmt.Sprintf("on-failure:%d", m.RestartRetries)
	}
	return m.RestartPolicy
}

// createCommand is docker create with every option given.
func (m *DockerContainer) createCommand() (string, error) {
	args := []string{"create", "--name", m.Name}
	for _, kv := range pairs(m.Env) {
		args = append(args, "--env", kv)
	}
	for _, kv := range pairs(m.Labels) {
		args = append(args, "--label", kv)
	}
	for _, p := range m.PublishedPorts {
		ip, host, ctr, proto, _ := publishSpec(p) // validated before planning
		args = append(args, "--publish", ip+":"+host+":"+ctr+"/"+proto)
	}
	for _, v := range m.Volumes {
		args = append(args, "--volume", v)
	}
	if m.RestartPolicy != "" {
		args = append(args, "--restart", m.restartValue())
	}
	names, _ := m.networkNames()
	switch {
	case m.NetworkMode != "":
		args = append(args, "--network", m.NetworkMode)
	case len(names) > 0 && m.cliCompatible():
		args = append(args, "--network", names[0])
	}
	for _, o := range []struct{ flag, val string }{{"--workdir", m.WorkingDir}, {"--user", m.User}, {"--hostname", m.Hostname}} {
		if o.val != "" {
			args = append(args, o.flag, o.val)
		}
	}
	if m.Entrypoint != nil {
		// docker create takes one entrypoint word; the rest go before CMD.
		args = append(args, "--entrypoint", strings.Join(m.Entrypoint[:min(1, len(m.Entrypoint))], ""))
	}
	args = append(args, m.Image)
	if len(m.Entrypoint) > 1 {
		args = append(args, m.Entrypoint[1:]...)
	}
	cmd, err := m.command()
	if err != nil {
		return "", err
	}
	return dockerArgs(append(args, cmd...)...), nil
}

// splitVolumes sorts volumes into binds (source:destination) and anonymous
// volumes (a destination alone).
func (m *DockerContainer) splitVolumes() (binds, anon []string) {
	binds = []string{}
	for _, v := range m.Volumes {
		if strings.Contains(v, ":") {
			binds = append(binds, v)
		} else {
			anon = append(anon, v)
		}
	}
	sort.Strings(binds)
	return binds, anon
}

// defaultHostIP is where published ports bind when no address is given,
// as community.docker's default_host_ip: so containers made by either tool
// compare equal.
const defaultHostIP = "0.0.0.0"

// publishSpec splits "[ip:]host:container[/proto]" (or "container").
func publishSpec(p string) (ip, host, ctr, proto string, err error) {
	spec, proto, ok := strings.Cut(p, "/")
	if !ok {
		proto = "tcp"
	}
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 1:
		ctr = parts[0]
	case 2:
		host, ctr = parts[0], parts[1]
	case 3:
		ip, host, ctr = parts[0], parts[1], parts[2]
	default:
		return "", "", "", "", Failf("Invalid port description %q: want [ip:]host:container[/proto]", p)
	}
	if ip == "" {
		ip = defaultHostIP
	}
	return ip, host, ctr, proto, nil
}

// portBindings normalizes published ports to "ip:host->container/proto".
func portBindings(ports []string) ([]string, error) {
	out := []string{}
	for _, p := range ports {
		ip, host, ctr, proto, err := publishSpec(p)
		if err != nil {
			return nil, err
		}
		out = append(out, ip+":"+host+"->"+ctr+"/"+proto)
	}
	sort.Strings(out)
	return out, nil
}

// currentPorts reads HostConfig.PortBindings in portBindings' form.
func currentPorts(ctr map[string]any) []string {
	out := []string{}
	pb, _ := dig(ctr, "HostConfig", "PortBindings").(map[string]any)
	for port, bs := range pb {
		l, _ := bs.([]any)
		for _, b := range l {
			bm, _ := b.(map[string]any)
			ip, _ := bm["HostIp"].(string)
			host, _ := bm["HostPort"].(string)
			out = append(out, ip+":"+host+"->"+port)
		}
	}
	sort.Strings(out)
	return out
}

// pairs renders a map as sorted "k=v" strings.
func pairs(m map[string]any) []string {
	out := []string{}
	for k, v := range m {
		s, _ := ToString(v)
		out = append(out, k+"="+s)
	}
	sort.Strings(out)
	return out
}

// labelPairs renders inspect's label map as sorted "k=v" strings.
func labelPairs(v any) []string {
	m, _ := v.(map[string]any)
	return pairs(m)
}

// subset says whether every element of want is in have.
func subset(want, have []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

var _ Validator = (*DockerContainer)(nil)
