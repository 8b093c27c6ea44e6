package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"play/vault"
)

func TestVaultCommandAndPlaybooks(t *testing.T) {
	t.Cleanup(func() { vault.Use(nil) })
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	writeFile(t, pw, "hunter2\n")
	vars := filepath.Join(dir, "secrets.yml")
	writeFile(t, vars, "db_pass: from-file\n")
	if res := play(t, "vault", "encrypt", "--vault-id", "prod@"+pw, vars); res.code != 0 || !strings.Contains(res.stderr, "Encryption successful") {
		t.Fatalf("encrypt: %+v", res)
	}
	data, err := os.ReadFile(vars)
	if err != nil || !strings.HasPrefix(string(data), "$ANSIBLE_VAULT;1.2;AES256;prod\n") {
		t.Fatalf("encrypted file: %q %v", data, err)
	}
	if bin, err := exec.LookPath("ansible-vault"); err == nil {
		out, err := exec.Command(bin, "view", "--vault-password-file", pw, vars).Output()
		if err != nil || string(out) != "db_pass: from-file\n" {
			t.Fatalf("ansible-vault view: %q %v", out, err)
		}
	}
	res := play(t, "vault", "encrypt_string", "--vault-password-file", pw, "--name", "token", "inline-value")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "token: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n") {
		t.Fatalf("encrypt_string: %+v", res)
	}
	pb := filepath.Join(dir, "site.yml")
	writeFile(t, pb, "- hosts: a\n  gather_facts: false\n  vars_files: [secrets.yml]\n  vars:\n    "+strings.ReplaceAll(strings.TrimSpace(res.stdout), "\n", "\n    ")+
		"\n  tasks:\n    - debug: msg=\"{{ db_pass }} {{ token }}\"\n")
	inv := sshInventory(t, "a", "b")

	res = play(t, "-i", inv, pb, "--vault-password-file", pw)
	if res.code != 0 || !strings.Contains(res.stdout, `"msg": "from-file inline-value"`) {
		t.Fatalf("run with the password: %+v", res)
	}
	wrong := filepath.Join(dir, "wrong")
	writeFile(t, wrong, "nope\n")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no secret", nil, 4, "ERROR! Attempting to decrypt but no vault secrets found: " + pb + ":5"},
		{"wrong secret", []string{"--vault-password-file", wrong}, 4, "Decryption failed (no vault secrets were found that could decrypt) on " + pb + ":5"},
		{"missing password file", []string{"--vault-password-file", dir + "/none"}, 1, "ERROR! The vault password file " + dir + "/none was not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := play(t, append([]string{"-i", inv, pb}, tt.args...)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.err) || strings.Contains(res.stdout+res.stderr, "from-file") {
				t.Fatalf("exit %d, want %d and %q:\n%s%s", res.code, tt.code, tt.err, res.stdout, res.stderr)
			}
		})
	}

	if res := play(t, "vault", "view", "--vault-password-file", pw, vars); res.code != 0 || res.stdout != "db_pass: from-file\n" {
		t.Fatalf("view: %+v", res)
	}
	if res := play(t, "vault", "decrypt", "--vault-password-file", pw, vars); res.code != 0 {
		t.Fatalf("decrypt: %+v", res)
	}
	if data, _ := os.ReadFile(vars); string(data) != "db_pass: from-file\n" {
		t.Fatalf("decrypted file: %q", data)
	}
	if res := play(t, "vault", "view", "--vault-password-file", pw, vars); res.code != 1 || !strings.Contains(res.stderr, "input is not vault encrypted data for "+vars) {
		t.Fatalf("view of a plain file: %+v", res)
	}
}

