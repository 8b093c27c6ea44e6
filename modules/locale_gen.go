package modules

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

func init() {
	Register(Info{Name: "locale_gen", New: func() Module { return &LocaleGen{} }})
	RegisterAlias("community.general.locale_gen", "locale_gen")
}

// LocaleGen generates or removes a locale with locale-gen, like
// community.general.locale_gen: on Debian by (un)commenting its line in
// /etc/locale.gen, on Ubuntu through /var/lib/locales/supported.d/local.
type LocaleGen struct {
	// Name is the locale with its encoding (de_CH.UTF-8).
	Name string `arg:"name,required"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
}

const (
	localeGenFile      = "/etc/locale.gen"
	localeUbuntuLocal  = "/var/lib/locales/supported.d/local"
	localeUbuntuSource = "/usr/share/i18n/SUPPORTED"
)

// Validate applies the default state.
func (m *LocaleGen) Validate() error {
	if m.State == "" {
		m.State = "present"
	}
	return nil
}

// Plan observes the locale files and locale -a in one round trip.
func (m *LocaleGen) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := fmt.Sprintf(`if [ -d /var/lib/locales/supported.d/ ]; then %s; echo ubuntu; %s; cat %s; %s; cat %s 2>/dev/null
elif [ -f %s ]; then %[1]s; echo debian; %[2]s; cat %[6]s
fi
%s; locale -a
`, section("mode"), section("available"), localeUbuntuSource, section("local"), localeUbuntuLocal, localeGenFile, section("present"))
	obs, err := observe(ctx, env.Host, "the locales", script)
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// plan decides from the observation: the locale must be listed as
// available, and it is present when locale -a lists it.
func (m *LocaleGen) plan(obs Sections) (*Plan, error) {
	ubuntu := obs.Line("mode") == "ubuntu"
	if !obs.Has("mode") {
		return nil, Failf(`/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package "locales" installed?`)
	}
	available := regexp.MustCompile(`^#?\s*(\S+_\S+) (\S+)\s*$`)
	if ubuntu {
		available = regexp.MustCompile(`^(\S+_\S+) (\S+)\s*$`)
	}
	found := false
	for _, l := range strings.Split(obs["available"], "\n") {
		if g := available.FindStringSubmatch(l); g != nil && g[1] == m.Name {
			found = true
			break
		}
	}
	if !found {
		return nil, Failf("The locale you've entered is not available on your system.")
	}
	prev := "absent"
	for _, l := range strings.Split(obs["present"], "\n") {
		if localeNormalize(l) == localeNormalize(m.Name) {
			prev = "present"
		}
	}
	p := &Plan{Msg: "OK", Result: map[string]any{"name": m.Name}}
	if prev == m.State {
		return p, nil
	}
	switch {
	case ubuntu && m.State == "present":
		p.Steps = []Step{localeGenStep("locale-gen " + Quote(m.Name))}
	case ubuntu:
		localeEdit(p, localeUbuntuLocal, obs["local"], localeDropUbuntu(obs["local"], m.Name))
		p.Steps = append(p.Steps, localeGenStep("locale-gen --purge"))
	default:
		localeEdit(p, localeGenFile, obs["available"], localeSetDebian(obs["available"], m.Name, m.State == "present"))
		p.Steps = append(p.Steps, localeGenStep("locale-gen"))
	}
	return p, nil
}

// localeEdit writes after over path (when it differs) and shows the diff.
func localeEdit(p *Plan, path, before, after string) {
	if before == after {
		return
	}
	p.Diffs = append(p.Diffs, contentDiff(path, path, before, after))
	p.Steps = append(p.Steps, fileWrite{Dest: path, Data: []byte(after), Mode: 0o644}.step())
}

// localeGenStep runs locale-gen, failing with Ansible's message.
func localeGenStep(cmd string) Step {
	return Step{Script: cmd + ` >/dev/null || { rc=$?; echo "locale.gen failed to execute, it returned $rc" >&2; exit $rc; }` + "\n"}
}

// localeSetDebian uncomments (enable) or comments out the locale's lines in
// /etc/locale.gen, as the module's substitution "#?\s*NAME (charset)" does.
func localeSetDebian(text, name string, enable bool) string {
	re := regexp.MustCompile(`#?\s*` + regexp.QuoteMeta(name) + ` (.+)`)
	repl := "# " + name + " ${1}"
	if enable {
		repl = name + " ${1}"
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		lines[i] = re.ReplaceAllString(body, repl)
		if nl {
			lines[i] += "\n"
		}
	}
	return strings.Join(lines, "")
}

// localeDropUbuntu removes the locale's lines from Ubuntu's list.
func localeDropUbuntu(text, name string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if f := strings.Fields(l); len(f) == 0 || f[0] != name {
			b.WriteString(l)
		}
	}
	return b.String()
}

// localeNormalize spells an encoding the way locale -a and locale.gen
// disagree on (en_US.utf8 vs en_US.UTF-8) one way.
func localeNormalize(name string) string {
	return localeEncodings.Replace(strings.TrimSpace(name))
}

var localeEncodings = strings.NewReplacer(".utf8", ".UTF-8", ".eucjp", ".EUC-JP", ".iso885915", ".ISO-8859-15",
	".cp1251", ".CP1251", ".koi8r", ".KOI8-R", ".armscii8", ".ARMSCII-8", ".euckr", ".EUC-KR", ".gbk", ".GBK",
	".gb18030", ".GB18030", ".euctw", ".EUC-TW")
