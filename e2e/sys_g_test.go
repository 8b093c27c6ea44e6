//go:build e2e

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"play/lab/labtest"
)

// Closed deviations from Ansible in existing modules (user, get_url, unarchive,
// postgresql_user, docker_container, apt), on lab hosts of their own (sysg*). Where the host
// has python3, the same playbook runs under ansible-playbook and under play from the same
// starting state, and both must report the same changes and leave the same state.

// timeline is what one runner did with a playbook: the changed counts of a --check run, a
// real run and a second run, and the host's state before, after --check and after the run.
type timeline struct {
	checkChanged, runChanged, againChanged int
	before, checked, applied               string
}

// runTimeline runs setup, then site with bin under --check, for real (--diff) and again,
// recording the state command's output between the runs. It returns the real run's output.
func runTimeline(t *testing.T, l *labtest.Lab, bin, host string, setup func(), site, state string) (timeline, string) {
	t.Helper()
	saved := playBin
	playBin = bin
	defer func() { playBin = saved }()
	setup()
	var tl timeline
	tl.before = onHost(t, l, host, state)
	run := func(args ...string) result {
		r := play(t, append([]string{"-i", l.Inventory}, append(args, site)...)...)
		if r.code != 0 {
			t.Fatalf("%s %v: exit %d\n%s", bin, args, r.code, r.out)
		}
		return r
	}
	tl.checkChanged = run("--check").recap[host].Changed
	tl.checked = onHost(t, l, host, state)
	r := run("--diff")
	tl.runChanged = r.recap[host].Changed
	tl.applied = onHost(t, l, host, state)
	tl.againChanged = run().recap[host].Changed
	return tl, r.out
}

// sameAsAnsible runs the timeline under ansible-playbook and then under play, each after
// setup, and fails unless both report the same changes and leave the same state. It returns
// play's timeline and its real run's output.
func sameAsAnsible(t *testing.T, l *labtest.Lab, host string, setup func(), site, state string) (timeline, string) {
	t.Helper()
	ref, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Fatalf("ansible-playbook is the reference these tests compare with: %v", err)
	}
	want, _ := runTimeline(t, l, ref, host, setup, site, state)
	got, out := runTimeline(t, l, playBin, host, setup, site, state)
	if got != want {
		t.Errorf("play and ansible-playbook differ:\n play     %+v\n ansible  %+v", got, want)
	}
	return got, out
}

// wantConverged checks the usual timeline: changes under --check and on the run, none on the
// second run, the host untouched by --check and in state applied after the run.
func wantConverged(t *testing.T, tl timeline, applied string) {
	t.Helper()
	if tl.checkChanged == 0 || tl.runChanged == 0 || tl.againChanged != 0 || tl.checked != tl.before || tl.applied != applied {
		t.Errorf("timeline %+v: want changes under --check and on the run, none again, the host untouched by --check, and state %q",
			tl, applied)
	}
}

// shell is a setup that runs cmd on the host.
func shell(t *testing.T, l *labtest.Lab, host, cmd string) func() {
	return func() { onHost(t, l, host, cmd) }
}

func TestSysGUserExpiresAndLock(t *testing.T) {
	const host = "sysg1"
	l := labtest.Up(t, host)
	state := "getent shadow sysg | cut -d: -f2,8"
	create := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$sysg$hash", password_lock: true, expires: 1700000000.7}
`, nil)
	tl, _ := sameAsAnsible(t, l, host, shell(t, l, host, "userdel -r sysg 2>/dev/null; true"), create, state)
	wantConverged(t, tl, "!$6$sysg$hash:19675")

	modify := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$other", update_password: on_create, password_lock: false, expires: -1}
`, nil)
	tl, _ = sameAsAnsible(t, l, host, shell(t, l, host, "userdel -r sysg 2>/dev/null; useradd -p '!$6$sysg$hash' -e 2023-11-14 sysg"), modify, state)
	wantConverged(t, tl, "$6$sysg$hash:")

	relock := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sysg, password: "$6$new", password_lock: true, expires: 1641650000}
