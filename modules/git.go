package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "git", New: func() Module { return &Git{} }})
}

// Git clones a repository into dest and keeps it at a version, with the
// host's own git. One observation asks the remote for its refs (git
// ls-remote) and the checkout for its commit, URL and local changes, so
// check mode knows the commit a run would check out.
type Git struct {
	// Repo is the repository's URL or path on the host.
	Repo string `arg:"repo,required" aliases:"name"`
	// Dest is where the checkout lives (the repository itself with bare).
	Dest string `arg:"dest"`
	// Version is a branch, a tag, a commit or HEAD (the remote's default branch).
	Version string `arg:"version"`
	// Remote is the name of the remote.
	Remote string `arg:"remote"`
	// Force throws local modifications away instead of failing.
	Force bool `arg:"force"`
	// Depth makes a shallow clone of that many commits.
	Depth int `arg:"depth"`
	// Clone false only reports on an existing checkout.
	Clone *bool `arg:"clone"`
	// Update false leaves an existing checkout as it is.
	Update *bool `arg:"update"`
	// Bare makes a bare repository.
	Bare bool `arg:"bare"`
	// SingleBranch clones only the history of one branch.
	SingleBranch bool `arg:"single_branch"`
	// AcceptHostkey and AcceptNewhostkey relax ssh's host key checking.
	AcceptHostkey    bool `arg:"accept_hostkey"`
	AcceptNewhostkey bool `arg:"accept_newhostkey"`
	// KeyFile is the ssh private key on the host.
	KeyFile string `arg:"key_file"`
	// SSHOpts are more ssh options for git's ssh.
	SSHOpts string `arg:"ssh_opts"`
	// Executable is the git to run.
	Executable string `arg:"executable"`
}

// Validate applies the defaults and the combinations Ansible rejects.
func (g *Git) Validate() error {
	if g.Version == "" {
		g.Version = "HEAD"
	}
	if g.Remote == "" {
		g.Remote = "origin"
	}
	if g.Executable == "" {
		g.Executable = "git"
	}
	if strings.HasPrefix(g.Repo, "/") {
		g.Repo = "file://" + g.Repo
	}
	switch {
	case g.Dest == "" && boolOr(g.Clone, true):
		return errors.New("the destination directory must be specified unless clone=no")
	case g.AcceptHostkey && g.AcceptNewhostkey:
		return errors.New("parameters are mutually exclusive: accept_hostkey|accept_newhostkey")
	}
	return nil
}

// Plan implements Module.
func (g *Git) Plan(ctx context.Context, env *Env) (*Plan, error) {
	s, err := observe(ctx, env.Host, "the repository", g.probe())
	if err != nil {
		return nil, err
	}
	return g.plan(s)
}

// gitDir is the directory holding the repository's config.
func (g *Git) gitDir() string {
	if g.Bare {
		return g.Dest
	}
	return path.Join(g.Dest, ".git")
}

// env is the environment git runs with: never prompt, and ssh options.
func (g *Git) env() string {
	var opts []string
	if g.SSHOpts != "" {
		opts = append(opts, g.SSHOpts)
	}
	if g.AcceptHostkey && !strings.Contains(g.SSHOpts, "StrictHostKeyChecking") {
		opts = append(opts, "-o StrictHostKeyChecking=no")
	}
	if g.AcceptNewhostkey && !strings.Contains(g.SSHOpts, "StrictHostKeyChecking") {
		opts = append(opts, "-o StrictHostKeyChecking=accept-new")
	}
	if g.KeyFile != "" {
		opts = append(opts, "-i "+Quote(g.KeyFile)+" -o IdentitiesOnly=yes")
	}
	// GIT_OPTIONAL_LOCKS=0: git status must not refresh the index while observing.
	e := "export GIT_TERMINAL_PROMPT=0 GIT_OPTIONAL_LOCKS=0\n"
	if len(opts) > 0 {
		e += "export GIT_SSH_COMMAND=" + Quote("ssh "+strings.Join(opts, " ")) + "\n"
	}
	return e
}

