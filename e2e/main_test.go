//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"play/lab/labtest"
)

// The package's hosts, booted once in TestMain. e2enopy1 has no python3: only play can manage it.
var (
	web1, web2, db1, nopy1 = shared("e2eweb1"), shared("e2eweb2"), shared("e2edb1"), shared("e2enopy1")
)

// shared names a host that several tests use. $E2E_PREFIX (lower-case letters) is put in front, so
// two people running e2e tests at once on one machine each boot their own hosts.
func shared(name string) string { return os.Getenv("E2E_PREFIX") + name }

var (
	lab      *labtest.Lab
	playBin  string
	ansible  bool // PLAY_BIN is ansible-playbook: the tests are checked against the reference
	pythonic = []string{web1, web2, db1}
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	var err error
	if playBin, err = playBinary(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	ansible = filepath.Base(playBin) == "ansible-playbook"
	dir, err := os.MkdirTemp("", "play-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if lab, err = labtest.Start(dir, web1, web2, db1, nopy1); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	code := m.Run()
	if err := lab.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		code = 1
	}
	return code
}

// playBinary is $PLAY_BIN (a path or a command on PATH), or play built from this repository.
func playBinary() (string, error) {
	if bin := os.Getenv("PLAY_BIN"); bin != "" {
		return exec.LookPath(bin)
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	bin := filepath.Join(root, "bin", "play")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building play (set PLAY_BIN to use another binary): %w\n%s", err, out)
	}
	return bin, nil
}

// result is one run of the playbook runner.
type result struct {
	out   string
	code  int
	recap map[string]Recap
}

// playbook writes a playbook (and any other files, name → content) into a fresh directory
// and returns the playbook's path.
func playbook(t *testing.T, yml string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	path := filepath.Join(dir, "site.yml")
	writeFile(t, path, yml)
	return path
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// play runs the runner with args (inventory, playbook, flags) and logs its output if the test fails.
func play(t *testing.T, args ...string) result {
	t.Helper()
	r, err := runBin(playBin, t.TempDir(), nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s %s (exit %d):\n%s", playBin, strings.Join(args, " "), r.code, r.out)
		}
	})
	return r
}

// runBin runs bin (play or ansible-playbook) with args in dir, which should hold no ansible.cfg
// or other local configuration, with env added to the environment. Safe for any goroutine.
func runBin(bin, dir string, env []string, args ...string) (result, error) {
	// 6 minutes: the deployment's first run (e2e/deploy_test.go) takes ~3 under ansible-playbook.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "ANSIBLE_NOCOLOR=1", "ANSIBLE_RETRY_FILES_ENABLED=0",
		// no ssh connection shared between runs: every run verifies host keys afresh
		"ANSIBLE_SSH_ARGS=-o ControlMaster=no")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	r := result{out: string(out), recap: ParseRecap(string(out))}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		return r, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out)
	}
	return r, nil
}

// onHost runs cmd on a lab host without play and returns its trimmed output.
func onHost(t *testing.T, l *labtest.Lab, host, cmd string) string {
	t.Helper()
	out, err := l.Exec(host, cmd)
	if err != nil {
		t.Fatalf("%s: %s: %v", host, cmd, err)
	}
	return strings.TrimSpace(out)
}

// wantRecap checks the recap of every host against want.
func wantRecap(t *testing.T, r result, want map[string]Recap) {
	t.Helper()
	for host, w := range want {
		if got, ok := r.recap[host]; !ok {
			t.Errorf("PLAY RECAP has no line for %s", host)
		} else if got != w {
			t.Errorf("PLAY RECAP %s = %+v, want %+v", host, got, w)
		}
	}
}
