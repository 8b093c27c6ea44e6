package fnmatch

import "testing"

// Expected values are Python's fnmatch.fnmatchcase on the same inputs.
func TestCompile(t *testing.T) {
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"*.txt", "a.txt", true},
		{"*.txt", "a.txt.bak", false},
		{"?.conf", "b.conf", true},
		{"[ab].*", "b.x", true},
		{"[!ab].*", "b.x", false},
		{"[!ab].*", "c.x", true},
		{"[]x]", "]", true},
		{"[^x]", "^", true},
		{"[a\\]", "\\", true},
		{"a[", "a[", true},
		{"é*", "été", true},
		{"a.b", "axb", false},
		{"web*", "web1\nx", true},
		{"db", "db1", false},
	}
	for _, tt := range tests {
		re, err := Compile(tt.glob)
		if err != nil {
			t.Fatalf("%q: %v", tt.glob, err)
		}
		if got := re.MatchString(tt.name); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tt.name, tt.glob, got, tt.want)
		}
	}
}
