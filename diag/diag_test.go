package diag

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDetailPointsAtTheColumn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "site.yml")
	if err := os.WriteFile(file, []byte("- hosts: all\n  tasks:\n    - debug: msg=x\n      whne: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := Errorf(Pos{File: file, Line: 4, Col: 7}, "'whne' is not a valid attribute for a Task").WithHint("did you mean `when`?")
	want := "'whne' is not a valid attribute for a Task\n\nThe error appears to be in '" + file + ":4:7', but may\n" +
		"be elsewhere in the file depending on the exact syntax problem.\n\nThe offending line appears to be:\n\n" +
		"      whne: true\n      ^ here\nHint: did you mean `when`?"
	if got := e.Detail(); got != want {
		t.Errorf("Detail:\n%s\nwant:\n%s", got, want)
	}
	if got, want := e.Error(), file+":4:7: 'whne' is not a valid attribute for a Task (did you mean `when`?)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{}, ""},
		{Pos{File: "a.yml"}, "a.yml"},
		{Pos{File: "a.yml", Line: 3}, "a.yml:3"},
		{Pos{File: "a.yml", Line: 3, Col: 5}, "a.yml:3:5"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keywords := []string{"when", "name", "register", "notify", "become"}
	tests := []struct{ word, want string }{
		{"whne", "when"},
		{"regsiter", "register"},
		{"Notfy", "notify"},
		{"completely_different", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, keywords); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
