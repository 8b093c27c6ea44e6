package modules

import (
	"strings"
	"testing"
)

func TestLocaleGenPlan(t *testing.T) {
	// Excerpts of the probe's output on a Debian 12 lab host with locales
	// installed, before and after de_CH.UTF-8 was generated.
	const header = "::play:: mode\ndebian\n::play:: available\n# of valid supported locales at /usr/share/i18n/SUPPORTED, and you can add\n\n# C.UTF-8 UTF-8\n# de_CH ISO-8859-1\n"
	const fresh = header + "# de_CH.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n::play:: present\nC\nC.utf8\nPOSIX\n"
	const generated = header + "de_CH.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n::play:: present\nC\nC.utf8\nPOSIX\nde_CH.utf8\n"
	tests := []struct {
		name, locale, state, probe string
		diffAfter                  string // the line locale.gen gets, "" for no change
		err                        string
	}{
		{"generate", "de_CH.UTF-8", "present", fresh, "\nde_CH.UTF-8 UTF-8\n", ""},
		{"generated already", "de_CH.UTF-8", "present", generated, "", ""},
		{"remove", "de_CH.UTF-8", "absent", generated, "\n# de_CH.UTF-8 UTF-8\n", ""},
		{"removed already", "de_CH.UTF-8", "absent", fresh, "", ""},
		{"not a locale", "xx_YY.UTF-8", "present", fresh, "", "The locale you've entered is not available on your system."},
		{"no locales package", "de_CH.UTF-8", "present", "::play:: present\nC\nC.utf8\nPOSIX\n", "",
			`/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package "locales" installed?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "locale_gen", map[string]any{"name": tt.locale, "state": tt.state}, tt.probe)
			if failure(err) != tt.err {
				t.Fatalf("error = %v, want %q", err, tt.err)
			}
			if err != nil {
				return
			}
			if tt.diffAfter == "" {
				if len(p.Steps) != 0 {
					t.Fatalf("steps %v, want none", p.Steps)
				}
				return
			}
			if len(p.Steps) != 2 || !strings.HasPrefix(p.Steps[1].Script, "locale-gen >/dev/null") {
				t.Fatalf("steps = %v, want the file written then locale-gen", p.Steps)
			}
			if d := p.Diffs[0]; d.BeforeHeader != "before: /etc/locale.gen" || !strings.Contains(d.After, tt.diffAfter) || strings.Count(d.After, "\n") != strings.Count(d.Before, "\n") {
				t.Errorf("diff = %+v, want only the locale's line changed to %q", d, tt.diffAfter)
			}
		})
	}
}

func TestLocaleGenUbuntu(t *testing.T) {
	// Ubuntu lists what to generate in supported.d/local; locale-gen adds to it.
	const probe = "::play:: mode\nubuntu\n::play:: available\nde_CH.UTF-8 UTF-8\nen_US.UTF-8 UTF-8\n::play:: local\nen_US.UTF-8 UTF-8\nde_CH.UTF-8 UTF-8\n::play:: present\nC.utf8\nde_CH.utf8\nen_US.utf8\n"
	p, err := planFrom(t, "locale_gen", map[string]any{"name": "de_CH.UTF-8", "state": "absent"}, probe)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 2 || p.Diffs[0].After != "en_US.UTF-8 UTF-8\n" || !strings.HasPrefix(p.Steps[1].Script, "locale-gen --purge") {
		t.Errorf("steps %v diffs %+v", p.Steps, p.Diffs)
	}
	probe2 := strings.Replace(probe, "de_CH.utf8\n", "", 1)
	p, err = planFrom(t, "locale_gen", map[string]any{"name": "de_CH.UTF-8"}, probe2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 || !strings.HasPrefix(p.Steps[0].Script, "locale-gen de_CH.UTF-8 ") {
		t.Errorf("steps = %v, want locale-gen de_CH.UTF-8", p.Steps)
	}
}
