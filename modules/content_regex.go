package modules

import (
	"fmt"
	"regexp"
	"strings"
)

// pyRegexp compiles a Python re pattern (what Ansible users write) with Go's
// regexp: \Z becomes \z, (?P<n>...) is the same; what RE2 cannot do
// (backreferences, lookaround) is an error that says so.
func pyRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			next := pattern[i+1]
			i++
			switch {
			case next == 'Z' && !inClass:
				b.WriteString(`\z`)
				continue
			case next >= '1' && next <= '9' && !inClass:
				return nil, fmt.Errorf("regular expression %q uses a backreference (\\%c), which Go's RE2 syntax does not support", pattern, next)
			}
			b.WriteByte(c)
			b.WriteByte(next)
			continue
		case c == '[' && !inClass:
			inClass = true
			// A ] right after [ or [^ is literal.
			b.WriteByte(c)
			if strings.HasPrefix(pattern[i+1:], "^") {
				b.WriteByte('^')
				i++
			}
			if strings.HasPrefix(pattern[i+1:], "]") {
				b.WriteString(`\]`)
				i++
			}
			continue
		case c == ']' && inClass:
			inClass = false
		case c == '(' && !inClass:
			for _, la := range []string{"(?=", "(?!", "(?<=", "(?<!", "(?P="} {
				if strings.HasPrefix(pattern[i:], la) {
					return nil, fmt.Errorf("regular expression %q uses %s...), which Go's RE2 syntax does not support (no lookaround or backreferences)", pattern, la)
				}
			}
		}
		b.WriteByte(c)
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad regular expression %q: %w", pattern, err)
	}
	return re, nil
}

// pyTemplate turns a Python replacement template (\1, \g<1>, \g<name>,
// \n) into a template for Go's Regexp.Expand, checking group references.
func pyTemplate(re *regexp.Regexp, repl string) (string, error) {
	var b strings.Builder
	group := func(ref string) error {
		if i := re.SubexpIndex(ref); i >= 0 {
			b.WriteString("${" + ref + "}")
			return nil
		}
		var n int
		if _, err := fmt.Sscanf(ref, "%d", &n); err != nil || fmt.Sprint(n) != ref || n > re.NumSubexp() {
			return fmt.Errorf("invalid group reference %s in %q", ref, repl)
		}
		b.WriteString(fmt.Sprintf("${%d}", n))
		return nil
	}
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c == '$' {
			b.WriteString("$$")
			continue
		}
		if c != '\\' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		next := repl[i]
		switch {
		case next >= '0' && next <= '9':
			j := i + 1
			if j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			if err := group(repl[i:j]); err != nil {
				return "", err
			}
			i = j - 1
		case next == 'g' && strings.HasPrefix(repl[i+1:], "<"):
			end := strings.IndexByte(repl[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("missing > in group reference in %q", repl)
			}
			if err := group(repl[i+2 : i+end]); err != nil {
				return "", err
			}
			i += end
		case strings.IndexByte("ntrfva\\", next) >= 0:
			b.WriteByte(map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'f': '\f', 'v': '\v', 'a': '\a', '\\': '\\'}[next])
		default:
			b.WriteByte('\\')
			b.WriteByte(next)
		}
	}
	return b.String(), nil
}
