package modules

import "maps"

// argsWith is a copy of base with the key/value pairs kv set: the table
// tests' way of writing one module call as a variation of another.
func argsWith(base map[string]any, kv ...any) map[string]any {
	m := maps.Clone(base)
	if m == nil {
		m = map[string]any{}
	}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
