//go:build e2e

package e2e

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"play/lab/labtest"
)

// APT sources, archives, time zone and reboot on fresh lab hosts of their own (sysd*), each
// through sysTimeline: --check changes nothing, a run changes the host (checked with the
// host's own tools), a second run changes nothing.

// runWant runs site once and checks the exit code and that out holds every want.
func runWant(t *testing.T, l *labtest.Lab, site string, code int, want ...string) {
	t.Helper()
	r := play(t, "-i", l.Inventory, "--diff", site)
	if r.code != code {
		t.Errorf("exit %d, want %d", r.code, code)
	}
	for _, w := range want {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

func TestSysDAptRepository(t *testing.T) {
	const host = "sysd1"
	l := labtest.Up(t, host)
	const list = "/etc/apt/sources.list.d/lab_gateway_8232.list"
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/ ./"}
`, nil)
	out := sysTimeline(t, l, host, site, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d | wc -l; ls /var/lib/apt/lists | grep -c gateway", "0\n0")
	}, func() {
		wantOnHost(t, l, host, "stat -c %a "+list+"; cat "+list, "644\ndeb [trusted=yes] http://lab-gateway:8232/ ./")
		// The cache was updated from the new source.
		wantOnHost(t, l, host, "ls /var/lib/apt/lists | grep -c gateway", "2")
	})
	if want := "--- before: /dev/null\n+++ after: " + list + "\n@@ -0,0 +1 @@\n+deb [trusted=yes] http://lab-gateway:8232/ ./\n"; !strings.Contains(out, want) {
		t.Errorf("diff: want %q", want)
	}
	// A source apt cannot fetch fails the task and leaves no file behind.
	bad := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/nope ./", filename: nope, update_cache_retries: 1}
`, nil)
	runWant(t, l, bad, 2, `"msg": "Failed to update apt cache: E:Failed to fetch http://lab-gateway:8232/nope/./Packages`)
	wantOnHost(t, l, host, "ls /etc/apt/sources.list.d", "lab_gateway_8232.list")
	// Removing the source removes the file it was alone in.
	gone := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - apt_repository: {repo: "deb [trusted=yes] http://lab-gateway:8232/ ./", state: absent, update_cache: false}
`, nil)
	sysTimeline(t, l, host, gone, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d", "lab_gateway_8232.list")
	}, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d | wc -l", "0")
	})
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - apt_repository: {repo: 'http://x/ ./'}\n", nil),
		2, `"msg": "Invalid repository string: http://x/ ./"`)
}

func TestSysDDeb822Repository(t *testing.T) {
	const host = "sysd2"
	l := sysCHost(t, host, "curl")
	const dest = "/etc/apt/sources.list.d/lab-gateway.sources"
	// A key served by the host itself (the lab has no other web server to spare).
	onHost(t, l, host, `mkdir -p /srv/keys && printf -- '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----\n' > /srv/keys/lab.asc
setsid python3 -m http.server 8999 --bind 127.0.0.1 --directory /srv/keys >/dev/null 2>&1 </dev/null &
for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf http://127.0.0.1:8999/lab.asc >/dev/null && break; sleep 0.2; done`)
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - deb822_repository:
        name: Lab Gateway
        uris: http://lab-gateway:8232/
        suites: ./
        trusted: true
    - apt: {update_cache: true}
      changed_when: false
`, nil)
	const text = "X-Repolib-Name: Lab Gateway\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: http://lab-gateway:8232/"
	out := sysTimeline(t, l, host, site, func() {
		wantOnHost(t, l, host, "ls /etc/apt/sources.list.d | wc -l", "0")
	}, func() {
		wantOnHost(t, l, host, "stat -c %a "+dest+"; cat "+dest, "644\n"+text)
		wantOnHost(t, l, host, "ls /var/lib/apt/lists | grep -c gateway", "2")
	})
	if want := "+++ after: " + dest + "\n@@ -0,0 +1,5 @@\n+X-Repolib-Name: Lab Gateway\n"; !strings.Contains(out, want) {
		t.Errorf("diff: want %q", want)
	}
	keyed := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - deb822_repository:
        name: Lab Gateway
        uris: http://lab-gateway:8232/
        suites: ./
        trusted: true
        signed_by: http://127.0.0.1:8999/lab.asc
      register: r
    - assert: {that: [r.key_filename == "/etc/apt/keyrings/lab-gateway.asc"]}
`, nil)
	sysTimeline(t, l, host, keyed, func() {
		wantOnHost(t, l, host, "ls /etc/apt/keyrings 2>/dev/null | wc -l; grep -c Signed-By "+dest, "0\n0")
	}, func() {
		wantOnHost(t, l, host, "cmp /srv/keys/lab.asc /etc/apt/keyrings/lab-gateway.asc && stat -c %a /etc/apt/keyrings/lab-gateway.asc; grep Signed-By "+dest,
			"644\nSigned-By: /etc/apt/keyrings/lab-gateway.asc")
	})
	gone := playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - deb822_repository: {name: Lab Gateway, state: absent}\n", nil)
	sysTimeline(t, l, host, gone, func() {
		wantOnHost(t, l, host, "ls /etc/apt/keyrings /etc/apt/sources.list.d | grep -c lab-gateway", "2")
	}, func() {
		wantOnHost(t, l, host, "ls /etc/apt/keyrings /etc/apt/sources.list.d | grep -c lab-gateway", "0")
	})
}

