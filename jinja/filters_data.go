package jinja

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nikolalohinski/gonja/v2/exec"
	"go.yaml.in/yaml/v3"

	"play/internal/keyorder"
)

func filterToJSON(_ *exec.Evaluator, in any, a args) (any, error) {
	style := jsonStyle{indent: -1, itemSep: ", ", keySep: ": ", sortKeys: a.bool(-1, "sort_keys")}
	if i := a.get(-1, "indent", nil); i != nil {
		style.indent = int(toInt(i))
		style.itemSep = ","
	}
	return pyJSON(in, style), nil
}

// filterToNiceJSON is to_nice_json: Ansible passes sort_keys=True.
func filterToNiceJSON(_ *exec.Evaluator, in any, a args) (any, error) {
	return pyJSON(in, jsonStyle{indent: int(toInt(a.get(-1, "indent", 4))), itemSep: ",", keySep: ": ", sortKeys: true}), nil
}

// filterToJSONSafe is Jinja2's tojson: sorted keys, and the characters that
// matter in HTML escaped (htmlsafe_json_dumps).
func filterToJSONSafe(_ *exec.Evaluator, in any, _ args) (any, error) {
	out := pyJSON(in, jsonStyle{indent: -1, itemSep: ", ", keySep: ": ", sortKeys: true})
	return htmlSafeJSON.Replace(out), nil
}

var htmlSafeJSON = strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "'", `\u0027`)

// jsonStyle is json.dumps' layout arguments: indent < 0 means one line;
// without sortKeys, a dict's keys come in insertion order.
type jsonStyle struct {
	indent          int
	itemSep, keySep string
	sortKeys        bool
}

// pyJSON is Python's json.dumps with ensure_ascii: separators and escaping
// as Python prints them.
func pyJSON(v any, style jsonStyle) string {
	var b strings.Builder
	writeJSON(&b, wrap(v), style, 0)
	return b.String()
}

func writeJSON(b *strings.Builder, v any, style jsonStyle, depth int) {
	newline := func(d int) {
		if style.indent >= 0 {
			b.WriteString("\n" + strings.Repeat(" ", style.indent*d))
		}
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case int:
		b.WriteString(strconv.Itoa(t))
	case float64:
		b.WriteString(exec.AsValue(t).String())
	case string:
		writeJSONString(b, t)
	case tuple:
		writeJSON(b, list(t), style, depth)
	case list:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteString(style.itemSep)
			}
			newline(depth + 1)
			writeJSON(b, x, style, depth+1)
		}
		newline(depth)
		b.WriteByte(']')
	case dict:
		if len(t) == 0 {
			b.WriteString("{}")
			return
		}
		keys := keyorder.Keys(t)
		if style.sortKeys {
			slices.Sort(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(style.itemSep)
			}
			newline(depth + 1)
			writeJSONString(b, k)
			b.WriteString(style.keySep)
			writeJSON(b, t[k], style, depth+1)
		}
		newline(depth)
		b.WriteByte('}')
	default:
		writeJSONString(b, fmt.Sprint(t))
	}
}

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func filterFromJSON(_ *exec.Evaluator, in any, _ args) (any, error) {
	dec := json.NewDecoder(strings.NewReader(pyStr(in)))
	dec.UseNumber()
	v, err := keyorder.DecodeJSON(dec)
	if err != nil {
		return nil, fmt.Errorf("from_json: invalid JSON: %w", err)
	}
	return fromJSONNumbers(v), nil
}

// fromJSONNumbers turns json.Number into int or float64 as Python does.
func fromJSONNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := strconv.Atoi(t.String()); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = fromJSONNumbers(x)
		}
	case []any:
		for i, x := range t {
			t[i] = fromJSONNumbers(x)
		}
	}
	return v
}

func filterFromYAML(_ *exec.Evaluator, in any, _ args) (any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(pyStr(in)), &n); err != nil {
		return nil, fmt.Errorf("from_yaml: invalid YAML: %w", err)
	}
	v, err := keyorder.DecodeYAML(&n)
	if err != nil {
		return nil, fmt.Errorf("from_yaml: %w", err)
	}
	return v, nil
}

