package inventory

import (
	"go.yaml.in/yaml/v3"

	"play/diag"
)

// groupKeys are the only keys a YAML inventory group may have.
var groupKeys = []string{"hosts", "vars", "children"}

func looksLikeYAMLInventory(path string) bool {
	top, err := readYAML(path)
	return err == nil && top != nil && top.Kind == yaml.MappingNode
}

// readYAMLInventory reads a YAML inventory: a mapping of group names (often
// just "all") to groups with hosts:, vars: and children:.
func (inv *Inventory) readYAMLInventory(path string, src source) error {
	top, err := readYAML(path)
	if err != nil {
		return err
	}
	if top == nil { // an empty inventory, as Ansible's ini plugin reads it
		return nil
	}
	if top.Kind != yaml.MappingNode {
		return diag.Errorf(nodePos(path, top), "a YAML inventory must be a mapping of group names, found %s", describeNode(top)).
			WithHint("start the file with `all:` and put hosts under `all: {hosts: {web1: }}`")
	}
	r := yamlReader{inv: inv, file: path, src: src}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i]
		if k.Value == "plugin" {
			return diag.Errorf(nodePos(path, k), "this is an inventory plugin configuration, not a YAML inventory").
				WithHint("inventory plugins are not supported; list the hosts in a YAML or INI inventory")
		}
		if _, err := r.group(k, top.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

type yamlReader struct {
	inv  *Inventory
	file string
	src  source
}

// group reads one group definition (a mapping or null) and returns it.
func (r yamlReader) group(name, body *yaml.Node) (*Group, error) {
	body = resolveAlias(body)
	if body.Tag != "!!null" && body.Kind != yaml.MappingNode {
		return nil, diag.Errorf(nodePos(r.file, body), "group %q must be a mapping with hosts:, vars: or children:, found %s", name.Value, describeNode(body)).
			WithHint("write `%s:` followed by an indented `hosts:` mapping, e.g. `hosts: {web1: }`", name.Value)
	}
	if name.Value == "" {
		return nil, diag.Errorf(nodePos(r.file, name), "a group name cannot be empty").WithHint("name the group")
	}
	g := r.inv.group(name.Value)
	for i := 0; i+1 < len(body.Content); i += 2 {
		key, val := body.Content[i], resolveAlias(body.Content[i+1])
		if err := r.section(g, key, val); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// section reads a group's hosts:, vars: or children:. A string stands for
// a mapping with that one key, as in Ansible.
func (r yamlReader) section(g *Group, key, val *yaml.Node) error {
	if key.Value != "hosts" && key.Value != "vars" && key.Value != "children" {
		e := diag.Errorf(nodePos(r.file, key), "unknown key %q in group %q: a group has only hosts:, vars: and children:", key.Value, g.Name)
		if s := diag.Suggest(key.Value, groupKeys); s != "" {
			return e.WithHint("did you mean `%s`?", s)
		}
		return e.WithHint("to add a group named %q, put it under `children:`", key.Value)
	}
	if val.Tag == "!!null" {
		return nil
	}
	entries := []*yaml.Node{val, {Kind: yaml.ScalarNode, Tag: "!!null"}}
	if val.Kind == yaml.MappingNode {
		entries = val.Content
	} else if val.Kind != yaml.ScalarNode {
		return diag.Errorf(nodePos(r.file, val), "%s: of group %q must be a mapping, found %s", key.Value, g.Name, describeNode(val)).
			WithHint("write one `name:` per line under `%s:` (a trailing colon, not a leading dash)", key.Value)
	}
	for i := 0; i+1 < len(entries); i += 2 {
		k, v := entries[i], resolveAlias(entries[i+1])
		var err error
		switch key.Value {
		case "hosts":
			err = r.hosts(g, k, v)
		case "vars":
			err = r.groupVar(g, k, v)
		case "children":
			var child *Group
			if child, err = r.group(k, v); err == nil {
				err = r.inv.addChild(g, child, nodePos(r.file, k))
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r yamlReader) groupVar(g *Group, k, v *yaml.Node) error {
	value, err := nodeValue(r.file, v)
	if err != nil {
		return err
	}
	return g.setVar(k.Value, value, nodePos(r.file, k))
}

// hosts reads one "pattern: vars" entry of a hosts: mapping.
func (r yamlReader) hosts(g *Group, k, v *yaml.Node) error {
	if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
		return diag.Errorf(nodePos(r.file, k), "host name %s must be a string", describeNode(k)).
			WithHint("quote host names that look like numbers, e.g. \"10\"")
	}
	names, port, err := expandHostPattern(k.Value)
	if err != nil {
		return diag.Errorf(nodePos(r.file, k), "%v", err).
			WithHint("a range is [begin:end] or [begin:end:step] with begin <= end, both numbers or both letters, e.g. web[01:20]")
	}
	var vars map[string]any
	if v.Tag != "!!null" {
		if v.Kind != yaml.MappingNode {
			return diag.Errorf(nodePos(r.file, v), "the variables of host %q must be a mapping, found %s", k.Value, describeNode(v)).
				WithHint("write `%s:` followed by indented `name: value` lines, or nothing", k.Value)
		}
		if vars, err = mappingValue(r.file, v); err != nil {
			return err
		}
	}
	for _, name := range names {
		h := r.inv.addHost(name, g, port, r.src)
		for key, val := range vars {
			h.vars[key] = deepCopy(val)
		}
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// describeNode names what a node is, for error messages.
func describeNode(n *yaml.Node) string {
	n = resolveAlias(n)
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	}
	return "the string " + `"` + n.Value + `"`
}
