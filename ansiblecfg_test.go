package main

import (
	"path/filepath"
	"testing"
)

// The environment wins over ansible.cfg; booleans read as Ansible reads
// them; paths from the file are relative to it, from the environment not.
func TestAnsibleSettingLookup(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ansible.cfg")
	writeFile(t, cfg, "[defaults]\nforks = 7\nretry_files_enabled = yes\nhost_key_checking = off\ninventory = hosts, ~/other, /abs\n")
	t.Setenv("ANSIBLE_CONFIG", cfg)
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		name, env, envValue, key string
		kind                     settingKind
		want                     string
		found                    bool
	}{
		{"from the file", "ANSIBLE_FORKS", "", "forks", plainSetting, "7", true},
		{"environment wins", "ANSIBLE_FORKS", "3", "forks", plainSetting, "3", true},
		{"yes is true", "ANSIBLE_RETRY_FILES_ENABLED", "", "retry_files_enabled", boolSetting, "true", true},
		{"off is false", "ANSIBLE_HOST_KEY_CHECKING", "", "host_key_checking", boolSetting, "false", true},
		{"no in the environment", "ANSIBLE_HOST_KEY_CHECKING", "no", "host_key_checking", boolSetting, "false", true},
		{"paths relative to the file", "ANSIBLE_INVENTORY", "", "inventory", pathSetting, filepath.Join(dir, "hosts") + "," + filepath.Join(home, "other") + ",/abs", true},
		{"paths from the environment as given", "ANSIBLE_INVENTORY", "inv", "inventory", pathSetting, "inv", true},
		{"unset", "ANSIBLE_REMOTE_USER", "", "remote_user", plainSetting, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.envValue != "" {
				t.Setenv(tt.env, tt.envValue)
			}
			got, found := ansibleSetting{tt.env, "defaults", tt.key, tt.kind}.Lookup()
			if got != tt.want || found != tt.found {
				t.Errorf("Lookup() = %q, %v; want %q, %v", got, found, tt.want, tt.found)
			}
		})
	}
}
