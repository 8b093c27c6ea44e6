package modules

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// FileAttrs are the mode, owner and group arguments every file module
// shares. Embed it in a module's arguments.
type FileAttrs struct {
	// Mode is the permissions the file should have: 0644, "0644", "u=rw,g=r".
	Mode Mode `arg:"mode"`
	// Owner is the user (name or uid) that should own the file.
	Owner string `arg:"owner"`
	// Group is the group (name or gid) that should own the file.
	Group string `arg:"group"`
}

// attrPlan is what differs between a file's attributes and the wanted ones.
type attrPlan struct {
	path          string
	mode          uint32 // the resulting mode
	chmod         bool
	chown, chgrp  string // "" when already right
	before, after map[string]any
}

// plan compares st (which must exist) with the wanted attributes.
func (a FileAttrs) plan(st *FileState) (*attrPlan, error) {
	p := &attrPlan{path: st.Path, mode: st.Mode, before: map[string]any{}, after: map[string]any{}}
	if a.Mode.IsSet() && !a.Mode.Preserve() {
		m, err := a.Mode.Apply(st.Mode, st.IsDir())
		if err != nil {
			return nil, err
		}
		if m != st.Mode {
			p.mode, p.chmod = m, true
			p.before["mode"], p.after["mode"] = resultMode(st.Mode), resultMode(m)
		}
	}
	if a.Owner != "" && !sameID(a.Owner, st.Owner, st.UID) {
		p.chown = a.Owner
		p.before["owner"], p.after["owner"] = st.Owner, a.Owner
	}
	if a.Group != "" && !sameID(a.Group, st.Group, st.GID) {
		p.chgrp = a.Group
		p.before["group"], p.after["group"] = st.Group, a.Group
	}
	return p, nil
}

// sameID says whether want (a name or a number) names the probed owner.
func sameID(want, name string, id int) bool {
	if n, err := strconv.Atoi(want); err == nil {
		return n == id
	}
	return want == name
}

// changed says whether any attribute must change.
func (p *attrPlan) changed() bool { return p.chmod || p.chown != "" || p.chgrp != "" }

// script returns the commands that fix the attributes ("" when none);
// recurse applies them to everything below a directory too.
func (p *attrPlan) script(recurse bool) string {
	var cmds []string
	r := ""
	if recurse {
		r = "-R "
	}
	// chown first: it may clear the setuid bits chmod sets.
	if p.chown != "" {
		cmds = append(cmds, "chown "+r+"-- "+Quote(p.chown)+" "+Quote(p.path))
	}
	if p.chgrp != "" {
		cmds = append(cmds, "chgrp "+r+"-- "+Quote(p.chgrp)+" "+Quote(p.path))
	}
	if p.chmod {
		cmds = append(cmds, "chmod "+r+"-- "+chmodArg(p.mode)+" "+Quote(p.path))
	}
	return strings.Join(cmds, " &&\n")
}

// chmodArg is a five-digit octal mode: GNU chmod keeps a directory's setgid
// bit for shorter numeric modes, Ansible sets exactly the bits asked.
func chmodArg(m uint32) string { return "0" + FormatMode(m) }

// diff is the attribute diff as the content-editing modules print it
// (lineinfile, blockinfile): headers "<path> (file attributes)", no path key.
func (p *attrPlan) diff() Diff {
	h := p.path + " (file attributes)"
	return Diff{BeforeHeader: "before: " + h, AfterHeader: "after: " + h,
		Before: jsonText(p.before), After: jsonText(p.after)}
}

// apply sets the planned attributes on a probed state (for the result).
func (p *attrPlan) apply(st FileState) FileState {
	st.Mode = p.mode
	if p.chown != "" {
		st.Owner, st.UID = p.chown, -1
		if n, err := strconv.Atoi(p.chown); err == nil {
			st.UID = n
		}
	}
	if p.chgrp != "" {
		st.Group, st.GID = p.chgrp, -1
		if n, err := strconv.Atoi(p.chgrp); err == nil {
			st.GID = n
		}
	}
	return st
}

// stateDiff is the diff the file module prints: before/after dicts with the
// path, as Ansible's file module does.
func stateDiff(before, after map[string]any) Diff {
	return Diff{BeforeHeader: "before", AfterHeader: "after", Before: jsonText(before), After: jsonText(after)}
}

// jsonText serializes a diff dict the way Ansible's callback does:
// sorted keys, four-space indent, a final newline.
func jsonText(v map[string]any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return b.String()
}

// fileResult holds the return values Ansible's file-handling modules give
// for an existing file: uid, gid, owner, group, mode, size, state.
func fileResult(st FileState) map[string]any {
	r := map[string]any{"owner": st.Owner, "group": st.Group, "mode": resultMode(st.Mode),
		"size": st.Size, "state": st.Type}
	if st.Type == "other" {
		r["state"] = "file"
	}
	if st.Type == "file" && st.Nlink > 1 {
		r["state"] = "hard"
	}
	if st.UID >= 0 {
		r["uid"] = st.UID
	}
	if st.GID >= 0 {
		r["gid"] = st.GID
	}
	return r
}
