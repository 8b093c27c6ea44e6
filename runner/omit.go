package runner

import "play/internal/keyorder"

// withoutOmit drops what was rendered to omit, as Ansible's remove_omit does:
// the value itself, dict entries at any depth, and entries of dicts inside
// lists. A list element that is omit itself stays (Ansible keeps it too).
func withoutOmit(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return v, x != omitToken
	case map[string]any:
		out := keyorder.NewBuilder[map[string]any](len(x))
		for _, k := range keyorder.Keys(x) {
			if kept, ok := withoutOmit(x[k]); ok {
				out.Set(k, kept)
			}
		}
		return out.Map(), true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
			if m, ok := e.(map[string]any); ok {
				out[i], _ = withoutOmit(m)
			}
		}
		return out, true
	}
	return v, true
}
