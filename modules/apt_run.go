package modules

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"play/connection"
)

// aptStepKind says how a step's output turns into the result.
type aptStepKind int

const (
	aptUpdate aptStepKind = iota // apt-get update; prints the new cache time last
	aptChange                    // changes packages; stdout and stderr are returned
)

// aptRun collects the apt-get steps of one task and turns their outputs
// into Ansible's result.
type aptRun struct {
	apt       *Apt
	cacheTime int64
	kinds     []aptStepKind
	scripts   []string
	sims      []string // apt-get -s of the changing steps, for --diff
}

// update adds apt-get update, which prints the new cache time last.
func (r *aptRun) update() {
	r.kinds = append(r.kinds, aptUpdate)
	r.scripts = append(r.scripts, "apt-get update -q "+r.apt.lockOpt()+" && "+
		`stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists`)
}

// change adds an apt-get operation on packages.
func (r *aptRun) change(op string, pkgs []string) {
	r.kinds = append(r.kinds, aptChange)
	r.scripts = append(r.scripts, r.apt.command(false, op, pkgs))
	r.sims = append(r.sims, r.apt.command(true, op, pkgs))
}

// packagesAsked says whether the task asks for more than a cache update.
func (r *aptRun) packagesAsked() bool {
	return len(r.apt.Name) > 0 || r.apt.Upgrade != "" || r.apt.Deb != ""
}

// cacheKeys says whether the result carries cache_updated and
// cache_update_time, as Ansible's present/latest/fixed and update-only runs do.
func (r *aptRun) cacheKeys() bool {
	a := r.apt
	return a.Upgrade == "" && a.Deb == "" && (len(a.Name) > 0 && a.State != "absent" || len(a.Name) == 0 && !a.Autoremove)
}

// onlyUpdate says whether updating the cache is all the plan does while
// packages were named: Ansible then reports the cache updated but nothing changed.
func (r *aptRun) onlyUpdate() bool {
	return len(r.kinds) == 1 && r.kinds[0] == aptUpdate && r.packagesAsked()
}

func (r *aptRun) plan() *Plan {
	p := &Plan{Result: map[string]any{}, Unchanged: r.onlyUpdate()}
	if r.cacheKeys() {
		p.Result["cache_updated"] = len(r.kinds) > 0 && r.kinds[0] == aptUpdate
		p.Result["cache_update_time"] = r.cacheTime
	}
	for _, s := range r.scripts {
		p.Steps = append(p.Steps, Step{Script: "export LC_ALL=C DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true\n" + s})
	}
	if len(p.Steps) > 0 {
		p.Finish = r.finish
	}
	return p
}

// finish reads the steps' outputs; a step that failed fails the task with
// Ansible's message.
func (r *aptRun) finish(outs []connection.Result) (map[string]any, error) {
	res := map[string]any{"changed": false}
	for i, out := range outs {
		stdout, stderr := string(out.Stdout), string(out.Stderr)
		switch r.kinds[i] {
		case aptUpdate:
			if out.RC != 0 {
				return nil, &Failure{Msg: "Failed to update apt cache: " + strings.TrimSpace(stderr), Result: map[string]any{"rc": out.RC}}
			}
			lines := outputLines(stdout)
			if t, err := strconv.ParseInt(lines[len(lines)-1], 10, 64); err == nil {
				res["cache_update_time"] = t
			}
			res["cache_updated"] = true
			res["changed"] = !r.packagesAsked()
		case aptChange:
			maps := outputResult(out.RC, stdout, stderr)
			delete(maps, "rc")
			if out.RC != 0 {
				maps["rc"] = out.RC
				return nil, &Failure{Msg: fmt.Sprintf("'%s' failed: %s", commandLine(r.scripts[i]), strings.TrimSpace(stderr)), Result: maps}
			}
			for k, v := range maps {
				res[k] = v
			}
			res["changed"] = res["changed"] == true || !aptZero(stdout)
			if r.apt.Upgrade != "" {
				res["msg"] = stdout
			}
		}
	}
	return res, nil
}

