package modules

import (
	"context"

	"play/connection"
)

// cannedHost answers every script with the next canned result (probe outputs
// captured on a Debian 12 lab host), recording scripts and stdin.
type cannedHost struct {
	results []connection.Result
	scripts []string
	stdins  []string
}

func (h *cannedHost) Run(_ context.Context, script string, stdin []byte) (connection.Result, error) {
	h.scripts = append(h.scripts, script)
	h.stdins = append(h.stdins, string(stdin))
	if len(h.results) == 0 {
		return connection.Result{RC: 99, Stderr: []byte("cannedHost: no result left")}, nil
	}
	r := h.results[0]
	h.results = h.results[1:]
	return r, nil
}

// planCanned decodes args into the named module and plans it against a host
// whose probe prints out.
func planCanned(name string, args map[string]any, out string) (*Plan, *cannedHost, error) {
	h := &cannedHost{results: []connection.Result{{Stdout: []byte(out)}}}
	m, err := New(name, args)
	if err != nil {
		return nil, h, err
	}
	p, err := m.Plan(context.Background(), &Env{Host: h, HostName: "db1", WantDiff: true})
	return p, h, err
}
