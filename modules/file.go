package modules

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"play/jinja"
)

func init() {
	Register(Info{Name: "file", New: func() Module { return &File{} }})
}

// File manages a path's type (file, directory, symlink, hard link, absent,
// touched) and its mode, owner and group.
type File struct {
	FileAttrs
	// Path is the path to manage.
	Path string `arg:"path,required" aliases:"dest,name"`
	// State is what path should be; by default what it already is (file if absent).
	State string `arg:"state" choices:"file,directory,link,hard,touch,absent"`
	// Src is what a link points to (state link or hard).
	Src string `arg:"src"`
	// Recurse applies the attributes to everything below a directory.
	Recurse bool `arg:"recurse"`
	// Force replaces an existing file or directory by a link.
	Force bool `arg:"force"`
	// ModificationTime is "now", "preserve" or a [[CC]YY]MMDDhhmm[.ss] time, for state touch.
	ModificationTime string `arg:"modification_time"`
	// AccessTime is "now", "preserve" or a [[CC]YY]MMDDhhmm[.ss] time, for state touch.
	AccessTime string `arg:"access_time"`
	// ModificationTimeFormat is the strptime format modification_time is written in.
	ModificationTimeFormat string `arg:"modification_time_format"`
	// AccessTimeFormat is the strptime format access_time is written in.
	AccessTimeFormat string `arg:"access_time_format"`
	// Follow applies the attributes to what a symlink points to.
	Follow *bool `arg:"follow"`
}

// Validate checks the argument combinations Ansible rejects.
func (f *File) Validate() error {
	switch {
	case f.Recurse && f.State != "directory" && f.State != "":
		return fmt.Errorf("recurse option requires state to be 'directory'")
	case (f.State == "link" || f.State == "hard") && f.Src == "":
		return fmt.Errorf("src is required for creating a %s (state=%s)", map[string]string{"link": "symlink", "hard": "hard link"}[f.State], f.State)
	case f.Src != "" && f.State != "" && f.State != "link" && f.State != "hard":
		return fmt.Errorf("src option requires state to be 'link' or 'hard'")
	}
	for _, t := range []struct {
		value  *string
		format string
	}{{&f.ModificationTime, f.ModificationTimeFormat}, {&f.AccessTime, f.AccessTimeFormat}} {
		v, err := touchTime(*t.value, t.format)
		if err != nil {
			return err
		}
		*t.value = v
	}
	return nil
}

// sameTouchTime says whether a file's time (seconds) already is the time touch -t would set
// (CCYYMMDDhhmm.ss, read in the controller's zone: hosts normally share it): Ansible's
// touch then leaves it and reports no change for it.
func sameTouchTime(v string, cur int64) bool {
	t, err := time.ParseInLocation("200601021504.05", v, time.Local)
	return err == nil && t.Unix() == cur
}

// touchTime is a time given in a strptime format, rewritten as touch -t reads it
// (the host's local time, as Ansible's time.mktime reads it).
func touchTime(value, format string) (string, error) {
	if value == "" || value == "now" || value == "preserve" || format == "" || format == "%Y%m%d%H%M.%S" {
		return value, nil
	}
	t, err := jinja.Strptime(value, format)
	if err != nil {
		return "", fmt.Errorf("Error while obtaining timestamp for time %s using format %s: %v", value, format, err)
	}
	return t.Format("200601021504.05"), nil
}

// Plan implements Module.
func (f *File) Plan(ctx context.Context, env *Env) (*Plan, error) {
	probes := []Probe{{Path: f.Path, Follow: f.Follow == nil || *f.Follow, Tree: f.Recurse || f.State == "absent"}}
	if f.Src != "" {
		probes[0].Follow = false
		probes = append(probes, Probe{Path: f.linkSrc()})
	}
	pr, err := ProbeFiles(ctx, env.Host, probes...)
	if err != nil {
		return nil, err
	}
	st := &pr.Files[0]
	state := f.State
	switch {
	case state != "":
	case f.Recurse:
		state = "directory"
	case f.Src != "":
		state = "link"
	case st.Exists:
		state = prevState(st)
	default:
		state = "file"
	}
	p := &Plan{Result: map[string]any{"path": f.Path, "state": state}}
	switch state {
	case "absent":
		return f.planAbsent(p, st), nil
	case "file":
		if !st.Exists {
			return nil, &Failure{Msg: fmt.Sprintf("file (%s) is absent, cannot continue", f.Path), Result: map[string]any{"path": f.Path}}
		}
		if st.IsDir() {
			return nil, Failf("file (%s) is %s, cannot continue", f.Path, prevState(st))
		}
		return p, f.planAttrs(p, st, state, state, nil)
	case "directory":
		return p, f.planDir(p, st, pr)
	case "touch":
		return p, f.planTouch(p, st, pr)
	}
	return p, f.planLink(p, st, &pr.Files[1], state)
}

