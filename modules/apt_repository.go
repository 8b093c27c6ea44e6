package modules

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	Register(Info{Name: "apt_repository", New: func() Module { return &AptRepository{} }})
}

// AptRepository adds or removes a one-line APT source ("deb URI SUITE
// COMPONENTS") in the files APT reads, like ansible.builtin.apt_repository.
type AptRepository struct {
	// Repo is the source line.
	Repo string `arg:"repo,required"`
	// State is present or absent.
	State string `arg:"state" choices:"absent,present"`
	// Mode is the mode of a newly created sources file (default 0644).
	Mode Mode `arg:"mode"`
	// UpdateCache runs apt-get update after a change.
	UpdateCache *bool `arg:"update_cache" aliases:"update-cache"`
	// UpdateCacheRetries is how many times to try the update.
	UpdateCacheRetries *int `arg:"update_cache_retries"`
	// UpdateCacheRetryMaxDelay caps the delay (seconds) between tries.
	UpdateCacheRetryMaxDelay *int `arg:"update_cache_retry_max_delay"`
	// Filename names the file in sources.list.d (".list" is added);
	// by default it is made from the repository's URI.
	Filename string `arg:"filename"`
	// InstallPythonApt is accepted for compatibility: no Python is needed.
	InstallPythonApt bool `arg:"install_python_apt"`
	// ValidateCerts is accepted for compatibility (used for PPAs only).
	ValidateCerts bool `arg:"validate_certs"`
	// Codename is accepted for compatibility (used for PPAs only).
	Codename string `arg:"codename"`
}

// Validate applies defaults and rejects what the module cannot do.
func (a *AptRepository) Validate() error {
	if a.State == "" {
		a.State = "present"
	}
	if a.Repo == "" {
		return &Failure{Msg: "Please set argument 'repo' to a non-empty value"}
	}
	if strings.HasPrefix(a.Repo, "ppa:") {
		return Failf("PPA repositories (%s) need Launchpad and are not supported: give the deb line and use deb822_repository's signed_by for the key", a.Repo)
	}
	return nil
}

// aptSourcesProbe prints where APT reads its sources and every one-line
// sources file with its mode (awk adds a missing final newline).
const aptSourcesProbe = `command -v apt-config >/dev/null || { echo 'Module apt_repository is not supported on target.' >&2; exit 1; }
SL= SP=
eval "$(apt-config shell SL Dir::Etc::sourcelist/f SP Dir::Etc::sourceparts/d)"
SL=${SL:-/etc/apt/sources.list} SP=${SP:-/etc/apt/sources.list.d}
echo '::play:: default'; echo "$SL"
echo '::play:: parts'; echo "$SP"
for f in "$SL" "$SP"/*.list; do
  [ -f "$f" ] || continue
  echo "::play:: file $(stat -c %a -- "$f") $f"; awk 1 "$f" || exit 1
done
`

// Plan implements Module.
func (a *AptRepository) Plan(ctx context.Context, env *Env) (*Plan, error) {
	obs, err := observe(ctx, env.Host, "the APT sources", aptSourcesProbe)
	if err != nil {
		return nil, err
	}
	return a.plan(obs)
}

// plan edits the parsed sources, then writes the files whose rendering
// changed and updates the cache, reverting the files if that fails.
func (a *AptRepository) plan(obs Sections) (*Plan, error) {
	sl, err := parseSourcesList(obs)
	if err != nil {
		return nil, err
	}
	repo := parseSourceLine(a.Repo)
	if !repo.valid || !repo.enabled {
		line, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(a.Repo), "#"), "#")
		return nil, Failf("Invalid repository string: %s", line)
	}
	before := sl.dump()
	if a.State == "present" {
		sl.add(repo.source, sl.filePath(suggestFilename(repo.source, a.Filename)))
	} else {
		sl.remove(repo.source)
	}
	after := sl.dump()
	p := &Plan{Result: map[string]any{"repo": a.Repo, "state": a.State}}
	files := changedFiles(before, after)
	if len(files) == 0 {
		return p, nil
	}
	newMode, err := a.Mode.Apply(0o644, false)
	if !a.Mode.IsSet() || err != nil {
		newMode = 0o644
	}
	var revert strings.Builder
	for _, f := range files {
		b, existed := before[f]
		text, keep := after[f]
		bh, ah := f, f
		if !existed {
			bh = "/dev/null"
		}
		if !keep {
			ah = "/dev/null"
		}
		p.Diffs = append(p.Diffs, contentDiff(bh, ah, b, text))
		old := sl.files[f]
		switch {
		case !keep:
			p.Steps = append(p.Steps, Step{Script: "rm -f -- " + Quote(f)})
		case old.mode == 0:
			p.Steps = append(p.Steps, fileWrite{Dest: f, Data: []byte(text), Mode: newMode, MkdirParents: true}.step())
		default:
			p.Steps = append(p.Steps, fileWrite{Dest: f, Data: []byte(text), Mode: old.mode}.step())
		}
		if old.mode == 0 {
			fmt.Fprintf(&revert, "  rm -f -- %s\n", Quote(f))
		} else {
			fmt.Fprintf(&revert, "  printf '%%s' %s > %s\n", Quote(old.raw), Quote(f))
		}
	}
	if boolOr(a.UpdateCache, true) {
		p.Steps = append(p.Steps, Step{Script: updateCacheScript(intOr(a.UpdateCacheRetries, 5), intOr(a.UpdateCacheRetryMaxDelay, 12), revert.String())})
	}
	return p, nil
}

// updateCacheScript runs apt-get update up to tries times, waiting 1, 2,
// 4... seconds (at most maxDelay) between tries, and runs revert when
// every try failed.
func updateCacheScript(tries, maxDelay int, revert string) string {
	return fmt.Sprintf(`n=0 d=1
while :; do
  out=$(LC_ALL=C apt-get update -q 2>&1) && break
  n=$((n+1))
  if [ $n -ge %d ]; then
%s    err=$(printf '%%s\n' "$out" | awk '/^[EW]: /{s = s (s ? ", " : "") substr($0, 1, 2) substr($0, 4)} END{print s}')
    echo "Failed to update apt cache: ${err:-unknown reason}" >&2; exit 1
  fi
  sleep $d; d=$((d*2)); [ $d -le %d ] || d=%[3]d
done
`, tries, revert, maxDelay)
}