`, nil)
	tl, _ = sameAsAnsible(t, l, host, shell(t, l, host, "userdel -r sysg 2>/dev/null; useradd -p '$6$sysg$hash' sysg"), relock, state)
	wantConverged(t, tl, "!$6$new:19000")
}

// serveFiles serves name → content on the lab's bridge until the test ends, as a real server
// does (HEAD, If-Modified-Since: the files date from 2020), and counts the bodies it sends
// (GET requests answered 200).
func serveFiles(t *testing.T, files map[string]string) (url string, downloads *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "10.232.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downloads = new(atomic.Int32)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		content, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodGet && r.Header.Get("If-Modified-Since") == "" {
			downloads.Add(1)
		}
		http.ServeContent(w, r, r.URL.Path, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), strings.NewReader(content))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), downloads
}

func TestSysGGetURLDownloadsOnce(t *testing.T) {
	const host = "sysg2"
	l := sysCHost(t, host, "curl")
	url, downloads := serveFiles(t, map[string]string{"/app.tar": "payload\n"})
	state := "{ stat -c '%a %s' /srv/g/app.tar && cat /srv/g/app.tar; } 2>/dev/null; true"
	site := func(args string) string {
		return playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - get_url: {url: `+url+`/app.tar, dest: /srv/g/app.tar, `+args+`}
`, nil)
	}
	// Fresh: --check asks with HEAD, the run downloads once, the second run gets 304.
	reset := func(content string) func() {
		return func() {
			onHost(t, l, host, "rm -rf /srv/g && mkdir -p /srv/g"+content)
			downloads.Store(0)
		}
	}
	tl, _ := sameAsAnsible(t, l, host, reset(""), site("mode: '0640'"), state)
	wantConverged(t, tl, "640 8\npayload")
	if n := downloads.Load(); n != 1 {
		t.Errorf("play downloaded %d times, want once", n)
	}

	// Forced onto the same content: --check reports a change (HEAD cannot compare, as in
	// Ansible), the run downloads once, finds the same content and changes nothing.
	tl, _ = sameAsAnsible(t, l, host, reset(" && echo payload > /srv/g/app.tar"), site("force: true"), state)
	if want := (timeline{checkChanged: 1, before: "644 8\npayload", checked: "644 8\npayload", applied: "644 8\npayload"}); tl != want {
		t.Errorf("forced onto the same content: %+v, want %+v", tl, want)
	}
	if n := downloads.Load(); n != 2 {
		t.Errorf("play downloaded %d times in two real runs, want 2", n)
	}
}

