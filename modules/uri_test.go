package modules

import (
	"reflect"
	"testing"
)

func TestURI(t *testing.T) {
	srv, seen := fileServer(t, map[string]string{"/api": `{"ok": true, "n": [1, 2]}`, "/text": "hello"})
	e := newTestEnv(t)
	tests := []struct {
		args map[string]any
		want map[string]any
		fail string
	}{
		{map[string]any{"url": srv.URL + "/text", "return_content": true},
			map[string]any{"status": 200, "content": "hello", "msg": "OK (5 bytes)", "redirected": false, "changed": false}, ""},
		{map[string]any{"url": srv.URL + "/api", "method": "POST", "body_format": "json", "body": map[string]any{"a": 1}},
			map[string]any{"status": 200, "json": map[string]any{"ok": true, "n": []any{1, 2}}, "content_type": "application/json"}, ""},
		{map[string]any{"url": srv.URL + "/nope"}, nil, "Status code was 404 and not [200]: HTTP Error 404: Not Found"},
		{map[string]any{"url": srv.URL + "/nope", "status_code": []any{404, 200}}, map[string]any{"status": 404}, ""},
		{map[string]any{"url": srv.URL + "/text", "creates": "$DIR"}, map[string]any{"stdout": "skipped, since '$DIR' exists"}, ""},
	}
	for _, tt := range tests {
		p, err := e.plan("uri", tt.args)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changed() || !p.SkipInCheck {
			t.Errorf("%v: uri must be unchanged and skipped in check mode", tt.args)
		}
		res, err := e.apply(p)
		if failure(err) != tt.fail {
			t.Errorf("%v: error %q, want %q", tt.args, failure(err), tt.fail)
		}
		for k, want := range tt.want {
			if s, ok := want.(string); ok {
				want = e.expand(s)
			}
			if !reflect.DeepEqual(res[k], want) {
				t.Errorf("%v: %s = %#v, want %#v", tt.args, k, res[k], want)
			}
		}
	}
	if got := (*seen)[1].Get("Content-Type"); got != "application/json" {
		t.Errorf("json body sent as %q", got)
	}
	if _, err := New("uri", map[string]any{"url": "x", "method": "get"}); failure(err) != "Parameter 'method' needs to be a single word in uppercase, like GET or POST." {
		t.Errorf("lower-case method: %v", err)
	}
}
