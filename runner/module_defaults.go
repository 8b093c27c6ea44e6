package runner

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// actionGroups are the `group/NAME` keys of module_defaults for the modules
// play has, by the module name prefix their members share (Ansible's
// action_groups of community.docker, community.postgresql and the
// ansible.builtin redirects).
var actionGroups = map[string]string{
	"docker":                   "docker_",
	"community.docker.docker":  "docker_",
	"community.general.docker": "docker_",
	"community.postgresql.all": "postgresql_",
}

// withModuleDefaults adds the module_defaults that apply to the module
// under args: play, role, blocks and task in this order, a later level
// replacing a module's whole entry; group defaults first, then the
// module's own; the task's arguments win, as Ansible's
// get_action_args_with_defaults does.
func (ex *execution) withModuleDefaults(module string, args, vars map[string]any) (map[string]any, error) {
	levels := []any{ex.pc.play.ModuleDefaults}
	if ex.sc != nil {
		for _, b := range ex.sc.chain() {
			levels = append(levels, b.ModuleDefaults)
		}
	}
	levels = append(levels, ex.t.ModuleDefaults)
	merged := map[string]any{}
	for _, l := range levels {
		if err := addDefaults(merged, l); err != nil {
			return nil, err
		}
	}
	if len(merged) == 0 {
		return args, nil
	}
	var apply []any
	for _, key := range slices.Sorted(maps.Keys(merged)) {
		if group, ok := strings.CutPrefix(key, "group/"); ok {
			if prefix, known := actionGroups[group]; known && strings.HasPrefix(module, prefix) {
				apply = append(apply, merged[key])
			}
		}
	}
	if own, ok := merged[module]; ok {
		apply = append(apply, own)
	}
	out := map[string]any{}
	for _, v := range apply {
		rendered, err := jinja.RenderValue(v, vars)
		if err != nil {
			return nil, fmt.Errorf("module_defaults: %w", err)
		}
		m, ok := rendered.(map[string]any)
		if !ok && rendered != nil {
			return nil, fmt.Errorf("module_defaults for %s must be a dictionary of arguments, got %v", module, rendered)
		}
		for k, a := range m {
			if a != omitToken {
				out[k] = a
			}
		}
	}
	maps.Copy(out, args)
	return out, nil
}

// addDefaults merges one level of module_defaults (a dict, or a list of
// dicts) into merged, keyed by the module's short name (a runner action
// such as include_vars by its own).
func addDefaults(merged map[string]any, level any) error {
	switch l := level.(type) {
	case nil:
		return nil
	case []any:
		for _, e := range l {
			if err := addDefaults(merged, e); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for k, v := range l {
			if info, ok := modules.Lookup(k); ok {
				k = info.Name
			}
			merged[actionName(&playbooks.Task{Module: k})] = v
		}
		return nil
	}
	return fmt.Errorf("module_defaults must be a dictionary or a list of dictionaries, got %v", level)
}
