package runner

import (
	"fmt"

	"play/playbooks"
)

// connectionKeywords are the connection, remote_user and port keywords that
// apply to a task: the task's own, else its blocks', else the play's.
func connectionKeywords(pc *playCtx, sc *scope, t *playbooks.Task) map[string]string {
	keywords := map[string]func(*playbooks.Task) string{
		"ansible_connection": func(t *playbooks.Task) string { return t.Connection },
		"ansible_user":       func(t *playbooks.Task) string { return t.RemoteUser },
		"ansible_port":       func(t *playbooks.Task) string { return keywordText(t.Port) },
	}
	play := map[string]string{
		"ansible_connection": pc.play.Connection,
		"ansible_user":       pc.play.RemoteUser,
		"ansible_port":       keywordText(pc.play.Port),
	}
	out := map[string]string{}
	for name, get := range keywords {
		value := ""
		if t != nil {
			if v := sc.keyword(t, func(t *playbooks.Task) any {
				if s := get(t); s != "" {
					return s
				}
				return nil
			}); v != nil {
				value = v.(string)
			}
		}
		if value = firstNonEmpty(value, play[name]); value != "" {
			out[name] = value
		}
	}
	return out
}

// applyConnectionKeywords exposes the keywords as the variables Ansible
// shows them as (ansible_connection, ansible_user, ansible_port). A host's
// own connection variables win over keywords, and keywords over -c, as in
// Ansible.
func (r *Runner) applyConnectionKeywords(v map[string]any, keywords map[string]string) {
	for name, value := range keywords {
		if _, set := v[name]; !set {
			v[name] = value
		}
	}
	if _, set := v["ansible_connection"]; !set && r.opts.ConnectionType != "" {
		v["ansible_connection"] = r.opts.ConnectionType
	}
}

// keywordText is a scalar keyword (port: 2222 or "{{ p }}") as text.
func keywordText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
