// Package pyliteral reads Python literals as ast.literal_eval does: Ansible
// converts INI inventory values and templated strings that look like a dict,
// a list or a bool with it.
package pyliteral

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"play/internal/keyorder"
)

// Parse reads s as one Python literal: numbers, strings, True/False/None,
// lists, tuples, sets and dicts become Go values. With jsonNames, true, false
// and null are read too (Ansible's Json2Python before literal_eval). ok is
// false when s is not exactly one literal.
func Parse(s string, jsonNames bool) (v any, ok bool) {
	p := &literalParser{s: s, jsonNames: jsonNames}
	v, err := p.value()
	if err != nil {
		return nil, false
	}
	if p.skipSpace(); p.i < len(p.s) {
		return nil, false
	}
	return v, true
}

var errNotLiteral = errors.New("not a Python literal")

type literalParser struct {
	s         string
	i         int
	jsonNames bool
}

// skipSpace skips blanks and a trailing "# comment", as Python's parser.
func (p *literalParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		case '#':
			p.i = len(p.s)
		default:
			return
		}
	}
}

func (p *literalParser) peek() byte {
	p.skipSpace()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *literalParser) value() (any, error) {
	switch c := p.peek(); {
	case c == '[':
		p.i++
		return p.sequence(']')
	case c == '(':
		p.i++
		return p.tuple()
	case c == '{':
		p.i++
		return p.dictOrSet()
	case c == '\'' || c == '"':
		return p.strings()
	case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
		return p.number()
	}
	return p.keyword()
}

func (p *literalParser) keyword() (any, error) {
	for _, kw := range []struct {
		word  string
		value any
	}{{"True", true}, {"False", false}, {"None", nil}, {"true", true}, {"false", false}, {"null", nil}} {
		if kw.word[0] >= 'a' && !p.jsonNames {
			continue
		}
		if strings.HasPrefix(p.s[p.i:], kw.word) && !isIdentByte(p.s, p.i+len(kw.word)) {
			p.i += len(kw.word)
			return kw.value, nil
		}
	}
	return nil, errNotLiteral
}

func isIdentByte(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// sequence reads items up to end; a trailing comma is allowed.
func (p *literalParser) sequence(end byte) ([]any, error) {
	items := []any{}
	for {
		if p.peek() == end {
			p.i++
			return items, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		switch p.peek() {
		case ',':
			p.i++
		case end:
		default:
			return nil, errNotLiteral
		}
	}
}

// tuple reads "(...)": a tuple (as a list) when empty or when it has a
// comma, else the parenthesised value itself.
func (p *literalParser) tuple() (any, error) {
	if p.peek() == ')' {
		p.i++
		return []any{}, nil
	}
	first, err := p.value()
	if err != nil {
		return nil, err
	}
	switch p.peek() {
	case ')':
		p.i++
		return first, nil
	case ',':
		p.i++
		rest, err := p.sequence(')')
		return append([]any{first}, rest...), err
	}
	return nil, errNotLiteral
}

// dictOrSet reads "{k: v, ...}" into a map (keys as Python prints them) or
// "{a, b}" into a list.
func (p *literalParser) dictOrSet() (any, error) {
	if p.peek() == '}' {
		p.i++
		return map[string]any{}, nil
	}
	first, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.peek() != ':' {
		switch p.peek() {
		case '}':
			p.i++
			return []any{first}, nil
		case ',':
			p.i++
			rest, err := p.sequence('}')
			return append([]any{first}, rest...), err
		}
		return nil, errNotLiteral
	}
	m := keyorder.NewBuilder[map[string]any](0) // a Python dict keeps its keys' order
	key := first
	for {
		p.i++ // the ':'
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m.Set(pythonStr(key), v)
		switch p.peek() {
		case '}':
			p.i++
			return m.Map(), nil
		case ',':
			p.i++
			if p.peek() == '}' {
				p.i++
				return m.Map(), nil
			}
		default:
			return nil, errNotLiteral
		}
		if key, err = p.value(); err != nil {
			return nil, err
		}
		if p.peek() != ':' {
			return nil, errNotLiteral
		}
	}
}

// pythonStr is str(v) in Python, for dict keys.
func pythonStr(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	}
	return fmt.Sprint(v)
}

// strings reads one or more adjacent string literals ('a' "b" is "ab").
func (p *literalParser) strings() (any, error) {
	var b strings.Builder
	for c := p.peek(); c == '\'' || c == '"'; c = p.peek() {
		s, err := p.quoted(c)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

var pythonEscapes = map[byte]string{
	'\\': "\\", '\'': "'", '"': "\"", 'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v", '\n': "",
}

func (p *literalParser) quoted(q byte) (string, error) {
	var b strings.Builder
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\n':
			return "", errNotLiteral
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			if esc, ok := pythonEscapes[p.s[p.i]]; ok {
				b.WriteString(esc)
			} else {
				b.WriteByte('\\')
				b.WriteByte(p.s[p.i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", errNotLiteral
}

// number reads a Python int or float, with an optional sign.
func (p *literalParser) number() (any, error) {
	start := p.i
	if c := p.s[p.i]; c == '-' || c == '+' {
		p.i++
		p.skipSpace()
	}
	sign := strings.TrimSpace(p.s[start:p.i])
	end := p.i
	for end < len(p.s) && (isIdentByte(p.s, end) || p.s[end] == '.' ||
		(p.s[end] == '-' || p.s[end] == '+') && end > p.i && (p.s[end-1] == 'e' || p.s[end-1] == 'E')) {
		end++
	}
	text := p.s[p.i:end]
	p.i = end
	if text == "" {
		return nil, errNotLiteral
	}
	// Python rejects leading zeros in decimal ints ("010"), unlike Go.
	decimal := !strings.ContainsAny(text, ".eExXoObBjJ")
	if decimal && len(text) > 1 && text[0] == '0' && strings.Trim(strings.ReplaceAll(text, "_", ""), "0") != "" {
		return nil, errNotLiteral
	}
	if strings.ContainsAny(text, ".eE") && !strings.ContainsAny(text, "xX") {
		if strings.HasPrefix(text, "_") || strings.Contains(text, "__") || strings.HasSuffix(text, "_") {
			return nil, errNotLiteral
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
		if err != nil || strings.ContainsAny(text, "nNiI") {
			return nil, errNotLiteral
		}
		if sign == "-" {
			f = -f
		}
		return f, nil
	}
	n, err := strconv.ParseInt(sign+text, 0, 64)
	if err != nil {
		return nil, errNotLiteral
	}
	return int(n), nil
}