// commandLine is the apt-get command of a step, for messages.
func commandLine(script string) string {
	return strings.TrimSpace(script[strings.LastIndex(script, "\n")+1:])
}

// command is the apt-get command line of one operation.
func (a *Apt) command(simulate bool, op string, pkgs []string) string {
	words := []string{"apt-get", "-y"}
	if simulate {
		words = append(words, "-s")
	}
	if op == "remove" {
		words = append(words, "-q")
		if a.Purge {
			words = append(words, "--purge")
		}
	}
	words = append(words, a.commonOpts())
	if a.State == "fixed" && op == "install" {
		words = append(words, "--fix-broken")
	}
	words = append(words, op)
	if len(pkgs) > 0 {
		words = append(words, joinQuoted(pkgs))
	}
	return strings.Join(words, " ")
}

// commonOpts are the options every changing apt-get gets.
func (a *Apt) commonOpts() string {
	opts := a.DpkgOptions
	if opts == "" {
		opts = "force-confdef,force-confold"
	}
	var w []string
	for _, o := range strings.Split(opts, ",") {
		w = append(w, "-o", Quote("Dpkg::Options::=--"+strings.TrimSpace(o)))
	}
	w = append(w, a.lockOpt())
	if a.InstallRecommends != nil {
		if *a.InstallRecommends {
			w = append(w, "-o", "APT::Install-Recommends=yes")
		} else {
			w = append(w, "--no-install-recommends")
		}
	}
	if a.DefaultRelease != "" {
		w = append(w, "-t", Quote(a.DefaultRelease))
	}
	for _, f := range []struct {
		on  bool
		opt string
	}{
		{a.AllowDowngrade, "--allow-downgrades"}, {a.AllowUnauthenticated, "--allow-unauthenticated"},
		{a.AllowChangeHeldPackages, "--allow-change-held-packages"}, {a.OnlyUpgrade, "--only-upgrade"},
		{a.Autoremove && len(a.Name) > 0, "--auto-remove"}, {a.Force, "--force-yes"},
		{a.FailOnAutoremove, "--no-remove"},
	} {
		if f.on {
			w = append(w, f.opt)
		}
	}
	return strings.Join(w, " ")
}

// lockOpt makes apt-get wait for the dpkg lock like Ansible's lock_timeout.
func (a *Apt) lockOpt() string {
	return "-o DPkg::Lock::Timeout=" + strconv.Itoa(intOr(a.LockTimeout, 60))
}

// releaseOpt makes apt-cache policy pick candidates from the default release.
func (a *Apt) releaseOpt() string {
	if a.DefaultRelease == "" {
		return ""
	}
	return "-o " + Quote("APT::Default-Release="+a.DefaultRelease)
}

// addDiff runs APT's simulation of the changes (one more round trip, only
// with --diff) and shows its transaction summary, as Ansible's "prepared" diff.
func addAptDiff(ctx context.Context, host Host, plan *Plan, pr *aptProbe, sims []string) error {
	out := pr.simulated
	if out == "" {
		if len(sims) == 0 {
			return nil
		}
		res, err := host.Run(ctx, "export LC_ALL=C\n"+strings.Join(sims, "\n"), nil)
		if err != nil {
			return err
		}
		out = string(res.Stdout)
	}
	if prepared := preparedDiff(out); prepared != "" {
		plan.Diffs = append(plan.Diffs, Diff{Prepared: prepared})
	}
	return nil
}

var aptSummary = regexp.MustCompile(`^[0-9]+ (packages )?upgraded`)

// preparedDiff cuts apt-get's output to the transaction summary, from after
// "Reading state information..." to the "N upgraded, ..." line, as Ansible's
// parse_diff does.
func preparedDiff(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	start := 0
	for i, l := range lines {
		if l == "Reading state information..." {
			start = i + 1
			break
		}
	}
	end := len(lines)
	for i := start; i < len(lines); i++ {
		if aptSummary.MatchString(lines[i]) {
			end = i + 1
			break
		}
	}
	return strings.Join(lines[start:end], "\n")
}
