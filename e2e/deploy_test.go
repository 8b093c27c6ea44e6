//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"play/lab/labtest"
)

// The deployment the project exists for (playbooks/site.yml, issue 7) on five lab hosts of its
// own: PostgreSQL, the Django app twice, the NGINX load balancer, a Docker host.

// deployHosts are the test's hosts by role. Under play the lb and docker hosts have no python3
// (nopy names), which proves play needs none; ansible-playbook needs it everywhere.
type deployHosts struct{ db, app1, app2, lb, docker string }

func newDeployHosts() deployHosts {
	h := deployHosts{db: "depdb1", app1: "depapp1", app2: "depapp2", lb: "deplbnopy1", docker: "depdockernopy1"}
	if ansible {
		h.lb, h.docker = "deplb1", "depdocker1"
	}
	return h
}

func (h deployHosts) all() []string { return []string{h.db, h.app1, h.app2, h.lb, h.docker} }

// groupsInventory puts the hosts into the groups site.yml uses; it is read together with the
// lab's inventory, which has their addresses and keys.
func (h deployHosts) groupsInventory(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "groups.yml")
	writeFile(t, path, fmt.Sprintf(`all:
  children:
    db: {hosts: {%s: {}}}
    app: {hosts: {%s: {}, %s: {}}}
    lb: {hosts: {%s: {}}}
    docker: {hosts: {%s: {}}}
`, h.db, h.app1, h.app2, h.lb, h.docker))
	return path
}

// deployGitPort is where the test serves the app's code; make demo uses git's default, 9418.
const deployGitPort = "9427"

