package inventory

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"play/diag"
)

// varsTree holds the variables of one directory's group_vars/ and
// host_vars/, by group and host name.
type varsTree struct {
	groups map[string]map[string]any
	hosts  map[string]map[string]any
}

// varsExtensions are tried in this order after the bare name, like
// Ansible's find_vars_files; the first that exists wins.
var varsExtensions = []string{"", ".yml", ".yaml", ".json"}

// AddVarsDir loads group_vars/ and host_vars/ found in dir (the playbook's
// directory) at the playbook precedence levels. Missing directories are
// fine. Call it after Load: only known groups and hosts are looked up.
func (inv *Inventory) AddVarsDir(dir string) error {
	t, err := inv.readVarsTree(dir)
	if err != nil {
		return err
	}
	inv.playbookVars = append(inv.playbookVars, t)
	return nil
}

// readVarsTree reads dir/group_vars/<group> for every group and
// dir/host_vars/<host> for every host (the implicit localhost included).
func (inv *Inventory) readVarsTree(dir string) (*varsTree, error) {
	t := &varsTree{groups: map[string]map[string]any{}, hosts: map[string]map[string]any{}}
	hosts := hostNames(inv.hostOrder)
	if inv.localhost != nil {
		hosts = append(hosts, inv.localhost.Name)
	}
	for _, part := range []struct {
		sub   string
		names []string
		into  map[string]map[string]any
	}{
		{"group_vars", groupNames(inv.groupOrder), t.groups},
		{"host_vars", hosts, t.hosts},
	} {
		base := filepath.Join(dir, part.sub)
		if info, err := os.Stat(base); err != nil || !info.IsDir() {
			continue
		}
		for _, name := range part.names {
			vars, err := readVarsFor(base, name)
			if err != nil {
				return nil, err
			}
			if vars != nil {
				part.into[name] = vars
			}
		}
	}
	return t, nil
}

// readVarsFor merges the vars files of one group or host: base/name,
// base/name.yml, .yaml or .json, or every file under the directory
// base/name, sorted. It returns nil when there is none.
func readVarsFor(base, name string) (map[string]any, error) {
	var files []string
	for _, ext := range varsExtensions {
		path := filepath.Join(base, name+ext)
		info, err := os.Stat(path)
		if err != nil {
			continue
		}
		if info.IsDir() {
			found, err := varsFilesIn(path)
			if err != nil {
				return nil, unreadable(path, err)
			}
			files = found
		} else {
			files = []string{path}
		}
		break
	}
	if files == nil {
		return nil, nil
	}
	vars := map[string]any{}
	for _, f := range files {
		v, err := readVarsFile(f)
		if err != nil {
			return nil, err
		}
		for k, val := range v {
			vars[k] = val
		}
	}
	return vars, nil
}

// varsFilesIn lists a vars directory like Ansible's _get_dir_vars_files:
// sorted, recursive, skipping hidden and backup files and keeping only
// names without extension or with a YAML/JSON one.
func varsFilesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries { // os.ReadDir sorts by name
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue
		}
		path, ext := filepath.Join(dir, name), filepath.Ext(name)
		switch {
		case e.IsDir() && ext == "":
			more, err := varsFilesIn(path)
			if err != nil {
				return nil, err
			}
			files = append(files, more...)
		case !e.IsDir() && slices.Contains(varsExtensions, ext):
			files = append(files, path)
		}
	}
	return files, nil
}

// readVarsFile reads one group_vars/host_vars file: a YAML (or JSON)
// mapping, or an empty file.
func readVarsFile(path string) (map[string]any, error) {
	top, err := readYAML(path)
	if err != nil || top == nil {
		return nil, err
	}
	v, err := nodeValue(path, top)
	if err != nil {
		return nil, err
	}
	vars, ok := v.(map[string]any)
	if !ok {
		return nil, diag.Errorf(nodePos(path, top), "a variables file must hold a mapping of names to values, found %s", describeNode(top)).
			WithHint("write one `name: value` per line")
	}
	return vars, nil
}
