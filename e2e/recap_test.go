package e2e

import (
	"reflect"
	"testing"
)

func TestParseRecap(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want map[string]Recap
	}{
		{name: "no recap", out: "PLAY [all] ***\n", want: map[string]Recap{}},
		{
			name: "ansible-playbook's spacing",
			out: "PLAY RECAP *********************************************************************\n" +
				"app1                       : ok=3    changed=2    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   \n" +
				"db1                        : ok=1    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=2   \n",
			want: map[string]Recap{
				"app1": {Ok: 3, Changed: 2, Skipped: 1},
				"db1":  {Ok: 1, Unreachable: 1, Ignored: 2},
			},
		},
		{
			name: "single spaces",
			out:  "web1 : ok=10 changed=0 unreachable=0 failed=1 skipped=0 rescued=1 ignored=0\n",
			want: map[string]Recap{"web1": {Ok: 10, Failed: 1, Rescued: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseRecap(tt.out); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRecap() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
