package modules

import (
	"context"
	"strings"
)

func init() {
	Register(Info{Name: "rabbitmq_vhost", New: func() Module { return &RabbitmqVhost{} }})
	RegisterAlias("community.rabbitmq.rabbitmq_vhost", "rabbitmq_vhost")
}

// RabbitmqVhost adds or removes a RabbitMQ virtual host and sets its
// tracing, like community.rabbitmq.rabbitmq_vhost.
type RabbitmqVhost struct {
	// Name is the vhost.
	Name string `arg:"name,required" aliases:"vhost"`
	// Node is the Erlang node name of the broker.
	Node string `arg:"node"`
	// Tracing turns the firehose tracer on for the vhost.
	Tracing bool `arg:"tracing" aliases:"trace"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
}

// Validate applies the defaults.
func (m *RabbitmqVhost) Validate() error {
	if m.State == "" {
		m.State = "present"
	}
	if m.Node == "" {
		m.Node = "rabbit"
	}
	return nil
}

// Plan lists the vhosts with their tracing.
func (m *RabbitmqVhost) Plan(ctx context.Context, env *Env) (*Plan, error) {
	obs, err := observe(ctx, env.Host, "rabbitmq vhosts",
		requireTools("rabbitmqctl")+section("vhosts")+"\n"+rabbitmqctl(m.Node, "list_vhosts", "name", "tracing")+"\n")
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// plan adds, removes or retraces the vhost.
func (m *RabbitmqVhost) plan(obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	exists, tracing := false, false
	for _, l := range obs.Lines("vhosts") {
		name, trace, ok := strings.Cut(l, "\t")
		if ok && name == m.Name {
			exists = true
			tracing, _ = ToBool(strings.TrimSpace(trace))
			break
		}
	}
	var cmds []string
	switch {
	case exists && m.State == "absent":
		cmds = append(cmds, rabbitmqctl(m.Node, "delete_vhost", m.Name))
	case !exists && m.State == "present":
		cmds = append(cmds, rabbitmqctl(m.Node, "add_vhost", m.Name))
	}
	if m.State == "present" && m.Tracing != tracing {
		verb := "trace_off"
		if m.Tracing {
			verb = "trace_on"
		}
		cmds = append(cmds, rabbitmqctl(m.Node, verb, "-p", m.Name))
	}
	return &Plan{Steps: rabbitmqStep("", cmds), Result: map[string]any{"name": m.Name, "state": m.State}}, nil
}

var _ Validator = (*RabbitmqVhost)(nil)
