package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "cron", New: func() Module { return &Cron{} }})
}

// Cron manages one named job (or environment variable) of a user's crontab
// or of a file in /etc/cron.d. Play marks its jobs with a "#Ansible: NAME"
// comment line, as Ansible does, so both tools manage the same entries.
type Cron struct {
	// Name identifies the job (its "#Ansible:" comment) or names the variable with env.
	Name string `arg:"name,required"`
	// User is whose crontab to change; the connecting user's by default.
	User string `arg:"user"`
	// Job is the command to run, or the variable's value with env.
	Job *string `arg:"job" aliases:"value"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// CronFile is a file in /etc/cron.d (or an absolute path) to use instead of a user's crontab.
	CronFile string `arg:"cron_file"`
	// Backup saves the old crontab to a temporary file first (backup_file).
	Backup bool `arg:"backup"`
	// Minute, Hour, Day, Month and Weekday are the schedule's fields.
	Minute  string `arg:"minute"`
	Hour    string `arg:"hour"`
	Day     string `arg:"day" aliases:"dom"`
	Month   string `arg:"month"`
	Weekday string `arg:"weekday" aliases:"dow"`
	// SpecialTime replaces the fields with @reboot, @daily...
	SpecialTime string `arg:"special_time" choices:"annually,daily,hourly,monthly,reboot,weekly,yearly"`
	// Disabled comments the job out.
	Disabled bool `arg:"disabled"`
	// Env manages a NAME="value" variable line instead of a job.
	Env bool `arg:"env"`
	// InsertAfter and InsertBefore place a new variable after or before
	// the variable they name (the top of the crontab otherwise).
	InsertAfter  string `arg:"insertafter"`
	InsertBefore string `arg:"insertbefore"`
}

// cronComment prefixes the comment that names a job.
const cronComment = "#Ansible: "

// Validate checks the argument combinations Ansible rejects.
func (c *Cron) Validate() error {
	for _, f := range []*string{&c.Minute, &c.Hour, &c.Day, &c.Month, &c.Weekday} {
		if *f == "" {
			*f = "*"
		}
	}
	if c.State == "" {
		c.State = "present"
	}
	switch {
	case c.SpecialTime != "" && slices.ContainsFunc([]string{c.Minute, c.Hour, c.Day, c.Month, c.Weekday}, func(f string) bool { return f != "*" }):
		return errors.New("You must specify time and date fields or special time.")
	case c.State == "present" && c.Job == nil:
		return errors.New("You must specify 'job' to install a new cron job or variable")
	case c.CronFile != "" && c.User == "" && c.State == "present":
		return errors.New("To use cron_file=... parameter you must specify user=... as well")
	case c.InsertAfter != "" && c.InsertBefore != "":
		return errors.New("parameters are mutually exclusive: insertafter|insertbefore")
	case c.Env && strings.Contains(c.Name, " "):
		return errors.New("Invalid name for environment variable")
	}
	return nil
}

// Plan implements Module.
func (c *Cron) Plan(ctx context.Context, env *Env) (*Plan, error) {
	s, err := observe(ctx, env.Host, "the crontab", c.probe())
	if err != nil {
		return nil, err
	}
	return c.plan(s)
}

// probe prints the crontab ("crontab" section, absent when there is none).
func (c *Cron) probe() string {
	if c.CronFile != "" {
		return fmt.Sprintf("if [ -f %[1]s ]; then %[2]s; cat %[1]s; fi", Quote(c.file()), section("crontab"))
	}
	return fmt.Sprintf("if out=$(crontab %s-l 2>/dev/null); then %s; printf '%%s\\n' \"$out\"; fi", c.userFlag(), section("crontab"))
}

// file is the cron_file's path.
func (c *Cron) file() string {
	if path.IsAbs(c.CronFile) {
		return c.CronFile
	}
	return path.Join("/etc/cron.d", c.CronFile)
}

func (c *Cron) userFlag() string {
	if c.User == "" {
		return ""
	}
	return "-u " + Quote(c.User) + " "
}

// plan edits the observed crontab's lines and writes it back if it changed.
func (c *Cron) plan(s Sections) (*Plan, error) {
	existing := s["crontab"]
	lines := strings.Split(strings.TrimRight(existing, "\r\n"), "\n")
	if existing == "" {
		lines = nil
	}
	tab := &crontab{lines: lines}
	switch {
	case c.Env:
		tab.setEnv(c.Name, c.envLine(), c.State == "present", c.InsertAfter, c.InsertBefore)
	case c.State == "present":
		tab.setJob(c.Name, c.jobLine())
	default:
		tab.removeJob(c.Name)
	}
	after := tab.render()
	p := &Plan{Result: map[string]any{"jobs": tab.names(), "envs": tab.envNames()}}
	// Without an edit, only a missing final newline is worth a write.
	if !tab.edited && (existing == "" || strings.HasSuffix(existing, "\n")) {
		return p, nil
	}
	h := "crontab"
	switch {
	case c.CronFile != "":
		h = c.file()
	case c.User != "":
		h = fmt.Sprintf("crontab for user %q", c.User)
	}
	p.Diffs = []Diff{{BeforeHeader: h, AfterHeader: h, Before: existing, After: after}}
	var b strings.Builder
	if c.Backup && s.Has("crontab") {
		fmt.Fprintf(&b, "b=$(mktemp /tmp/crontabXXXXXXXX) || exit 1\nprintf '%%s' %s > \"$b\" && echo \"backup_file=$b\"\n", Quote(existing))
	}
	if c.CronFile != "" {
		p.Steps = []Step{fileWrite{Dest: c.file(), Data: []byte(after), Mode: 0o644}.step()}
		if b.Len() > 0 {
			p.Steps = append([]Step{{Script: b.String()}}, p.Steps...)
		}
	} else {
		fmt.Fprintf(&b, "crontab %s- || exit 1\n", c.userFlag())
		p.Steps = []Step{{Script: b.String(), Stdin: []byte(after)}}
	}
	if c.Backup {
		p.Finish = finishBackup("backup_file")
	}
	return p, nil
}

// jobLine is the crontab line of the job.
func (c *Cron) jobLine() string {
	prefix := ""
	if c.Disabled {
		prefix = "#"
	}
	user := ""
	if c.CronFile != "" {
		user = c.User + " "
	}
	job := strings.Trim(*c.Job, "\r\n")
	if c.SpecialTime != "" {
		return prefix + "@" + c.SpecialTime + " " + user + job
	}
	return fmt.Sprintf("%s%s %s %s %s %s %s%s", prefix, c.Minute, c.Hour, c.Day, c.Month, c.Weekday, user, job)
}

func (c *Cron) envLine() string {
	if c.Job == nil {
		return ""
	}
	return c.Name + `="` + *c.Job + `"`
}

// crontab is a crontab's lines being edited the way Ansible's CronTab does.
type crontab struct {
	lines  []string
	edited bool
}

// findJob returns the index of the job line named name (after its comment)
// or -1. A line equal to job without a comment gets one (Ansible adopts it).
func (t *crontab) findJob(name, job string) int {
	for i := 1; i < len(t.lines); i++ {
		if t.lines[i-1] == cronComment+name {
			return i
		}
	}
	if job == "" {
		return -1
	}
	for i, l := range t.lines {
		if l != job {
			continue
		}
		if i > 0 && t.lines[i-1] == strings.TrimSpace(cronComment) {
			t.lines[i-1] = cronComment + name
			t.edited = true
			return i
		}
		if i == 0 || !strings.HasPrefix(t.lines[i-1], cronComment) {
			t.lines = slices.Insert(t.lines, i, cronComment+name)
			t.edited = true
			return i + 1
		}
	}
	return -1
}

func (t *crontab) setJob(name, job string) {
	i := t.findJob(name, job)
	switch {
	case i < 0:
		t.lines = append(t.lines, cronComment+name, job)
		t.edited = true
	case t.lines[i] != job:
		t.lines[i] = job
		t.edited = true
	}
}

func (t *crontab) removeJob(name string) {
	if i := t.findJob(name, ""); i >= 0 {
		t.lines = slices.Delete(t.lines, i-1, i+1)
		t.edited = true
	}
}

// envIndex returns the index of the NAME= line, or -1.
func (t *crontab) envIndex(name string) int {
	return slices.IndexFunc(t.lines, func(l string) bool { return strings.HasPrefix(l, name+"=") })
}

// setEnv adds, updates or (present false) removes a variable line.
func (t *crontab) setEnv(name, decl string, present bool, after, before string) {
	i := t.envIndex(name)
	switch {
	case !present && i >= 0:
		t.lines = slices.Delete(t.lines, i, i+1)
	case !present, present && i >= 0 && t.lines[i] == decl:
		return
	case i >= 0:
		t.lines[i] = decl
	default:
		at := 0
		if j := t.envIndex(after); after != "" && j >= 0 {
			at = j + 1
		} else if j := t.envIndex(before); before != "" && j >= 0 {
			at = j
		}
		t.lines = slices.Insert(t.lines, at, decl)
	}
	t.edited = true
}

// render is the crontab's text with one final newline, "" when empty.
func (t *crontab) render() string {
	s := strings.TrimRight(strings.Join(t.lines, "\n"), "\r\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}

// names lists the jobs' names, in order.
func (t *crontab) names() []any {
	out := []any{}
	for _, l := range t.lines {
		if n, ok := strings.CutPrefix(l, cronComment); ok {
			out = append(out, n)
		}
	}
	return out
}

var envLineRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=`)

// envNames lists the variables the crontab sets, in order.
func (t *crontab) envNames() []any {
	out := []any{}
	for _, l := range t.lines {
		if m := envLineRE.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}