func TestReportsRetryAndFailOnChange(t *testing.T) {
	dir := t.TempDir()
	inv := sshInventory(t, "a", "b")
	pb := filepath.Join(dir, "site.yml")
	dest := filepath.Join(dir, "out-{{ inventory_hostname }}.txt")
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: content=x dest="+dest+"\n    - command: /bin/false\n      when: inventory_hostname == 'b'\n      changed_when: false\n")
	retry := filepath.Join(dir, "site.retry")
	jsonPath, junitPath, jsonlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.jsonl")

	res := play(t, "-i", inv, pb, "--report", "json="+jsonPath, "--report", "junit="+junitPath, "--report", "jsonl="+jsonlPath, "--retry-file", retry)
	if res.code != 2 || !strings.Contains(res.stdout, "to retry, use: --limit @"+retry) {
		t.Fatalf("first run: %+v", res)
	}
	if data, _ := os.ReadFile(retry); string(data) != "b\n" {
		t.Fatalf("retry file: %q", data)
	}
	var doc struct {
		Plays []struct {
			Tasks []struct{ Hosts map[string]map[string]any }
		}
		Stats map[string]map[string]int
	}
	data, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(data, &doc); err != nil || doc.Stats["b"]["failures"] != 1 || doc.Plays[0].Tasks[0].Hosts["a"]["changed"] != true {
		t.Fatalf("json report (%v):\n%s", err, data)
	}
	if data, _ := os.ReadFile(junitPath); !strings.Contains(string(data), `<failure message="non-zero return code"`) {
		t.Fatalf("junit report:\n%s", data)
	}
	if data, _ := os.ReadFile(jsonlPath); strings.Count(string(data), "\n") != 8 {
		t.Fatalf("jsonl report:\n%s", data)
	}

	res = play(t, "-i", inv, pb, "--limit", "@"+retry, "--retry-file", retry)
	if res.code != 2 || strings.Contains(res.stdout, "[a]") || !strings.Contains(res.stdout, "fatal: [b]") {
		t.Fatalf("retry run: %+v", res)
	}
	writeFile(t, pb, "- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: content=y dest="+dest+"\n")
	res = play(t, "-i", inv, pb, "--fail-on-change", "--retry-file", retry)
	if res.code != 2 || !strings.Contains(res.stderr, "ERROR! --fail-on-change: tasks changed a (1), b (1); a run on converged hosts must change nothing") {
		t.Fatalf("changing run: %+v", res)
	}
	res = play(t, "-i", inv, pb, "--fail-on-change", "--retry-file", retry, "--report", "json=-")
	if res.code != 0 || !json.Valid([]byte(res.stdout)) {
		t.Fatalf("converged run: %+v", res)
	}
	if _, err := os.Stat(retry); !os.IsNotExist(err) {
		t.Fatalf("a run without failures removes the stale retry file: %v", err)
	}
	if res := play(t, "-i", inv, pb, "--report", "xml=x"); res.code != 5 || !strings.Contains(res.stderr, `unknown format "xml"`) {
		t.Fatalf("bad report: %+v", res)
	}
}

// TestNoLogHidesEverywhere checks that a no_log task's values appear in no
// output at any verbosity, report or error message.
func TestNoLogHidesEverywhere(t *testing.T) {
	dir := t.TempDir()
	inv := sshInventory(t, "a", "b")
	pb := filepath.Join(dir, "site.yml")
	writeFile(t, pb, `- hosts: a
  gather_facts: false
  vars:
    secret: s3cr3t-value
  tasks:
    - command: echo {{ secret }}
      no_log: true
    - copy: content={{ secret }} dest=`+dir+`/secret.txt
      no_log: true
    - debug: msg={{ item }}
      loop: ["{{ secret }}"]
      no_log: true
    - command: sh -c "echo {{ secret }} >&2; exit 3"
      no_log: true
      ignore_errors: true
    - fail: msg="bad {{ secret }}"
      no_log: true
`)
	for _, v := range []string{"-v", "-vvv", "-vvvvv"} {
		jsonPath, jsonlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.jsonl")
		res := play(t, "-i", inv, pb, v, "--diff", "--report", "json="+jsonPath, "--report", "jsonl="+jsonlPath)
		if res.code != 2 {
			t.Fatalf("%s: exit %d\n%s%s", v, res.code, res.stdout, res.stderr)
		}
		j, _ := os.ReadFile(jsonPath)
		jl, _ := os.ReadFile(jsonlPath)
		for name, text := range map[string]string{"stdout": res.stdout, "stderr": res.stderr, "json": string(j), "jsonl": string(jl)} {
			if strings.Contains(text, "s3cr3t") {
				t.Errorf("%s: the secret leaks in %s:\n%s", v, name, text)
			}
		}
		if !strings.Contains(res.stdout, "the output has been hidden due to the fact that 'no_log: true' was specified for this result") {
			t.Errorf("%s: no censored result shown:\n%s", v, res.stdout)
		}
	}
}

