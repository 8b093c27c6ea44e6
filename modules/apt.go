package modules

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

func init() {
	Register(Info{Name: "apt", New: func() Module { return &Apt{} }})
}

// Apt manages Debian packages with apt-get and dpkg.
type Apt struct {
	// Name lists the packages, each optionally pinned as name=version (a glob).
	Name []string `arg:"name" aliases:"package,pkg"`
	// State is present, absent, latest or fixed (repair broken dependencies).
	State string `arg:"state" choices:"present,absent,latest,fixed"`
	// UpdateCache runs apt-get update first.
	UpdateCache bool `arg:"update_cache" aliases:"update-cache"`
	// CacheValidTime skips the update when the cache is younger (seconds); it implies update_cache.
	CacheValidTime int `arg:"cache_valid_time"`
	// UpdateCacheRetries is accepted for compatibility; apt-get retries by itself.
	UpdateCacheRetries int `arg:"update_cache_retries"`
	// UpdateCacheRetryMaxDelay is accepted for compatibility.
	UpdateCacheRetryMaxDelay int `arg:"update_cache_retry_max_delay"`
	// Upgrade is no, yes/safe (upgrade --with-new-pkgs), full or dist (dist-upgrade).
	Upgrade string `arg:"upgrade"`
	// Deb is a .deb file on the host to install.
	Deb string `arg:"deb"`
	// Autoremove removes packages nothing needs any more.
	Autoremove bool `arg:"autoremove"`
	// Autoclean removes package files that can no longer be downloaded.
	Autoclean bool `arg:"autoclean"`
	// Clean removes every downloaded package file.
	Clean bool `arg:"clean"`
	// Purge removes configuration files too (state absent).
	Purge bool `arg:"purge"`
	// InstallRecommends installs (true) or skips (false) recommended packages; APT's default otherwise.
	InstallRecommends *bool `arg:"install_recommends" aliases:"install-recommends"`
	// DefaultRelease is the release to install from (apt-get -t).
	DefaultRelease string `arg:"default_release" aliases:"default-release"`
	// AllowDowngrade lets a pinned version be older than the installed one.
	AllowDowngrade bool `arg:"allow_downgrade" aliases:"allow-downgrade,allow_downgrades,allow-downgrades"`
	// AllowUnauthenticated installs packages that cannot be authenticated.
	AllowUnauthenticated bool `arg:"allow_unauthenticated" aliases:"allow-unauthenticated"`
	// AllowChangeHeldPackages lets held packages change.
	AllowChangeHeldPackages bool `arg:"allow_change_held_packages"`
	// OnlyUpgrade only upgrades installed packages, never installs new ones.
	OnlyUpgrade bool `arg:"only_upgrade"`
	// Force is apt-get --force-yes (deprecated in APT).
	Force bool `arg:"force"`
	// DpkgOptions are dpkg options (comma-separated, without the leading --).
	DpkgOptions string `arg:"dpkg_options"`
	// LockTimeout is how long to wait for the dpkg lock (seconds, default 60).
	LockTimeout *int `arg:"lock_timeout"`
	// FailOnAutoremove makes apt-get fail instead of removing packages.
	FailOnAutoremove bool `arg:"fail_on_autoremove"`
	// ForceAptGet is accepted for compatibility: play always uses apt-get.
	ForceAptGet bool `arg:"force_apt_get"`
	// PolicyRcD is accepted for compatibility and ignored.
	PolicyRcD *int `arg:"policy_rc_d"`
}

// Validate normalises upgrade (YAML booleans) and rejects conflicting arguments.
func (a *Apt) Validate() error {
	switch strings.ToLower(a.Upgrade) {
	case "", "no", "false":
		a.Upgrade = ""
	case "yes", "true", "safe":
		a.Upgrade = "safe"
	case "dist", "full":
		a.Upgrade = strings.ToLower(a.Upgrade)
	default:
		return fmt.Errorf("value of upgrade must be one of: dist, full, no, safe, yes, got: %s", a.Upgrade)
	}
	if a.Deb != "" && len(a.Name) > 0 {
		return fmt.Errorf("parameters are mutually exclusive: deb|package|upgrade")
	}
	if a.Deb != "" && a.Upgrade != "" {
		return fmt.Errorf("parameters are mutually exclusive: deb|package|upgrade")
	}
	if len(a.Name) == 0 && a.Deb == "" && a.Upgrade == "" && !a.UpdateCache && a.CacheValidTime == 0 &&
		!a.Autoremove && !a.Autoclean && !a.Clean {
		return fmt.Errorf("one of the following is required: autoclean, autoremove, clean, deb, package, update_cache, upgrade")
	}
	return nil
}

