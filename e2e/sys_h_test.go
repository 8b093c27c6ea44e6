//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"play/lab/labtest"
)

// django_manage, uri, service_facts and package on lab hosts of their own (sysh*), each
// compared with ansible-playbook on the same host from the same starting state.

// djangoProject makes /srv/dj a fresh Django project with one app, polls, whose one
// migration is not applied yet. Debian has no `python`, which the shebang of manage.py asks
// for: the project's manage.py names python3.
const djangoProject = `set -e
rm -rf /srv/dj && mkdir -p /srv/dj && cd /srv/dj
django-admin startproject proj .
python3 manage.py startapp polls
sed -i '1s/python$/python3/' manage.py
printf 'from django.db import models\n\nclass Question(models.Model):\n    text = models.CharField(max_length=200)\n' > polls/models.py
sed -i "s/^INSTALLED_APPS = \[/INSTALLED_APPS = ['polls',/" proj/settings.py
echo 'STATIC_ROOT = BASE_DIR / "static"' >> proj/settings.py
python3 manage.py makemigrations polls >/dev/null
python3 manage.py migrate contenttypes >/dev/null
`

func TestSysHDjangoManage(t *testing.T) {
	const host = "sysh1"
	l := sysCHost(t, host, "python3-django")
	migrate := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.general.django_manage: {command: migrate, project_path: /srv/dj}
`, nil)
	state := "cd /srv/dj && python3 manage.py showmigrations polls | tr -d '\\n'"
	tl, _ := sameAsAnsible(t, l, host, shell(t, l, host, djangoProject), migrate, state)
	// Ansible's django_manage does not support check mode: the task is skipped.
	want := timeline{runChanged: 1, before: "polls [ ] 0001_initial", checked: "polls [ ] 0001_initial", applied: "polls [X] 0001_initial"}
	if tl != want {
		t.Errorf("migrate: timeline %+v, want %+v", tl, want)
	}

	// The admin app's 120-odd static files. Ansible reports them unchanged (it takes "120
	// static files copied" for "0 static files"), so play runs alone here.
	collect := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - django_manage: {command: collectstatic, app_path: /srv/dj}
`, nil)
	state = "find /srv/dj/static -type f 2>/dev/null | wc -l"
	tl, _ = runTimeline(t, l, playBin, host, shell(t, l, host, djangoProject), collect, state)
	if tl.checkChanged != 0 || tl.runChanged != 1 || tl.againChanged != 0 || tl.checked != "0" || tl.applied == "0" {
		t.Errorf("collectstatic: timeline %+v, want files copied once and nothing under --check", tl)
	}

	// The result keys, and skipped under --check.
	show := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - django_manage: {command: check, chdir: /srv/dj, settings: proj.settings}
      register: r
    - debug: {msg: "{{ r.cmd | join(' ') }}|{{ r.changed }}|{{ r.project_path }}|{{ r.app_path }}|{{ r.virtualenv is none }}|{{ r.out | trim }}"}
      when: not ansible_check_mode
`, nil)
	for _, args := range [][]string{nil, {"--check"}} {
		out, ref := sameRecaps(t, l, host, show, args...)
		want := "./manage.py check --settings=proj.settings|False|/srv/dj|/srv/dj|True|System check identified no issues (0 silenced)."
		if args == nil && (!strings.Contains(out, want) || !strings.Contains(ref, want)) {
			t.Errorf("check: want %q in the outputs of play and ansible-playbook:\n%s\n%s", want, out, ref)
		}
	}

	bad := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - django_manage: {command: frobnicate, project_path: /srv/dj}
    - django_manage: {command: migrate, project_path: /srv/missing}
      ignore_errors: true
`, nil)
	r := play(t, "-i", l.Inventory, bad)
	if want := `:stderr: Unknown django command: frobnicate`; r.code != 2 || !strings.Contains(r.out, want) {
		t.Errorf("an unknown command: exit %d, want 2 and %q", r.code, want)
	}
}

