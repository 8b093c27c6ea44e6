//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"play/lab/labtest"
)

// PostgreSQL and Docker modules on fresh lab hosts of their own, each through the timeline:
// --check changes nothing, a run changes the host (checked with psql and docker inspect), a
// second run changes nothing.

// sysCHost boots host and installs packages on it from the lab's repository.
func sysCHost(t *testing.T, host string, packages ...string) *labtest.Lab {
	t.Helper()
	l := labtest.Up(t, host)
	onHost(t, l, host, "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y "+strings.Join(packages, " ")+" >/dev/null 2>&1")
	return l
}

// sysCTimeline is sysTimeline with one check that knows whether the run applied.
func sysCTimeline(t *testing.T, l *labtest.Lab, host, site string, check func(applied bool)) string {
	t.Helper()
	return sysTimeline(t, l, host, site, func() { check(false) }, func() { check(true) })
}

func TestSysCPostgres(t *testing.T) {
	const host = "syscpg1"
	l := sysCHost(t, host, "postgresql")
	psql := func(sql string) string {
		return onHost(t, l, host, "su postgres -c 'psql -XAt' <<'EOF'\n"+sql+"\nEOF")
	}
	site := func(password string) string {
		return playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_user: {name: app, password: "`+password+`", role_attr_flags: "CREATEDB,LOGIN"}
    - community.postgresql.postgresql_db: {name: app, owner: app, encoding: UTF-8, template: template0}
`, nil)
	}
	login := func(password string) string {
		out, _ := l.Exec(host, "PGPASSWORD='"+strings.ReplaceAll(password, "'", `'\''`)+"' psql -XAt -h 127.0.0.1 -U app -d app -c 'select current_user' 2>&1")
		return strings.TrimSpace(out)
	}
	sysCTimeline(t, l, host, site("it's s3cret"), func(applied bool) {
		want := map[bool]string{false: "||", true: "app|t|app|UTF8"}[applied]
		got := psql("select string_agg(rolname, ''), bool_or(rolcreatedb), (select string_agg(r.rolname || '|' || pg_encoding_to_char(d.encoding), '') from pg_database d join pg_roles r on r.oid = d.datdba where datname = 'app') from pg_roles where rolname = 'app'")
		if got != want && !(applied == false && got == "||") {
			t.Errorf("role and database = %q, want %q", got, want)
		}
	})
	if got := login("it's s3cret"); got != "app" {
		t.Errorf("login with the password: %q, want app", got)
	}
	// Privileges on the database, now that it exists.
	privs := playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_user: {name: app, db: app, priv: "CONNECT,TEMP"}
    - community.postgresql.postgresql_user: {name: reader, db: app, priv: "CONNECT"}
`, nil)
	sysCTimeline(t, l, host, privs, func(applied bool) {
		// The owner holds every privilege already; reader gets CONNECT.
		want := map[bool]string{false: "", true: "=Tc/app,app=CTc/app,reader=c/app"}[applied]
		if got := psql("select array_to_string(datacl, ',') from pg_database where datname = 'app'"); got != want {
			t.Errorf("datacl = %q, want %q", got, want)
		}
	})
	// A new password is a change; the old one no longer logs in.
	r := play(t, "-i", l.Inventory, site("n3w"))
	if r.code != 0 || r.recap[host].Changed != 1 {
		t.Errorf("new password: exit %d, recap %+v; want one change", r.code, r.recap[host])
	}
	if got := login("n3w"); got != "app" {
		t.Errorf("login with the new password: %q, want app", got)
	}
	bad := playbook(t, `
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - postgresql_db: {name: app, encoding: LATIN1}
`, nil)
	r = play(t, "-i", l.Inventory, bad)
	if want := `"msg": "Changing database encoding is not supported. Current encoding: UTF8"`; r.code != 2 || !strings.Contains(r.out, want) {
		t.Errorf("changing the encoding: exit %d, want 2 and %s", r.code, want)
	}
}

