package runner

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"play/playbooks"
)

func TestPromptVars(t *testing.T) {
	questions := []any{
		map[string]any{"name": "user", "prompt": "{{ label }}", "default": "bob", "private": false}, // templated with play vars
		map[string]any{"name": "pass", "prompt": "Password", "confirm": true},
		map[string]any{"name": "given"},
	}
	cases := []struct {
		name    string
		answers []string // nil: no terminal
		want    map[string]any
		asked   []string
		err     string
	}{
		{"terminal, confirm retried", []string{"", "s1", "s2", "s3", "s3"},
			map[string]any{"user": "bob", "pass": "s3"},
			[]string{"User [bob]: /false", "Password: /true", "confirm Password: /true", "Password: /true", "confirm Password: /true"}, ""},
		{"no terminal, no default", nil, nil, nil, "vars_prompt pass needs an answer but no terminal is attached"},
		{"terminal fails", []string{}, nil, []string{"User [bob]: /false"}, "vars_prompt user: EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			opts := Options{ExtraVars: map[string]any{"given": 1}}
			if tc.answers != nil {
				answers := tc.answers
				opts.Prompt = func(prompt string, private bool) (string, error) {
					asked = append(asked, prompt+"/"+map[bool]string{true: "true", false: "false"}[private])
					if len(answers) == 0 {
						return "", errors.New("EOF")
					}
					a := answers[0]
					answers = answers[1:]
					return a, nil
				}
			}
			r := New(opts)
			got, err := r.promptVars(&playbooks.Play{VarsPrompt: questions, Vars: map[string]any{"label": "User"}})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
			} else if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
			if !reflect.DeepEqual(asked, tc.asked) {
				t.Errorf("asked %q, want %q", asked, tc.asked)
			}
		})
	}
	r := New(Options{})
	_, err := r.promptVars(&playbooks.Play{VarsPrompt: []any{map[string]any{"name": "h", "encrypt": "sha512_crypt", "default": "x"}}})
	if err == nil || !strings.Contains(err.Error(), "password_hash('sha512_crypt')") {
		t.Errorf("encrypt: err = %v", err)
	}
}
