package modules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"play/connection"
)

func init() {
	Register(Info{Name: "async_status", New: func() Module { return &AsyncStatus{} }})
}

// AsyncStatus reads (or removes) a background job started by a task with
// async and poll: 0, in one round trip, as ansible.builtin.async_status.
type AsyncStatus struct {
	// JID is the job's id: the ansible_job_id the async task registered.
	JID string `arg:"jid,required"`
	// Mode is status (read the job) or cleanup (remove its files).
	Mode string `arg:"mode" choices:"status,cleanup"`
}

// Plan reads the job. cleanup removes its files in one step, reported
// unchanged as Ansible does. A finished job's result is returned through
// Finish so its changed (a command's true) is the task's.
func (a *AsyncStatus) Plan(ctx context.Context, env *Env) (*Plan, error) {
	if a.Mode == "cleanup" {
		return &Plan{
			Steps:     []Step{{Script: cleanupScript(a.JID)}},
			Unchanged: true,
			Result:    jobKeys(a.JID, 0, 0),
			Finish: func(out []connection.Result) (map[string]any, error) {
				if out[0].RC != 0 {
					return nil, &Failure{Msg: "could not find job", Result: jobKeys(a.JID, 1, 1)}
				}
				result := jobKeys(a.JID, 0, 0)
				result["erased"] = strings.TrimSpace(string(out[0].Stdout))
				return result, nil
			},
		}, nil
	}
	job, err := ReadJob(ctx, env.Host, a.JID)
	if err != nil {
		return nil, err
	}
	result, failure := job.Result()
	return &Plan{
		Result: result,
		Finish: func([]connection.Result) (map[string]any, error) {
			if failure != nil {
				return nil, failure
			}
			return result, nil
		},
	}, nil
}

// AsyncSupport says how a task with async runs the module: in the
// background as a job on the host (command, shell, raw, script: background
// is true), or in the foreground with the time limit (modules that run
// wholly on the host). Other modules are refused, as ansible-playbook
// refuses their action plugins.
func AsyncSupport(module string) (background bool, err error) {
	info, ok := Lookup(module)
	if !ok || info.Local || noAsync[info.Name] {
		return false, fmt.Errorf("async is not supported for module %s: it runs on the controller or copies files from it (ansible-playbook refuses it too); remove async and poll, or use timeout: to bound it", module)
	}
	_, background = info.New().(jobFinisher)
	return background, nil
}

// noAsync are the modules whose Ansible action plugins refuse async.
var noAsync = map[string]bool{"copy": true, "template": true, "fetch": true, "unarchive": true, "async_status": true, "pause": true, "wait_for_connection": true}

// jobFinisher is a module that can run as a background job: it turns the
// job's output into its result, as its plan's Finish does.
type jobFinisher interface {
	finishJob(out connection.Result) (map[string]any, error)
}

func (c *Command) finishJob(out connection.Result) (map[string]any, error) {
	cmdValue, program, _, err := c.command()
	if err != nil {
		return nil, err
	}
	return c.finish(out, cmdValue, program)
}

func (r *Raw) finishJob(out connection.Result) (map[string]any, error) { return ranResult(out) }

func (s *Script) finishJob(out connection.Result) (map[string]any, error) {
	if serr := startErrorOf(string(out.Stderr)); serr != nil {
		return nil, Failf("%s", serr.message(s.Chdir))
	}
	return ranResult(out)
}

// Job is a background job started by StartJob.
type Job struct {
	ID string
	// ResultsFile is the job's file on the host, as Ansible's results_file.
	ResultsFile string
}

// jobMeta is what a job records for async_status: the module and its
// arguments (to build the module's result from the output) and its time
// limit.
type jobMeta struct {
	Module string         `json:"module"`
	Args   map[string]any `json:"args"`
	Limit  int            `json:"limit"`
}

