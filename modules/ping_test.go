package modules

import (
	"errors"
	"reflect"
	"testing"
)

func TestPing(t *testing.T) {
	tests := []struct {
		args    map[string]any
		want    map[string]any
		failMsg string
	}{
		{args: nil, want: map[string]any{"ping": "pong"}},
		{args: map[string]any{"data": "hello"}, want: map[string]any{"ping": "hello"}},
		{args: map[string]any{"data": "crash"}, failMsg: "MODULE FAILURE\nSee stdout/stderr for the exact error"},
	}
	for _, tt := range tests {
		e := newTestEnv(t)
		p, err := e.plan("ping", tt.args)
		if len(e.host.Scripts) != 1 {
			t.Errorf("%v: %d round trips, want 1", tt.args, len(e.host.Scripts))
		}
		var f *Failure
		if tt.failMsg != "" {
			if !errors.As(err, &f) || f.Msg != tt.failMsg || f.Result["rc"] != 1 {
				t.Errorf("%v: error %#v, want failure %q", tt.args, err, tt.failMsg)
			}
			continue
		}
		if err != nil || p.Changed() || !reflect.DeepEqual(p.Result, tt.want) {
			t.Errorf("%v: %v, changed %v, result %v", tt.args, err, p.Changed(), p.Result)
		}
	}
}
