package jinja

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// versionCompare compares a and b as the version test's version_type says
// (strict: true means "strict"): LooseVersion by default, StrictVersion,
// or SemanticVersion, as Ansible's version test.
func versionCompare(a, b string, strict bool, versionType string) (int, error) {
	if strict && versionType != "" {
		return 0, fmt.Errorf("Cannot specify both 'strict' and 'version_type'")
	}
	if strict {
		versionType = "strict"
	}
	switch versionType {
	case "", "loose":
		return compareVersions(a, b), nil
	case "strict":
		return compareParsed(a, b, parseStrictVersion)
	case "semver", "semantic":
		return compareParsed(a, b, parseSemver)
	case "pep440":
		return 0, fmt.Errorf("version_type 'pep440' is not supported by play: use 'loose', 'strict' or 'semver'")
	default:
		return 0, fmt.Errorf("Invalid version type (%s). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'", versionType)
	}
}

// parsedVersion is a release (numbers, compared in order) and a
// pre-release (empty for a final release, which sorts after them).
type parsedVersion struct {
	release []int
	pre     []string
}

func compareParsed(a, b string, parse func(string) (parsedVersion, error)) (int, error) {
	va, err := parse(a)
	if err != nil {
		return 0, fmt.Errorf("Version comparison failed: %w", err)
	}
	vb, err := parse(b)
	if err != nil {
		return 0, fmt.Errorf("Version comparison failed: %w", err)
	}
	for i := range va.release {
		if c := cmp.Compare(va.release[i], vb.release[i]); c != 0 {
			return c, nil
		}
	}
	if len(va.pre) == 0 || len(vb.pre) == 0 {
		return cmp.Compare(len(vb.pre), len(va.pre)), nil // no pre-release sorts last
	}
	for i := 0; i < len(va.pre) && i < len(vb.pre); i++ {
		if c := comparePreRelease(va.pre[i], vb.pre[i]); c != 0 {
			return c, nil
		}
	}
	return cmp.Compare(len(va.pre), len(vb.pre)), nil
}

// comparePreRelease compares two pre-release identifiers as SemVer 2.0:
// numbers numerically and before words, words in ASCII order.
func comparePreRelease(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

var strictVersion = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$`)

// parseStrictVersion reads Python's StrictVersion: N.N[.N] and an optional
// aN or bN pre-release.
func parseStrictVersion(s string) (parsedVersion, error) {
	m := strictVersion.FindStringSubmatch(s)
	if m == nil {
		return parsedVersion{}, fmt.Errorf("invalid version number '%s'", s)
	}
	v := parsedVersion{release: []int{atoi(m[1]), atoi(m[2]), atoi(m[3])}}
	if m[4] != "" {
		v.pre = []string{m[4], m[5]}
	}
	return v, nil
}

var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$`)

// parseSemver reads a SemVer 2.0 version; build metadata does not count.
func parseSemver(s string) (parsedVersion, error) {
	m := semverPattern.FindStringSubmatch(s)
	if m == nil {
		return parsedVersion{}, fmt.Errorf("invalid semantic version '%s'", s)
	}
	v := parsedVersion{release: []int{atoi(m[1]), atoi(m[2]), atoi(m[3])}}
	if m[4] != "" {
		v.pre = strings.Split(m[4], ".")
	}
	return v, nil
}

// atoi is strconv.Atoi for strings a pattern made digits only ("" is 0).
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
