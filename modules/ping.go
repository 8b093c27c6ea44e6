package modules

import "context"

func init() {
	Register(Info{Name: "ping", New: func() Module { return &Ping{} }})
}

// Ping checks the host answers: one round trip running `true`.
type Ping struct {
	// Data is returned as "ping" (default "pong"); "crash" fails the task,
	// like Ansible's module raising an exception.
	Data *string `arg:"data"`
}

// Plan runs `true` on the host.
func (p *Ping) Plan(ctx context.Context, env *Env) (*Plan, error) {
	out, err := env.Host.Run(ctx, "true", nil)
	if err != nil {
		return nil, err
	}
	if out.RC != 0 {
		return nil, Failf("ping: the host's shell cannot run `true` (rc %d): %s", out.RC, out.Stderr)
	}
	data := "pong"
	if p.Data != nil {
		data = *p.Data
	}
	if data == "crash" {
		return nil, &Failure{Msg: "MODULE FAILURE\nSee stdout/stderr for the exact error",
			Result: map[string]any{"module_stderr": "Exception: boom\n", "module_stdout": "", "rc": 1}}
	}
	return &Plan{Result: map[string]any{"ping": data}}, nil
}