// prevState names a probed path's state the way Ansible's file module does.
func prevState(st *FileState) string {
	switch {
	case !st.Exists:
		return "absent"
	case st.Type == "file" && st.Nlink > 1:
		return "hard"
	case st.Type == "other":
		return "file"
	}
	return st.Type
}

// linkSrc is src as seen from the link's directory (for the existence check).
func (f *File) linkSrc() string {
	if f.State == "hard" || path.IsAbs(f.Src) {
		return f.Src
	}
	return path.Join(path.Dir(f.Path), f.Src)
}

// stateChange is the diff of a changed state, to which attribute changes add.
func (f *File) stateChange(prev, state string) (before, after map[string]any) {
	before, after = map[string]any{"path": f.Path}, map[string]any{"path": f.Path}
	if prev != state {
		before["state"], after["state"] = prev, state
	}
	return before, after
}

func (f *File) planAbsent(p *Plan, st *FileState) *Plan {
	if !st.Exists {
		return p
	}
	before, after := f.stateChange(prevState(st), "absent")
	if st.IsDir() {
		dirs, files := []string{}, []string{}
		for _, c := range st.Children {
			full := path.Join(f.Path, c.Path)
			if c.IsDir() {
				dirs = append(dirs, full)
			} else {
				files = append(files, full)
			}
		}
		sort.Strings(dirs)
		sort.Strings(files)
		before["path_content"] = map[string]any{"directories": dirs, "files": files}
	}
	p.Steps = append(p.Steps, Step{Script: "rm -rf -- " + Quote(f.Path)})
	p.Diffs = append(p.Diffs, stateDiff(before, after))
	return p
}

// planAttrs fixes path's attributes (and, with recurse, those below it).
// pre holds the commands that take path from state prev to state (touch,
// mkdir), after which it is st.
func (f *File) planAttrs(p *Plan, st *FileState, prev, state string, pre []string) error {
	before, after := f.stateChange(prev, state)
	ap, err := f.FileAttrs.plan(st)
	if err != nil {
		return err
	}
	cmds := pre
	if ap.changed() {
		cmds = append(cmds, ap.script(false))
		for k, v := range ap.before {
			before[k], after[k] = v, ap.after[k]
		}
	}
	if f.Recurse {
		for i := range st.Children {
			c := st.Children[i]
			if c.Type == "link" {
				continue
			}
			c.Path = path.Join(f.Path, c.Path)
			cp, err := f.FileAttrs.plan(&c)
			if err != nil {
				return err
			}
			if cp.changed() {
				cmds = append(cmds, cp.script(false))
			}
		}
	}
	for k, v := range fileResult(ap.apply(*st)) {
		if k != "state" {
			p.Result[k] = v
		}
	}
	if len(cmds) > 0 {
		if state == "touch" {
			f.touchTimes(st, prev != "absent", before, after)
		}
		p.Steps = append(p.Steps, Step{Script: strings.Join(cmds, " &&\n")})
		d := stateDiff(before, after)
		if prev == "absent" {
			// Ansible's module returns before it sets the attributes of a path it would create.
			created := stateDiff(f.stateChange(prev, state))
			d.InCheck = &created
		}
		p.Diffs = append(p.Diffs, d)
	}
	return nil
}

