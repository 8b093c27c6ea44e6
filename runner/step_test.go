package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"play/inventory"
	"play/playbooks"
)

// --step: "n" skips a task, "y" runs it, "c" runs it and the rest unasked.
func TestStep(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "step.yml")
	if err := os.WriteFile(pb, []byte("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=one\n    - debug: msg=two\n    - debug: msg=three\n    - debug: msg=four\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	book, err := playbooks.Load(pb)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load([]string{"localhost,"})
	if err != nil {
		t.Fatal(err)
	}
	answers := []string{"n", "y", "c"}
	var asked []string
	var out strings.Builder
	r := New(Options{Inventory: inv, ConnectionType: "local", Out: &out, Step: true, Prompt: func(q string, _ bool) (string, error) {
		asked = append(asked, q)
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}})
	if err := r.Run(context.Background(), book); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 3 || asked[0] != "Perform task: TASK: debug (N)o/(y)es/(c)ontinue: " {
		t.Errorf("asked %q", asked)
	}
	for msg, ran := range map[string]bool{"one": false, "two": true, "three": true, "four": true} {
		if got := strings.Contains(out.String(), `"msg": "`+msg+`"`); got != ran {
			t.Errorf("task %s ran = %v, want %v\n%s", msg, got, ran, out.String())
		}
	}
}
