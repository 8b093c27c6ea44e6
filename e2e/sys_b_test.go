//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"play/lab/labtest"
)

// serveGitRepo makes a bare repository with one commit and serves it over git's dumb HTTP
// protocol on the lab bridge's address, where lab hosts reach it. It returns the repo's URL
// and its commit.
func serveGitRepo(t *testing.T, l *labtest.Lab, host string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main", "src")
	writeFile(t, filepath.Join(dir, "src", "README"), "hello\n")
	git("-C", "src", "add", "README")
	git("-C", "src", "commit", "-q", "-m", "one")
	git("clone", "-q", "--bare", "src", "app.git")
	git("-C", "app.git", "update-server-info")
	// The host's default route is the bridge: its gateway is the controller.
	gw := onHost(t, l, host, "ip route show default | awk '{ print $3 }'")
	ln, err := net.Listen("tcp", gw+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/app.git", git("-C", "src", "rev-parse", "HEAD")
}

// TestSystemModulesB runs git, cron, authorized_key, sysctl, hostname and getent: --check
// --diff on a fresh host reports every change and leaves the host alone, a run makes them,
// a second run changes nothing; the host's own tools confirm the end state.
func TestSystemModulesB(t *testing.T) {
	if ansible {
		t.Skip("checks play's diff texts")
	}
	const h = "sysbe2e1"
	l := labtest.Up(t, h)
	onHost(t, l, h, "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y git cron >/dev/null 2>&1; command -v git crontab")
	repo, commit := serveGitRepo(t, l, h)
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - git: {repo: "`+repo+`", dest: /srv/app}
    - cron: {name: backup, minute: "0", hour: "3", job: /usr/local/bin/backup}
    - authorized_key: {user: deploy, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e e2e@play", exclusive: false}
    - sysctl: {name: net.ipv4.ip_forward, value: "1", sysctl_file: /etc/sysctl.d/90-play.conf}
    - hostname: {name: sysb-renamed}
    - getent: {database: passwd, key: deploy}
    - copy:
        dest: /tmp/getent.txt
        content: "{{ ansible_facts.getent_passwd.deploy[4] }}\n"
`, nil)
	state := "test -e /srv/app && echo app; crontab -l 2>/dev/null; grep -c e2e@play /home/deploy/.ssh/authorized_keys; sysctl -n net.ipv4.ip_forward; hostname"
	before := onHost(t, l, h, state)

	r := play(t, "-i", l.Inventory, "--check", "--diff", site)
	wantRecap(t, r, map[string]Recap{h: {Ok: 7, Changed: 6}})
	for _, want := range []string{">> Newly checked out " + commit, "+0 3 * * * /usr/local/bin/backup",
		"+++ after: /home/deploy/.ssh/authorized_keys", "-hostname = " + h, "+hostname = sysb-renamed"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("--check --diff output lacks %q", want)
		}
	}
	if after := onHost(t, l, h, state); after != before {
		t.Errorf("--check changed the host:\n%s\nwas:\n%s", after, before)
	}

	r = play(t, "-i", l.Inventory, site)
	wantRecap(t, r, map[string]Recap{h: {Ok: 7, Changed: 6}})
	if got := onHost(t, l, h, "git -C /srv/app rev-parse HEAD"); got != commit {
		t.Errorf("git rev-parse HEAD = %s, want %s", got, commit)
	}
	want := "app\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n1\n1\nsysb-renamed"
	if got := onHost(t, l, h, state); got != want {
		t.Errorf("host state:\n%s\nwant:\n%s", got, want)
	}
	if got := onHost(t, l, h, "cat /tmp/getent.txt"); got != "/home/deploy" {
		t.Errorf("getent fact gave %q, want /home/deploy", got)
	}

	r = play(t, "-i", l.Inventory, site)
	wantRecap(t, r, map[string]Recap{h: {Ok: 7}})
}
