package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"play/jinja"
)

func init() {
	Register(Info{Name: "copy", New: func() Module { return &Copy{} }})
}

// Copy copies a controller file, a controller directory (recursively), a
// literal content or a file on the host (remote_src) to dest.
type Copy struct {
	FileAttrs
	// Src is the file or directory to copy; a directory with a trailing
	// slash copies its contents, without one the directory itself.
	Src string `arg:"src"`
	// Content is the literal content of dest, instead of src; a dict or a list is
	// written as JSON.
	Content *copyContent `arg:"content"`
	// Dest is where to copy; a directory (or a path ending in /) receives src by its name.
	Dest string `arg:"dest,required"`
	// Backup keeps a copy of the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// Force replaces a dest whose content differs; with false only absent files are written.
	Force *bool `arg:"force" aliases:"thirsty"`
	// DirectoryMode is the mode of the directories a recursive copy creates.
	DirectoryMode Mode `arg:"directory_mode"`
	// RemoteSrc takes src from the host instead of the controller.
	RemoteSrc bool `arg:"remote_src"`
	// Validate is a command run on the new file (%s) before it replaces the old one.
	ValidateCmd string `arg:"validate"`
	// Follow keeps a symlink at dest and writes to the file it points to.
	Follow bool `arg:"follow"`
}

// copyContent is copy's content: a dict or a list (a template that rendered to one) is
// written as JSON, as Ansible's copy action plugin json.dumps it; scalars as text.
type copyContent string

// DecodeArg implements ArgDecoder.
func (c *copyContent) DecodeArg(v any) error {
	switch v.(type) {
	case map[string]any, []any:
		js, err := jinja.Eval("v | to_json", map[string]any{"v": v})
		if err != nil {
			return err
		}
		*c = copyContent(js.(string))
		return nil
	}
	s, err := ToString(v)
	*c = copyContent(s)
	return err
}

// Validate checks the argument combinations Ansible rejects.
func (c *Copy) Validate() error {
	switch {
	case c.Src == "" && c.Content == nil:
		return errors.New("src (or content) is required")
	case c.Src != "" && c.Content != nil:
		return errors.New("parameters are mutually exclusive: content|src")
	case c.Content != nil && strings.HasSuffix(c.Dest, "/"):
		return errors.New("can not use content with a dir as dest")
	}
	return checkValidate(c.ValidateCmd)
}

// copySource is one file to copy, from the controller or from the host.
type copySource struct {
	data     []byte
	remote   string // path on the host (remote_src)
	checksum string
	mode     uint32
	header   string // the diff's after header
}

// Plan implements Module.
func (c *Copy) Plan(ctx context.Context, env *Env) (*Plan, error) {
	if c.Content != nil {
		data := []byte(string(*c.Content))
		return c.planFile(ctx, env, copySource{data: data, checksum: sha1Hex(data), mode: 0o644, header: "dynamically generated"})
	}
	if c.RemoteSrc && strings.HasSuffix(c.Src, "/") {
		return c.planRemoteDir(ctx, env)
	}
	if c.RemoteSrc {
		return c.planFile(ctx, env, copySource{remote: c.Src, header: c.Src})
	}
	data, resolved, err := env.Ctl.ReadFile("files", c.Src)
	if err != nil {
		if dir, ok := controllerDir(env.Ctl, c.Src); ok {
			return c.planDir(ctx, env, dir)
		}
		return nil, &Failure{Msg: err.Error()}
	}
	return c.planFile(ctx, env, copySource{data: data, checksum: sha1Hex(data), mode: localMode(resolved), header: resolved})
}

