package modules

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
)

// pipRequirement is one name argument of pip: a project name with version
// specifiers ("django>=4,<5"), or something pip resolves itself (a path,
// a URL, a VCS checkout), which can only be installed to know.
type pipRequirement struct {
	Text  string // as given, what pip is told
	Name  string // canonical name (PEP 503), "" when not a plain requirement
	Specs [][2]string
}

var (
	pipNameRe = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$`)
	pipSpecRe = regexp.MustCompile(`^(===|==|!=|>=|<=|~=|<|>)\s*([A-Za-z0-9.*+!_-]+)$`)
	pipSepRe  = regexp.MustCompile(`[-_.]+`)
)

// parsePipRequirement reads a requirement; version, if set, is appended
// the way Ansible does ("1.0" means ==1.0).
func parsePipRequirement(text string) pipRequirement {
	r := pipRequirement{Text: strings.TrimSpace(text)}
	m := pipNameRe.FindStringSubmatch(text)
	if m == nil {
		return r
	}
	var specs [][2]string
	if m[3] != "" {
		for _, s := range strings.Split(m[3], ",") {
			sm := pipSpecRe.FindStringSubmatch(strings.TrimSpace(s))
			if sm == nil {
				return r
			}
			specs = append(specs, [2]string{sm[1], sm[2]})
		}
	}
	r.Name, r.Specs = pipCanonical(m[1]), specs
	return r
}

// pipCanonical is a project name as PEP 503 compares them.
func pipCanonical(name string) string {
	return strings.ToLower(pipSepRe.ReplaceAllString(name, "-"))
}

// satisfiedBy says whether an installed version meets every specifier.
func (r pipRequirement) satisfiedBy(version string) bool {
	for _, s := range r.Specs {
		op, want := s[0], s[1]
		if op == "===" {
			if version != want {
				return false
			}
			continue
		}
		if prefix, ok := strings.CutSuffix(want, ".*"); ok && (op == "==" || op == "!=") {
			v := pipVersion(version)
			p := pipVersion(prefix)
			match := len(v.release) >= len(p.release) && pipCompare(pipParsed{release: v.release[:len(p.release)]}, pipParsed{release: p.release}) == 0
			if match != (op == "==") {
				return false
			}
			continue
		}
		c := pipCompare(pipVersion(version), pipVersion(want))
		ok := map[string]bool{"==": c == 0, "!=": c != 0, ">=": c >= 0, "<=": c <= 0, ">": c > 0, "<": c < 0}[op]
		if op == "~=" {
			w := pipVersion(want)
			upper := pipParsed{release: append([]int(nil), w.release[:max(len(w.release)-1, 1)]...)}
			upper.release[len(upper.release)-1]++
			ok = c >= 0 && pipCompare(pipVersion(version), upper) < 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// pipParsed is a PEP 440 version: release numbers, then a pre-release
// (a=-3, b=-2, rc=-1, none=0), post and dev numbers.
type pipParsed struct {
	release       []int
	pre, preN     int
	post, dev     int
	hasPost, isDv bool
}

var pipVersionRe = regexp.MustCompile(`^v?(?:\d+!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:[-_.]?(?:post|rev|r)[-_.]?(\d*)|-(\d+))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+.*)?$`)

// pipVersion parses a version; what does not parse compares as 0.
func pipVersion(s string) pipParsed {
	var v pipParsed
	m := pipVersionRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return v
	}
	for _, part := range strings.Split(m[1], ".") {
		n, _ := strconv.Atoi(part)
		v.release = append(v.release, n)
	}
	if m[2] != "" {
		v.pre = map[string]int{"a": -3, "alpha": -3, "b": -2, "beta": -2}[m[2]]
		if v.pre == 0 {
			v.pre = -1
		}
		v.preN, _ = strconv.Atoi(m[3])
	}
	if m[4] != "" || m[5] != "" || strings.Contains(s, "post") {
		v.hasPost = true
		v.post, _ = strconv.Atoi(m[4] + m[5])
	}
	if strings.Contains(strings.ToLower(s), "dev") {
		v.isDv = true
		v.dev, _ = strconv.Atoi(m[6])
	}
	return v
}

// pipCompare orders two versions: release (trailing zeros ignored), then
// dev < pre-release < final < post.
func pipCompare(a, b pipParsed) int {
	for i := 0; i < max(len(a.release), len(b.release)); i++ {
		x, y := at(a.release, i), at(b.release, i)
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	key := func(v pipParsed) []int {
		pre := []int{v.pre, v.preN}
		if v.pre == 0 && v.isDv && !v.hasPost {
			pre = []int{-4, 0} // 1.0.dev1 sorts before 1.0a1
		}
		post := -1
		if v.hasPost {
			post = v.post
		}
		dev := 1 << 30
		if v.isDv {
			dev = v.dev
		}
		return append(pre, post, dev)
	}
	ka, kb := key(a), key(b)
	for i := range ka {
		if ka[i] != kb[i] {
			return cmp.Compare(ka[i], kb[i])
		}
	}
	return 0
}

func at(s []int, i int) int {
	if i < len(s) {
		return s[i]
	}
	return 0
}
