package keyorder

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// show prints a value with its maps' keys in order, like Python's repr.
func show(v any) string {
	switch t := v.(type) {
	case map[string]any:
		parts := []string{}
		for _, k := range Keys(t) {
			parts = append(parts, fmt.Sprintf("%s: %s", k, show(t[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := []string{}
		for _, x := range t {
			parts = append(parts, show(x))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"z": 1, "a": {"y": [1, {"q": 2, "b": 3}], "c": null}, "m": true}`, "{z: 1, a: {y: [1, {q: 2, b: 3}], c: <nil>}, m: true}"},
		{`[]`, "[]"},
		{`{}`, "{}"},
		{`"s"`, "s"},
	}
	for _, tt := range tests {
		v, err := DecodeJSON(json.NewDecoder(strings.NewReader(tt.in)))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := show(v); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := DecodeJSON(json.NewDecoder(strings.NewReader(`{"a": `))); err == nil {
		t.Error("truncated JSON decoded without an error")
	}
}

func TestDecodeYAML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"z: 1\na: {y: 2, b: [x, {q: 1, c: 2}]}\nm: 3\n", "{z: 1, a: {y: 2, b: [x, {q: 1, c: 2}]}, m: 3}"},
		// PyYAML: merged keys first (the last mapping's first), an earlier mapping and
		// the mapping's own keys win.
		{"a: &a {x: 1, w: 1}\nb: &b {y: 2, x: 2}\nc:\n  k: 0\n  <<: [*a, *b]\n  w: 3\n", "{a: {x: 1, w: 1}, b: {y: 2, x: 2}, c: {y: 2, x: 1, w: 3, k: 0}}"},
		{"", "<nil>"},
	}
	for _, tt := range tests {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(tt.in), &n); err != nil {
			t.Fatal(err)
		}
		v, err := DecodeYAML(&n)
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if got := show(v); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
	}
}