// aptProbe is what the apt probe saw.
type aptProbe struct {
	now, cacheTime int64
	pkgs           map[string]*pkgState
	deb            *pkgState // the .deb file's package and version
	simulated      string    // apt-get -s output of an upgrade or autoremove
	// noLists: APT has no package lists at all (a fresh image before its
	// first apt-get update).
	noLists bool
}

// Plan observes the cache age, the packages and, for upgrade and autoremove,
// APT's simulation, in one round trip.
func (a *Apt) Plan(ctx context.Context, env *Env) (*Plan, error) {
	names := a.pkgNames()
	var b strings.Builder
	b.WriteString("export LC_ALL=C\n")
	b.WriteString(`echo "T $(date +%s) $(stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0)"` + "\n")
	b.WriteString("set -- /var/lib/apt/lists/*_Packages*; [ -e \"$1\" ] || echo N\n")
	b.WriteString(pkgProbeScript(names, a.releaseOpt()))
	if a.Deb != "" {
		b.WriteString(debProbe(a.Deb))
	}
	if sim := a.simulatedOp(); sim != "" {
		fmt.Fprintf(&b, "apt-get -s %s %s | sed 's/^/S /'\n", a.commonOpts(), sim)
	}
	res, err := env.Host.Run(ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, Failf("%s", strings.TrimSpace(string(res.Stderr)))
	}
	pr := parseAptProbe(res.Stdout)
	run, err := a.plan(pr)
	if err != nil {
		return nil, err
	}
	plan := run.plan()
	if !env.WantDiff || len(plan.Steps) == 0 {
		return plan, nil
	}
	return plan, addAptDiff(ctx, env.Host, plan, pr, run.sims)
}

// pkgNames are the package names without versions, for the probe.
func (a *Apt) pkgNames() []string {
	var names []string
	for _, n := range a.Name {
		name, _ := splitPkgVersion(n)
		names = append(names, name)
	}
	return names
}

// splitPkgVersion splits "name=version".
func splitPkgVersion(s string) (name, version string) {
	name, version, _ = strings.Cut(s, "=")
	return name, version
}

// simulatedOp is the apt-get operation the probe simulates: only upgrade
// and autoremove need APT to say whether they would do anything.
func (a *Apt) simulatedOp() string {
	switch {
	case a.Upgrade != "":
		return upgradeOps[a.Upgrade]
	case len(a.Name) == 0 && a.Deb == "" && a.Autoremove:
		return "autoremove"
	}
	return ""
}

var upgradeOps = map[string]string{"safe": "upgrade --with-new-pkgs", "full": "dist-upgrade", "dist": "dist-upgrade"}

func parseAptProbe(out []byte) *aptProbe {
	pr := &aptProbe{pkgs: parsePkgProbe(out)}
	var sim []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "T "):
			f := strings.Fields(line)
			if len(f) == 3 {
				pr.now, _ = strconv.ParseInt(f[1], 10, 64)
				pr.cacheTime, _ = strconv.ParseInt(f[2], 10, 64)
			}
		case strings.HasPrefix(line, "D "):
			name, version, _ := strings.Cut(line[2:], "|")
			pr.deb = &pkgState{Name: name, Candidate: version}
		case strings.HasPrefix(line, "S "):
			sim = append(sim, line[2:])
		case line == "N":
			pr.noLists = true
		}
	}
	pr.simulated = strings.Join(sim, "\n")
	return pr
}

// needsUpdate says whether apt-get update runs: always with update_cache,
// or when the cache is older than cache_valid_time.
func (a *Apt) needsUpdate(pr *aptProbe) bool {
	if !a.UpdateCache && a.CacheValidTime == 0 {
		return false
	}
	return a.CacheValidTime == 0 || time.Duration(pr.now-pr.cacheTime)*time.Second > time.Duration(a.CacheValidTime)*time.Second
}

// needsFirstLists says whether packages to install are unknown only because
// APT has no lists yet. Ansible's apt module updates the cache on such a host
// anyway (it does so whenever it installs its python3-apt dependency), so a
// playbook that never asks for update_cache works there; play updates only
// when it must.
func (a *Apt) needsFirstLists(pr *aptProbe) bool {
	if !pr.noLists || a.State == "absent" {
		return false
	}
	for _, name := range a.pkgNames() {
		if st := pr.pkgs[name]; st == nil || !st.Available() && !st.IsInstalled() {
			return true
		}
	}
	return false
}

