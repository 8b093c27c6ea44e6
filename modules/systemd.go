package modules

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "systemd", New: func() Module { return &Systemd{} }})
	Register(Info{Name: "systemd_service", New: func() Module { return &Systemd{} }})
}

// Systemd manages a systemd unit: its state, whether it starts at boot,
// whether it is masked, and reloads systemd's configuration.
type Systemd struct {
	// Name is the unit (".service" may be left out).
	Name string `arg:"name" aliases:"service,unit"`
	// State is started, stopped, restarted or reloaded.
	State string `arg:"state" choices:"reloaded,restarted,started,stopped"`
	// Enabled says whether the unit starts at boot.
	Enabled *bool `arg:"enabled"`
	// Masked says whether the unit is masked (cannot be started at all).
	Masked *bool `arg:"masked"`
	// Force overrides existing symlinks when enabling.
	Force bool `arg:"force"`
	// DaemonReload runs systemctl daemon-reload first (after changed unit files).
	DaemonReload bool `arg:"daemon_reload" aliases:"daemon-reload"`
	// DaemonReexec runs systemctl daemon-reexec first.
	DaemonReexec bool `arg:"daemon_reexec" aliases:"daemon-reexec"`
	// Scope is system, user (the remote user's manager) or global.
	Scope string `arg:"scope" choices:"system,user,global"`
	// NoBlock does not wait for jobs to finish.
	NoBlock bool `arg:"no_block"`
}

// Validate applies Ansible's required_one_of and required_by rules.
func (s *Systemd) Validate() error {
	if s.State == "" && s.Enabled == nil && s.Masked == nil && !s.DaemonReload && !s.DaemonReexec {
		return fmt.Errorf("one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec")
	}
	if s.Name == "" {
		for arg, set := range map[string]bool{"state": s.State != "", "enabled": s.Enabled != nil, "masked": s.Masked != nil} {
			if set {
				return fmt.Errorf("missing parameter(s) required by '%s': name", arg)
			}
		}
	}
	if strings.ContainsAny(s.Name, "*?[") {
		return fmt.Errorf("This module does not currently support using glob patterns, found '%c' in service name: %s", s.Name[strings.IndexAny(s.Name, "*?[")], s.Name)
	}
	return nil
}

// systemctl is the command line prefix for the scope and flags.
func (s *Systemd) systemctl() string {
	cmd := "systemctl"
	if s.Scope != "" && s.Scope != "system" {
		cmd += " --" + s.Scope
	}
	if s.NoBlock {
		cmd += " --no-block"
	}
	if s.Force {
		cmd += " --force"
	}
	return cmd
}

// unitProbe is what the probe saw of the unit.
type unitProbe struct {
	status    map[string]any // systemctl show
	enabledRC int            // systemctl is-enabled's exit code
	isEnabled string         // and its output
	initd     bool           // a SysV script of that name exists
}

// systemdEnv gives a user scope's systemctl its runtime directory, as Ansible does.
const systemdEnv = "export LC_ALL=C XDG_RUNTIME_DIR=\"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}\"\n"

// Plan observes the unit (systemctl show, is-enabled) in one round trip.
func (s *Systemd) Plan(ctx context.Context, env *Env) (*Plan, error) {
	var pr unitProbe
	if s.Name != "" {
		u, sc := Quote(s.Name), s.systemctl()
		script := systemdEnv + fmt.Sprintf(`e=$(%[2]s is-enabled %[1]s 2>/dev/null); echo "E $? $e"
[ -x /etc/init.d/%[1]s ] && echo I
%[2]s show %[1]s 2>/dev/null | sed 's/^/S /'
`, u, sc)
		res, err := env.Host.Run(ctx, script, nil)
		if err != nil {
			return nil, err
		}
		pr = parseUnitProbe(res.Stdout)
	}
	return s.plan(&pr)
}

func parseUnitProbe(out []byte) unitProbe {
	pr := unitProbe{enabledRC: -1}
	var show []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "E "):
			rc, out, _ := strings.Cut(line[2:], " ")
			fmt.Sscan(rc, &pr.enabledRC)
			pr.isEnabled = strings.TrimSpace(out)
		case line == "I":
			pr.initd = true
		case strings.HasPrefix(line, "S "):
			show = append(show, line[2:])
		}
	}
	pr.status = parseSystemctlShow(show)
	return pr
}

// parseSystemctlShow reads systemctl show's Key=Value lines; Exec* values
// in braces may span lines (Ansible's parse_systemctl_show).
func parseSystemctlShow(lines []string) map[string]any {
	parsed := map[string]any{}
	var key string
	var multi []string
	for _, line := range lines {
		if key == "" {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			if strings.HasPrefix(k, "Exec") && strings.HasPrefix(strings.TrimLeft(v, " "), "{") && !strings.HasSuffix(strings.TrimRight(v, " "), "}") {
				key, multi = k, []string{v}
				continue
			}
			parsed[k] = strings.TrimSpace(v)
			continue
		}
		multi = append(multi, line)
		if strings.HasSuffix(strings.TrimRight(line, " "), "}") {
			parsed[key] = strings.TrimSpace(strings.Join(multi, "\n"))
			key, multi = "", nil
		}
	}
	return parsed
}

