package playbooks

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// defaultRolesPath is Ansible's DEFAULT_ROLES_PATH when neither
// ANSIBLE_ROLES_PATH nor roles_path in ansible.cfg sets it.
var defaultRolesPath = []string{"~/.ansible/roles", "/usr/share/ansible/roles", "/etc/ansible/roles"}

// configuredRolesPath is DEFAULT_ROLES_PATH: ANSIBLE_ROLES_PATH, else
// roles_path from the first ansible.cfg found, else the default.
func configuredRolesPath() []string {
	if env := os.Getenv("ANSIBLE_ROLES_PATH"); env != "" {
		return expandPaths(env, ":", "")
	}
	if paths, ok := ConfigPaths("defaults", "roles_path", ":"); ok {
		return paths
	}
	return expandPaths(strings.Join(defaultRolesPath, ":"), ":", "")
}

// ConfigSetting is key in [section] of the ansible.cfg Ansible would read.
func ConfigSetting(section, key string) (string, bool) {
	cfg := ansibleConfigFile()
	if cfg == "" {
		return "", false
	}
	return iniValue(cfg, section, key)
}

// ConfigPaths is a path setting of ansible.cfg, split on sep when it lists
// several, with ~ expanded and relative paths made relative to the file's
// directory, as Ansible's path settings.
func ConfigPaths(section, key, sep string) ([]string, bool) {
	cfg := ansibleConfigFile()
	if cfg == "" {
		return nil, false
	}
	v, ok := iniValue(cfg, section, key)
	if !ok {
		return nil, false
	}
	return expandPaths(v, sep, filepath.Dir(cfg)), true
}

// ansibleConfigFile finds the ansible.cfg Ansible would read: ANSIBLE_CONFIG,
// ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg; "" when none exists.
func ansibleConfigFile() string {
	var candidates []string
	if env := os.Getenv("ANSIBLE_CONFIG"); env != "" {
		env = expandHome(env)
		if st, err := os.Stat(env); err == nil && st.IsDir() {
			env = filepath.Join(env, "ansible.cfg")
		}
		candidates = append(candidates, env)
	}
	if wd, err := os.Getwd(); err == nil {
		candidates = append(candidates, filepath.Join(wd, "ansible.cfg"))
	}
	candidates = append(candidates, expandHome("~/.ansible.cfg"), "/etc/ansible/ansible.cfg")
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c
		}
	}
	return ""
}

// iniValue reads key in [section] of an INI file (Python configparser
// syntax: `key = value` or `key: value`, # and ; comments).
func iniValue(path, section, key string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	current := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			current = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		if current != section {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i > 0 && strings.TrimSpace(line[:i]) == key {
			return strings.TrimSpace(line[i+1:]), true
		}
	}
	return "", false
}

// expandPaths splits a path list on sep, expanding ~ and $VARS;
// relative entries are relative to base (the ansible.cfg's directory).
func expandPaths(list, sep, base string) []string {
	var out []string
	for _, p := range strings.Split(list, sep) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		p = expandHome(os.ExpandEnv(p))
		if !filepath.IsAbs(p) && base != "" {
			p = filepath.Join(base, p)
		}
		out = append(out, p)
	}
	return out
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// roleSearchPath is where a role named by a play in playbookDir is looked
// for, in Ansible's order: roles/ beside the playbook, the configured roles
// path, the directory holding the role that depends on it, the playbook dir.
func roleSearchPath(playbookDir, parentRoleDir string) []string {
	paths := []string{filepath.Join(playbookDir, "roles")}
	paths = append(paths, configuredRolesPath()...)
	if parentRoleDir != "" {
		paths = append(paths, filepath.Dir(parentRoleDir))
	}
	return append(paths, playbookDir)
}

// findRole returns the directory of the role called name, and the paths
// searched. A name with a slash is a path (relative to the playbook); a
// dotted Galaxy or collection name (ns.name) is also found as its last part.
func findRole(name, playbookDir, parentRoleDir string) (string, []string) {
	if strings.Contains(name, "/") {
		p := expandHome(name)
		if !filepath.IsAbs(p) {
			p = filepath.Join(playbookDir, p)
		}
		if isDir(p) {
			return p, nil
		}
		return "", []string{filepath.Dir(p)}
	}
	names := []string{name}
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i < len(name)-1 {
		names = append(names, name[i+1:])
	}
	search := roleSearchPath(playbookDir, parentRoleDir)
	for _, n := range names {
		for _, dir := range search {
			if p := filepath.Join(dir, n); isDir(p) {
				return p, search
			}
		}
	}
	return "", search
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