// plan decides the steps from the probe (pure).
func (a *Apt) plan(pr *aptProbe) (*aptRun, error) {
	run := &aptRun{apt: a, cacheTime: pr.cacheTime}
	update := a.needsUpdate(pr) || a.needsFirstLists(pr)
	if update {
		run.update()
	}
	switch {
	case a.Upgrade != "" || a.simulatedOp() != "":
		if !aptZero(pr.simulated) || update {
			op, args, _ := strings.Cut(a.simulatedOp(), " ")
			run.change(op, strings.Fields(args))
		}
	case a.Deb != "":
		if pr.deb == nil {
			return nil, Failf("Unable to read the package of %s", a.Deb)
		}
		installed := pr.pkgs[pr.deb.Name]
		if installed == nil || installed.Installed != pr.deb.Candidate || a.Force {
			debPath := a.Deb
			if !strings.Contains(debPath, "/") {
				debPath = "./" + debPath
			}
			run.change("install", []string{debPath})
		}
	case len(a.Name) > 0:
		if err := a.planPackages(run, pr, update); err != nil {
			return nil, err
		}
	}
	for _, op := range []struct {
		on bool
		op string
	}{{a.Autoclean, "autoclean"}, {a.Clean, "clean"}} {
		if op.on {
			run.change(op.op, nil)
		}
	}
	return run, nil
}

// planPackages adds the install or remove step for the named packages.
// Packages APT does not know fail the task, unless the cache is updated
// first (it may know them then; apt-get says if not).
func (a *Apt) planPackages(run *aptRun, pr *aptProbe, update bool) error {
	var todo []string
	for _, spec := range a.Name {
		name, version := splitPkgVersion(spec)
		st := pr.pkgs[name]
		if st == nil {
			st = &pkgState{Name: name}
		}
		arg, err := a.pkgAction(st, version, update)
		if err != nil {
			return err
		}
		if arg != "" {
			todo = append(todo, arg)
		}
	}
	switch {
	case a.State == "absent" && len(todo) > 0:
		run.change("remove", todo)
	case a.State == "fixed" || len(todo) > 0:
		run.change("install", todo)
	}
	return nil
}

// pkgAction returns the apt-get argument for one package ("" when it is as
// wanted).
func (a *Apt) pkgAction(st *pkgState, version string, update bool) (string, error) {
	if a.State == "absent" {
		if st.IsInstalled() && (version == "" || st.matchInstalled(version)) || a.Purge && st.HasConfig() {
			return st.Name, nil
		}
		return "", nil
	}
	if version != "" {
		if st.IsInstalled() && st.matchInstalled(version) {
			return "", nil
		}
		v := st.matchVersion(version)
		switch {
		case v != "":
			return st.Name + "=" + v, nil
		case update:
			return st.Name + "=" + version, nil
		}
		return "", Failf("no available installation candidate for %s=%s", st.Name, version)
	}
	if !st.Available() && !st.IsInstalled() {
		if update {
			return st.Name, nil
		}
		return "", Failf("No package matching '%s' is available", st.Name)
	}
	if !st.IsInstalled() || a.State == "latest" && (update || st.Candidate != st.Installed) {
		return st.Name, nil
	}
	return "", nil
}

// matchInstalled says whether the installed version matches a version glob.
func (s *pkgState) matchInstalled(pattern string) bool {
	return (&pkgState{Versions: []string{s.Installed}}).matchVersion(pattern) != ""
}

// aptZero says whether apt-get's output says it would do nothing.
func aptZero(out string) bool {
	return strings.Contains("\n"+out, "\n0 upgraded, 0 newly installed, 0 to remove")
}

// debProbe prints a .deb file's package and version ("D name|version") and the package's
// state on the host ("Q ..." lines, none when it was never installed).
func debProbe(deb string) string {
	return fmt.Sprintf(`set -- $(dpkg-deb -W --showformat='${Package} ${Version}' -- %s) || exit
echo "D $1|$2"
dpkg-query -W -f='Q ${Package}|${db:Status-Abbrev}|${Version}|${db:Status-Want}\n' -- "$1" 2>/dev/null || true
`, Quote(deb))
}
