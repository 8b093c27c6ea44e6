// Package fnmatch translates shell globs into regular expressions the way
// Python's fnmatch.translate does, which is what Ansible matches host
// patterns and file names with.
package fnmatch

import (
	"regexp"
	"strings"
)

// Translate returns the body of a regexp (no anchors, no flags) for glob:
// * and ? match any character, [...] a set, [!...] its complement; a [
// without its ] is literal.
func Translate(glob string) string {
	g := []rune(glob)
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			if j < len(g) && g[j] == '!' {
				j++
			}
			if j < len(g) && g[j] == ']' {
				j++
			}
			for j < len(g) && g[j] != ']' {
				j++
			}
			if j >= len(g) {
				b.WriteString(`\[`)
				continue
			}
			set := g[i+1 : j]
			b.WriteByte('[')
			if len(set) > 0 && set[0] == '!' {
				b.WriteByte('^')
				set = set[1:]
			}
			for _, r := range set {
				if strings.ContainsRune(`\[]^`, r) {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			}
			b.WriteByte(']')
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(g[i])))
		}
	}
	return b.String()
}

// Compile compiles glob to a regexp that matches whole strings, newlines
// included.
func Compile(glob string) (*regexp.Regexp, error) {
	return regexp.Compile(`(?s)\A(?:` + Translate(glob) + `)\z`)
}
