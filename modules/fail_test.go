package modules

import "testing"

func TestFail(t *testing.T) {
	runLocalCases(t, []localCase{
		{name: "default", module: "fail", failMsg: "Failed as requested from task"},
		{name: "msg", module: "fail", args: map[string]any{"msg": "bad port"}, failMsg: "bad port"},
		{name: "non-string msg", module: "fail", args: map[string]any{"msg": []any{"a"}}, failMsg: "[a]", failRes: map[string]any{"msg": []any{"a"}}},
	})
}