// touchTimes adds the times touch sets to its diff, as Ansible's file module shows them:
// the file's times before (a missing file's when created) and the later ones it sets.
func (f *File) touchTimes(st *FileState, existed bool, before, after map[string]any) {
	now := time.Now()
	seconds := func(t time.Time) json.Number { // a Python float: 1577934245.0
		s := strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return json.Number(s)
	}
	for _, t := range []struct {
		key, arg string
		was      int64
	}{{"atime", f.AccessTime, st.Atime}, {"mtime", f.ModificationTime, st.Mtime}} {
		if t.arg == "preserve" {
			continue
		}
		before[t.key], after[t.key] = seconds(now), seconds(now.Add(time.Microsecond))
		if existed {
			before[t.key] = seconds(time.Unix(t.was, 0))
		}
	}
}

func (f *File) planDir(p *Plan, st *FileState, pr *Probed) error {
	if st.Exists && !st.IsDir() {
		return Failf("%s already exists as a %s", f.Path, prevState(st))
	}
	if st.Exists {
		return f.planAttrs(p, st, "directory", "directory", nil)
	}
	// mkdir makes it the connecting user's: owner and group change only if asked otherwise.
	created := pr.User
	created.Path, created.Exists, created.Type, created.Mode = f.Path, true, "directory", 0o777&^pr.Umask
	return f.planAttrs(p, &created, "absent", "directory", []string{"mkdir -p -- " + Quote(f.Path)})
}

func (f *File) planTouch(p *Plan, st *FileState, pr *Probed) error {
	p.Result["dest"] = f.Path
	delete(p.Result, "path")
	preserve := f.ModificationTime == "preserve" && f.AccessTime == "preserve"
	if st.Exists && preserve {
		p.Result["state"] = prevState(st)
		return f.planAttrs(p, st, prevState(st), prevState(st), nil)
	}
	cur := *st
	if !st.Exists {
		cur = pr.User
		cur.Path, cur.Exists, cur.Type, cur.Mode = f.Path, true, "file", 0o666&^pr.Umask
	}
	// One touch per time: touch takes a single -t for both.
	var touches []string
	if !st.Exists {
		touches = append(touches, "touch -- "+Quote(f.Path))
	}
	for _, t := range []struct {
		flag, v string
		cur     int64
	}{{"-m", f.ModificationTime, st.Mtime}, {"-a", f.AccessTime, st.Atime}} {
		switch {
		case t.v == "preserve", st.Exists && sameTouchTime(t.v, t.cur):
		case t.v == "" || t.v == "now":
			touches = append(touches, "touch "+t.flag+" -- "+Quote(f.Path))
		default:
			touches = append(touches, "touch "+t.flag+" -t "+Quote(t.v)+" -- "+Quote(f.Path))
		}
	}
	var pre []string
	if len(touches) > 0 {
		pre = []string{strings.Join(touches, " &&\n")}
	}
	if err := f.planAttrs(p, &cur, prevState(st), "touch", pre); err != nil {
		return err
	}
	if !st.Exists {
		p.Diffs[len(p.Diffs)-1].InCheck = &Diff{}
	}
	p.Result["state"] = "file"
	return nil
}

func (f *File) planLink(p *Plan, st, src *FileState, state string) error {
	p.Result["dest"], p.Result["src"] = f.Path, f.Src
	delete(p.Result, "path")
	if !src.Exists && (state == "hard" || !f.Force) {
		return Failf("src file does not exist, use \"force=yes\" if you really want to create the link: %s", src.Path)
	}
	prev := prevState(st)
	same := state == "link" && st.Type == "link" && st.LinkTarget == f.Src ||
		state == "hard" && st.Exists && st.Inode == src.Inode
	if same {
		return nil
	}
	if st.Exists && st.Type != "link" && !f.Force {
		return Failf("refusing to convert from %s to %s for %s", prev, map[string]string{"link": "symlink", "hard": "hard link"}[state], f.Path)
	}
	before, after := f.stateChange(prev, state)
	if prev == "link" && state == "link" {
		before["src"], after["src"] = st.LinkTarget, f.Src
	}
	flag := "-s"
	if state == "hard" {
		flag = ""
	}
	script := fmt.Sprintf("ln %s -f -n -- %s %s", flag, Quote(f.Src), Quote(f.Path))
	if st.IsDir() {
		script = "rm -rf -- " + Quote(f.Path) + " && " + script
	}
	p.Steps = append(p.Steps, Step{Script: script})
	p.Diffs = append(p.Diffs, stateDiff(before, after))
	p.Result["state"] = state
	return nil
}
