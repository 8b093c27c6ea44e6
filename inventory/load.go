package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"play/diag"
	"play/vault"
)

// source names the inventory source a host came from, for the
// inventory_file and inventory_dir variables (nil for a comma list).
type source struct{ file, dir any }

// ignoredInDir are the suffixes Ansible skips when an inventory source is a
// directory (REJECT_EXTS plus .orig, .cfg and .retry).
var ignoredInDir = []string{".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry"}

// Load reads every source in order and merges them (several -i). A source
// is a YAML inventory file, an INI inventory file, a directory (every file
// in it, sorted, recursively, skipping hidden and backup files, plus its
// group_vars/ and host_vars/), or a comma list "h1,h2," / "h1:2222," (a
// source with a comma and no path separator that is not an existing file).
// group_vars/ and host_vars/ beside each inventory file are loaded.
func Load(sources []string) (*Inventory, error) {
	inv := newInventory()
	var varsDirs []string
	for _, src := range sources {
		if isHostList(src) {
			if err := inv.readHostList(src); err != nil {
				return nil, err
			}
			continue
		}
		info, err := os.Stat(src)
		if err != nil {
			return nil, unreadable(src, err)
		}
		if info.IsDir() {
			err = inv.readDir(src)
			varsDirs = append(varsDirs, src)
		} else {
			err = inv.readFile(src)
			varsDirs = append(varsDirs, filepath.Dir(src))
		}
		if err != nil {
			return nil, err
		}
	}
	inv.reconcile()
	for _, dir := range varsDirs {
		t, err := inv.readVarsTree(dir)
		if err != nil {
			return nil, err
		}
		inv.inventoryVars = append(inv.inventoryVars, t)
	}
	return inv, nil
}

func isHostList(src string) bool {
	if !strings.Contains(src, ",") || strings.ContainsRune(src, filepath.Separator) {
		return false
	}
	_, err := os.Stat(src)
	return errors.Is(err, os.ErrNotExist)
}

// readHostList reads "h1,h2:2222,web[1:3]," into the ungrouped group.
func (inv *Inventory) readHostList(list string) error {
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		names, port, err := expandHostPattern(entry)
		if err != nil {
			return diag.Errorf(diag.Pos{}, "host list %q: %v", list, err).
				WithHint("write host names separated by commas, e.g. -i 'web1,web2:2222,'")
		}
		for _, name := range names {
			inv.addHost(name, inv.groups["ungrouped"], port, source{})
		}
	}
	return nil
}

// readDir reads every inventory file under dir, sorted, recursively.
func (inv *Inventory) readDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return unreadable(dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if ignoredInDirectory(name) {
			continue
		}
		path := filepath.Join(dir, name)
		if e.IsDir() {
			err = inv.readDir(path)
		} else {
			err = inv.readFile(path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func ignoredInDirectory(name string) bool {
	if strings.HasPrefix(name, ".") || name == "group_vars" || name == "host_vars" || name == "vars_plugins" {
		return true
	}
	for _, suffix := range ignoredInDir {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// readFile reads one inventory file: YAML when its extension says so,
// INI for any other extension, and, without an extension, YAML when it
// parses as a YAML mapping and INI otherwise (Ansible tries its yaml then
// its ini plugin).
func (inv *Inventory) readFile(path string) error {
	src := source{file: path, dir: filepath.Dir(path)}
	if abs, err := filepath.Abs(path); err == nil {
		src = source{file: abs, dir: filepath.Dir(abs)}
	}
	switch filepath.Ext(path) {
	case ".yml", ".yaml", ".json":
		return inv.readYAMLInventory(path, src)
	case "":
		if looksLikeYAMLInventory(path) {
			return inv.readYAMLInventory(path, src)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return unreadable(path, err)
	}
	if data, err = vault.Open(data, path); err != nil {
		return vaultError(diag.Pos{File: path}, err)
	}
	return inv.readINI(path, string(data), src)
}
