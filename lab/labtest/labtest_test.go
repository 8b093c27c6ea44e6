package labtest

import (
	"os"
	"reflect"
	"testing"
)

func TestParseHosts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]Host
		wantErr bool
	}{
		{name: "empty", in: "", want: map[string]Host{}},
		{
			name: "two hosts",
			in:   "app1 10.232.0.11 app\ndb1 10.232.0.12 db\n",
			want: map[string]Host{
				"app1": {Name: "app1", Addr: "10.232.0.11", Group: "app"},
				"db1":  {Name: "db1", Addr: "10.232.0.12", Group: "db"},
			},
		},
		{name: "missing group", in: "app1 10.232.0.11\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHosts([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseHosts(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseHosts(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestScriptExists(t *testing.T) {
	fi, err := os.Stat(Script())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable", Script())
	}
}
