package modules

import "testing"

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want FileState
		err  bool
	}{
		{"uid=0(root) gid=0(root) groups=0(root)", FileState{UID: 0, Owner: "root", GID: 0, Group: "root"}, false},
		{"uid=1000(deploy) gid=1001(staff) groups=1001(staff),27(sudo)", FileState{UID: 1000, Owner: "deploy", GID: 1001, Group: "staff"}, false},
		{"uid=4242 gid=4242 groups=4242", FileState{UID: 4242, Owner: "4242", GID: 4242, Group: "4242"}, false},
		{"id: cannot find name", FileState{}, true},
	}
	for _, tt := range tests {
		got, err := parseID(tt.in)
		if (err != nil) != tt.err || got.UID != tt.want.UID || got.Owner != tt.want.Owner || got.GID != tt.want.GID || got.Group != tt.want.Group {
			t.Errorf("parseID(%q) = %+v, %v; want %+v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