// planFile copies one file. Its one probe looks at dest, its parent, the
// path dest/<src name> (when dest is a directory) and a remote src.
func (c *Copy) planFile(ctx context.Context, env *Env, src copySource) (*Plan, error) {
	probes := []Probe{
		{Path: c.Dest, Follow: c.Follow, Checksum: true, Content: env.WantDiff},
		{Path: path.Dir(strings.TrimSuffix(c.Dest, "/"))},
	}
	if c.Src != "" {
		probes = append(probes, Probe{Path: path.Join(c.Dest, path.Base(c.Src)), Checksum: true, Content: env.WantDiff})
	}
	if src.remote != "" {
		probes = append(probes, Probe{Path: src.remote, Follow: true, Checksum: true})
	}
	pr, err := ProbeFiles(ctx, env.Host, probes...)
	if err != nil {
		return nil, err
	}
	if src.remote != "" {
		rs := pr.Files[len(pr.Files)-1]
		if !rs.Exists {
			return nil, Failf("Source %s not found", src.remote)
		}
		if rs.IsDir() {
			return c.planRemoteDir(ctx, env)
		}
		src.checksum, src.mode = rs.Checksum, rs.Mode
	}
	dest, parent := &pr.Files[0], &pr.Files[1]
	mkdir := false
	p := &Plan{Result: map[string]any{"dest": dest.Path}}
	if c.Src != "" && (strings.HasSuffix(c.Dest, "/") || dest.IsDir()) {
		mkdir = !dest.Exists
		dest = &pr.Files[2]
		p.Result["dest"] = dest.Path
	} else if !parent.Exists {
		msg := fmt.Sprintf("Destination directory %s does not exist", parent.Path)
		if src.remote != "" {
			return nil, Failf("%s", msg)
		}
		// Ansible decides a controller file's copy before its module looks at the host, so
		// --check reports it changed (an earlier task may create the directory); only the
		// real run fails, and only if the directory is still missing.
		p.Steps = append(p.Steps, Step{Script: fmt.Sprintf("[ -d %s ] || { echo %s >&2; exit 1; }", Quote(parent.Path), Quote(msg))})
	}
	if err := c.planOne(p, pr, src, dest, mkdir, env.WantDiff); err != nil {
		return nil, err
	}
	if src.remote == "" && c.Src != "" {
		p.Result["src"] = src.header
	}
	return p, nil
}

// planOne adds to p what makes target a copy of src.
func (c *Copy) planOne(p *Plan, pr *Probed, src copySource, target *FileState, mkdir, wantDiff bool) error {
	if target.IsDir() {
		return Failf("Destination %s is a directory: give the file's path, or a src to copy into it", target.Path)
	}
	if target.Exists && c.Force != nil && !*c.Force {
		p.Msg = "file already exists"
		return nil
	}
	if target.Exists && target.Checksum == src.checksum {
		return c.planAttrs(p, target)
	}
	mode, err := c.writeMode(pr, src, target)
	if err != nil {
		return err
	}
	after := pr.User
	if target.Exists {
		after = *target
	}
	after.Type, after.Mode, after.Size, after.Nlink = "file", mode, int64(len(src.data)), 1
	if c.Owner != "" {
		after.Owner, after.UID = c.Owner, -1
	}
	if c.Group != "" {
		after.Group, after.GID = c.Group, -1
	}
	writeTo := target.Path
	if c.Follow && target.LinkTarget != "" {
		writeTo = target.RealPath
	}
	p.Steps = append(p.Steps, fileWrite{Dest: writeTo, Data: src.data, Source: src.remote, Mode: mode,
		Owner: c.Owner, Group: c.Group, Backup: c.Backup && target.Exists, Validate: c.ValidateCmd, BareValidateMsg: true, MkdirParents: mkdir}.step())
	if c.Backup && target.Exists {
		p.Finish = finishBackup("backup_file")
	}
	if wantDiff && src.remote == "" {
		before := ""
		if target.Exists {
			before = target.Path
		}
		p.Diffs = append(p.Diffs, contentDiff(before, src.header, string(target.Content), string(src.data)))
	}
	for k, v := range fileResult(after) {
		p.Result[k] = v
	}
	p.Result["checksum"] = src.checksum
	if src.remote == "" {
		p.Result["md5sum"] = md5Hex(src.data)
	} else {
		delete(p.Result, "size")
	}
	return nil
}

