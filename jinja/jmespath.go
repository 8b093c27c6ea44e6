package jinja

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A JMESPath interpreter for community.general's json_query: the whole
// grammar (fields, indexes, slices, projections, flatten, filters,
// comparisons, && || !, pipes, multi-selects, literals, functions), ported
// from the reference implementation's Pratt parser (jmespath.py).

// jpNode is a node of a parsed expression.
type jpNode struct {
	kind     string // field, subexpression, index_expression, index, slice, projection, ...
	value    any    // field name, index, literal, comparator, function name, slice bounds
	children []*jpNode
}

type jpToken struct {
	kind  string // an operator's text, or "name", "quoted", "literal", "number", "eof"
	value any
	pos   int
}

// jpBindingPower is how tightly each token binds to its left.
var jpBindingPower = map[string]int{
	"|": 1, "||": 2, "&&": 3, "==": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5,
	"[]": 9, "*": 20, "[?": 21, ".": 40, "!": 45, "{": 50, "[": 55, "(": 60,
}

// jpError is an invalid expression, with the place it went wrong.
func jpError(expr string, pos int, msg string) error {
	return fmt.Errorf("invalid JMESPath expression: %s:\n%q\n%s^", msg, expr, strings.Repeat(" ", pos+1))
}

func jpLex(expr string) ([]jpToken, error) {
	var toks []jpToken
	for i := 0; i < len(expr); {
		c := expr[i]
		start := i
		two := ""
		if i+1 < len(expr) {
			two = expr[i : i+2]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			for i < len(expr) && (expr[i] == '_' || expr[i] >= 'a' && expr[i] <= 'z' || expr[i] >= 'A' && expr[i] <= 'Z' || isDigit(expr[i])) {
				i++
			}
			toks = append(toks, jpToken{"name", expr[start:i], start})
			continue
		case isDigit(c) || c == '-' && i+1 < len(expr) && isDigit(expr[i+1]):
			i++
			for i < len(expr) && isDigit(expr[i]) {
				i++
			}
			n, _ := strconv.Atoi(expr[start:i])
			toks = append(toks, jpToken{"number", n, start})
			continue
		case c == '"' || c == '\'' || c == '`':
			end := i + 1
			for end < len(expr) && expr[end] != c {
				if expr[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(expr) {
				return nil, jpError(expr, start, "unclosed "+string(c))
			}
			body := expr[i+1 : end]
			i = end + 1
			switch c {
			case '"':
				var s string
				if err := json.Unmarshal([]byte(`"`+body+`"`), &s); err != nil {
					return nil, jpError(expr, start, "invalid quoted identifier")
				}
				toks = append(toks, jpToken{"quoted", s, start})
			case '\'':
				toks = append(toks, jpToken{"literal", strings.ReplaceAll(body, `\'`, `'`), start})
			default:
				v, err := filterFromJSON(nil, strings.ReplaceAll(body, "\\`", "`"), args{})
				if err != nil {
					return nil, jpError(expr, start, "invalid JSON literal")
				}
				toks = append(toks, jpToken{"literal", wrap(v), start})
			}
			continue
		case two == "[?" || two == "[]" || two == "||" || two == "&&" || two == "==" || two == "!=" || two == "<=" || two == ">=":
			toks = append(toks, jpToken{two, nil, start})
			i += 2
			continue
		case strings.IndexByte(".*[],:@(){}|&!<>", c) >= 0:
			toks = append(toks, jpToken{string(c), nil, start})
			i++
			continue
		}
		return nil, jpError(expr, start, fmt.Sprintf("unknown token %q", c))
	}
	return append(toks, jpToken{"eof", nil, len(expr)}), nil
}

type jpParser struct {
	expr string
	toks []jpToken
	i    int
}

func jpParse(expr string) (node *jpNode, err error) {
	toks, err := jpLex(expr)
	if err != nil {
		return nil, err
	}
	p := &jpParser{expr: expr, toks: toks}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(jpParseError); ok {
				node, err = nil, e.error
				return
			}
			panic(r)
		}
	}()
	node = p.expression(0)
	if p.peek(0) != "eof" {
		p.fail("unexpected token after the expression")
	}
	return node, nil
}

// jpParseError carries a syntax error out of the recursive descent.
type jpParseError struct{ error }

func (p *jpParser) fail(msg string) {
	panic(jpParseError{jpError(p.expr, p.toks[p.i].pos, msg)})
}

func (p *jpParser) peek(n int) string { return p.toks[min(p.i+n, len(p.toks)-1)].kind }

func (p *jpParser) match(kind string) {
	if p.peek(0) != kind {
		p.fail("expected " + kind)
	}
	p.i++
}

func jpNew(kind string, value any, children ...*jpNode) *jpNode {
	return &jpNode{kind: kind, value: value, children: children}
}

var jpIdentity = jpNew("identity", nil)

func (p *jpParser) expression(bp int) *jpNode {
	tok := p.toks[p.i]
	p.i++
	left := p.nud(tok)
	for bp < jpBindingPower[p.peek(0)] {
		tok := p.toks[p.i]
		p.i++
		left = p.led(tok, left)
	}
	return left
}

