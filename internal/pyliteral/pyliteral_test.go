package pyliteral

import (
	"reflect"
	"testing"
)

func TestParseJSONNames(t *testing.T) {
	for _, tt := range []struct {
		in        string
		jsonNames bool
		want      any
		ok        bool
	}{
		{`{"a": true, "b": [null, false]}`, true, map[string]any{"a": true, "b": []any{nil, false}}, true},
		{`{"a": true}`, false, nil, false},
		{`[True, None]`, true, []any{true, nil}, true},
		{`{'k': 'v'}` + "\n", false, map[string]any{"k": "v"}, true},
		{`trueish`, true, nil, false},
		{`[1, 2] x`, true, nil, false},
	} {
		got, ok := Parse(tt.in, tt.jsonNames)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q, %v) = %#v, %v; want %#v, %v", tt.in, tt.jsonNames, got, ok, tt.want, tt.ok)
		}
	}
}
