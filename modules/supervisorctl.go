package modules

import (
	"context"
	"fmt"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "supervisorctl", New: func() Module { return &Supervisorctl{} }})
	RegisterAlias("community.general.supervisorctl", "supervisorctl")
}

// Supervisorctl manages the state of programs and groups under supervisord,
// like community.general.supervisorctl.
type Supervisorctl struct {
	// Name is the program, a group ending in ":" ("web:"), or "all".
	Name string `arg:"name,required"`
	// State: present (added from the configuration), started, stopped,
	// restarted (after `supervisorctl update`), absent (removed), signalled.
	State string `arg:"state,required" choices:"present,started,restarted,stopped,absent,signalled"`
	// Signal is sent with state=signalled (HUP, USR1...).
	Signal string `arg:"signal"`
	// Config is supervisorctl's configuration file (-c).
	Config string `arg:"config"`
	// ServerURL is the supervisord to talk to (-s), e.g. http://localhost:9001.
	ServerURL string `arg:"server_url"`
	// Username and Password log in to a supervisord HTTP server (-u, -p).
	Username string `arg:"username"`
	Password string `arg:"password"`
	// SupervisorctlPath is the supervisorctl to run instead of the one on PATH.
	SupervisorctlPath string `arg:"supervisorctl_path"`
}

// Validate applies Ansible's required_if.
func (m *Supervisorctl) Validate() error {
	if m.State == "signalled" && m.Signal == "" {
		return fmt.Errorf("state is signalled but all of the following are missing: signal")
	}
	return nil
}

// Plan finds supervisorctl and reads `supervisorctl status` in one round trip.
func (m *Supervisorctl) Plan(ctx context.Context, env *Env) (*Plan, error) {
	find := `command -v supervisorctl`
	if m.SupervisorctlPath != "" {
		find = fmt.Sprintf(`[ -f %[1]s ] && [ -x %[1]s ] && echo %[1]s`, Quote(m.SupervisorctlPath))
	}
	script := fmt.Sprintf("%s\nctl=$(%s) || exit 0\necho \"$ctl\"\n%s\n\"$ctl\"%s status || true\n",
		section("bin"), find, section("status"), m.options())
	obs, err := observe(ctx, env.Host, "supervisorctl status", script)
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// plan decides as the Ansible module does, from the programs the status
// lists: the steps are supervisorctl commands whose output must confirm them.
func (m *Supervisorctl) plan(obs Sections) (*Plan, error) {
	bin := obs.Line("bin")
	switch {
	case bin == "" && m.SupervisorctlPath != "":
		return nil, Failf("Provided path to supervisorctl does not exist or isn't executable: %s", m.SupervisorctlPath)
	case bin == "":
		return nil, Failf(`Failed to find required executable "supervisorctl" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)
	}
	name, group := strings.CutSuffix(m.Name, ":")
	ctl := "LC_ALL=C " + Quote(bin) + m.options()
	matched := supervisorMatches(obs["status"], name, group)
	p := &Plan{Result: map[string]any{"name": name, "state": m.State}}
	switch m.State {
	case "present", "absent":
		if (m.State == "present") == (len(matched) > 0) {
			return p, nil
		}
		verb, done := "add", "added process group"
		if m.State == "absent" {
			verb, done = "remove", "removed process group"
		}
		return appliedOnly(p, []Step{{Script: ctl + " reread >/dev/null\n"}, supervisorStep(ctl, verb, name, done)}), nil
	}
	if len(matched) == 0 {
		return nil, &Failure{Msg: "ERROR (no such process)", Result: map[string]any{"name": name}}
	}
	verb, done, acts := "", "", func(string) bool { return true }
	switch m.State {
	case "restarted":
		verb, done = "restart", "started"
		p.Steps = []Step{{Script: ctl + " update >/dev/null\n"}}
	case "started":
		verb, done = "start", "started"
		acts = func(s string) bool { return s != "RUNNING" && s != "STARTING" }
	case "stopped":
		verb, done = "stop", "stopped"
		acts = func(s string) bool { return s == "RUNNING" || s == "STARTING" }
	case "signalled":
		verb, done = "signal "+Quote(m.Signal), "signalled"
		acts = func(s string) bool { return s == "RUNNING" }
	}
	steps := p.Steps
	var affected []any
	for _, proc := range matched {
		if acts(proc[1]) {
			affected = append(affected, proc[0])
			steps = append(steps, supervisorStep(ctl, verb, proc[0], done))
		}
	}
	if len(affected) == 0 {
		p.Steps = nil
		return p, nil
	}
	p.Result["affected"] = affected
	return appliedOnly(p, steps), nil
}

// appliedOnly gives p its steps and keeps its result for when they ran: in
// check mode Ansible's module returns changed alone. A step that fails fails
// the task with its message (the command's output).
func appliedOnly(p *Plan, steps []Step) *Plan {
	applied := p.Result
	p.Steps, p.Result = steps, nil
	p.Finish = func(out []connection.Result) (map[string]any, error) {
		if last := out[len(out)-1]; last.RC != 0 {
			return nil, &Failure{Msg: strings.TrimSpace(string(last.Stderr)), Result: map[string]any{"rc": last.RC}}
		}
		return applied, nil
	}
	return p
}

// options are supervisorctl's connection options, quoted.
func (m *Supervisorctl) options() string {
	var b strings.Builder
	for _, o := range [][2]string{{"-c", m.Config}, {"-s", m.ServerURL}, {"-u", m.Username}, {"-p", m.Password}} {
		if o[1] != "" {
			b.WriteString(" " + o[0] + " " + Quote(o[1]))
		}
	}
	return b.String()
}

// supervisorMatches lists the (process, status) pairs of a status output
// that name designates: the program itself, all, or the group's members.
func supervisorMatches(status, name string, group bool) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(status, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		proc := f[0]
		if g, _, inGroup := strings.Cut(proc, ":"); group && (!inGroup || g != name) ||
			!group && proc != name && name != "all" {
			continue
		}
		out = append(out, [2]string{proc, f[1]})
	}
	return out
}

// supervisorStep runs `supervisorctl VERB TARGET` and fails with its output
// unless it says "TARGET: DONE", as the Ansible module checks.
func supervisorStep(ctl, verb, target, done string) Step {
	return Step{Script: fmt.Sprintf("out=$(%s %s %s 2>&1)\ncase \"$out\" in *%s*) ;; *) printf '%%s\\n' \"$out\" >&2; exit 1;; esac\n",
		ctl, verb, Quote(target), Quote(target+": "+done))}
}
