package modules

import (
	"reflect"
	"testing"
)

// sectionPlanner is a module whose plan is a pure function of its observation.
type sectionPlanner interface {
	plan(s Sections) (*Plan, error)
}

// planFrom decodes a module's args and plans it from an observation script's
// output (captured on a Debian 12 lab host).
func planFrom(t *testing.T, name string, args map[string]any, out string) (*Plan, error) {
	t.Helper()
	m, err := New(name, args)
	if err != nil {
		return nil, err
	}
	return m.(sectionPlanner).plan(parseSections(out))
}

// wantPlanErr checks a case's error against want ("" expects none) and says
// whether the case ends there (it expected an error).
func wantPlanErr(t *testing.T, err error, want string) bool {
	t.Helper()
	if want != "" {
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %q", err, want)
		}
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}

func TestParseSections(t *testing.T) {
	out := "noise\n::play:: a\none\ntwo\n::play:: empty\n::play:: b\nlast"
	want := Sections{"a": "one\ntwo\n", "empty": "", "b": "last"}
	got := parseSections(out)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseSections = %#v, want %#v", got, want)
	}
	if !got.Has("empty") || got.Has("c") || got.Line("a") != "one\ntwo" {
		t.Errorf("Has/Line disagree with %#v", got)
	}
}