// toYAML is to_yaml (nice=false: collections holding only scalars in flow
// style, as PyYAML's default_flow_style=None) and to_nice_yaml (block style,
// sequences not indented under their key, as PyYAML prints them).
func toYAML(in any, indent int, nice bool) (any, error) {
	var node yaml.Node
	if err := node.Encode(toGo(in)); err != nil {
		return nil, fmt.Errorf("to_yaml: %w", err)
	}
	sortKeys(&node)
	if !nice {
		flowLeaves(&node)
	}
	if node.Kind == yaml.MappingNode || node.Kind == yaml.SequenceNode {
		var b strings.Builder
		var err error
		if node.Style&yaml.FlowStyle != 0 || len(node.Content) == 0 {
			err = pyFlow(&b, &node, max(indent, 2), max(indent, 2))
			b.WriteString("\n")
		} else {
			err = pyBlock(&b, &node, 0, max(indent, 2), false)
		}
		if err != nil {
			return nil, fmt.Errorf("to_yaml: %w", err)
		}
		return b.String(), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indent)
	if err := enc.Encode(&node); err != nil {
		return nil, fmt.Errorf("to_yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("to_yaml: %w", err)
	}
	out := buf.String()
	if !utf8.ValidString(out) {
		return nil, fmt.Errorf("to_yaml: output is not valid UTF-8")
	}
	return out, nil
}

// sortKeys orders every mapping's keys as PyYAML's sort_keys does (by code
// point); go-yaml sorts them its own way, numbers inside keys by value
// (a9 before a10).
func sortKeys(n *yaml.Node) {
	for _, c := range n.Content {
		sortKeys(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	pairs := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		pairs = append(pairs, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	slices.SortStableFunc(pairs, func(a, b [2]*yaml.Node) int { return strings.Compare(a[0].Value, b[0].Value) })
	for i, p := range pairs {
		n.Content[2*i], n.Content[2*i+1] = p[0], p[1]
	}
}

// pyBlock writes a collection in PyYAML's block style (default_flow_style=False; with
// to_yaml's None, the collections flowLeaves marked stay in flow style), which
// go-yaml's encoder cannot: a sequence in a mapping is not indented under its key, and a
// collection in a sequence starts on the dash's line ("-   key: v" with indent 4). onDash
// says the first line is already placed after a dash.
func pyBlock(b *strings.Builder, n *yaml.Node, col, indent int, onDash bool) error {
	pad := func(i int) {
		if i > 0 || !onDash {
			b.WriteString(strings.Repeat(" ", col))
		}
	}
	inline := func(v *yaml.Node) bool {
		return v.Kind == yaml.ScalarNode || len(v.Content) == 0 || v.Style&yaml.FlowStyle != 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			pad(i)
			k, v := n.Content[i], n.Content[i+1]
			if err := pyScalar(b, k, false, col+indent, indent); err != nil {
				return err
			}
			b.WriteString(":")
			if inline(v) {
				b.WriteString(" ")
				if err := pyScalar(b, v, false, col+indent, indent); err != nil {
					return err
				}
				b.WriteString("\n")
				continue
			}
			b.WriteString("\n")
			next := col + indent
			if v.Kind == yaml.SequenceNode {
				next = col
			}
			if err := pyBlock(b, v, next, indent, false); err != nil {
				return err
			}
		}
		return nil
	}
	for i, v := range n.Content {
		pad(i)
		if inline(v) {
			b.WriteString("- ")
			if err := pyScalar(b, v, false, col+indent, indent); err != nil {
				return err
			}
			b.WriteString("\n")
			continue
		}
		b.WriteString("-" + strings.Repeat(" ", indent-1))
		if err := pyBlock(b, v, col+indent, indent, true); err != nil {
			return err
		}
	}
	return nil
}

// pyScalar writes a scalar or an empty or flow-style collection on one line, as PyYAML
// does: a string plain, single-quoted or double-quoted as pyStringStyle picks (flow: inside
// a flow collection), other scalars as go-yaml writes them; a collection as pyFlow does.
func pyScalar(b *strings.Builder, n *yaml.Node, flow bool, ind, indent int) error {
	switch {
	case n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode:
		return pyFlow(b, n, ind, indent)
	case n.Tag != "!!str":
		out, err := yaml.Marshal(n)
		b.WriteString(strings.TrimSuffix(string(out), "\n"))
		return err
	}
	switch pyStringStyle(n.Value, flow) {
	case yaml.SingleQuotedStyle:
		b.WriteString("'" + strings.ReplaceAll(n.Value, "'", "''") + "'")
	case yaml.DoubleQuotedStyle:
		n.Style = yaml.DoubleQuotedStyle
		out, err := yaml.Marshal(n)
		if err != nil {
			return err
		}
		b.WriteString(strings.TrimSuffix(string(out), "\n"))
	default:
		b.WriteString(n.Value)
	}
	return nil
}

// pyFlow writes a collection in flow style ([a, b], {k: v}). Like PyYAML (best_width 80),
// an item or key that would start past column 80 starts a new line at column ind; a nested
// collection's lines start indent further.
func pyFlow(b *strings.Builder, n *yaml.Node, ind, indent int) error {
	open, end, step := "[", "]", 1
	if n.Kind == yaml.MappingNode {
		open, end, step = "{", "}", 2
	}
	b.WriteString(open)
	for i := 0; i < len(n.Content); i += step {
		if i > 0 {
			b.WriteString(",")
		}
		s := b.String()
		if utf8.RuneCountInString(s[strings.LastIndexByte(s, '\n')+1:]) > pyWidth {
			b.WriteString("\n" + strings.Repeat(" ", ind))
		} else if i > 0 {
			b.WriteString(" ")
		}
		if step == 2 {
			if err := pyScalar(b, n.Content[i], true, ind+indent, indent); err != nil {
				return err
			}
			b.WriteString(": ")
		}
		if err := pyScalar(b, n.Content[i+step-1], true, ind+indent, indent); err != nil {
			return err
		}
	}
	b.WriteString(end)
	return nil
}

// pyWidth is PyYAML's default best_width.
const pyWidth = 80

// pyImplicit are PyYAML's (YAML 1.1) implicit resolvers: a plain scalar
// matching one reads back as a bool, int, float, null, timestamp, merge key
// or value, not as the string.
var pyImplicit = regexp.MustCompile(`^(?:` +
	`yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` +
	`|<<|~|null|Null|NULL|=` +
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?` +
	`)$`)

// pyStringStyle is the style PyYAML's emitter (analyze_scalar,
// choose_scalar_style) gives a string: plain when it reads back as the same
// string and holds no indicator where it stands, else single-quoted, else
// (control characters, line breaks) double-quoted.
func pyStringStyle(s string, flow bool) yaml.Style {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' }) {
		return yaml.DoubleQuotedStyle
	}
	if s == "" || pyImplicit.MatchString(s) || s[0] == ' ' || s[len(s)-1] == ' ' {
		return yaml.SingleQuotedStyle
	}
	flowIndicators, blockIndicators := false, false
	for i, r := range s {
		spaceAfter := i+1 == len(s) || s[i+1] == ' '
		switch {
		case i == 0 && strings.ContainsRune("#,[]{}&*!|>'\"%@`", r):
			flowIndicators, blockIndicators = true, true
		case i == 0 && r == '-' && spaceAfter:
			flowIndicators, blockIndicators = true, true
		case r == '?' || r == ':':
			flowIndicators = true
			blockIndicators = blockIndicators || (spaceAfter && (r == ':' || i == 0))
		case i > 0 && strings.ContainsRune(",[]{}", r):
			flowIndicators = true
		case i > 0 && r == '#' && s[i-1] == ' ':
			flowIndicators, blockIndicators = true, true
		}
	}
	if flow && flowIndicators || !flow && blockIndicators {
		return yaml.SingleQuotedStyle
	}
	return 0
}

// flowLeaves marks collections without nested collections as flow style and
// reports whether n is a collection.
func flowLeaves(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		for _, c := range n.Content {
			flowLeaves(c)
		}
		return false
	}
	leaf := true
	for _, c := range n.Content {
		if flowLeaves(c) {
			leaf = false
		}
	}
	if leaf {
		n.Style = yaml.FlowStyle
	}
	return true
}
