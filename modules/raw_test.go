package modules

import (
	"errors"
	"reflect"
	"testing"
)

func TestRaw(t *testing.T) {
	tests := []struct {
		args    map[string]any
		want    map[string]any
		failed  bool
		wantErr string
	}{
		{args: map[string]any{"_raw_params": "echo hi; echo err >&2"},
			want: map[string]any{"rc": 0, "stdout": "hi\n", "stdout_lines": []string{"hi"}, "stderr": "err\n", "stderr_lines": []string{"err"}, "changed": true}},
		{args: map[string]any{"_raw_params": "echo hi; exit 3"}, failed: true,
			want: map[string]any{"rc": 3, "stdout": "hi\n", "stdout_lines": []string{"hi"}, "stderr": "", "stderr_lines": []string{}, "changed": true}},
		{args: map[string]any{"_raw_params": `echo "${BASH_VERSION:+bash}"`, "executable": "/bin/bash"},
			want: map[string]any{"rc": 0, "stdout": "bash\n", "stdout_lines": []string{"bash"}, "stderr": "", "stderr_lines": []string{}, "changed": true}},
		{args: map[string]any{"_raw_params": " "}, wantErr: "raw: no command given"},
	}
	for _, tt := range tests {
		p, res, err := runCommand(newTestEnv(t), "raw", tt.args)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		var f *Failure
		if tt.failed {
			if !errors.As(err, &f) || f.Msg != "non-zero return code" {
				t.Fatalf("%v: error %v, want non-zero return code", tt.args, err)
			}
			res = f.Result
		} else if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if !p.SkipInCheck || !reflect.DeepEqual(res, tt.want) {
			t.Errorf("%v: SkipInCheck %v result %#v, want %#v", tt.args, p.SkipInCheck, res, tt.want)
		}
	}
}