// probe prints the checkout's state (sections head, url, status when it
// exists) and the remote's refs (section remote) when a run may need them.
func (g *Git) probe() string {
	git := Quote(g.Executable)
	var b strings.Builder
	b.WriteString(g.env())
	fmt.Fprintf(&b, "command -v %s >/dev/null || { echo 'Failed to find required executable %s in paths: '\"$PATH\" >&2; exit 1; }\n", git, g.Executable)
	fmt.Fprintf(&b, "remote=%t\n", boolOr(g.Update, true))
	if g.Dest != "" {
		fmt.Fprintf(&b, "if [ -e %s ]; then\n", Quote(path.Join(g.gitDir(), "config")))
		fmt.Fprintf(&b, "  cd %s || exit 1\n", Quote(g.Dest))
		fmt.Fprintf(&b, "  %s; %s rev-parse --verify -q HEAD\n", section("head"), git)
		fmt.Fprintf(&b, "  %s; %s config --get %s\n", section("url"), git, Quote("remote."+g.Remote+".url"))
		if !g.Bare {
			fmt.Fprintf(&b, "  %s; %s status --porcelain -uno || exit 1\n", section("status"), git)
		}
		b.WriteString("else remote=" + fmt.Sprint(boolOr(g.Clone, true)) + "\nfi\n")
	}
	fmt.Fprintf(&b, "if $remote; then %s; %s ls-remote %s || exit 1; fi\n", section("remote"), git, Quote(g.Repo))
	return b.String()
}

var hexRE = regexp.MustCompile(`^[0-9a-fA-F]{4,40}$`)

// target resolves the version against the remote's refs: the commit, and
// whether the version is a branch or a tag (fetchable by name).
func (g *Git) target(refs string) (sha string, named bool, err error) {
	var want []string
	switch g.Version {
	case "HEAD":
		want = []string{"HEAD"}
	default:
		want = []string{"refs/heads/" + g.Version, "refs/tags/" + g.Version + "^{}", "refs/tags/" + g.Version}
	}
	found := map[string]string{}
	for _, l := range strings.Split(refs, "\n") {
		if sha, ref, ok := strings.Cut(l, "\t"); ok {
			found[ref] = sha
		}
	}
	for _, w := range want {
		if sha, ok := found[w]; ok {
			return sha, true, nil
		}
	}
	if hexRE.MatchString(g.Version) {
		return g.Version, false, nil
	}
	return "", false, Failf("Failed to checkout %s: %s has no branch or tag of that name, and it is not a commit id", g.Version, g.Repo)
}

// plan compares the checkout with the version the remote resolves to.
func (g *Git) plan(s Sections) (*Plan, error) {
	cloned := s.Has("head")
	var before any
	if cloned && s.Line("head") != "" {
		before = s.Line("head")
	}
	p := &Plan{Result: map[string]any{"before": before, "after": before}}
	if !s.Has("remote") {
		return p, nil
	}
	after, named, err := g.target(s["remote"])
	if err != nil {
		return nil, err
	}
	p.Result["after"] = after
	if g.Depth > 0 && !named && g.Version != "HEAD" {
		p.Result["warnings"] = []any{"Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec."}
	}
	if !cloned {
		p.Steps = []Step{{Script: g.env() + g.cloneScript(named)}}
		p.Diffs = []Diff{{Prepared: ">> Newly checked out " + after}}
		p.Finish = g.finish
		return p, nil
	}
	mods := strings.TrimSpace(s["status"]) != ""
	if mods && !g.Force {
		return nil, &Failure{Msg: "Local modifications exist in the destination: " + g.Dest + " (force=no).", Result: p.Result}
	}
	url := s.Line("url")
	urlChanged := url != "" && url != g.Repo && strings.TrimSuffix(url, "/") != strings.TrimSuffix(g.Repo, "/")
	p.Result["remote_url_changed"] = urlChanged
	head, _ := before.(string)
	if strings.HasPrefix(head, after) && !mods && !urlChanged {
		p.Result["after"] = head
		return p, nil
	}
	if mods {
		p.Msg = "Local modifications exist in the destination: " + g.Dest
	}
	p.Steps = []Step{{Script: g.env() + g.updateScript(named, mods, urlChanged)}}
	if head != after {
		p.Diffs = []Diff{{Prepared: fmt.Sprintf(">> Commit range %s..%s", head, after)}}
	}
	p.Finish = g.finish
	return p, nil
}

// cloneScript clones and checks the version out.
func (g *Git) cloneScript(named bool) string {
	args := []string{Quote(g.Executable), "clone"}
	if g.Bare {
		args = append(args, "--bare")
	} else {
		args = append(args, "--origin", Quote(g.Remote))
	}
	if g.Depth > 0 && (g.Version == "HEAD" || named) {
		args = append(args, "--depth", fmt.Sprint(g.Depth))
		if g.Version != "HEAD" {
			args = append(args, "--branch", Quote(g.Version))
		}
	}
	if g.SingleBranch {
		args = append(args, "--single-branch")
	}
	args = append(args, "--", Quote(g.Repo), Quote(g.Dest))
	return fmt.Sprintf("mkdir -p -- %s || exit 1\n%s || exit 1\ncd %s || exit 1\n%s%s rev-parse HEAD\n",
		Quote(path.Dir(g.Dest)), strings.Join(args, " "), Quote(g.Dest), g.switchScript(), Quote(g.Executable))
}

