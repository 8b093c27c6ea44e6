package modules

import "testing"

func TestAssert(t *testing.T) {
	vars := map[string]any{"yes_": true, "no_": false, "port": 8080}
	runLocalCases(t, []localCase{
		{name: "all pass", module: "assert", args: map[string]any{"that": []any{"yes_", "port == 8080"}}, vars: vars,
			want: map[string]any{"msg": "All assertions passed", "_verbose_always": true}},
		{name: "one string, quiet, success_msg", module: "assert", args: map[string]any{"that": "yes_", "quiet": true, "success_msg": "fine"}, vars: vars,
			want: map[string]any{"msg": "fine"}},
		{name: "first false fails", module: "assert", args: map[string]any{"that": []any{"yes_", "port > 9000", "undefined_one"}}, vars: vars,
			failMsg: "Assertion failed", failRes: map[string]any{"assertion": "port > 9000", "evaluated_to": false, "_verbose_always": true}},
		{name: "fail_msg", module: "assert", args: map[string]any{"that": "no_", "fail_msg": "port is wrong"}, vars: vars,
			failMsg: "port is wrong", failRes: map[string]any{"assertion": "no_", "msg": "port is wrong"}},
		{name: "msg list", module: "assert", args: map[string]any{"that": "no_", "msg": []any{"a", "b"}}, vars: vars,
			failMsg: "a\nb", failRes: map[string]any{"msg": []any{"a", "b"}}},
		{name: "evaluation error (ansible-playbook 2.14's text)", module: "assert", args: map[string]any{"that": "nope"}, vars: vars,
			err: "The conditional check 'nope' failed. The error was: error while evaluating conditional (nope): 'nope' is undefined. 'nope' is undefined"},
		{name: "no that", module: "assert", args: map[string]any{"fail_msg": "x"}, err: "missing required arguments: that"},
		{name: "empty that", module: "assert", args: map[string]any{"that": []any{}}, err: `conditional required in "that" string`},
		{name: "bad msg type", module: "assert", args: map[string]any{"that": "x", "msg": map[string]any{"a": 1}}, err: "Incorrect type for fail_msg or msg, expected a string or list and got dict"},
	})
}