func (p *jpParser) nud(tok jpToken) *jpNode {
	switch tok.kind {
	case "literal":
		return jpNew("literal", tok.value)
	case "name":
		return jpNew("field", tok.value)
	case "quoted":
		if p.peek(0) == "(" {
			p.fail("quoted identifiers cannot be function names")
		}
		return jpNew("field", tok.value)
	case "*":
		right := jpIdentity
		if p.peek(0) != "]" {
			right = p.projectionRHS(jpBindingPower["*"])
		}
		return jpNew("value_projection", nil, jpIdentity, right)
	case "[?":
		return p.led(tok, jpIdentity)
	case "{":
		return p.multiSelectHash()
	case "(":
		e := p.expression(0)
		p.match(")")
		return e
	case "[]":
		return jpNew("projection", nil, jpNew("flatten", nil, jpIdentity), p.projectionRHS(jpBindingPower["[]"]))
	case "!":
		return jpNew("not", nil, p.expression(jpBindingPower["!"]))
	case "[":
		switch {
		case p.peek(0) == "number" || p.peek(0) == ":":
			return p.projectIfSlice(jpIdentity, p.indexExpression())
		case p.peek(0) == "*" && p.peek(1) == "]":
			p.i += 2
			return jpNew("projection", nil, jpIdentity, p.projectionRHS(jpBindingPower["*"]))
		}
		return p.multiSelectList()
	case "@":
		return jpIdentity
	case "&":
		return jpNew("expref", nil, p.expression(0))
	}
	p.i--
	p.fail("unexpected token " + tok.kind)
	return nil
}

func (p *jpParser) led(tok jpToken, left *jpNode) *jpNode {
	switch tok.kind {
	case ".":
		if p.peek(0) != "*" {
			right := p.dotRHS(jpBindingPower["."])
			if left.kind == "subexpression" {
				left.children = append(left.children, right)
				return left
			}
			return jpNew("subexpression", nil, left, right)
		}
		p.i++
		return jpNew("value_projection", nil, left, p.projectionRHS(jpBindingPower["."]))
	case "|", "||", "&&":
		return jpNew(tok.kind, nil, left, p.expression(jpBindingPower[tok.kind]))
	case "==", "!=", "<", "<=", ">", ">=":
		return jpNew("comparator", tok.kind, left, p.expression(jpBindingPower[tok.kind]))
	case "(":
		if left.kind != "field" {
			p.fail("invalid function name")
		}
		var fnArgs []*jpNode
		for p.peek(0) != ")" {
			fnArgs = append(fnArgs, p.expression(0))
			if p.peek(0) == "," {
				p.match(",")
			}
		}
		p.match(")")
		return jpNew("function", left.value, fnArgs...)
	case "[?":
		cond := p.expression(0)
		p.match("]")
		right := jpIdentity
		if p.peek(0) != "[]" {
			right = p.projectionRHS(jpBindingPower["[?"])
		}
		return jpNew("filter_projection", nil, left, right, cond)
	case "[]":
		return jpNew("projection", nil, jpNew("flatten", nil, left), p.projectionRHS(jpBindingPower["[]"]))
	case "[":
		if p.peek(0) == "number" || p.peek(0) == ":" {
			right := p.indexExpression()
			if left.kind == "index_expression" {
				left.children = append(left.children, right)
				return left
			}
			return p.projectIfSlice(left, right)
		}
		p.match("*")
		p.match("]")
		return jpNew("projection", nil, left, p.projectionRHS(jpBindingPower["*"]))
	}
	p.i--
	p.fail("unexpected token " + tok.kind)
	return nil
}

func (p *jpParser) indexExpression() *jpNode {
	if p.peek(0) == ":" || p.peek(1) == ":" {
		var parts [3]any
		for part := 0; p.peek(0) != "]"; {
			switch p.peek(0) {
			case ":":
				if part++; part == 3 {
					p.fail("too many colons in slice")
				}
			case "number":
				parts[part] = p.toks[p.i].value
			default:
				p.fail("expected a number or a colon in a slice")
			}
			p.i++
		}
		p.match("]")
		return jpNew("slice", parts)
	}
	n := p.toks[p.i].value
	p.match("number")
	p.match("]")
	return jpNew("index", n)
}

func (p *jpParser) projectIfSlice(left, right *jpNode) *jpNode {
	index := jpNew("index_expression", nil, left, right)
	if right.kind == "slice" {
		return jpNew("projection", nil, index, p.projectionRHS(jpBindingPower["*"]))
	}
	return index
}

func (p *jpParser) projectionRHS(bp int) *jpNode {
	switch next := p.peek(0); {
	case jpBindingPower[next] < 10:
		return jpIdentity
	case next == "[" || next == "[?":
		return p.expression(bp)
	case next == ".":
		p.i++
		return p.dotRHS(bp)
	}
	p.fail("syntax error after a projection")
	return nil
}

func (p *jpParser) dotRHS(bp int) *jpNode {
	switch p.peek(0) {
	case "name", "quoted", "*":
		return p.expression(bp)
	case "[":
		p.i++
		return p.multiSelectList()
	case "{":
		p.i++
		return p.multiSelectHash()
	}
	p.fail("expected an identifier, [ or { after a dot")
	return nil
}

func (p *jpParser) multiSelectList() *jpNode {
	node := jpNew("multi_list", nil)
	for {
		node.children = append(node.children, p.expression(0))
		if p.peek(0) == "]" {
			break
		}
		p.match(",")
	}
	p.match("]")
	return node
}

func (p *jpParser) multiSelectHash() *jpNode {
	node := jpNew("multi_hash", nil)
	for {
		key := p.toks[p.i]
		if key.kind != "name" && key.kind != "quoted" {
			p.fail("expected a key name")
		}
		p.i++
		p.match(":")
		node.children = append(node.children, jpNew("pair", key.value, p.expression(0)))
		if p.peek(0) == "}" {
			break
		}
		p.match(",")
	}
	p.match("}")
	return node
}
