package modules

import (
	"context"

	"play/connection"

	"play/modules/modtest"
)

// planCanned decodes args into the named module and plans it against a host
// whose probe prints out.
func planCanned(name string, args map[string]any, out string) (*Plan, *modtest.Canned, error) {
	h := &modtest.Canned{Outputs: []connection.Result{modtest.Stdout(out)}}
	m, err := New(name, args)
	if err != nil {
		return nil, h, err
	}
	p, err := m.Plan(context.Background(), &Env{Host: h, HostName: "db1", WantDiff: true})
	return p, h, err
}