// writeMode is the mode of a written file: mode=preserve takes the
// source's, an existing file keeps its own, a new one gets the default.
func (c *Copy) writeMode(pr *Probed, src copySource, target *FileState) (uint32, error) {
	switch {
	case c.Mode.Preserve():
		return src.mode, nil
	case target.Exists:
		return c.Mode.Apply(target.Mode, false)
	}
	return newFileMode(c.FileAttrs, pr.Umask)
}

// planAttrs fixes the attributes of a file whose content is already right,
// with the file module's diff and result.
func (c *Copy) planAttrs(p *Plan, target *FileState) error {
	attrs := c.FileAttrs
	if attrs.Mode.Preserve() {
		attrs.Mode = Mode{}
	}
	ap, err := attrs.plan(target)
	if err != nil {
		return err
	}
	if ap.changed() {
		p.Steps = append(p.Steps, Step{Script: ap.script(false)})
		ap.before["path"], ap.after["path"] = target.Path, target.Path
		p.Diffs = append(p.Diffs, stateDiff(ap.before, ap.after))
	}
	for k, v := range fileResult(ap.apply(*target)) {
		p.Result[k] = v
	}
	p.Result["path"] = target.Path
	p.Result["checksum"] = target.Checksum
	return nil
}

// planDir copies a controller directory: src "dir/" copies its contents
// into dest, "dir" copies the directory itself into dest.
func (c *Copy) planDir(ctx context.Context, env *Env, dir string) (*Plan, error) {
	entries, err := walkLocal(dir)
	if err != nil {
		return nil, &Failure{Msg: err.Error()}
	}
	root := c.Dest
	if !strings.HasSuffix(c.Src, "/") {
		root = path.Join(c.Dest, path.Base(c.Src))
	}
	// dest itself, then root: the directories the copy may create, in order.
	probes := []Probe{{Path: c.Dest}, {Path: root}}
	for _, e := range entries {
		probes = append(probes, Probe{Path: path.Join(root, e.rel), Checksum: true, Content: env.WantDiff && !e.dir})
	}
	pr, err := ProbeFiles(ctx, env.Host, probes...)
	if err != nil {
		return nil, err
	}
	p := &Plan{Result: map[string]any{"dest": c.Dest, "src": dir}}
	var newDirs []string
	for _, d := range pr.Files[:2] {
		if !d.Exists && !slices.Contains(newDirs, d.Path) {
			newDirs = append(newDirs, d.Path)
		}
	}
	files := 0
	for i, e := range entries {
		target := &pr.Files[i+2]
		if e.dir {
			if !target.Exists {
				newDirs = append(newDirs, target.Path)
			} else if !target.IsDir() {
				return nil, Failf("Destination %s exists and is not a directory: remove it or choose another dest", target.Path)
			}
			continue
		}
		files++
		one := &Plan{Result: map[string]any{}}
		src := copySource{data: e.data, checksum: sha1Hex(e.data), mode: e.mode, header: path.Join(dir, e.rel)}
		if err := c.planOne(one, pr, src, target, false, env.WantDiff); err != nil {
			return nil, err
		}
		p.Steps, p.Diffs = append(p.Steps, one.Steps...), append(p.Diffs, one.Diffs...)
		if one.Finish != nil {
			p.Finish = one.Finish
		}
	}
	if len(newDirs) > 0 {
		p.Steps = append([]Step{{Script: mkdirScript(newDirs, c.DirectoryMode, pr.Umask)}}, p.Steps...)
	}
	if files > 1 {
		p.Diffs = nil // Ansible's copy action keeps the result, diff included, of a single file only
	}
	return p, nil
}

// mkdirScript creates directories in order, with mode when given.
func mkdirScript(dirs []string, mode Mode, umask uint32) string {
	var b strings.Builder
	for _, d := range dirs {
		fmt.Fprintf(&b, "mkdir -p -- %s || exit 1\n", Quote(d))
		if mode.IsSet() {
			// Decoding already rejected modes Apply could fail on.
			m, _ := mode.Apply(0o777&^umask, true)
			fmt.Fprintf(&b, "chmod -- %s %s || exit 1\n", chmodArg(m), Quote(d))
		}
	}
	return b.String()
}