// appArchives writes app.tar.gz and app.zip (app/a.txt, app/sub/b.txt) into a fresh directory.
func appArchives(t *testing.T) (dir string, zipData []byte) {
	t.Helper()
	dir = t.TempDir()
	files := []struct{ name, body string }{{"app/", ""}, {"app/a.txt", "hello\n"}, {"app/sub/", ""}, {"app/sub/b.txt", "world\n"}}
	mtime := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var tgz, zb bytes.Buffer
	gz := gzip.NewWriter(&tgz)
	tw, zw := tar.NewWriter(gz), zip.NewWriter(&zb)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: mtime, Typeflag: tar.TypeReg}
		zh := &zip.FileHeader{Name: f.name, Modified: mtime, Method: zip.Store}
		zh.SetMode(0o644)
		if strings.HasSuffix(f.name, "/") {
			h.Mode, h.Typeflag = 0o755, tar.TypeDir
			zh.SetMode(0o755 | 1<<31) // fs.ModeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(zh)
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range []interface{ Write([]byte) (int, error) }{tw, w} {
			if _, err := out.Write([]byte(f.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []interface{ Close() error }{tw, gz, zw} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "app.tar.gz"), tgz.String())
	writeFile(t, filepath.Join(dir, "app.zip"), zb.String())
	return dir, zb.Bytes()
}

func TestSysDUnarchive(t *testing.T) {
	const host = "sysd3"
	l := sysCHost(t, host, "unzip")
	dir, zipData := appArchives(t)
	onHost(t, l, host, "mkdir -p /srv/t /srv/z && echo "+base64.StdEncoding.EncodeToString(zipData)+" | base64 -d > /srv/app.zip")
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - unarchive: {src: `+filepath.Join(dir, "app.tar.gz")+`, dest: /srv/t, owner: deploy}
    - unarchive: {src: /srv/app.zip, dest: /srv/z, remote_src: true, mode: "u=rwX,g=rX,o="}
      register: z
    - assert: {that: [z.handler == "ZipArchive"]}
`, nil)
	const tree = "find /srv/t /srv/z -mindepth 1 -printf '%P %U %m\\n' | sort; cat /srv/t/app/sub/b.txt"
	out := sysTimeline(t, l, host, site, func() {
		wantOnHost(t, l, host, tree, "")
	}, func() {
		wantOnHost(t, l, host, tree, "app 0 750\napp 1000 755\napp/a.txt 0 640\napp/a.txt 1000 644\napp/sub 0 750\napp/sub 1000 755\napp/sub/b.txt 0 640\napp/sub/b.txt 1000 644\nworld")
	})
	if want := ">d++++++.?? app/\n>f++++++.?? app/a.txt\n"; !strings.Contains(out, want) {
		t.Errorf("zip diff: want %q", want)
	}
	// A changed file is unpacked again; creates skips; a missing dest fails like Ansible.
	onHost(t, l, host, "echo changed > /srv/t/app/a.txt")
	again := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - unarchive: {src: `+filepath.Join(dir, "app.tar.gz")+`, dest: /srv/t, owner: deploy, list_files: true}
      register: r
    - assert: {that: [r.changed, "r.files == ['app/', 'app/a.txt', 'app/sub/', 'app/sub/b.txt']"]}
    - unarchive: {src: /srv/app.zip, dest: /srv/z, remote_src: true, creates: /srv/z/app}
      register: c
    - assert: {that: [not c.changed, 'c.msg == "skipped, since /srv/z/app exists"']}
    - unarchive: {src: /srv/app.zip, dest: /srv/none, remote_src: true}
`, nil)
	runWant(t, l, again, 2, `"msg": "dest '/srv/none' must be an existing dir"`)
	wantOnHost(t, l, host, "cat /srv/t/app/a.txt", "hello")
}

