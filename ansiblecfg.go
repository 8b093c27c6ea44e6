package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"play/modules"
	"play/playbooks"
)

// settingKind says how an Ansible setting's text becomes a flag's value.
type settingKind int

const (
	plainSetting settingKind = iota
	boolSetting              // yes/no/on/off/1/0 as Ansible reads booleans
	pathSetting              // relative to ansible.cfg's directory when read from it
)

// ansibleSetting is where a flag's value comes from when the command line
// leaves it out, as in Ansible: the ANSIBLE_* environment variable, else
// key in [section] of ansible.cfg (ANSIBLE_CONFIG, ./ansible.cfg,
// ~/.ansible.cfg, /etc/ansible/ansible.cfg).
type ansibleSetting struct {
	env, section, key string
	kind              settingKind
}

// from makes the setting a flag's value source.
func from(env, section, key string, kind settingKind) cli.ValueSourceChain {
	return cli.NewValueSourceChain(ansibleSetting{env, section, key, kind})
}

func (s ansibleSetting) Lookup() (string, bool) {
	v, ok := os.LookupEnv(s.env)
	if !ok && s.kind == pathSetting {
		paths, found := playbooks.ConfigPaths(s.section, s.key, ",")
		v, ok = strings.Join(paths, ","), found
	} else if !ok {
		v, ok = playbooks.ConfigSetting(s.section, s.key)
	}
	if !ok || s.kind != boolSetting {
		return v, ok
	}
	// The flag parses Go's booleans; Ansible's also include yes/no/on/off.
	b, err := modules.ToBool(v)
	if err != nil {
		return v, true // the flag reports the bad value
	}
	return strconv.FormatBool(b), true
}

func (s ansibleSetting) String() string {
	return fmt.Sprintf("$%s or %s in [%s] of ansible.cfg", s.env, s.key, s.section)
}

func (s ansibleSetting) GoString() string {
	return fmt.Sprintf("ansibleSetting{%q, %q, %q}", s.env, s.section, s.key)
}

// hostKeyChecking is host_key_checking (ANSIBLE_HOST_KEY_CHECKING); nil
// when neither says, leaving each host's own ssh settings.
func hostKeyChecking() *bool {
	v, ok := (ansibleSetting{"ANSIBLE_HOST_KEY_CHECKING", "defaults", "host_key_checking", boolSetting}).Lookup()
	if !ok {
		return nil
	}
	b := v != "false" // a value that is no boolean keeps checking on
	return &b
}

// retryFile is --retry-file, else, with retry_files_enabled, the
// playbook's name with .retry in retry_files_save_path or beside the
// playbook, as Ansible names it; "" writes none.
func retryFile(cmd *cli.Command, playbook string) string {
	if cmd.IsSet("retry-file") {
		return cmd.String("retry-file")
	}
	if on, _ := (ansibleSetting{"ANSIBLE_RETRY_FILES_ENABLED", "defaults", "retry_files_enabled", boolSetting}).Lookup(); on != "true" {
		return ""
	}
	dir := filepath.Dir(playbook)
	if save, ok := (ansibleSetting{"ANSIBLE_RETRY_FILES_SAVE_PATH", "defaults", "retry_files_save_path", pathSetting}).Lookup(); ok {
		dir = save
	}
	return filepath.Join(dir, strings.TrimSuffix(filepath.Base(playbook), filepath.Ext(playbook))+".retry")
}