func TestSysGUnarchiveURL(t *testing.T) {
	const host = "sysg3"
	l := sysCHost(t, host, "curl", "unzip")
	// A zip: Ansible's tar handler skips check mode altogether.
	_, zipData := appArchives(t)
	url, _ := serveFiles(t, map[string]string{"/app.zip": string(zipData)})
	// The second task is skipped once the first has unpacked (creates), not under --check.
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - unarchive: {src: `+url+`/app.zip, dest: /srv/u, remote_src: true}
    - unarchive: {src: `+url+`/app.zip, dest: /srv/u2, remote_src: true, creates: /srv/u/app}
`, nil)
	state := "find /srv/u /srv/u2 -mindepth 1 -printf '%P %m\\n' | sort; cat /srv/u/app/a.txt 2>/dev/null; ls -A /tmp | grep -c '^tmp\\.'; true"
	tl, out := sameAsAnsible(t, l, host, shell(t, l, host, "rm -rf /srv/u /srv/u2 && mkdir -p /srv/u /srv/u2"), site, state)
	wantConverged(t, tl, "app 755\napp/a.txt 644\napp/sub 755\napp/sub/b.txt 644\nhello\n0") // no download left behind
	if tl.checkChanged != 2 || tl.runChanged != 1 {
		t.Errorf("changed: --check %d, run %d; want 2 and 1", tl.checkChanged, tl.runChanged)
	}
	if !strings.Contains(out, ">f++++++.?? app/a.txt") {
		t.Errorf("--diff lacks the archive's comparison:\n%s", out)
	}
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - unarchive: {src: "+url+"/none.tgz, dest: /srv/u, remote_src: true}\n", nil),
		2, "Failure downloading "+url+"/none.tgz, HTTP Error 404: Not Found")
}

func TestSysGPostgresqlUserGroups(t *testing.T) {
	const host = "sysg4"
	// python3-psycopg2 and acl for Ansible (its module, and become to postgres).
	l := sysCHost(t, host, "postgresql", "python3-psycopg2", "acl")
	psql := "su postgres -c 'psql -XAt' <<'EOF'\n%s\nEOF"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_user: {name: sguser, groups: [readers, writers], role_attr_flags: "CREATEDB,NOLOGIN"}
`, nil)
	setup := fmt.Sprintf(psql, "DROP ROLE IF EXISTS sguser; DROP ROLE IF EXISTS readers; DROP ROLE IF EXISTS writers; CREATE ROLE readers; CREATE ROLE writers;")
	state := fmt.Sprintf(psql, `SELECT r.rolname, r.rolcreatedb, r.rolcanlogin, (SELECT string_agg(g.rolname, ',' ORDER BY g.rolname)
  FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) FROM pg_roles r WHERE r.rolname = 'sguser';`)
	tl, _ := sameAsAnsible(t, l, host, shell(t, l, host, setup), site, state)
	wantConverged(t, tl, "sguser|t|f|readers,writers")

	// An existing user that is in one group already gets the other one.
	setup += fmt.Sprintf(psql, "CREATE ROLE sguser CREATEDB; GRANT readers TO sguser;")
	tl, _ = sameAsAnsible(t, l, host, shell(t, l, host, setup), site, state)
	wantConverged(t, tl, "sguser|t|f|readers,writers")

	runWant(t, l, playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_user: {name: sguser, groups: [nosuch]}
`, nil), 2, `"msg": "Role nosuch does not exist"`)
}

// docker_container's networks: the host has no docker SDK for Ansible, so play alone, against
// community.docker's documented semantics (purge_networks, comparisons networks: strict).
func TestSysGDockerContainerNetworks(t *testing.T) {
	const host = "sysgdk1"
	l := sysCHost(t, host, "docker.io")
	setup := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - copy: {src: `+helloBinary(t)+`/, dest: /srv/app/, mode: preserve}
    - community.docker.docker_image: {name: hello, tag: v1, source: build, build: {path: /srv/app}}
`, nil)
	if r := play(t, "-i", l.Inventory, setup); r.code != 0 {
		t.Fatalf("building the image: exit %d", r.code)
	}
	onHost(t, l, host, "docker network create n1 >/dev/null && docker network create n2 >/dev/null && docker run -d --name web --network n1 hello:v1 >/dev/null && docker network connect bridge web")
	networks := "docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' web"
	site := func(network, args string) string {
		return playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.docker.docker_container: {name: web, image: "hello:v1", networks: [{name: `+network+`}], `+args+`}
`, nil)
	}
	// By default networks not listed stay (allow_more_present).
	sysTimeline(t, l, host, site("n2", "purge_networks: false"),
		func() { wantOnHost(t, l, host, networks, "bridge n1") },
		func() { wantOnHost(t, l, host, networks, "bridge n1 n2") })
	out := sysTimeline(t, l, host, site("n2", "comparisons: {networks: strict}"),
		func() { wantOnHost(t, l, host, networks, "bridge n1 n2") },
		func() { wantOnHost(t, l, host, networks, "n2") })
	if want := "     \"networks\": [\n-        \"bridge\",\n-        \"n1\",\n         \"n2\"\n     ]"; !strings.Contains(out, want) {
		t.Errorf("--diff lacks\n%s", want)
	}
	// A new container, not CLI compatible and purged: on n1 only, not on the default bridge.
	onHost(t, l, host, "docker rm -f web >/dev/null")
	sysTimeline(t, l, host, site("n1", "networks_cli_compatible: false, purge_networks: true"),
		func() { wantOnHost(t, l, host, networks+" 2>/dev/null; true", "") },
		func() { wantOnHost(t, l, host, networks, "n1") })
}