func TestSysDTimezone(t *testing.T) {
	const host = "sysd4"
	l := labtest.Up(t, host)
	site := playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - community.general.timezone: {name: Asia/Tokyo}\n", nil)
	out := sysTimeline(t, l, host, site, func() {
		wantOnHost(t, l, host, "timedatectl show -p Timezone --value", "Etc/UTC")
	}, func() {
		wantOnHost(t, l, host, "timedatectl show -p Timezone --value; readlink /etc/localtime; date +%Z", "Asia/Tokyo\n../usr/share/zoneinfo/Asia/Tokyo\nJST")
	})
	if want := "-    \"name\": \"Etc/UTC\"\n+    \"name\": \"Asia/Tokyo\"\n"; !strings.Contains(out, want) {
		t.Errorf("diff: want %q", want)
	}
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - timezone: {name: Mars/Olympus}\n", nil),
		2, `"msg": "Error message:\ngiven timezone \"Mars/Olympus\" is not available"`)
}

func TestSysDReboot(t *testing.T) {
	const host = "sysd5"
	l := labtest.Up(t, host)
	bootID := func() string { return onHost(t, l, host, "cat /proc/sys/kernel/random/boot_id") }
	// --check reports the reboot and leaves the host running.
	first := bootID()
	site := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - reboot: {reboot_timeout: 120, msg: "play e2e"}
      register: r
    - assert: {that: [r.rebooted, r.changed]}
    - command: cat /proc/sys/kernel/random/boot_id
      register: after
    - debug: {msg: "boot {{ after.stdout }}"}
`, nil)
	r := play(t, "-i", l.Inventory, "--check", site)
	if r.code != 0 || r.recap[host].Changed != 1 || bootID() != first {
		t.Fatalf("--check: exit %d, recap %+v; want one change and the same boot", r.code, r.recap[host])
	}
	// A simulated reboot the lab survives: every ssh session dies and the boot ID changes.
	sim := playbook(t, `
- hosts: all
  gather_facts: false
  tasks:
    - shell: cat /proc/sys/kernel/random/uuid > /run/boot
    - reboot:
        boot_time_command: cat /run/boot
        reboot_command: sh -c 'cat /proc/sys/kernel/random/uuid > /run/boot; pkill -x sshd; sleep 1; systemctl restart ssh'
        reboot_timeout: 30
    - command: cat /run/boot
`, nil)
	if r := play(t, "-i", l.Inventory, sim); r.code != 0 || r.recap[host].Changed != 3 {
		t.Fatalf("simulated reboot: exit %d, recap %+v", r.code, r.recap[host])
	}
	// A real reboot ends a lab host's systemd-nspawn: the test brings the host back (new
	// host keys, rewritten known_hosts) while play waits, and play's next task runs on it.
	done := make(chan result, 1)
	go func() { done <- play(t, "-i", l.Inventory, site) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := l.Exec(host, "true"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the host did not go down")
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, args := range [][]string{{"up", host}, {"inventory", filepath.Dir(l.Inventory), host}} {
		if out, err := exec.Command(labtest.Script(), args...).CombinedOutput(); err != nil {
			t.Fatalf("lab %v: %v\n%s", args, err, out)
		}
	}
	r = <-done
	if r.code != 0 || r.recap[host].Changed != 2 {
		t.Fatalf("reboot: exit %d, recap %+v", r.code, r.recap[host])
	}
	if now := bootID(); now == first || !strings.Contains(r.out, "boot "+now) {
		t.Errorf("boot ID %s (before %s); the task after the reboot did not run on the new boot", now, first)
	}
	runWant(t, l, playbook(t, "- hosts: all\n  gather_facts: false\n  tasks:\n    - reboot: {reboot_timeout: 3, reboot_command: 'true'}\n", nil),
		2, `"msg": "Timed out waiting for last boot time check (timeout=3): boot time has not changed"`)
}