// StartJob starts the module's single step as a background job on the host
// and returns at once (one round trip). Like Ansible's async_wrapper, the
// job keeps its files under ~/.ansible_async: <jid> (Ansible's
// {"started": 1, "finished": 0} record), and beside it the output, the exit
// status and what async_status needs to build the module's result. The job
// is killed (with its children) after limit seconds.
func StartJob(ctx context.Context, host Host, module string, args map[string]any, step Step, limit int) (Job, error) {
	meta, err := json.Marshal(jobMeta{Module: module, Args: args, Limit: limit})
	if err != nil {
		return Job{}, fmt.Errorf("async: cannot record the arguments of %s: %w", module, err)
	}
	// The job: run the step under timeout (which kills its process group),
	// then publish "rc start end" atomically: async_status reads it as done.
	job := `f=$1
s=$(date +%s.%N)
timeout -k 5 "$2" /bin/sh -c ` + Quote(step.Script) + ` <"$f.in" >"$f.out" 2>"$f.err"
rc=$?
e=$(date +%s.%N)
rm -f "$f.in"
echo "$rc $s $e" >"$f.rc.tmp" && mv "$f.rc.tmp" "$f.rc"
`
	jid := fmt.Sprintf("j%012d", rand.Int64N(1e12))
	script := `d="$HOME/.ansible_async"
mkdir -p "$d" || exit 1
jid=` + jid + `.$$
f="$d/$jid"
printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}\n' "$jid" >"$f" &&
printf '%s' ` + Quote(string(meta)) + ` >"$f.play" &&
cat >"$f.in" || exit 1
detach=setsid
command -v setsid >/dev/null 2>&1 || detach=nohup
$detach /bin/sh -c ` + Quote(job) + ` play-job "$f" ` + strconv.Itoa(limit) + ` </dev/null >/dev/null 2>&1 &
echo "$jid"
echo "$f"
`
	out, err := host.Run(ctx, script, step.Stdin)
	if err != nil {
		return Job{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(out.Stdout)), "\n")
	if out.RC != 0 || len(lines) != 2 {
		return Job{}, fmt.Errorf("async: could not start the job in ~/.ansible_async (rc %d): %s", out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	return Job{ID: lines[0], ResultsFile: lines[1]}, nil
}

// CleanupJob removes a finished job's files.
func CleanupJob(ctx context.Context, host Host, jid string) error {
	out, err := host.Run(ctx, cleanupScript(jid), nil)
	if err == nil && out.RC != 0 {
		err = fmt.Errorf("could not find job %s", jid)
	}
	return err
}

// cleanupScript removes a job's files; it exits 3 when there is no such
// job, and prints the job file's path.
func cleanupScript(jid string) string {
	return jobFileScript(jid) + `[ -e "$f" ] || exit 3
rm -f "$f" "$f".*
echo "$f"
`
}

// jobFileScript sets f to the job's file.
func jobFileScript(jid string) string {
	return `f="$HOME/.ansible_async/"` + Quote(jid) + "\n"
}

// JobState is what ReadJob saw of a job.
type JobState struct {
	ID, ResultsFile string
	// Missing: no such job; Finished: it ended (TimedOut: killed at its
	// time limit).
	Missing, Finished, TimedOut bool
	meta                        jobMeta
	out                         connection.Result
	// record is the job file itself, for a job Ansible's async_wrapper
	// started (no meta): its JSON is the result.
	record []byte
}

// ReadJob reads a job's state and output in one round trip.
func ReadJob(ctx context.Context, host Host, jid string) (*JobState, error) {
	script := jobFileScript(jid) + `echo "$f"
[ -e "$f" ] || { echo missing; exit 0; }
if r=$(cat "$f.rc" 2>/dev/null); then echo "done $r"; else echo running; fi
for x in "$f.play" "$f.out" "$f.err" "$f"; do
  if [ -e "$x" ]; then wc -c <"$x"; cat "$x"; else echo 0; fi
done
`
	out, err := host.Run(ctx, script, nil)
	if err != nil {
		return nil, err
	}
	if out.RC != 0 {
		return nil, fmt.Errorf("async_status: cannot read job %s (rc %d): %s", jid, out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	return parseJob(jid, out.Stdout)
}

// parseJob parses ReadJob's output: the file's path, the state line, then
// four sections (meta, stdout, stderr, job file) each "<size>\n<bytes>".
func parseJob(jid string, data []byte) (*JobState, error) {
	bad := func(why string) error {
		return fmt.Errorf("async_status: unexpected output reading job %s: %s", jid, why)
	}
	line := func() string {
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		return string(l)
	}
	st := &JobState{ID: jid, ResultsFile: line()}
	state := strings.Fields(line())
	switch {
	case len(state) == 0:
		return nil, bad("no state")
	case state[0] == "missing":
		st.Missing = true
		return st, nil
	case state[0] == "done" && len(state) == 4:
		st.Finished = true
		st.out.RC, _ = strconv.Atoi(state[1])
		st.out.Start, st.out.End = unixTime(state[2]), unixTime(state[3])
	case state[0] != "running":
		return nil, bad("unknown state " + strings.Join(state, " "))
	}
	var sections [4][]byte
	for i := range sections {
		size, err := strconv.Atoi(strings.TrimSpace(line()))
		if err != nil || size < 0 || size > len(data) {
			return nil, bad("bad section size")
		}
		sections[i], data = data[:size:size], data[size:]
	}
	if len(sections[0]) > 0 {
		if err := json.Unmarshal(sections[0], &st.meta); err != nil {
			return nil, bad("bad job record: " + err.Error())
		}
	}
	st.out.Stdout, st.out.Stderr, st.record = sections[1], sections[2], sections[3]
	limit := time.Duration(st.meta.Limit) * time.Second
	st.TimedOut = st.Finished && (st.out.RC == 124 || st.out.RC == 137) && st.out.End.Sub(st.out.Start) >= limit-time.Second
	return st, nil
}

// unixTime parses date's "%s.%N" (a date without %N prints "N").
func unixTime(s string) time.Time {
	sec, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(sec, 10, 64)
	ns, err := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	if err != nil {
		ns = 0
	}
	return time.Unix(n, ns)
}

// Result is the job's result as async_status returns it: running, or the
// module's own result once finished, with the job's keys. A job that
// failed (or is missing) returns its result in a *Failure.
func (st *JobState) Result() (map[string]any, *Failure) {
	switch {
	case st.Missing:
		return nil, &Failure{Msg: "could not find job", Result: st.keys(1, 1)}
	case !st.Finished && st.meta.Module == "" && len(st.record) > 0:
		return st.ansibleRecord()
	case !st.Finished:
		return st.keys(1, 0), nil
	case st.TimedOut:
		f := &Failure{Msg: "Timeout exceeded", Result: st.keys(1, 1)}
		f.Result["changed"] = false
		return nil, f
	}
	m, err := New(st.meta.Module, st.meta.Args)
	var result map[string]any
	if err == nil {
		fin, ok := m.(jobFinisher)
		if !ok {
			err = fmt.Errorf("module %s cannot run as a background job", st.meta.Module)
		} else {
			result, err = fin.finishJob(st.out)
		}
	}
	var f *Failure
	if errors.As(err, &f) {
		f.Result = withJobKeys(f.Result, st.keys(1, 1))
		return nil, f
	}
	if err != nil {
		return nil, &Failure{Msg: err.Error(), Result: st.keys(1, 1)}
	}
	return withJobKeys(result, st.keys(1, 1)), nil
}

// ansibleRecord is the result of a job Ansible's async_wrapper started:
// its file's JSON, read as Ansible's async_status module does.
func (st *JobState) ansibleRecord() (map[string]any, *Failure) {
	var data map[string]any
	if err := json.Unmarshal(st.record, &data); err != nil {
		return st.keys(1, 0), nil // still being written
	}
	if _, ok := data["started"]; !ok {
		data["finished"] = 1
	} else if _, ok := data["finished"]; !ok {
		data["finished"] = 0
	}
	result := withJobKeys(data, st.keys(1, 0))
	if failed, _ := ToBool(data["failed"]); failed {
		msg, _ := ToString(data["msg"])
		return nil, &Failure{Msg: msg, Result: result}
	}
	return result, nil
}

// keys are the keys every async_status result has (Ansible's action plugin
// sets them before the module's result is merged in).
func (st *JobState) keys(started, finished int) map[string]any {
	k := jobKeys(st.ID, started, finished)
	k["results_file"] = st.ResultsFile
	return k
}

func jobKeys(jid string, started, finished int) map[string]any {
	return map[string]any{"ansible_job_id": jid, "started": started, "finished": finished,
		"stdout": "", "stderr": "", "stdout_lines": []string{}, "stderr_lines": []string{}}
}

// withJobKeys adds the keys the result does not set itself.
func withJobKeys(result, keys map[string]any) map[string]any {
	if result == nil {
		result = map[string]any{}
	}
	for k, v := range keys {
		if _, set := result[k]; !set {
			result[k] = v
		}
	}
	return result
}

var (
	_ jobFinisher = (*Command)(nil)
	_ jobFinisher = (*Raw)(nil)
	_ jobFinisher = (*Script)(nil)
)
