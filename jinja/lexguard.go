package jinja

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkNumberDot refuses a number followed by "." and a non-ASCII character
// inside a tag ({{ 1.é }}): gonja's lexer backs up by the width of that
// character instead of the dot's and then loops forever. Jinja would look up
// an attribute of the number, which is never defined, so an error loses
// nothing.
func checkNumberDot(src string) error {
	inTag, quote := false, byte(0)
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case !inTag:
			if c == '{' && i+1 < len(src) && strings.IndexByte("{%#", src[i+1]) >= 0 {
				inTag = true
				i++
			}
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case strings.IndexByte("}%#", c) >= 0 && i+1 < len(src) && src[i+1] == '}':
			inTag = false
			i++
		case isDigit(c) && !continuesName(src, i) && numberDotNonASCII(src[i:]):
			end := i + numberDotLen(src[i:])
			_, size := utf8.DecodeRuneInString(src[end-1:])
			return fmt.Errorf("a number followed by '.' and a non-ASCII character (%q) cannot be parsed: put a space or an ASCII name after the dot", src[i:end-1+size])
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// continuesName tells a digit inside a name (x1) from one starting a number.
func continuesName(src string, i int) bool {
	if i == 0 {
		return false
	}
	c := src[i-1]
	if c >= utf8.RuneSelf {
		// As gonja's lexer sees it: a letter continues a name; invalid
		// UTF-8 and other characters do not.
		r, _ := utf8.DecodeLastRuneInString(src[:i])
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return c == '_' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// numberDotNonASCII reports whether s starts with digits (and at most one
// ".digits" part), then "." and a non-ASCII character.
func numberDotNonASCII(s string) bool {
	n := numberDotLen(s)
	return n > 0 && s[n-1] >= utf8.RuneSelf
}

// numberDotLen is the length of digits[.digits]. plus the first byte after
// that dot, or 0 when s does not have that shape.
func numberDotLen(s string) int {
	i := 0
	for dots := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			continue
		}
		if s[i] != '.' || dots == 2 {
			return 0
		}
		dots++
		if i+1 < len(s) && !isDigit(s[i+1]) {
			return i + 2
		}
	}
	return 0
}

// pyLiteralEscapes rewrites the string literal that starts at src[pos] (its
// quote) so gonja reads it as Python does. Python keeps an unknown escape
// such as `\.` or `\d` as it is (regex_replace("^v([0-9\.]+)$", ...)), Go's
// strconv.Unquote, which gonja's parser uses, refuses it; doubling the
// backslash makes gonja keep it too. It returns the literal's end and its
// replacement, or ok false when nothing needs rewriting.
func pyLiteralEscapes(src string, pos int) (end int, literal string, ok bool) {
	quote := src[pos]
	if quote != '\'' && quote != '"' {
		return pos, "", false
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i := pos + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == quote:
			b.WriteByte(c)
			return i + 1, b.String(), ok
		case c != '\\' || i+1 == len(src):
			b.WriteByte(c)
		case src[i+1] == '\\':
			b.WriteString(backslash)
			i++
			ok = true
		case strings.IndexByte(goEscapes, src[i+1]) >= 0:
			b.WriteString(src[i : i+2])
			i++
		default:
			b.WriteString(`\\`)
			ok = true
		}
	}
	return len(src), "", false
}

// escapeBackslashes doubles the backslashes of the string literal at
// src[pos], as Ansible's Templar does (_escape_backslashes) for the
// literals inside {{ }} of every string it templates except template files
// and conditions: YAML has already read the escapes, so '\d' or 'C:\Users'
// reach the filter as written. It returns the literal's end and its
// replacement, or ok false when it has no backslash.
func escapeBackslashes(src string, pos int) (end int, literal string, ok bool) {
	quote := src[pos]
	for i := pos + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			ok = true
			i++ // the escaped character cannot end the literal
		case quote:
			return i + 1, strings.ReplaceAll(src[pos:i+1], `\`, backslash), ok
		}
	}
	return len(src), "", false
}

// backslash is a backslash in a literal for gonja: its lexer takes `\\"` for an
// escaped quote, so an escaped backslash cannot end a literal.
const backslash = `\x5c`

// goEscapes are the characters after a backslash that Go's strconv.Unquote
// and Python agree on (the quotes are unescaped by gonja's lexer first).
// Octal digits are not among them: '\1' stays a backslash and 1, the
// backreference Ansible gives it inside {{ }} of a playbook, where it doubles
// backslashes before Jinja reads them.
const goEscapes = "abfnrtv\\\"'xuU\n"