// helloBinary builds a static web server on the controller: the image's only file.
func helloBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module hello\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "main.go"), `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Println("hello", os.Getenv("GREETING"))
		return
	}
	_ = http.ListenAndServe(":8000", nil)
}
`)
	app := filepath.Join(dir, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(app, "hello"), ".")
	build.Dir, build.Env = dir, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the image's binary: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(app, "Dockerfile"), "FROM scratch\nCOPY hello /hello\nENTRYPOINT [\"/hello\"]\n")
	return app
}

func TestSysCDocker(t *testing.T) {
	const host = "syscdk1"
	l := sysCHost(t, host, "docker.io")
	app := helloBinary(t)
	site := func(greeting string) string {
		return playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.docker.docker_image: {name: hello, tag: v1, source: build, build: {path: /srv/app}}
    - community.docker.docker_network: {name: appnet, appends: true}
    - community.docker.docker_container:
        name: web
        image: hello:v1
        env: {GREETING: `+greeting+`}
        published_ports: ["127.0.0.1:8080:8000"]
        restart_policy: unless-stopped
        networks: [{name: appnet}]
`, nil)
	}
	setup := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - copy: {src: `+app+`/, dest: /srv/app/, mode: preserve}
`, nil)
	if r := play(t, "-i", l.Inventory, setup); r.code != 0 {
		t.Fatalf("copying the build context: exit %d", r.code)
	}
	inspect := "docker inspect -f '{{.State.Running}} {{.HostConfig.RestartPolicy.Name}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' web 2>/dev/null || true"
	out := sysCTimeline(t, l, host, site("hi"), func(applied bool) {
		want := map[bool]string{false: "", true: "true unless-stopped appnet"}[applied]
		if got := onHost(t, l, host, inspect); got != want {
			t.Errorf("container = %q, want %q", got, want)
		}
	})
	if want := "-    \"exists\": false,\n-    \"running\": false\n+    \"exists\": true,\n+    \"running\": true"; !strings.Contains(out, want) {
		t.Errorf("--diff of a new container lacks\n%s", want)
	}
	if got := onHost(t, l, host, "docker exec web /hello once"); got != "hello hi" {
		t.Errorf("docker exec web /hello once = %q, want hello hi", got)
	}
	// A compared option differs: --check shows it and keeps the container; a run recreates it.
	id := onHost(t, l, host, "docker inspect -f '{{.Id}}' web")
	r := play(t, "-i", l.Inventory, "--check", "--diff", site("yo"))
	if !strings.Contains(r.out, "-        \"GREETING=hi\",") || !strings.Contains(r.out, "+        \"GREETING=yo\"") || r.recap[host].Changed != 1 {
		t.Errorf("--check --diff of a new env: recap %+v, want changed=1 and the env in the diff", r.recap[host])
	}
	if got := onHost(t, l, host, "docker inspect -f '{{.Id}}' web"); got != id {
		t.Errorf("--check recreated the container")
	}
	if r = play(t, "-i", l.Inventory, site("yo")); r.recap[host].Changed != 1 || onHost(t, l, host, "docker exec web /hello once") != "hello yo" {
		t.Errorf("new env: recap %+v, want the container recreated with GREETING=yo", r.recap[host])
	}

	// source: load from an archive on the host.
	onHost(t, l, host, "docker save -o /tmp/hello.tar hello:v1 && docker tag hello:v1 keep:v1 && docker rmi hello:v1 >/dev/null")
	load := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - community.docker.docker_image: {name: "hello:v1", source: load, load_path: /tmp/hello.tar}
`, nil)
	sysCTimeline(t, l, host, load, func(applied bool) {
		want := map[bool]string{false: "", true: "hello:v1"}[applied]
		if got := onHost(t, l, host, "docker image ls --format '{{.Repository}}:{{.Tag}}' hello"); got != want {
			t.Errorf("images = %q, want %q", got, want)
		}
	})

	bad := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - docker_container: {name: web2, image: "no/such:image"}
`, nil)
	r = play(t, "-i", l.Inventory, bad)
	if want := "Unable to find image 'no/such:image' locally"; r.code != 2 || !strings.Contains(r.out, want) {
		t.Errorf("a bad image: exit %d, want 2 and %s", r.code, want)
	}
}
