package jinja

import (
	"strings"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

// stripCollectionNames turns collection-qualified filter and test names into
// the short names the engine registers: `x | ansible.builtin.to_json` and
// `x is community.general.version(...)` are how current roles write them.
// Only names after "|" or "is [not]" inside tags change; text and string
// literals stay as written.
func stripCollectionNames(src string) string {
	if !strings.Contains(src, ".") || !strings.Contains(src, "|") && !strings.Contains(src, "is ") {
		return src
	}
	stream := tokens.LexAll(src, cfg)
	var toks []*tokens.Token
	for ; !stream.End() && !stream.IsError(); stream.Next() {
		toks = append(toks, stream.Current())
	}
	if stream.IsError() {
		return src // the parser reports it
	}
	var out strings.Builder
	copied := 0
	for i, tok := range toks {
		if tok.Type != tokens.Pipe && tok.Type != tokens.Is && !(tok.Type == tokens.Not && i > 0 && toks[i-1].Type == tokens.Is) {
			continue
		}
		j := i + 1
		if j+4 >= len(toks) || !qualifiedName(toks[j:j+5]) {
			continue
		}
		out.WriteString(src[copied:toks[j].Pos])
		copied = toks[j+4].Pos
	}
	if copied == 0 {
		return src
	}
	out.WriteString(src[copied:])
	return out.String()
}

// qualifiedName: namespace . collection . name, written without spaces.
func qualifiedName(t []*tokens.Token) bool {
	shape := []tokens.Type{tokens.Name, tokens.Dot, tokens.Name, tokens.Dot, tokens.Name}
	for k, want := range shape {
		if t[k].Type != want {
			return false
		}
		if k > 0 && t[k].Pos != t[k-1].Pos+len(t[k-1].Val) {
			return false
		}
	}
	return true
}
