package playbooks

import (
	"fmt"
	"strconv"
	"strings"
)

// commandOptions are the k=v options Ansible extracts from a free-form
// command line; every other word stays in _raw_params.
var commandOptions = map[string]bool{
	"creates": true, "removes": true, "chdir": true, "executable": true, "warn": true,
	"stdin": true, "stdin_add_newline": true, "strip_empty_ends": true,
}

// SplitKV parses Ansible's "k=v k2='v 2' rest" argument syntax (parse_kv).
// Words without an unescaped "=" are joined under "_raw_params". With
// freeForm set (command, shell, raw, script: check_raw), only the command
// options (chdir, creates, ...) are taken as k=v, the rest is the command.
// Values are strings with their surrounding quotes removed.
func SplitKV(s string, freeForm bool) (map[string]any, error) {
	words, err := splitArgs(s)
	if err != nil {
		return nil, err
	}
	options := map[string]any{}
	var raw []string
	for _, orig := range words {
		w := decodeEscapes(orig)
		eq := unescapedEquals(w)
		if eq < 0 {
			if strings.Contains(w, "=") {
				w = strings.ReplaceAll(w, `\=`, "=")
			} else {
				w = orig
			}
			raw = append(raw, w)
			continue
		}
		k, v := w[:eq], w[eq+1:]
		if freeForm && !commandOptions[k] {
			raw = append(raw, orig)
			continue
		}
		options[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
	}
	if len(raw) > 0 {
		options["_raw_params"] = joinArgs(raw)
	}
	return options, nil
}

// unescapedEquals is the index of the first "=" after the first character
// that is not preceded by a backslash, or -1.
func unescapedEquals(w string) int {
	for i := 1; i < len(w); i++ {
		if w[i] == '=' && w[i-1] != '\\' {
			return i
		}
	}
	return -1
}

// unquote removes one pair of matching surrounding quotes.
func unquote(s string) string {
	if len(s) > 1 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] && s[len(s)-2] != '\\' {
		return s[1 : len(s)-1]
	}
	return s
}

// decodeEscapes turns Python escape sequences (\n, \t, \\, \", \xHH,
// \uHHHH, ...) into their characters, leaving anything else as written.
func decodeEscapes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		c := s[i+1]
		if r, ok := simpleEscapes[c]; ok {
			b.WriteByte(r)
			i++
			continue
		}
		if n := hexEscapeLen[c]; n > 0 && i+2+n <= len(s) {
			if code, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32); err == nil {
				b.WriteRune(rune(code))
				i += 1 + n
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var simpleEscapes = map[byte]byte{
	'\\': '\\', '\'': '\'', '"': '"', 'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
}

var hexEscapeLen = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// joinArgs joins words with spaces, except after a newline (join_args).
func joinArgs(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// splitArgs splits on spaces like Ansible's split_args: quoted strings and
// Jinja2 blocks ({{ }}, {% %}, {# #}) spanning spaces stay one word, and
// newlines are kept.
func splitArgs(args string) ([]string, error) {
	var params []string
	var quote byte
	depth := map[string]int{}
	nested := func() bool { return depth["{{"] > 0 || depth["{%"] > 0 || depth["{#"] > 0 }
	lines := strings.Split(args, "\n")
	for li, line := range lines {
		tokens := strings.Split(line, " ")
		continuation := false
		for ti, tok := range tokens {
			if tok == "" && ti != 0 {
				if len(params) > 0 {
					params[len(params)-1] += " "
				}
				continue
			}
			if tok == `\` && quote == 0 {
				continuation = true
				continue
			}
			wasQuoted := quote != 0
			quote = quoteState(tok, quote)
			quoted := quote != 0
			appended := false
			switch {
			case quoted && !wasQuoted && !nested():
				params = append(params, tok)
				appended = true
			case (nested() || quoted || wasQuoted) && len(params) > 0:
				last := &params[len(params)-1]
				switch {
				case ti == 0 && wasQuoted:
					*last += tok
				case len(tokens) > 1:
					if ti > 0 {
						*last += " "
					}
					*last += tok
				default:
					*last += "\n" + tok
				}
				appended = true
			}
			for _, pair := range [][2]string{{"{{", "}}"}, {"{%", "%}"}, {"{#", "#}"}} {
				before := depth[pair[0]]
				depth[pair[0]] = max(0, before+strings.Count(tok, pair[0])-strings.Count(tok, pair[1]))
				if depth[pair[0]] != before && !appended {
					params = append(params, tok)
					appended = true
				}
			}
			if !nested() && quote == 0 && !appended && tok != "" {
				params = append(params, tok)
			}
		}
		if len(lines) > 1 && li != len(lines)-1 && !continuation && len(params) > 0 {
			params[len(params)-1] += "\n"
		}
	}
	if nested() || quote != 0 {
		return nil, fmt.Errorf("failed at splitting arguments, either an unbalanced jinja2 block or quotes: %s", args)
	}
	return params, nil
}

// quoteState follows quotes through tok: the quote still open at its end.
func quoteState(tok string, quote byte) byte {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if (c == '"' || c == '\'') && (i == 0 || tok[i-1] != '\\') {
			switch quote {
			case 0:
				quote = c
			case c:
				quote = 0
			}
		}
	}
	return quote
}