// TestInterrupt sends SIGINT to a run blocked in a long command: it stops
// within 5 s, prints the recap and exits 99; a second SIGINT exits at once.
func TestInterrupt(t *testing.T) {
	if os.Getenv("PLAY_INTERRUPT_ARGS") != "" {
		return
	}
	dir := t.TempDir()
	inv := sshInventory(t, "a", "b")
	pb := filepath.Join(dir, "site.yml")
	writeFile(t, pb, "- hosts: a\n  gather_facts: false\n  tasks:\n    - command: sleep 30\n    - debug: msg=never\n")
	for _, signals := range []int{1, 2} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptHelper$")
		cmd.Env = append(os.Environ(), "PLAY_INTERRUPT_ARGS=-i\n"+inv+"\n"+pb)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		var out strings.Builder
		for lines.Scan() {
			out.WriteString(lines.Text() + "\n")
			if strings.HasPrefix(lines.Text(), "TASK [command]") {
				break
			}
		}
		time.Sleep(300 * time.Millisecond) // the sleep is running
		start := time.Now()
		for range signals {
			_ = cmd.Process.Signal(syscall.SIGINT)
			time.Sleep(100 * time.Millisecond)
		}
		for lines.Scan() {
			out.WriteString(lines.Text() + "\n")
		}
		err = cmd.Wait()
		took := time.Since(start)
		code := cmd.ProcessState.ExitCode()
		if code != 99 || took > 5*time.Second {
			t.Fatalf("%d signals: exit %d after %v (%v)\n%s%s", signals, code, took, err, out.String(), stderr.String())
		}
		if signals == 1 && (!strings.Contains(out.String(), "PLAY RECAP") || strings.Contains(out.String(), "never")) {
			t.Errorf("no recap, or a task started after the interrupt:\n%s", out.String())
		}
		if signals == 2 && took > 2*time.Second {
			t.Errorf("a second Ctrl-C took %v", took)
		}
		if !strings.Contains(stderr.String(), "User interrupted execution") {
			t.Errorf("stderr: %s", stderr.String())
		}
	}
}

// TestInterruptHelper is the process TestInterrupt interrupts.
func TestInterruptHelper(t *testing.T) {
	args := os.Getenv("PLAY_INTERRUPT_ARGS")
	if args == "" {
		t.Skip("run by TestInterrupt")
	}
	os.Exit(run(context.Background(), append([]string{"play"}, strings.Split(args, "\n")...), strings.NewReader(""), os.Stdout, os.Stderr))
}

func TestIgnoreUnreachableAndConnectRetries(t *testing.T) {
	dir := projectFrom(t, "testdata/lang/ignore_unreachable", nil)
	inv := filepath.Join(dir, "hosts.yml")
	key := filepath.Join(dir, "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	writeFile(t, inv, "all:\n  hosts:\n    down: {ansible_host: 127.0.0.1, ansible_port: 1, ansible_ssh_private_key_file: "+key+"}\n    up: {ansible_connection: local}\n")
	pb := filepath.Join(dir, "site.yml")
	start := time.Now()
	res := play(t, "-i", inv, pb, "--connect-retries", "0")
	if res.code != 4 || time.Since(start) > 900*time.Millisecond {
		t.Fatalf("exit %d after %v\n%s%s", res.code, time.Since(start), res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "UNREACHABLE!") || !strings.Contains(res.stdout, "...ignoring") {
		t.Fatalf("output:\n%s", res.stdout)
	}
	// The first ping's unreachable is ignored; the second one counts.
	if got := recap(t, res.stdout)["down"]; got != [7]int{1, 0, 1, 0, 0, 0, 1} {
		t.Fatalf("recap of down = %v\n%s", got, res.stdout)
	}
	start = time.Now()
	if res := play(t, "-i", inv, pb, "--connect-retries", "1"); res.code != 4 || time.Since(start) < time.Second {
		t.Fatalf("one retry after a 1 s backoff: exit %d after %v\n%s", res.code, time.Since(start), res.stdout)
	}
}
