package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Ansible's 22 levels of variable precedence, one subtest per level, from
// one run of testdata/lang/precedence: the variable of level N is set at
// every level up to N to that level's number, so it shows N only if level N
// beats all the levels below. The values are what ansible-playbook 2.14
// printed for the same files over the same sshd (-u nosuchuser -e v22=22).
func TestPrecedenceEveryLevel(t *testing.T) {
	dir := "testdata/lang/precedence"
	res := play(t, "-i", filepath.Join(dir, "inv", "hosts"), "-i", sshInventory(t, "a"), filepath.Join(dir, "site.yml"),
		"-u", "nosuchuser", "-e", "v22=22")
	wantOutput(t, res, 0, "TASK [r : show] ***", "ok: [a] => {")
	m := regexp.MustCompile(`"msg": "(user=[^"]*)"`).FindStringSubmatch(res.stdout)
	if m == nil {
		t.Fatalf("no shown variables in:\n%s", res.stdout)
	}
	shown := map[string]string{}
	for _, field := range strings.Fields(m[1]) {
		name, value, _ := strings.Cut(field, "=")
		shown[name] = value
	}
	for _, level := range []struct{ name, variable, want string }{
		{"01 command line -u loses to any ansible_user", "user", "root"},
		{"02 role defaults", "v02", "2"},
		{"03 inventory file group vars", "v03", "3"},
		{"04 inventory group_vars/all", "v04", "4"},
		{"05 playbook group_vars/all", "v05", "5"},
		{"06 inventory group_vars/*", "v06", "6"},
		{"07 playbook group_vars/*", "v07", "7"},
		{"08 inventory file host vars", "v08", "8"},
		{"09 inventory host_vars/*", "v09", "9"},
		{"10 playbook host_vars/*", "v10", "10"},
		{"11 host facts", "ansible_system", "Linux"},
		{"12 play vars", "ansible_os_family", "12"},
		{"13 play vars_prompt", "v13", "13"},
		{"14 play vars_files", "v14", "14"},
		{"15 role vars", "v15", "15"},
		{"16 block vars", "v16", "16"},
		{"17 task vars", "v17", "17"},
		{"18 include_vars", "v18", "18"},
		{"19 set_fact", "v19", "19"},
		{"20 role params", "v20", "20"},
		{"21 include params", "v21", "21"},
		{"22 extra vars", "v22", "22"},
	} {
		t.Run(level.name, func(t *testing.T) {
			if got := shown[level.variable]; got != level.want {
				t.Errorf("%s = %q, want %q (a lower level won)", level.variable, got, level.want)
			}
		})
	}
}
