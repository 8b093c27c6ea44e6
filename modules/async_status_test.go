package modules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"play/modules/modtest"
)

func TestAsyncSupport(t *testing.T) {
	tests := []struct {
		module     string
		background bool
		wantErr    bool
	}{
		{module: "command", background: true},
		{module: "ansible.builtin.shell", background: true},
		{module: "raw", background: true},
		{module: "script", background: true},
		{module: "apt"},
		{module: "file"},
		{module: "copy", wantErr: true},
		{module: "template", wantErr: true},
		{module: "debug", wantErr: true},
		{module: "pause", wantErr: true},
		{module: "async_status", wantErr: true},
		{module: "include_vars", wantErr: true}, // a runner action, not a module
	}
	for _, tt := range tests {
		background, err := AsyncSupport(tt.module)
		if (err != nil) != tt.wantErr || background != tt.background {
			t.Errorf("%s: background %v, error %v; want %v, error %v", tt.module, background, err, tt.background, tt.wantErr)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "async is not supported for module "+tt.module+": ") {
			t.Errorf("%s: message %q", tt.module, err)
		}
	}
}

func TestParseJob(t *testing.T) {
	const meta = `{"module":"shell","args":{"_raw_params":"echo hi"},"limit":10}`
	section := func(s string) string { return strconv.Itoa(len(s)) + "\n" + s }
	tests := []struct {
		name, out string
		want      JobState
		wantErr   string
	}{
		{name: "missing", out: "/h/.ansible_async/j1.2\nmissing\n",
			want: JobState{ID: "j1.2", ResultsFile: "/h/.ansible_async/j1.2", Missing: true}},
		{name: "running", out: "/f\nrunning\n" + section(meta) + "0\n0\n" + section(`{"started": 1}`),
			want: JobState{ID: "j1.2", ResultsFile: "/f"}},
		{name: "done, output with newlines and a size line look-alike",
			out:  "/f\ndone 3 100.5 102.25\n" + section(meta) + section("4\nhi\n") + section("") + section(`{"started": 1}`),
			want: JobState{ID: "j1.2", ResultsFile: "/f", Finished: true}},
		{name: "killed at the limit", out: "/f\ndone 124 100 110\n" + section(meta) + "0\n0\n0\n",
			want: JobState{ID: "j1.2", ResultsFile: "/f", Finished: true, TimedOut: true}},
		{name: "exit 124 before the limit is the command's own", out: "/f\ndone 124 100 101\n" + section(meta) + "0\n0\n0\n",
			want: JobState{ID: "j1.2", ResultsFile: "/f", Finished: true}},
		{name: "truncated", out: "/f\nrunning\n99\n{}", wantErr: "bad section size"},
		{name: "no state", out: "/f\n", wantErr: "no state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := parseJob("j1.2", []byte(tt.out))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := JobState{ID: st.ID, ResultsFile: st.ResultsFile, Missing: st.Missing, Finished: st.Finished, TimedOut: st.TimedOut}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	st, err := parseJob("j1.2", []byte("/f\ndone 3 100.5 102.25\n"+section(meta)+section("4\nhi\n")+section("err")+"0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(st.out.Stdout) != "4\nhi\n" || string(st.out.Stderr) != "err" || st.out.RC != 3 || st.out.End.Sub(st.out.Start) != 1750*time.Millisecond {
		t.Errorf("output %+v", st.out)
	}
}

// A job's whole life on a real shell: started in the background, read
// until it ends, its result built like the module's own, then removed.
func TestJobLifecycle(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	host := &modtest.Host{Dir: t.TempDir()}
	ctx := context.Background()
	wait := func(jid string) *JobState {
		t.Helper()
		for range 100 {
			st, err := ReadJob(ctx, host, jid)
			if err != nil {
				t.Fatal(err)
			}
			if st.Finished {
				return st
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("job %s did not finish", jid)
		return nil
	}
	start := func(module string, args map[string]any, limit int) Job {
		t.Helper()
		m, err := New(module, args)
		if err != nil {
			t.Fatal(err)
		}
		p, err := m.Plan(ctx, &Env{Host: host, Ctl: &modtest.Controller{Dir: host.Dir}})
		if err != nil {
			t.Fatal(err)
		}
		job, err := StartJob(ctx, host, module, args, p.Steps[0], limit)
		if err != nil {
			t.Fatal(err)
		}
		return job
	}

	job := start("shell", map[string]any{"_raw_params": "sleep 0.3; echo out; echo err >&2; exit 3"}, 10)
	if !strings.HasPrefix(job.ID, "j") || job.ResultsFile != filepath.Join(home, ".ansible_async", job.ID) {
		t.Errorf("job %+v", job)
	}
	record, err := os.ReadFile(job.ResultsFile)
	if err != nil || string(record) != `{"started": 1, "finished": 0, "ansible_job_id": "`+job.ID+`"}`+"\n" {
		t.Errorf("job file %q, %v: want Ansible's started record", record, err)
	}
	if st, err := ReadJob(ctx, host, job.ID); err != nil || st.Finished {
		t.Fatalf("a sleeping job reads as finished: %+v %v", st, err)
	} else if res, f := st.Result(); f != nil || res["finished"] != 0 || res["started"] != 1 || res["results_file"] != job.ResultsFile {
		t.Errorf("running job's result %v %v", res, f)
	}
	_, failure := wait(job.ID).Result()
	if failure == nil || failure.Msg != "non-zero return code" {
		t.Fatalf("failure %v, want the shell's non-zero return code", failure)
	}
	for k, want := range map[string]any{"rc": 3, "stdout": "out", "stderr": "err", "cmd": "sleep 0.3; echo out; echo err >&2; exit 3", "finished": 1, "started": 1, "ansible_job_id": job.ID, "changed": true} {
		if got := failure.Result[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if err := CleanupJob(ctx, host, job.ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(job.ResultsFile + "*"); len(left) != 0 {
		t.Errorf("cleanup left %v", left)
	}
	if err := CleanupJob(ctx, host, job.ID); err == nil {
		t.Error("cleaning up a removed job succeeded")
	}

	// script feeds the script through stdin: the job keeps it until it runs.
	if err := os.MkdirAll(filepath.Join(host.Dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(host.Dir, "files", "s.sh"), []byte("#!/bin/sh\necho \"script $1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, failure := wait(start("script", map[string]any{"_raw_params": "s.sh arg"}, 10).ID).Result()
	if failure != nil || res["stdout"] != "script arg\n" || res["rc"] != 0 {
		t.Errorf("script job: %v %v", res, failure)
	}

	// The time limit kills the job and its children.
	st := wait(start("shell", map[string]any{"_raw_params": "sleep 30 & wait"}, 1).ID)
	if _, failure := st.Result(); !st.TimedOut || failure == nil || failure.Msg != "Timeout exceeded" {
		t.Errorf("job past its limit: %+v, %v", st, failure)
	}
}

func TestAsyncStatusModule(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	e := newTestEnv(t)
	_, _, err := runCommand(e, "async_status", map[string]any{"jid": "j1.1"})
	var f *Failure
	if !errors.As(err, &f) || f.Msg != "could not find job" || f.Result["finished"] != 1 || f.Result["ansible_job_id"] != "j1.1" {
		t.Errorf("missing job: %v %+v", err, f)
	}
	_, _, err = runCommand(e, "async_status", map[string]any{"jid": "j1.1", "mode": "cleanup"})
	if !errors.As(err, &f) || f.Msg != "could not find job" {
		t.Errorf("cleanup of a missing job: %v", err)
	}
	if _, _, err := runCommand(e, "async_status", map[string]any{"jid": "j1.1", "mode": "kill"}); err == nil {
		t.Error("mode kill accepted")
	}

	// A job Ansible's async_wrapper wrote: its JSON is the result.
	dir := filepath.Join(os.Getenv("HOME"), ".ansible_async")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "j2.2"), []byte(`{"rc": 0, "stdout": "x", "changed": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, res, err := runCommand(e, "async_status", map[string]any{"jid": "j2.2"})
	if err != nil || res["finished"] != 1 || res["stdout"] != "x" || res["changed"] != true || len(p.Steps) != 0 {
		t.Errorf("Ansible's job: %v %v", res, err)
	}
	_, res, err = runCommand(e, "async_status", map[string]any{"jid": "j2.2", "mode": "cleanup"})
	if err != nil || res["erased"] != filepath.Join(dir, "j2.2") {
		t.Errorf("cleanup: %v %v", res, err)
	}
}