// repoRoot is the project's top directory.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// serveApp serves the project's app/ over git to the lab (demo/gitserve.sh) until the test ends.
func serveApp(t *testing.T) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(), "demo", "gitserve.sh"), t.TempDir(), "10.232.0.1", deployGitPort)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // git daemon, started above
		_ = cmd.Wait()
	})
	for i := 0; ; i++ {
		ls := exec.Command("git", "ls-remote", "git://10.232.0.1:"+deployGitPort+"/tasks.git")
		if ls.Run() == nil {
			return
		}
		if i == 50 {
			t.Fatalf("demo/gitserve.sh does not serve the app:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// getJSON GETs url into v.
func getJSON(url string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// servedBy GETs the LB's /healthz n times and returns the app host of each answer.
func servedBy(t *testing.T, lb string, n int) []string {
	t.Helper()
	var hosts []string
	for range n {
		var health struct{ Host string }
		if err := getJSON("http://"+lb+"/healthz", &health); err != nil {
			t.Fatalf("the load balancer: %v", err)
		}
		hosts = append(hosts, health.Host)
	}
	return hosts
}

// configFiles is every file the roles template or edit, checksummed on each host.
const configFiles = "md5sum /etc/nginx/nginx.conf /etc/tasks/tasks.ini /etc/systemd/system/tasks.service " +
	"/etc/postgresql/15/main/postgresql.conf /etc/postgresql/15/main/pg_hba.conf /opt/hello/hello 2>/dev/null; true"

func TestDeploySite(t *testing.T) {
	h := newDeployHosts()
	if ansible {
		// ansible-playbook's apt needs python3-apt, community.docker the Docker SDK for Python.
		for _, deb := range []string{"python3-apt_", "python3-docker_"} {
			if m, _ := filepath.Glob("/var/cache/play-lab/repo/" + deb + "*.deb"); len(m) == 0 {
				t.Skipf("the lab's APT repository has no %s*.deb, which ansible-playbook needs: add python3-apt and python3-docker to REPO_PKGS in lab/lab", deb)
			}
		}
	}
	l := labtest.Up(t, h.all()...)
	serveApp(t)
	args := []string{"-i", l.Inventory, "-i", h.groupsInventory(t),
		"-e", "django_repo_url=git://lab-gateway:" + deployGitPort + "/tasks.git"}
	if ansible {
		args = append(args, "-e", `{"docker_host_packages": ["docker.io", "python3-docker"]}`)
	}
	site := filepath.Join(repoRoot(), "playbooks", "site.yml")
	addr := func(name string) string { return l.Host(name).Addr }
	unchanged := map[string]Recap{}

	if r := play(t, append(args, site)...); r.code != 0 {
		t.Fatalf("first run: exit %d, want 0", r.code)
	}

	t.Run("the load balancer alternates between the app hosts", func(t *testing.T) {
		got := servedBy(t, addr(h.lb), 6)
		for i, host := range got {
			if host != h.app1 && host != h.app2 || i > 0 && host == got[i-1] {
				t.Fatalf("answers came from %v, want %s and %s in turn", got, h.app1, h.app2)
			}
		}
	})

	t.Run("data written through one app host is read through the other", func(t *testing.T) {
		text := "e2e item " + time.Now().Format(time.RFC3339Nano)
		resp, err := http.Post("http://"+addr(h.app1)+":8000/api/items", "application/json",
			strings.NewReader(`{"text": "`+text+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST to %s: %s, want 201 Created", h.app1, resp.Status)
		}
		var list struct {
			Host  string
			Items []struct{ Text, Host string }
		}
		if err := getJSON("http://"+addr(h.app2)+":8000/api/items", &list); err != nil {
			t.Fatal(err)
		}
		for _, it := range list.Items {
			if it.Text == text && it.Host == h.app1 && list.Host == h.app2 {
				return
			}
		}
		t.Errorf("%s lists %+v, want %q stored by %s", h.app2, list, text, h.app1)
	})

	t.Run("the containers answer, one through the other", func(t *testing.T) {
		type reply struct {
			Service  string
			Upstream *reply
		}
		var hello, front reply
		if err := getJSON("http://"+addr(h.docker)+":8080/", &hello); err != nil || hello.Service != "hello" {
			t.Errorf("hello on :8080: %+v, %v; want service hello", hello, err)
		}
		if err := getJSON("http://"+addr(h.docker)+":8081/", &front); err != nil || front.Upstream == nil || front.Upstream.Service != "hello" {
			t.Errorf("hello-front on :8081: %+v, %v; want hello's answer inside", front, err)
		}
	})

	t.Run("a second run changes nothing", func(t *testing.T) {
		r := play(t, append(args, site)...)
		if r.code != 0 {
			t.Fatalf("exit %d, want 0", r.code)
		}
		for _, host := range h.all() {
			if got, ok := r.recap[host]; !ok || got.Changed != 0 || got.Failed != 0 {
				t.Errorf("%s: recap %+v (present %v), want changed=0 failed=0", host, got, ok)
			}
			unchanged[host] = r.recap[host]
		}
	})

	t.Run("a changed variable: --check --diff shows just that and changes nothing, then the run applies it", func(t *testing.T) {
		before := map[string]string{}
		for _, host := range h.all() {
			before[host] = onHost(t, l, host, configFiles)
		}
		changed := append(args, "-e", "nginx_lb_method=least_conn", site)
		r := play(t, append([]string{"--check", "--diff"}, changed...)...)
		if r.code != 0 {
			t.Fatalf("--check --diff: exit %d, want 0", r.code)
		}
		if got := diffLines(r.out); strings.Join(got, "\n") != "+        least_conn;" {
			t.Errorf("--check --diff printed the changed lines %q, want just \"+        least_conn;\"", got)
		}
		for _, host := range h.all() {
			if after := onHost(t, l, host, configFiles); after != before[host] {
				t.Errorf("%s: --check changed files:\nbefore\n%s\nafter\n%s", host, before[host], after)
			}
		}

		r = play(t, changed...)
		if r.code != 0 {
			t.Fatalf("run: exit %d, want 0", r.code)
		}
		want := map[string]Recap{}
		for host, rc := range unchanged {
			want[host] = rc
		}
		want[h.lb] = Recap{Ok: unchanged[h.lb].Ok + 1, Changed: 2} // the template and its handler
		wantRecap(t, r, want)
		if got := strings.Count(r.out, "RUNNING HANDLER"); got != 1 || !strings.Contains(r.out, "RUNNING HANDLER [nginx_lb : reload nginx]") {
			t.Errorf("%d handlers ran, want only nginx_lb : reload nginx", got)
		}
		if got := onHost(t, l, h.lb, "grep -c '^ *least_conn;' /etc/nginx/nginx.conf"); got != "1" {
			t.Errorf("nginx.conf has %s least_conn lines, want 1", got)
		}
	})

	t.Run("with an app host down the load balancer answers from the other", func(t *testing.T) {
		if err := l.Stop(h.app2); err != nil {
			t.Fatal(err)
		}
		for _, host := range servedBy(t, addr(h.lb), 6) {
			if host != h.app1 {
				t.Fatalf("an answer came from %s, want all from %s", host, h.app1)
			}
		}
	})
}

// diffLines are the added and removed lines of the diffs in a run's output.
func diffLines(out string) []string {
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-")) &&
			!strings.HasPrefix(line, "+++") && !strings.HasPrefix(line, "---") {
			lines = append(lines, line)
		}
	}
	return lines
}