// sameRecaps runs site under ansible-playbook and play with args and fails unless both exit
// the same way with the same recap. It returns play's output and ansible-playbook's.
func sameRecaps(t *testing.T, l *labtest.Lab, host, site string, args ...string) (string, string) {
	t.Helper()
	outs := map[string]result{}
	for _, bin := range []string{"ansible-playbook", playBin} {
		r, err := runBin(bin, t.TempDir(), nil, append([]string{"-i", l.Inventory}, append(args, site)...)...)
		if err != nil {
			t.Fatal(err)
		}
		outs[bin] = r
	}
	want, got := outs["ansible-playbook"], outs[playBin]
	if got.code != want.code || got.recap[host] != want.recap[host] {
		t.Errorf("%v: play exit %d recap %+v, ansible-playbook exit %d recap %+v\nplay:\n%s\nansible-playbook:\n%s",
			args, got.code, got.recap[host], want.code, want.recap[host], got.out, want.out)
	}
	return got.out, want.out
}

func TestSysHURI(t *testing.T) {
	const host = "sysh2"
	l := labtest.Up(t, host)
	onHost(t, l, host, `mkdir -p /srv/www && echo '{"name": "sysh", "items": [1, 2]}' > /srv/www/data.json &&
setsid python3 -m http.server 8000 --bind 127.0.0.1 --directory /srv/www >/dev/null 2>&1 < /dev/null &
for i in $(seq 50); do python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/")' 2>/dev/null && exit 0; sleep 0.1; done; exit 1`)
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - uri: {url: "http://127.0.0.1:8000/data.json", return_content: true}
      register: r
    - uri: {url: "http://127.0.0.1:8000/data.json", body_format: json, body: {q: 1}}
      register: j
    - uri: {url: "http://127.0.0.1:8000/missing", status_code: 404}
      register: m
    - uri: {url: "http://127.0.0.1:8000/missing"}
      ignore_errors: true
    - debug: {msg: "{{ r.status }}|{{ r.json.name }}|{{ r.content | trim }}|{{ j.json['items'] | sum }}|{{ m.status }}|{{ r.content_type }}"}
      when: not ansible_check_mode
`, nil)
	out, _ := sameRecaps(t, l, host, site)
	if want := `"msg": "200|sysh|{\"name\": \"sysh\", \"items\": [1, 2]}|3|404|application/json"`; !strings.Contains(out, want) {
		t.Errorf("want %q in the output:\n%s", want, out)
	}
	sameRecaps(t, l, host, site, "--check")
}

func TestSysHServiceFacts(t *testing.T) {
	const host = "sysh3"
	l := labtest.Up(t, host)
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - service_facts:
    - debug: {msg: "ssh: {{ s.name }} {{ s.state }} {{ s.status }} {{ s.source }} {{ s | length }}"}
      vars: {s: "{{ ansible_facts.services['ssh.service'] }}"}
    - assert: {that: "ansible_facts.services['ssh.service'].state == 'running'"}
`, nil)
	ssh := regexp.MustCompile(`"msg": "ssh: .*"`)
	for _, args := range [][]string{nil, {"--check"}} {
		out, ref := sameRecaps(t, l, host, site, args...)
		if got, want := ssh.FindString(out), ssh.FindString(ref); want == "" || got != want {
			t.Errorf("%v: ssh.service: play %q, ansible-playbook %q", args, got, want)
		}
	}
}

func TestSysHPackage(t *testing.T) {
	const host = "sysh4"
	// Ansible's apt needs python3-apt under --check.
	l := sysCHost(t, host, "python3-apt")
	state := "dpkg-query -W -f='${db:Status-Abbrev}' hello 2>/dev/null; true"
	install := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - package: {name: hello, state: present}
`, nil)
	tl, _ := sameAsAnsible(t, l, host, shell(t, l, host, "apt-get -qq update && apt-get -qq remove -y hello >/dev/null 2>&1; true"), install, state)
	wantConverged(t, tl, "ii")

	remove := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.package: {name: hello, state: absent}
`, nil)
	tl, _ = sameAsAnsible(t, l, host, shell(t, l, host, "DEBIAN_FRONTEND=noninteractive apt-get -qq install -y hello >/dev/null 2>&1"), remove, state)
	wantConverged(t, tl, "") // hello has no conffiles: nothing left
}
