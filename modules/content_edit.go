package modules

import (
	"context"
)

// EditArgs are the arguments shared by the modules that edit a text file in
// place (lineinfile, blockinfile, replace).
type EditArgs struct {
	FileAttrs
	// Path is the file to edit.
	Path string `arg:"path,required" aliases:"dest,destfile,name"`
	// Backup keeps a copy of the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// Validate is a command run on the new file (%s) before it replaces the old one.
	ValidateCmd string `arg:"validate"`
}

// attrsChangedMsg is what Ansible appends when attributes changed.
const attrsChangedMsg = "ownership, perms or SE linux context changed"

// probeEdit reads the file to edit (following symlinks) in one round trip.
func (a *EditArgs) probeEdit(ctx context.Context, env *Env) (*Probed, *FileState, error) {
	pr, err := ProbeFiles(ctx, env.Host, Probe{Path: a.Path, Follow: true, Content: true})
	if err != nil {
		return nil, nil, err
	}
	return pr, &pr.Files[0], nil
}

// textEdit is the outcome of a content-editing module's pure computation.
type textEdit struct {
	args   *EditArgs
	st     *FileState // the probed file
	umask  uint32
	before string
	after  string
	msg    string // the message when the content changes
	// diffHeader is the header of the content diff ("" for none).
	diffHeader string
	// attrDiff adds the "(file attributes)" diff (lineinfile, blockinfile).
	attrDiff bool
	// backupKey is where the backup name goes in the result.
	backupKey string
}

// plan writes the new content when it differs and fixes the attributes.
func (e *textEdit) plan() (*Plan, error) {
	p := &Plan{Result: map[string]any{}}
	cur := *e.st
	if !cur.Exists {
		cur = FileState{Path: e.args.Path, Exists: true, Type: "file", Mode: 0o666 &^ e.umask, UID: -1, GID: -1}
	}
	dest := e.args.Path
	if e.st.Exists && e.st.RealPath != "" {
		dest = e.st.RealPath
	}
	ap, err := e.args.FileAttrs.plan(&cur)
	if err != nil {
		return nil, err
	}
	ap.path = e.args.Path
	msg := ""
	if e.before != e.after {
		msg = e.msg
		p.Steps = append(p.Steps, fileWrite{Dest: dest, Data: []byte(e.after), Mode: ap.mode,
			Owner: ap.chown, Group: ap.chgrp, Backup: e.args.Backup && e.st.Exists,
			Validate: e.args.ValidateCmd, MkdirParents: !e.st.Exists}.step())
		if e.args.Backup && e.st.Exists {
			p.Finish = finishBackup(e.backupKey)
		}
	} else if ap.changed() {
		p.Steps = append(p.Steps, Step{Script: ap.script(false)})
	}
	if ap.changed() {
		if msg != "" {
			msg += " and "
		}
		msg += attrsChangedMsg
	}
	if e.diffHeader != "" {
		p.Diffs = append(p.Diffs, contentDiff(e.diffHeader, e.diffHeader, e.before, e.after))
	}
	if e.attrDiff && ap.changed() {
		d := ap.diff()
		if !e.st.Exists {
			d.InCheck = &Diff{} // Ansible's module returns before it sets the attributes of a file it would create
		}
		p.Diffs = append(p.Diffs, d)
	}
	p.Msg = msg
	return p, nil
}
