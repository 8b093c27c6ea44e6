package modules

import (
	"errors"
	"strings"
)

// shlexSplit splits a command line the way Python's shlex.split does in
// POSIX mode (Ansible's command module uses it): whitespace separates words,
// single quotes keep everything, double quotes let a backslash escape only
// `"` and `\`, and outside quotes a backslash escapes any character.
func shlexSplit(s string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case quote == '"':
			switch {
			case r == '"':
				quote = 0
			case r == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\'):
				i++
				word.WriteRune(rs[i])
			default:
				word.WriteRune(r)
			}
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case r == '\'' || r == '"':
			quote = r
			inWord = true
		case r == '\\':
			if i+1 == len(rs) {
				return nil, errors.New("no escaped character")
			}
			i++
			word.WriteRune(rs[i])
			inWord = true
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("no closing quotation")
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// wordMode says which expansions shellWord keeps active in a word.
type wordMode struct {
	// expand does what Python's os.path.expanduser(os.path.expandvars(w))
	// does on the target: a leading ~ or ~user, then $NAME and ${NAME} when
	// NAME is set (unset names stay as written).
	expand bool
	// glob leaves *, ? and simple [...] classes unquoted (creates/removes).
	glob bool
}

// shellWord turns w into one sh word: everything is quoted except the
// expansions mode asks for, so the target expands exactly those.
func shellWord(w string, mode wordMode) string {
	var out, lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out.WriteString(Quote(lit.String()))
			lit.Reset()
		}
	}
	rest := w
	if mode.expand && strings.HasPrefix(rest, "~") {
		prefix, _, _ := strings.Cut(rest, "/")
		if isUserName(prefix[1:]) {
			out.WriteString(prefix)
			rest = rest[len(prefix):]
		}
	}
	for len(rest) > 0 {
		if mode.expand && rest[0] == '$' {
			if name, size := varRef(rest); name != "" {
				flush()
				// ${NAME-word}: the value when NAME is set (even empty), else
				// the reference as written, like Python's expandvars.
				out.WriteString(`"${` + name + `-\` + strings.ReplaceAll(rest[:size], "}", `\}`) + `}"`)
				rest = rest[size:]
				continue
			}
		}
		if mode.glob {
			if n := globToken(rest); n > 0 {
				flush()
				out.WriteString(rest[:n])
				rest = rest[n:]
				continue
			}
		}
		lit.WriteByte(rest[0])
		rest = rest[1:]
	}
	flush()
	if out.Len() == 0 {
		return "''"
	}
	return out.String()
}

// varRef returns the variable name and the length of a leading $NAME or
// ${NAME}, or "" when s does not start with one sh can expand.
func varRef(s string) (string, int) {
	if strings.HasPrefix(s, "${") {
		end := strings.IndexByte(s, '}')
		if end > 2 && isIdentifier(s[2:end]) {
			return s[2:end], end + 1
		}
		return "", 0
	}
	n := 1
	for n < len(s) && isIdentByte(s[n], n > 1) {
		n++
	}
	if n == 1 || !isIdentifier(s[1:n]) {
		return "", 0
	}
	return s[1:n], n
}

// globToken returns the length of a leading glob metacharacter or bracket
// class made only of safe characters, else 0.
func globToken(s string) int {
	switch s[0] {
	case '*', '?':
		return 1
	case '[':
		end := strings.IndexByte(s[1:], ']')
		if end < 1 {
			return 0
		}
		for i := 1; i <= end; i++ {
			c := s[i]
			if !isIdentByte(c, true) && !strings.ContainsRune("!^.-", rune(c)) {
				return 0
			}
		}
		return end + 2
	}
	return 0
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], i > 0) {
			return false
		}
	}
	return true
}

func isIdentByte(c byte, digitOK bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digitOK && c >= '0' && c <= '9'
}

// isUserName accepts the names a ~user prefix may carry unquoted.
func isUserName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], true) && s[i] != '.' && s[i] != '-' {
			return false
		}
	}
	return true
}

// firstWordEnd returns where the first sh word of s ends (quotes and
// backslashes taken into account), so the rest can be kept as written.
func firstWordEnd(s string) int {
	var quote byte
	started := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n':
			if started {
				return i
			}
		case c == '\'' || c == '"':
			quote, started = c, true
		case c == '\\':
			i++
			started = true
		default:
			started = true
		}
	}
	return len(s)
}
