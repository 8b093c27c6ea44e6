package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDictsKeepInsertionOrder runs, over SSH, a template iterating a dict,
// with_dict, a loop over dict2items and combine. The files and item labels
// are what ansible-playbook 2.14 wrote and printed for the same playbook.
func TestDictsKeepInsertionOrder(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "out")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "site.yml"), `- hosts: h1
  gather_facts: false
  vars:
    settings: {worker_processes: 4, listen: 8080, server_name: example.org, access_log: "off"}
    overrides: {listen: 9090, gzip: "on"}
    users: {zoe: 1201, adam: 1202, mike: 1203}
  tasks:
    - template: {src: settings.j2, dest: "{{ work }}/settings.conf"}
    - lineinfile: {path: "{{ work }}/with_dict.txt", line: "{{ item.key }}:{{ item.value }}", create: true}
      with_dict: "{{ users }}"
    - lineinfile: {path: "{{ work }}/dict2items.txt", line: "{{ item.key }}={{ item.value }}", create: true}
      loop: "{{ settings | combine(overrides) | dict2items }}"
      loop_control: {label: "{{ item.key }}"}
    - copy:
        dest: "{{ work }}/json.txt"
        content: "{{ settings | to_json }}\n{{ users | to_nice_json }}\n{{ (users | combine({'adam': 1, 'bob': 2})) | list | join(',') }}\n"
`)
	writeFile(t, filepath.Join(dir, "settings.j2"), `{% for key, value in (settings | combine(overrides)).items() %}
{{ key }} {{ value }};
{% endfor %}
{% for name in users %}
user {{ name }} uid={{ users[name] }}
{% endfor %}
`)
	res := play(t, filepath.Join(dir, "site.yml"), "-i", labInventory(t), "-e", "work="+work)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	want := map[string]string{
		"settings.conf": "worker_processes 4;\nlisten 9090;\nserver_name example.org;\naccess_log off;\ngzip on;\n" +
			"user zoe uid=1201\nuser adam uid=1202\nuser mike uid=1203\n",
		"with_dict.txt":  "zoe:1201\nadam:1202\nmike:1203\n",
		"dict2items.txt": "worker_processes=4\nlisten=9090\nserver_name=example.org\naccess_log=off\ngzip=on\n",
		"json.txt": `{"worker_processes": 4, "listen": 8080, "server_name": "example.org", "access_log": "off"}` + "\n" +
			"{\n    \"adam\": 1202,\n    \"mike\": 1203,\n    \"zoe\": 1201\n}\nzoe,adam,mike,bob\n",
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(work, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != content {
			t.Errorf("%s:\n got %q\nwant %q", name, got, content)
		}
	}
	labels := []string{
		"changed: [h1] => (item={'key': 'zoe', 'value': 1201})\nchanged: [h1] => (item={'key': 'adam', 'value': 1202})\nchanged: [h1] => (item={'key': 'mike', 'value': 1203})\n",
		"changed: [h1] => (item=worker_processes)\nchanged: [h1] => (item=listen)\nchanged: [h1] => (item=server_name)\nchanged: [h1] => (item=access_log)\nchanged: [h1] => (item=gzip)\n",
	}
	for _, l := range labels {
		if !strings.Contains(res.stdout, l) {
			t.Errorf("the items are not in the dicts' order; want\n%s\nin:\n%s", l, res.stdout)
		}
	}
}
