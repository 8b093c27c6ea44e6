package keyorder

import (
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// DecodeJSON reads one JSON value from dec as encoding/json's Decode into an
// any would (numbers as dec's settings make them), with objects keeping their
// keys' order.
func DecodeJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			out := []any{}
			for dec.More() {
				v, err := DecodeJSON(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token() // ]
			return out, err
		case '{':
			out := NewBuilder[map[string]any](0)
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := DecodeJSON(dec)
				if err != nil {
					return nil, err
				}
				out.Set(k.(string), v)
			}
			_, err := dec.Token() // }
			return out.Map(), err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// DecodeYAML converts a parsed YAML node as yaml's Decode into an any would,
// with mappings keeping their keys' order. A merge key (<<) puts the merged
// keys first, as PyYAML does.
func DecodeYAML(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return DecodeYAML(n.Content[0])
	case yaml.AliasNode:
		return DecodeYAML(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := DecodeYAML(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := NewBuilder[map[string]any](len(n.Content) / 2)
		if err := decodeMapping(out, n); err != nil {
			return nil, err
		}
		return out.Map(), nil
	}
	var v any
	err := n.Decode(&v)
	return v, err
}

// decodeMapping sets n's pairs in out, merged mappings first.
func decodeMapping(out *Builder[map[string]any, any], n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Tag == "!!merge" {
			if err := decodeMerge(out, v); err != nil {
				return err
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		val, err := DecodeYAML(v)
		if err != nil {
			return err
		}
		out.Set(k.Value, val)
	}
	return nil
}

func decodeMerge(out *Builder[map[string]any, any], v *yaml.Node) error {
	if v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	// PyYAML reads the mappings from the last: an earlier one's values win.
	for i := len(sources) - 1; i >= 0; i-- {
		s := sources[i]
		if s.Kind == yaml.AliasNode {
			s = s.Alias
		}
		if s.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: a merge key (<<) needs a mapping or a list of mappings", s.Line)
		}
		if err := decodeMapping(out, s); err != nil {
			return err
		}
	}
	return nil
}
