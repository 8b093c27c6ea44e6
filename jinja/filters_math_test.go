package jinja

import (
	"strings"
	"testing"
)

// ansibleCase is an expression and what ansible-core 2.14 printed for
// msg="={{ expr }}" (a string, so Ansible's literal_eval keeps Python's str
// of the value), without the "=".
type ansibleCase struct{ expr, want string }

func runAnsibleCases(t *testing.T, vars map[string]any, cases []ansibleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := RenderString("={{ "+tc.expr+" }}", vars)
			if err != nil {
				t.Fatalf("%s: %v", tc.expr, err)
			}
			if got = strings.TrimPrefix(got, "="); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.expr, got, tc.want)
			}
		})
	}
}

// errorCase is an expression Ansible fails on, and a part of play's message.
type errorCase struct{ expr, want string }

func runErrorCases(t *testing.T, vars map[string]any, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := Eval(tc.expr, vars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one containing %q", tc.expr, err, tc.want)
			}
		})
	}
}

func TestMathFilters(t *testing.T) {
	runAnsibleCases(t, nil, []ansibleCase{
		{"2 ** 10", "1024"},
		{"2 ** -1", "0.5"},
		{"2.5 ** 2", "6.25"},
		{"(-2) ** 3", "-8"},
		{"2 ** 0.5", "1.4142135623730951"},
		{"(2 ** 3) | type_debug", "int"},
		{"10 | log", "2.302585092994046"},
		{"100 | log(10)", "2.0"},
		{"8 | log(2)", "3.0"},
		{"1000 | log(10)", "3.0"},
		{"2 | pow(3)", "8.0"},
		{"2 | pow(0.5)", "1.4142135623730951"},
		{"9 | root", "3.0"},
		{"27 | root(3)", "3.0"},
		{"16 | root(4)", "2.0"},
		{"1 | human_readable", "1.00 Bytes"},
		{"1024 | human_readable", "1.00 KB"},
		{"1536 | human_readable", "1.50 KB"},
		{"1048576 | human_readable", "1.00 MB"},
		{"10000000000 | human_readable", "9.31 GB"},
		{"1024 | human_readable(isbits=True)", "1.00 Kb"},
		{"1048576 | human_readable(unit='K')", "1024.00 KB"},
		{"'1K' | human_to_bytes", "1024"},
		{"'1.5 KB' | human_to_bytes", "1536"},
		{"'10M' | human_to_bytes", "10485760"},
		{"'2' | human_to_bytes", "2"},
		{"'2' | human_to_bytes('K')", "2048"},
		{"10 | human_to_bytes('M')", "10485760"},
		{"'1Mb' | human_to_bytes(isbits=True)", "1048576"},
		{"'1 MB' | human_to_bytes", "1048576"},
		{"'1 byte' | human_to_bytes", "1"},
		{"'0.5' | human_to_bytes", "0"},
		{"'1.5' | human_to_bytes", "2"},
		{"'2.5' | human_to_bytes", "2"},
		{"'1 kB' | human_to_bytes", "1024"},
	})
	runErrorCases(t, nil, []errorCase{
		{"'1Kb' | human_to_bytes", "human_to_bytes() can't interpret following string: 1Kb"},
		{"'x' | human_to_bytes", "human_to_bytes() can't interpret following string: x"},
		{"'1 X' | human_to_bytes", "human_to_bytes() can't interpret following string: 1 X"},
		{"'abc' | human_readable", "human_readable() failed on bad input"},
		{"-5 | log", "math domain error"},
		{"0 ** -1", "0.0 cannot be raised to a negative power"},
	})
}
