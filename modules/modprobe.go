package modules

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "modprobe", New: func() Module { return &Modprobe{} }})
	RegisterAlias("community.general.modprobe", "modprobe")
}

// Modprobe loads or unloads a kernel module, and keeps it (with its
// parameters) in /etc/modules-load.d and /etc/modprobe.d, like
// community.general.modprobe.
type Modprobe struct {
	// Name is the kernel module.
	Name string `arg:"name,required"`
	// State is whether the module should be loaded.
	State string `arg:"state" choices:"absent,present"`
	// Params are the module's parameters (a=1 b=2).
	Params string `arg:"params"`
	// Persistent present loads the module at boot, absent stops that,
	// disabled leaves the files alone.
	Persistent string `arg:"persistent" choices:"disabled,present,absent"`
}

const (
	modulesLoadDir = "/etc/modules-load.d"
	modprobeDir    = "/etc/modprobe.d"
)

// Plan implements Module: one probe says whether the module is loaded (or
// built in) and prints the lines of the files in both directories.
func (m *Modprobe) Plan(ctx context.Context, env *Env) (*Plan, error) {
	proc := Quote(strings.ReplaceAll(m.Name, "-", "_"))
	script := requireTools("modprobe") + fmt.Sprintf(`if [ ! -e /proc/modules ]; then %s; echo /proc/modules
elif awk -v n=%s '$1 == n { f = 1 } END { exit !f }' /proc/modules; then %s; echo yes
else b=/lib/modules/$(uname -r)/modules.builtin
  if [ ! -e "$b" ]; then %s; echo "$b"
  elif awk -v m=%s 'substr($0, length($0) - length(m) + 1) == m { f = 1 } END { exit !f }' "$b"; then %s; echo yes; fi
fi
`, section("missing_file"), proc, section("loaded"), section("missing_file"), Quote("/"+m.Name+".ko"), section("loaded"))
	for _, d := range []string{modulesLoadDir, modprobeDir} {
		script += section(d) + "\nfor f in " + d + "/* " + d + "/.[!.]*; do if [ -f \"$f\" ]; then awk '{ print FILENAME \"\\t\" $0 }' \"$f\"; fi; done\n"
	}
	obs, err := observe(ctx, env.Host, "modprobe "+m.Name, script)
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// confLine is a line of a file in one of the directories.
type confLine struct{ file, text string }

func confLines(text []string) []confLine {
	var out []confLine
	for _, l := range text {
		if file, line, ok := strings.Cut(l, "\t"); ok {
			out = append(out, confLine{file, line})
		}
	}
	return out
}

// plan follows Ansible's main: load or unload, then the files.
func (m *Modprobe) plan(obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	state, persistent := stringOr(m.State, "present"), stringOr(m.Persistent, "disabled")
	r := map[string]any{"name": m.Name, "params": m.Params, "state": state}
	p := &Plan{Result: r}
	if f := obs.Line("missing_file"); f != "" {
		return nil, &Failure{Msg: fmt.Sprintf("[Errno 2] No such file or directory: '%s'", f), Result: r}
	}
	loaded := obs.Line("loaded") == "yes"
	switch {
	case state == "present" && !loaded:
		p.Steps = append(p.Steps, Step{Script: "PATH=$PATH:/usr/sbin:/sbin\nmodprobe -- " + Quote(m.Name) + " " + m.quotedParams() + "\n"})
	case state == "absent" && loaded:
		p.Steps = append(p.Steps, Step{Script: "PATH=$PATH:/usr/sbin:/sbin\nmodprobe -r -- " + Quote(m.Name) + "\n"})
	}
	moduleRe, paramsRe, err := m.confRegexps()
	if err != nil {
		return nil, err
	}
	loads, opts := confLines(obs.Lines(modulesLoadDir)), confLines(obs.Lines(modprobeDir))
	persisted := slices.ContainsFunc(loads, func(l confLine) bool { return moduleRe.MatchString(l.text) })
	var current []string
	for _, l := range opts {
		if g := paramsRe.FindStringSubmatch(l.text); g != nil && !slices.Contains(current, g[1]) {
			current = append(current, g[1])
		}
	}
	want := slices.Compact(slices.Sorted(slices.Values(strings.Fields(m.Params))))
	slices.Sort(current)
	paramsSet := slices.Equal(want, current)
	switch {
	case persistent == "present" && !(persisted && paramsSet):
		if !persisted {
			p.Steps = append(p.Steps, fileWrite{Dest: modulesLoadDir + "/" + m.Name + ".conf", Data: []byte(m.Name + "\n"), Mode: 0o644}.step())
		}
		if !paramsSet {
			p.Steps = append(p.Steps, commentOut(opts, paramsRe)...)
			var b strings.Builder
			for _, w := range strings.Fields(m.Params) {
				fmt.Fprintf(&b, "options %s %s\n", m.Name, w)
			}
			if b.Len() == 0 {
				b.WriteString("\n")
			}
			p.Steps = append(p.Steps, fileWrite{Dest: modprobeDir + "/" + m.Name + ".conf", Data: []byte(b.String()), Mode: 0o644}.step())
		}
	case persistent == "absent" && (persisted || len(current) > 0):
		p.Steps = append(p.Steps, commentOut(loads, moduleRe)...)
		p.Steps = append(p.Steps, commentOut(opts, paramsRe)...)
	}
	return p, nil
}

// confRegexps are Ansible's patterns of the module's line in
// modules-load.d and of its options in modprobe.d (the name is a pattern
// there too).
func (m *Modprobe) confRegexps() (module, params *regexp.Regexp, err error) {
	module, err = regexp.Compile(`^ *` + m.Name + ` *(?:[#;].*)?$`)
	if err != nil {
		return nil, nil, Failf("modprobe: name %q is not a valid pattern: %v", m.Name, err)
	}
	params = regexp.MustCompile(`^options ` + regexp.QuoteMeta(m.Name) + ` (\w+=\S+) *(?:[#;].*)?$`)
	return module, params, nil
}

// commentOut rewrites each file with a matching line, the lines commented
// out and joined as Ansible joins them (with a newline after each line's
// own: every line gets followed by an empty one).
func commentOut(lines []confLine, re *regexp.Regexp) []Step {
	var files []string
	byFile := map[string][]string{}
	hit := map[string]bool{}
	for _, l := range lines {
		if _, ok := byFile[l.file]; !ok {
			files = append(files, l.file)
		}
		text := l.text + "\n"
		if re.MatchString(l.text) {
			text, hit[l.file] = "#"+text, true
		}
		byFile[l.file] = append(byFile[l.file], text)
	}
	var steps []Step
	for _, f := range files {
		if hit[f] {
			steps = append(steps, fileWrite{Dest: f, Data: []byte(strings.Join(byFile[f], "\n")), Mode: 0o644}.step())
		}
	}
	return steps
}

// quotedParams are the parameters as shlex splits them, quoted again.
func (m *Modprobe) quotedParams() string {
	return quoteWords(strings.Fields(m.Params))
}

// interface guards
var _ Module = (*Modprobe)(nil)
