package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"go.yaml.in/yaml/v3"

	"play/diag"
	"play/internal/keyorder"
	"play/internal/yamlerr"
	"play/vault"
)

// readYAML parses a YAML file and returns its top node, or nil for an empty
// file. Syntax errors carry the file and, when the parser reports one, the
// line.
func readYAML(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unreadable(path, err)
	}
	if data, err = vault.Open(data, path); err != nil {
		return nil, vaultError(diag.Pos{File: path}, err)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlSyntaxError(path, data, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Tag == "!!null" {
		return nil, nil
	}
	if err := checkAliases(path, top); err != nil {
		return nil, err
	}
	return top, nil
}

func yamlSyntaxError(path string, data []byte, err error) error {
	e := yamlerr.Error(path, data, err)
	e.Msg = "YAML syntax error: " + e.Msg
	return e
}

func unreadable(path string, err error) error {
	cause := err
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		cause = pe.Err // the path is already in the position
	}
	e := diag.Errorf(diag.Pos{File: path}, "cannot read inventory source: %v", cause).
		WithHint("check that the path exists and is readable, or fix the -i argument")
	e.Err = err
	return e
}

func nodePos(file string, n *yaml.Node) diag.Pos {
	return diag.Pos{File: file, Line: n.Line, Col: n.Column}
}

// yamlBools are the YAML 1.1 booleans that Ansible's PyYAML loader accepts
// and that YAML 1.2 (yaml.v3) reads as strings.
var yamlBools = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// nodeValue converts a YAML node into plain Go values: map[string]any,
// []any, string, int, float64, bool and nil. Merge keys (<<) and aliases
// are resolved; timestamps stay strings.
func nodeValue(file string, n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(file, n.Content[0])
	case yaml.AliasNode:
		return nodeValue(file, n.Alias)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(file, c)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		return mappingValue(file, n)
	}
	return scalarValue(file, n)
}

// mappingValue reads a mapping, keeping its keys' order (see keyorder). As
// PyYAML, the keys of merged mappings (<<) come first.
func mappingValue(file string, n *yaml.Node) (map[string]any, error) {
	m := keyorder.NewBuilder[map[string]any](len(n.Content) / 2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Tag == "!!merge" {
			if err := mergeInto(file, m, v); err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		val, err := nodeValue(file, v)
		if err != nil {
			return nil, err
		}
		m.Set(k.Value, val)
	}
	return m.Map(), nil
}

// mergeInto applies a "<<" merge key, the last mapping first, so that an
// earlier one's values win (PyYAML's order); the mapping's own keys are set
// after.
func mergeInto(file string, m *keyorder.Builder[map[string]any, any], src *yaml.Node) error {
	sources := []*yaml.Node{src}
	if src.Kind == yaml.SequenceNode {
		sources = src.Content
	}
	for i := len(sources) - 1; i >= 0; i-- {
		s := sources[i]
		v, err := nodeValue(file, s)
		if err != nil {
			return err
		}
		merged, ok := v.(map[string]any)
		if !ok {
			return diag.Errorf(nodePos(file, s), "a merge key (<<) needs a mapping or a list of mappings").
				WithHint("point << at an anchored mapping, e.g. <<: *defaults")
		}
		for _, k := range keyorder.Keys(merged) {
			m.Set(k, merged[k])
		}
	}
	return nil
}

func scalarValue(file string, n *yaml.Node) (any, error) {
	if n.Tag == "!vault" {
		plain, err := vault.OpenString(n.Value, fmt.Sprintf("%s:%d", file, n.Line))
		if err != nil {
			return nil, vaultError(nodePos(file, n), err)
		}
		return plain, nil
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value, nil
	}
	switch n.ShortTag() {
	case "!!str":
		if b, ok := yamlBools[n.Value]; ok && n.Style&yaml.TaggedStyle == 0 {
			return b, nil
		}
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, diag.Errorf(nodePos(file, n), "cannot read value %q: %v", n.Value, err)
		}
		switch v.(type) {
		case int, float64, bool:
			return v, nil
		}
	}
	return n.Value, nil
}

// vaultError positions a decryption failure, keeping vault's hint.
func vaultError(pos diag.Pos, err error) error {
	e := &diag.Error{Pos: pos, Msg: err.Error(), Err: err}
	if ve, ok := errors.AsType[*vault.Error](err); ok {
		e.Msg, e.Hint = ve.Msg, ve.Hint
	}
	return e
}