// validEnabledStates are is-enabled's answers for a unit systemd knows.
var validEnabledStates = map[string]bool{"enabled": true, "enabled-runtime": true, "linked": true, "linked-runtime": true,
	"masked": true, "masked-runtime": true, "static": true, "indirect": true, "disabled": true, "generated": true, "transient": true}

// unitAction is one systemctl step and the message its failure gives.
type unitAction struct {
	script, failure string
	changes         bool // daemon-reload alone changes nothing, as in Ansible
}

// plan decides the systemctl steps (pure).
func (s *Systemd) plan(pr *unitProbe) (*Plan, error) {
	sc, u := s.systemctl(), Quote(s.Name)
	result := map[string]any{"name": s.Name, "status": pr.status}
	if s.Name == "" {
		result["name"] = nil
	}
	var actions []unitAction
	for _, d := range []struct {
		on bool
		op string
	}{{s.DaemonReload, "daemon-reload"}, {s.DaemonReexec, "daemon-reexec"}} {
		if d.on {
			actions = append(actions, unitAction{script: sc + " " + d.op, failure: "failure %d during " + d.op + ": %s"})
		}
	}
	loadState, _ := pr.status["LoadState"].(string)
	found := loadState != "" && loadState != "not-found" || validEnabledStates[pr.isEnabled] || pr.initd
	missing := Failf("Could not find the requested service %s: host", s.Name)
	if loadState == "loaded" {
		if le, ok := pr.status["LoadError"].(string); ok {
			return nil, Failf("Error loading unit file '%s': %s", s.Name, le)
		}
	}
	if s.Masked != nil && (pr.isEnabled == "masked") != *s.Masked {
		op := map[bool]string{true: "mask", false: "unmask"}[*s.Masked]
		actions = append(actions, unitAction{script: sc + " " + op + " " + u, failure: "Unable to " + op + " service " + s.Name + ": %[2]s", changes: true})
	}
	if s.Enabled != nil {
		if !found {
			return nil, missing
		}
		enabled := pr.enabledRC == 0 && pr.isEnabled != "indirect" && pr.isEnabled != "alias"
		result["enabled"] = *s.Enabled
		if enabled != *s.Enabled {
			op := map[bool]string{true: "enable", false: "disable"}[*s.Enabled]
			actions = append(actions, unitAction{script: sc + " " + op + " " + u, failure: "Unable to " + op + " service " + s.Name + ": %[2]s", changes: true})
		}
	}
	if s.State != "" {
		if !found {
			return nil, missing
		}
		op, err := s.stateAction(pr.status, result)
		if err != nil {
			return nil, err
		}
		if op != "" {
			actions = append(actions, unitAction{script: sc + " " + op + " " + u, failure: "Unable to " + op + " service " + s.Name + ": %[2]s", changes: true})
		}
	}
	return unitPlan(actions, result), nil
}

// stateAction is the systemctl operation that brings the unit to State.
func (s *Systemd) stateAction(status, result map[string]any) (string, error) {
	active, ok := status["ActiveState"].(string)
	if !ok {
		return "", &Failure{Msg: "Service is in unknown state", Result: map[string]any{"status": status}}
	}
	running := active == "active" || active == "activating"
	result["state"] = s.State
	switch s.State {
	case "started":
		if !running {
			return "start", nil
		}
	case "stopped":
		if running || active == "deactivating" {
			return "stop", nil
		}
	default:
		result["state"] = "started"
		if !running {
			return "start", nil
		}
		return strings.TrimSuffix(s.State, "ed"), nil
	}
	return "", nil
}

// unitPlan turns the actions into steps whose failures give Ansible's messages.
func unitPlan(actions []unitAction, result map[string]any) *Plan {
	p := &Plan{Result: result, Unchanged: len(actions) > 0}
	for _, a := range actions {
		p.Steps = append(p.Steps, Step{Script: systemdEnv + a.script})
		p.Unchanged = p.Unchanged && !a.changes
	}
	if len(actions) > 0 {
		p.Finish = func(outs []connection.Result) (map[string]any, error) {
			last := outs[len(outs)-1]
			if last.RC != 0 {
				stderr := strings.TrimSpace(string(last.Stderr))
				return nil, &Failure{Msg: fmt.Sprintf(actions[len(outs)-1].failure, last.RC, stderr)}
			}
			return nil, nil
		}
	}
	return p
}
