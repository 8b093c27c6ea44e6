package modules

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "rabbitmq_user", New: func() Module { return &RabbitmqUser{} }})
	RegisterAlias("community.rabbitmq.rabbitmq_user", "rabbitmq_user")
}

// RabbitmqUser adds or removes a RabbitMQ user with its tags and
// permissions, like community.rabbitmq.rabbitmq_user (RabbitMQ 3.7.6+).
type RabbitmqUser struct {
	// User is the user name.
	User string `arg:"user,required" aliases:"username,name"`
	// Password is set when the user is created (or always, see update_password);
	// none clears it.
	Password *string `arg:"password"`
	// Tags are the user's tags, comma-separated (administrator, monitoring...).
	Tags string `arg:"tags"`
	// Permissions are dicts of vhost, configure_priv, write_priv, read_priv;
	// permissions on other vhosts are cleared. Without it, vhost and the
	// *_priv arguments set one vhost's permissions.
	Permissions []any `arg:"permissions"`
	// Vhost is the vhost configure_priv, write_priv and read_priv apply to.
	Vhost string `arg:"vhost"`
	// ConfigurePriv is the configure permission's regular expression.
	ConfigurePriv string `arg:"configure_priv"`
	// WritePriv is the write permission's regular expression.
	WritePriv string `arg:"write_priv"`
	// ReadPriv is the read permission's regular expression.
	ReadPriv string `arg:"read_priv"`
	// TopicPermissions are dicts of vhost, exchange, write_priv, read_priv;
	// the others are cleared.
	TopicPermissions []any `arg:"topic_permissions"`
	// Force deletes and recreates an existing user.
	Force bool `arg:"force"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// Node is the Erlang node name of the broker.
	Node string `arg:"node"`
	// UpdatePassword is on_create or always (checks the password by
	// authenticating and changes it when that fails).
	UpdatePassword string `arg:"update_password" choices:"on_create,always"`

	perms, topics map[string]rabbitmqPerm
	bulk          bool
}

// rabbitmqPerm is one vhost's (or vhost and exchange's) permissions, as
// rabbitmqctl's JSON lists them.
type rabbitmqPerm struct {
	Vhost     string `json:"vhost"`
	Exchange  string `json:"exchange"`
	Configure string `json:"configure"`
	Write     string `json:"write"`
	Read      string `json:"read"`
}

// rabbitmqUserEntry is a user as list_users prints it.
type rabbitmqUserEntry struct {
	User string `json:"user"`
	Tags any    `json:"tags"` // a list; "[a, b]" from older brokers
}

func (p rabbitmqPerm) key() string { return p.Vhost + "\x00" + p.Exchange }

// Validate applies the defaults and normalizes the permissions.
func (m *RabbitmqUser) Validate() error {
	m.State = cmp.Or(m.State, "present")
	m.Node = cmp.Or(m.Node, "rabbit")
	m.UpdatePassword = cmp.Or(m.UpdatePassword, "on_create")
	m.perms, m.topics, m.bulk = map[string]rabbitmqPerm{}, map[string]rabbitmqPerm{}, len(m.Permissions) > 0
	if !m.bulk {
		m.Permissions = []any{map[string]any{"vhost": cmp.Or(m.Vhost, "/"), "configure_priv": cmp.Or(m.ConfigurePriv, "^$"),
			"write_priv": cmp.Or(m.WritePriv, "^$"), "read_priv": cmp.Or(m.ReadPriv, "^$")}}
	}
	for _, raw := range m.Permissions {
		p, err := rabbitmqPermOf(raw, "/", "")
		if err != nil {
			return err
		}
		if _, dup := m.perms[p.key()]; dup {
			return errors.New("Error parsing vhost permissions: You can't have two permission dicts for the same vhost")
		}
		if p.Vhost == "" {
			return errors.New("Error parsing vhost permissions: You can'thave an empty vhost when setting permissions")
		}
		m.perms[p.key()] = p
	}
	for _, raw := range m.TopicPermissions {
		p, err := rabbitmqPermOf(raw, "/", "amq.topic")
		if err != nil {
			return err
		}
		if _, dup := m.topics[p.key()]; dup {
			return errors.New("Error parsing vhost topic_permissions: You can't have two topic permission dicts for the same vhost and the same exchange")
		}
		m.topics[p.key()] = p
	}
	return nil
}

// rabbitmqPermOf reads a permissions dict, whose keys may carry a _priv suffix.
func rabbitmqPermOf(raw any, vhost, exchange string) (rabbitmqPerm, error) {
	d, err := ToMap(raw)
	if err != nil {
		return rabbitmqPerm{}, fmt.Errorf("permissions: %w", err)
	}
	get := func(name, def string) string {
		for _, k := range []string{name, name + "_priv"} {
			if v, ok := d[k]; ok {
				s, _ := ToString(v)
				return s
			}
		}
		return def
	}
	return rabbitmqPerm{Vhost: get("vhost", vhost), Exchange: get("exchange", exchange),
		Configure: get("configure", ""), Write: get("write", ""), Read: get("read", "")}, nil
}

// Plan lists the users, and the user's permissions and topic permissions;
// with update_password=always it tries to authenticate.
func (m *RabbitmqUser) Plan(ctx context.Context, env *Env) (*Plan, error) {
	ctl := func(args ...string) string { return rabbitmqctl(m.Node, append(args, "--formatter", "json")...) }
	script := requireTools("rabbitmqctl") + section("users") + "\n" + ctl("list_users") + "\n" +
		fmt.Sprintf("if p=$(%s 2>/dev/null); then %s; echo \"$p\"; fi\n", ctl("list_user_permissions", m.User), section("perms")) +
		fmt.Sprintf("if p=$(%s 2>/dev/null); then %s; echo \"$p\"; fi\n", ctl("list_user_topic_permissions", m.User), section("topics"))
	if m.UpdatePassword == "always" && m.State == "present" && !m.Force {
		password := ""
		if m.Password != nil {
			password = *m.Password
		}
		script += fmt.Sprintf("if %s >/dev/null 2>&1; then %s; fi\n", rabbitmqctl(m.Node, "authenticate_user", m.User, password), section("authenticated"))
	}
	obs, err := observe(ctx, env.Host, "rabbitmq users", script)
	if err != nil {
		return nil, err
	}
	p, err := m.plan(obs)
	if p != nil {
		// Like Ansible's module, which does not support check mode.
		p.SkipInCheck, p.SkipInCheckMsg = true, "remote module (rabbitmq_user) does not support check mode"
	}
	return p, err
}

// plan runs the rabbitmqctl commands Ansible's module would, in its order.
func (m *RabbitmqUser) plan(obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	var users []rabbitmqUserEntry
	if err := json.Unmarshal([]byte(obs["users"]), &users); err != nil {
		return nil, Failf("cannot read rabbitmqctl list_users: %v", err)
	}
	i := slices.IndexFunc(users, func(u rabbitmqUserEntry) bool { return u.User == m.User })
	exists, fresh := i >= 0, i < 0
	var tags []string
	var perms, topics map[string]rabbitmqPerm
	if exists {
		tags = rabbitmqTags(users[i].Tags)
		var err error
		if perms, err = rabbitmqPerms(obs["perms"]); err != nil {
			return nil, err
		}
		if topics, err = rabbitmqPerms(obs["topics"]); err != nil {
			return nil, err
		}
	}
	var cmds []string
	switch {
	case exists && m.State == "absent":
		cmds = append(cmds, rabbitmqctl(m.Node, "delete_user", m.User))
	case m.State == "present":
		if exists && m.Force {
			cmds = append(cmds, rabbitmqctl(m.Node, "delete_user", m.User))
			exists, tags, perms, topics = false, nil, map[string]rabbitmqPerm{}, map[string]rabbitmqPerm{}
		}
		if !exists {
			cmds = append(cmds, m.setPassword("add_user")...)
		} else if m.UpdatePassword == "always" && !obs.Has("authenticated") {
			cmds = append(cmds, m.setPassword("change_password")...)
		}
		cmds = append(cmds, m.converge(fresh, tags, perms, topics)...)
	}
	return &Plan{Steps: rabbitmqStep("rabbitmqctl exited with non-zero code: ", cmds), Result: map[string]any{"user": m.User, "state": m.State}}, nil
}

// setPassword adds the user or changes its password; no password clears it.
func (m *RabbitmqUser) setPassword(verb string) []string {
	switch {
	case verb == "add_user" && (m.Password == nil || *m.Password == ""):
		return []string{rabbitmqctl(m.Node, "add_user", m.User, ""), rabbitmqctl(m.Node, "clear_password", m.User)}
	case m.Password == nil || *m.Password == "":
		return []string{rabbitmqctl(m.Node, "clear_password", m.User)}
	}
	return []string{rabbitmqctl(m.Node, verb, m.User, *m.Password)}
}

// converge sets the tags and permissions that differ (all of them for a new
// user); without bulk permissions only the one vhost's are compared.
func (m *RabbitmqUser) converge(created bool, tags []string, perms, topics map[string]rabbitmqPerm) []string {
	var cmds []string
	want := m.tagList()
	if created || !sameSet(want, tags) {
		cmds = append(cmds, rabbitmqctl(m.Node, append([]string{"set_user_tags", m.User}, want...)...))
	}
	if !m.bulk {
		only := map[string]rabbitmqPerm{}
		for k := range m.perms {
			if p, ok := perms[k]; ok {
				only[k] = p
			}
		}
		perms = only
	}
	for _, k := range slices.Sorted(maps.Keys(perms)) {
		if _, ok := m.perms[k]; !ok {
			cmds = append(cmds, rabbitmqctl(m.Node, "clear_permissions", "-p", perms[k].Vhost, m.User))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.perms)) {
		if p := m.perms[k]; perms[k] != p {
			cmds = append(cmds, rabbitmqctl(m.Node, "set_permissions", "-p", p.Vhost, m.User, p.Configure, p.Write, p.Read))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(topics)) {
		if _, ok := m.topics[k]; !ok {
			cmds = append(cmds, rabbitmqctl(m.Node, "clear_topic_permissions", "-p", topics[k].Vhost, m.User, topics[k].Exchange))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.topics)) {
		if p := m.topics[k]; topics[k] != p {
			cmds = append(cmds, rabbitmqctl(m.Node, "set_topic_permissions", "-p", p.Vhost, m.User, p.Exchange, p.Write, p.Read))
		}
	}
	return cmds
}

// tagList is tags as a list, spaces removed.
func (m *RabbitmqUser) tagList() []string {
	if m.Tags == "" {
		return []string{}
	}
	return strings.Split(strings.ReplaceAll(m.Tags, " ", ""), ",")
}

// sameSet compares two lists as sets.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}

// rabbitmqTags reads list_users' tags: a list, or "[a, b]" from older brokers.
func rabbitmqTags(v any) []string {
	var tags []string
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			s, _ := ToString(x)
			tags = append(tags, s)
		}
	case string:
		for _, s := range strings.Split(strings.Trim(strings.ReplaceAll(t, " ", ""), "[]"), ",") {
			if s != "" {
				tags = append(tags, s)
			}
		}
	}
	return tags
}

// rabbitmqPerms reads list_user_permissions' or list_user_topic_permissions' JSON.
func rabbitmqPerms(out string) (map[string]rabbitmqPerm, error) {
	perms := map[string]rabbitmqPerm{}
	if strings.TrimSpace(out) == "" {
		return perms, nil
	}
	var list []rabbitmqPerm
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, Failf("cannot read rabbitmqctl's permissions: %v", err)
	}
	for _, p := range list {
		perms[p.key()] = p
	}
	return perms, nil
}

var _ Validator = (*RabbitmqUser)(nil)
