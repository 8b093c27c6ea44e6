//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// dpkg_selections and locale_gen on a lab host of their own (syse1), each through sysTimeline,
// the host checked with dpkg and locale -a.

func TestSysEDpkgSelectionsAndLocaleGen(t *testing.T) {
	const host = "syse1"
	l := sysCHost(t, host, "hello", "locales")
	hold := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - dpkg_selections: {name: hello, selection: hold}
      register: sel
    - debug: {msg: "{{ sel.before }} -> {{ sel.after }}"}
`, nil)
	selection := "dpkg --get-selections hello | cut -f7"
	out := sysTimeline(t, l, host, hold, func() {
		wantOnHost(t, l, host, selection, "install")
	}, func() {
		wantOnHost(t, l, host, selection, "hold")
	})
	if !strings.Contains(out, `"msg": "install -> hold"`) {
		t.Errorf("before/after not returned:\n%s", out)
	}
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - dpkg_selections: {name: hello, selection: keep}\n", nil),
		4, "value of selection must be one of: install, hold, deinstall, purge, got: keep")

	gen := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - locale_gen: {name: de_CH.UTF-8}
`, nil)
	out = sysTimeline(t, l, host, gen, func() {
		wantOnHost(t, l, host, "locale -a | grep -c de_CH", "0")
	}, func() {
		wantOnHost(t, l, host, "locale -a | grep de_CH; grep '^de_CH' /etc/locale.gen", "de_CH.utf8\nde_CH.UTF-8 UTF-8")
	})
	if want := "-# de_CH.UTF-8 UTF-8\n+de_CH.UTF-8 UTF-8\n"; !strings.Contains(out, want) {
		t.Errorf("diff: want %q in\n%s", want, out)
	}
	remove := playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - locale_gen: {name: de_CH.UTF-8, state: absent}\n", nil)
	sysTimeline(t, l, host, remove, func() {
		wantOnHost(t, l, host, "locale -a | grep de_CH", "de_CH.utf8")
	}, func() {
		wantOnHost(t, l, host, "locale -a | grep -c de_CH; grep -c '^# de_CH.UTF-8 UTF-8' /etc/locale.gen", "0\n1")
	})
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - locale_gen: {name: xx_YY.UTF-8}\n", nil),
		2, `"msg": "The locale you've entered is not available on your system."`)
}
