package jinja

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"regexp"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// pyRegexp compiles a Python regular expression with Ansible's ignorecase
// and multiline options.
func pyRegexp(pattern string, a args, ignoreIdx, multiIdx int) (*regexp.Regexp, error) {
	flags := ""
	if a.bool(ignoreIdx, "ignorecase") {
		flags += "i"
	}
	if a.bool(multiIdx, "multiline") {
		flags += "m"
	}
	pattern = strings.ReplaceAll(pattern, `\Z`, `\z`)
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q (RE2 syntax: no lookarounds or backreferences): %w", pattern, err)
	}
	return re, nil
}

// pyBackrefs is a group reference argument of regex_search (\1, \g<name>).
var pyBackrefs = regexp.MustCompile(`^\\(\d+)|^\\g<(\w+)>`)

// pyReplEscape is one escape of Python's replacement syntax: a group (\1,
// \g<1>, \g<name>) or an escaped character (\\, \n...).
var pyReplEscape = regexp.MustCompile(`\\(\d{1,2})|\\g<(\w+)>|\\(.)`)

// pyReplChars are the escaped characters re.sub decodes in a replacement;
// it keeps any other backslash (`\.` stays `\.`).
var pyReplChars = map[string]string{`\`: `\`, "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}

// goReplacement translates Python's re.sub replacement into Go's Expand
// template.
func goReplacement(repl string) string {
	var b strings.Builder
	last := 0
	for _, m := range pyReplEscape.FindAllStringSubmatchIndex(repl, -1) {
		b.WriteString(strings.ReplaceAll(repl[last:m[0]], "$", "$$"))
		last = m[1]
		switch {
		case m[2] >= 0:
			b.WriteString("${" + repl[m[2]:m[3]] + "}")
		case m[4] >= 0:
			b.WriteString("${" + repl[m[4]:m[5]] + "}")
		default:
			c := repl[m[6]:m[7]]
			if decoded, ok := pyReplChars[c]; ok {
				c = decoded
			} else {
				c = `\` + c
			}
			b.WriteString(strings.ReplaceAll(c, "$", "$$"))
		}
	}
	b.WriteString(strings.ReplaceAll(repl[last:], "$", "$$"))
	return b.String()
}

func filterRegexReplace(_ *exec.Evaluator, in any, a args) (any, error) {
	re, err := pyRegexp(a.str(0, "pattern", ""), a, 2, 3)
	if err != nil {
		return nil, err
	}
	s := pyStr(in)
	repl := goReplacement(a.str(1, "replacement", ""))
	count := int(toInt(a.get(4, "count", 0)))
	if count <= 0 {
		return re.ReplaceAllString(s, repl), nil
	}
	var out []byte
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, count) {
		out = append(out, s[last:m[0]]...)
		out = re.ExpandString(out, repl, s, m)
		last = m[1]
	}
	return string(append(out, s[last:]...)), nil
}

// filterRegexSearch returns the match (or the groups named by '\\1',
// '\\g<name>' arguments), None when nothing matches.
func filterRegexSearch(_ *exec.Evaluator, in any, a args) (any, error) {
	re, err := pyRegexp(a.str(0, "regex", ""), a, -1, -1)
	if err != nil {
		return nil, err
	}
	s := pyStr(in)
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	if len(a.pos) <= 1 {
		return s[m[0]:m[1]], nil
	}
	out := list{}
	for _, ref := range a.pos[1:] {
		g := pyBackrefs.FindStringSubmatch(pyStr(ref))
		if g == nil {
			return nil, fmt.Errorf("unknown regex_search argument %q: use '\\\\1' or '\\\\g<name>'", pyStr(ref))
		}
		out = append(out, string(re.ExpandString(nil, "${"+g[1]+g[2]+"}", s, m)))
	}
	return out, nil
}

func filterRegexFindall(_ *exec.Evaluator, in any, a args) (any, error) {
	re, err := pyRegexp(a.str(0, "regex", ""), a, 2, 1)
	if err != nil {
		return nil, err
	}
	out := list{}
	for _, m := range re.FindAllStringSubmatch(pyStr(in), -1) {
		switch len(m) {
		case 1:
			out = append(out, m[0])
		case 2:
			out = append(out, m[1])
		default:
			groups := make(list, len(m)-1)
			for i, g := range m[1:] {
				groups[i] = g
			}
			out = append(out, groups)
		}
	}
	return out, nil
}

// regexEscape is Python 3.7+'s re.escape.
func regexEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shellQuote is Python's shlex.quote.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_@%+=:,./-", r) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// basename, dirname and splitext are Python's os.path functions.
func basename(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func dirname(p string) string {
	head := p[:strings.LastIndex(p, "/")+1]
	if trimmed := strings.TrimRight(head, "/"); trimmed != "" {
		return trimmed
	}
	return head
}

func splitext(p string) tuple {
	base := basename(p)
	dot := strings.LastIndex(base, ".")
	if dot <= 0 || strings.Trim(base[:dot], ".") == "" {
		return tuple{p, ""}
	}
	cut := len(p) - len(base) + dot
	return tuple{p[:cut], p[cut:]}
}

func filterExpandUser(_ *exec.Evaluator, in any, _ args) (any, error) {
	p := pyStr(in)
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p, nil
	}
	return home + p[1:], nil
}

func filterB64Encode(_ *exec.Evaluator, in any, _ args) (any, error) {
	return base64.StdEncoding.EncodeToString([]byte(pyStr(in))), nil
}

func filterB64Decode(_ *exec.Evaluator, in any, _ args) (any, error) {
	s := strings.TrimSpace(pyStr(in))
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, fmt.Errorf("b64decode: %q is not valid base64: %w", s, err)
		}
	}
	return string(b), nil
}

var hashes = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

func hashHex(algo, s string) (any, error) {
	h, ok := hashes[algo]
	if !ok {
		return nil, fmt.Errorf("unsupported hash type %q: use one of md5, sha1, sha224, sha256, sha384, sha512", algo)
	}
	sum := h()
	sum.Write([]byte(s))
	return hex.EncodeToString(sum.Sum(nil)), nil
}

func filterHash(_ *exec.Evaluator, in any, a args) (any, error) {
	return hashHex(a.str(0, "hashtype", "sha1"), pyStr(in))
}

// commentStyles are Ansible's comment filter styles: the text's line
// decoration and the lines around it.
var commentStyles = map[string]struct{ beginning, decoration, end string }{
	"plain":  {decoration: "# "},
	"erlang": {decoration: "% "},
	"c":      {decoration: "// "},
	"cblock": {beginning: "/*", decoration: " * ", end: " */"},
	"xml":    {beginning: "<!--", decoration: " - ", end: "-->"},
}

// filterComment is Ansible's comment filter: {{ ansible_managed | comment }}
// at the top of a template gives "#\n# Ansible managed\n#". Keywords
// (decoration, prefix, postfix, their counts, newline, beginning, end)
// override the style's parts.
func filterComment(_ *exec.Evaluator, in any, a args) (any, error) {
	name := a.str(0, "style", "plain")
	style, ok := commentStyles[name]
	if !ok {
		return nil, fmt.Errorf("comment: unknown style %q: use plain, erlang, c, cblock or xml", name)
	}
	decoration := a.str(-1, "decoration", style.decoration)
	edge := strings.TrimRightFunc(decoration, unicode.IsSpace)
	nl := a.str(-1, "newline", "\n")
	beginning, end := a.str(-1, "beginning", style.beginning), a.str(-1, "end", style.end)
	var b strings.Builder
	if beginning != "" {
		b.WriteString(beginning + nl)
	}
	if prefix := a.str(-1, "prefix", edge); prefix != "" {
		for range int(toInt(a.get(-1, "prefix_count", 1))) {
			if prefix == nl {
				b.WriteString(nl)
			} else {
				b.WriteString(prefix + nl)
			}
		}
	}
	text := decoration + strings.ReplaceAll(pyStr(in), nl, nl+decoration)
	b.WriteString(strings.ReplaceAll(text, decoration+nl, edge+nl))
	postfix := a.str(-1, "postfix", edge)
	for range int(toInt(a.get(-1, "postfix_count", 1))) {
		b.WriteString(nl + postfix)
	}
	if end != "" {
		b.WriteString(nl + end)
	}
	return b.String(), nil
}