// updateScript throws local changes away (force), fixes the remote's URL,
// fetches and checks the version out.
func (g *Git) updateScript(named, mods, urlChanged bool) string {
	git := Quote(g.Executable)
	var b strings.Builder
	fmt.Fprintf(&b, "cd %s || exit 1\n", Quote(g.Dest))
	if mods {
		fmt.Fprintf(&b, "%s reset --hard HEAD -- || exit 1\n", git)
	}
	if urlChanged {
		fmt.Fprintf(&b, "%s remote set-url %s %s || exit 1\n", git, Quote(g.Remote), Quote(g.Repo))
	}
	fetch := []string{git, "fetch"}
	var refspecs []string
	switch {
	case g.Bare:
		refspecs = []string{"'+refs/heads/*:refs/heads/*'", "'+refs/tags/*:refs/tags/*'"}
	case g.Depth > 0 && g.Version == "HEAD":
		fetch = append(fetch, "--depth", fmt.Sprint(g.Depth))
	case g.Depth > 0 && named:
		fetch = append(fetch, "--depth", fmt.Sprint(g.Depth))
		refspecs = []string{Quote("+refs/heads/" + g.Version + ":refs/remotes/" + g.Remote + "/" + g.Version)}
		refspecs = append(refspecs, Quote("+refs/tags/"+g.Version+":refs/tags/"+g.Version))
	default:
		fetch = append(fetch, "--tags")
	}
	if g.Force {
		fetch = append(fetch, "--force")
	}
	fetch = append(fetch, Quote(g.Remote))
	// A shallow fetch of a name that is only a branch or only a tag: the
	// other refspec finds nothing, so try each.
	if len(refspecs) == 2 && !g.Bare {
		fmt.Fprintf(&b, "%[1]s %[2]s 2>/dev/null || %[1]s %[3]s || exit 1\n", strings.Join(fetch, " "), refspecs[0], refspecs[1])
	} else {
		fmt.Fprintf(&b, "%s || exit 1\n", strings.Join(append(fetch, refspecs...), " "))
	}
	b.WriteString(g.switchScript())
	fmt.Fprintf(&b, "%s rev-parse HEAD\n", git)
	return b.String()
}

// switchScript checks the version out in the current directory the way
// Ansible's switch_version does: a branch is tracked and reset to the
// remote's, anything else is checked out detached.
func (g *Git) switchScript() string {
	if g.Bare {
		return ""
	}
	git, r := Quote(g.Executable), Quote(g.Remote)
	if g.Version == "HEAD" {
		return fmt.Sprintf(`b=$(%[1]s symbolic-ref -q refs/remotes/%[2]s/HEAD) && b=${b#refs/remotes/%[2]s/} &&
{ %[1]s checkout -q --force "$b" && %[1]s reset -q --hard %[3]s/"$b" -- || exit 1; }
`, git, g.Remote, r)
	}
	v := Quote(g.Version)
	rv := Quote(g.Remote + "/" + g.Version)
	return fmt.Sprintf(`if %[1]s show-ref -q --verify %[2]s; then
  if %[1]s show-ref -q --verify %[3]s; then %[1]s checkout -q --force %[4]s && %[1]s reset -q --hard %[5]s || exit 1
  else %[1]s checkout -q --track -b %[4]s %[5]s || exit 1; fi
else %[1]s checkout -q --force %[4]s || { echo "Failed to checkout "%[4]s >&2; exit 1; }
fi
`, git, Quote("refs/remotes/"+g.Remote+"/"+g.Version), Quote("refs/heads/"+g.Version), v, rv)
}

// finish reads the commit the checkout ended at.
func (g *Git) finish(out []connection.Result) (map[string]any, error) {
	o := out[len(out)-1]
	if o.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: map[string]any{"rc": o.RC, "stdout": string(o.Stdout)}}
	}
	lines := strings.Fields(string(o.Stdout))
	if len(lines) == 0 {
		return nil, Failf("git printed no commit after checking %s out", g.Version)
	}
	return map[string]any{"after": lines[len(lines)-1]}, nil
}
