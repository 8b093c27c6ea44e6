package jinja

import (
	"strings"
	"testing"
)

// Results and messages as ansible-playbook 2.14 printed them.
func TestVersionTypes(t *testing.T) {
	var cases []renderCase
	for tmpl, want := range map[string]bool{
		"'1.2a' is version('1.2', 'gt', version_type='loose')":                       true,
		"'2.14.1' is version('2.14', 'ge', strict=true)":                             true,
		"'1.2.0' is version('1.2', '==', version_type='strict')":                     true,
		"'1.2b3' is version('1.2', '<', version_type='strict')":                      true,
		"'1.2a3' is version('1.2b1', '<', strict=true)":                              true,
		"'1.0.0-rc.1' is version('1.0.0', '<', version_type='semver')":               true,
		"'1.0.0-alpha' is version('1.0.0-alpha.1', '<', version_type='semver')":      true,
		"'1.0.0-alpha.1' is version('1.0.0-alpha.beta', '<', version_type='semver')": true,
		"'1.0.0-beta.2' is version('1.0.0-beta.11', '<', version_type='semantic')":   true,
		"'1.0.0+build.1' is version('1.0.0', '==', version_type='semver')":           true,
		"'3.0' is version_compare('3.0.0', '==')":                                    false,
	} {
		cases = append(cases, renderCase{"{{ " + tmpl + " }}", want})
	}
	runRenderCases(t, testVars, cases)
}

func TestVersionTypeErrors(t *testing.T) {
	for tmpl, want := range map[string]string{
		"{{ '1.2' is version('1.2.x', strict=true) }}":                     "Version comparison failed: invalid version number '1.2.x'",
		"{{ '1.2' is version('1.2', version_type='semver') }}":             "Version comparison failed: invalid semantic version '1.2'",
		"{{ '1.2' is version('1.2', version_type='nope') }}":               "Invalid version type (nope). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'",
		"{{ '1.2' is version('1.2', strict=true, version_type='loose') }}": "Cannot specify both 'strict' and 'version_type'",
		"{{ '1.2' is version('1.2', version_type='pep440') }}":             "version_type 'pep440' is not supported by play",
	} {
		if _, err := Render(tmpl, testVars); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Render(%q) = error %v, want %q", tmpl, err, want)
		}
	}
}
