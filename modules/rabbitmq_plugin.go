package modules

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "rabbitmq_plugin", New: func() Module { return &RabbitmqPlugin{} }})
	RegisterAlias("community.rabbitmq.rabbitmq_plugin", "rabbitmq_plugin")
}

// RabbitmqPlugin enables or disables RabbitMQ plugins, like
// community.rabbitmq.rabbitmq_plugin.
type RabbitmqPlugin struct {
	// Names are the plugins, comma-separated.
	Names string `arg:"names,required" aliases:"name"`
	// NewOnly only enables missing plugins, never disabling the others.
	NewOnly bool `arg:"new_only"`
	// State is enabled or disabled. Enabled without new_only disables every
	// other explicitly enabled plugin.
	State string `arg:"state" choices:"enabled,disabled"`
	// BrokerState says whether the change needs the broker online or offline.
	BrokerState string `arg:"broker_state" choices:"online,offline"`
	// Prefix is RabbitMQ's install prefix; rabbitmq-plugins is in its bin or sbin.
	Prefix string `arg:"prefix"`
}

// Validate applies the defaults.
func (m *RabbitmqPlugin) Validate() error {
	if m.State == "" {
		m.State = "enabled"
	}
	if m.BrokerState == "" {
		m.BrokerState = "online"
	}
	return nil
}

// Plan lists the explicitly enabled plugins.
func (m *RabbitmqPlugin) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := requireTools("rabbitmq-plugins") + fmt.Sprintf("%s\nrabbitmq-plugins list -E -m -q\n", section("enabled"))
	if m.Prefix != "" {
		script = fmt.Sprintf("for d in bin sbin; do if [ -d %s/$d ]; then PATH=%[1]s/$d:$PATH; break; fi; done\n", Quote(m.Prefix)) +
			fmt.Sprintf("[ -d %s/bin ] || [ -d %[1]s/sbin ] || { %s; exit 0; }\n", Quote(m.Prefix), section("noprefix")) + script
	}
	obs, err := observe(ctx, env.Host, "rabbitmq plugins", script)
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// plan compares the enabled plugins with names, as Ansible does.
func (m *RabbitmqPlugin) plan(obs Sections) (*Plan, error) {
	if obs.Has("noprefix") {
		return nil, Failf("No binary folder in prefix %s", m.Prefix)
	}
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	var current []string
	for _, l := range strings.Split(obs["enabled"], "\n") {
		if l = strings.TrimSpace(l); l == "" {
			break
		}
		current = append(current, l)
	}
	names := strings.Split(m.Names, ",")
	enabled, disabled := []string{}, []string{}
	if m.State == "enabled" {
		if !m.NewOnly {
			for _, p := range current {
				// A line with a space is a message, not a plugin.
				if !strings.Contains(p, " ") && !slices.Contains(names, p) {
					disabled = append(disabled, p)
				}
			}
		}
		for _, n := range names {
			if !slices.Contains(current, n) {
				enabled = append(enabled, n)
			}
		}
	} else {
		for _, p := range current {
			if slices.Contains(names, p) {
				disabled = append(disabled, p)
			}
		}
	}
	var cmds []string
	for _, p := range disabled {
		cmds = append(cmds, "rabbitmq-plugins disable "+quoteWords([]string{"--" + m.BrokerState, p}))
	}
	for _, p := range enabled {
		cmds = append(cmds, "rabbitmq-plugins enable "+quoteWords([]string{"--" + m.BrokerState, p}))
	}
	return &Plan{Steps: rabbitmqStep("", cmds), Result: map[string]any{"enabled": enabled, "disabled": disabled}}, nil
}

var _ Validator = (*RabbitmqPlugin)(nil)
