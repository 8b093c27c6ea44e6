package modules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "mount", New: func() Module { return &Mount{} }})
	RegisterAlias("ansible.posix.mount", "mount")
}

// Mount keeps a mount point in fstab and mounted (or not), like
// ansible.posix.mount on Linux.
type Mount struct {
	// Path is the mount point.
	Path string `arg:"path,required" aliases:"name"`
	// Src is the device, label (LABEL=) or directory to mount.
	Src string `arg:"src"`
	// Fstype is the file system type.
	Fstype string `arg:"fstype"`
	// Opts are the mount options (defaults).
	Opts string `arg:"opts"`
	// Dump is fstab's fifth field.
	Dump string `arg:"dump"`
	// Passno is fstab's sixth field.
	Passno string `arg:"passno"`
	// Fstab is the file to keep the line in (/etc/fstab).
	Fstab string `arg:"fstab"`
	// Boot false adds noauto to the options.
	Boot *bool `arg:"boot"`
	// Backup keeps a copy of the old fstab, named with a timestamp.
	Backup bool `arg:"backup"`
	// State is what to do: mounted and present write fstab, absent removes
	// the line and unmounts, absent_from_fstab only removes the line,
	// unmounted and remounted act on the mount only, ephemeral mounts
	// without fstab.
	State string `arg:"state,required" choices:"absent,absent_from_fstab,mounted,present,unmounted,remounted,ephemeral"`
}

// Validate applies Ansible's required_if rules.
func (m *Mount) Validate() error {
	switch m.State {
	case "mounted", "present", "ephemeral":
		var missing []string
		if m.Src == "" {
			missing = append(missing, "src")
		}
		if m.Fstype == "" {
			missing = append(missing, "fstype")
		}
		if len(missing) > 0 {
			return fmt.Errorf("state is %s but all of the following are missing: %s", m.State, strings.Join(missing, ", "))
		}
	}
	return nil
}

// mountLine is one fstab entry's fields, as the module compares them.
type mountLine struct{ src, name, fstype, opts, dump, passno string }

func (l mountLine) String() string {
	return strings.Join([]string{l.src, l.name, l.fstype, l.opts, l.dump, l.passno}, " ") + "\n"
}

// args are the effective values with Ansible's defaults, boot as Ansible
// returns it ("yes" or "no") and the warnings about boot.
func (m *Mount) args() (l mountLine, boot string, warnings []any) {
	l = mountLine{src: m.Src, name: m.Path, fstype: m.Fstype, opts: "defaults", dump: "0", passno: "0"}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&l.opts, m.Opts}, {&l.dump, m.Dump}, {&l.passno, m.Passno}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	boot = "yes"
	opts := strings.Split(l.opts, ",")
	switch {
	case slices.Contains(opts, "noauto"):
		warnings = append(warnings, "Ignore the 'boot' due to 'opts' contains 'noauto'.")
	case !boolOr(m.Boot, true) && slices.Contains(opts, "defaults"):
		boot = "no"
		warnings = append(warnings, "Ignore the 'boot' due to 'opts' contains 'defaults'.")
	case !boolOr(m.Boot, true):
		boot = "no"
		l.opts += ",noauto"
	}
	return l, boot, warnings
}

func (m *Mount) fstab() string {
	if m.Fstab == "" {
		return "/etc/fstab"
	}
	return m.Fstab
}

// Plan implements Module: one probe reads fstab, whether the path is a
// mount point (and what is mounted there) and whether it exists.
func (m *Mount) Plan(ctx context.Context, env *Env) (*Plan, error) {
	fstab, name := Quote(m.fstab()), Quote(m.Path)
	script := section("fstab") + "\n[ -f " + fstab + " ] && cat " + fstab + "\n" +
		section("ismount") + "\nmountpoint -q " + name + " && echo yes\n" +
		section("exists") + "\n[ -e " + name + " ] && echo yes\n" +
		section("mountinfo") + "\ncat /proc/self/mountinfo\n" + section("mounts") + "\nmount -v\n"
	obs, err := observe(ctx, env.Host, "mount "+m.Path, script)
	if err != nil {
		return nil, err
	}
	return m.plan(obs)
}

// plan edits fstab's lines as Ansible's set_mount/unset_mount do and
// decides the mount commands from what is mounted.
func (m *Mount) plan(obs Sections) (*Plan, error) {
	want, boot, warnings := m.args()
	r := map[string]any{"name": m.Path, "opts": want.opts, "dump": want.dump, "passno": want.passno, "fstab": m.fstab(),
		"boot": boot, "backup_file": ""}
	if m.Src != "" {
		r["src"] = m.Src
	}
	if m.Fstype != "" {
		r["fstype"] = m.Fstype
	}
	if len(warnings) > 0 {
		r["warnings"] = warnings
	}
	before := obs["fstab"]
	mountedSrc, inInfo := mountinfo(obs["mountinfo"])[m.Path]
	mounted := obs.Line("ismount") == "yes" || inInfo
	p := &Plan{Result: r}
	var after string
	var changed bool
	switch m.State {
	case "present", "mounted":
		after, changed = setMount(before, want)
	case "absent", "absent_from_fstab":
		after, changed = unsetMount(before, want)
	}
	if changed {
		p.Steps = append(p.Steps, fileWrite{Dest: m.fstab(), Data: []byte(after), Mode: 0o644, Backup: m.Backup, MkdirParents: !obs.Has("fstab")}.step())
	}
	name := Quote(m.Path)
	umount := fmt.Sprintf("out=$(umount %s 2>&1) || { echo %s\"$out\" >&2; exit 1; }\n", name, Quote("Error unmounting "+m.Path+": "))
	var script string
	switch m.State {
	case "absent":
		if changed && mounted {
			script = umount
		}
		if changed && obs.Line("exists") == "yes" {
			script += fmt.Sprintf("out=$(rmdir %s 2>&1) || { echo %s\"${out#rmdir: }\" >&2; exit 1; }\n", name, Quote("Error rmdir "+m.Path+": "))
		}
	case "unmounted":
		if mounted {
			script = umount
		}
	case "remounted":
		script = m.remount(want) + m.fail("Error remounting ")
	case "mounted", "ephemeral":
		script = m.mountScript(want, mounted, changed, obs)
		if m.State == "ephemeral" && mounted && mountedSrc != m.Src && !listsMount(obs["mounts"], m.Src, m.Path) {
			return nil, Failf("Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a \"state: unmounted\" followed by a \"state: ephemeral\", or use a different destination path.")
		}
	}
	if script != "" {
		p.Steps = append(p.Steps, Step{Script: script, Stdin: []byte(before)})
	}
	if len(p.Steps) > 0 {
		p.Finish = finishMount(changed && m.Backup)
	}
	return p, nil
}

// finishMount fails a step as Ansible's mount module does: a failed mount or
// umount's message ends with the command's output and its newline, and has no
// rc; with backup, a written fstab's backup_file is returned.
func finishMount(backup bool) func([]connection.Result) (map[string]any, error) {
	return func(out []connection.Result) (map[string]any, error) {
		if last := out[len(out)-1]; last.RC != 0 {
			msg := string(last.Stderr)
			if !strings.HasPrefix(msg, "Error mounting ") && !strings.HasPrefix(msg, "Error unmounting ") && !strings.HasPrefix(msg, "Error remounting ") {
				msg = strings.TrimSpace(msg)
			}
			return nil, &Failure{Msg: msg}
		}
		if backup {
			return finishBackup("backup_file")(out)
		}
		return nil, nil
	}
}

// mountScript mounts (or remounts after an fstab change) for mounted and
// ephemeral; when mounting fails, fstab gets its old text back (the step's
// input) and the directories made for the mount point go, as in Ansible.
func (m *Mount) mountScript(want mountLine, mounted, changed bool, obs Sections) string {
	var b strings.Builder
	switch {
	case mounted && m.State == "ephemeral":
		b.WriteString(m.remount(want))
	case mounted && changed:
		b.WriteString(m.remount(want))
	case mounted:
		return ""
	default:
		if obs.Line("exists") != "yes" {
			fmt.Fprintf(&b, "d=%s; made=\nwhile [ ! -e \"$d\" ]; do made=$d; d=$(dirname \"$d\"); done\n", Quote(m.Path))
			fmt.Fprintf(&b, "out=$(mkdir -p %s 2>&1) || { echo %s\"${out#mkdir: }\" >&2; exit 1; }\n", Quote(m.Path), Quote("Error making dir "+m.Path+": "))
		}
		b.WriteString(m.mountCmd(want))
	}
	b.WriteString("if [ $rc -ne 0 ]; then\n")
	if m.State != "ephemeral" {
		fmt.Fprintf(&b, "  cat > %s\n", Quote(m.fstab()))
	}
	if !mounted && obs.Line("exists") != "yes" {
		fmt.Fprintf(&b, "  [ -n \"$made\" ] && rm -d -- %s", Quote(m.Path))
		fmt.Fprintf(&b, " && d=$(dirname %s) && while [ \"$d\" != \"$(dirname \"$made\")\" ]; do rmdir -- \"$d\" || break; d=$(dirname \"$d\"); done\n", Quote(m.Path))
	}
	b.WriteString("  " + m.fail("Error mounting ") + "fi\n")
	return b.String()
}

// fail ends a script whose last command left rc and out with Ansible's message.
func (m *Mount) fail(what string) string {
	return fmt.Sprintf("[ $rc -eq 0 ] || { echo %s\"$out\" >&2; exit 1; }\n", Quote(what+m.Path+": "))
}

// mountCmd is Ansible's mount(): from fstab, or the arguments for ephemeral.
func (m *Mount) mountCmd(want mountLine) string {
	args := []string{"mount"}
	if m.State == "ephemeral" {
		args = append(args, "-t", Quote(want.fstype))
		if want.opts != "defaults" {
			args = append(args, "-o", Quote(want.opts))
		}
		args = append(args, Quote(want.src))
	} else if m.fstab() != "/etc/fstab" {
		args = append(args, "-T", Quote(m.fstab()))
	}
	return fmt.Sprintf("out=$(%s %s 2>&1); rc=$?\n", strings.Join(args, " "), Quote(m.Path))
}

// remount is Ansible's remount(): mount -o remount, else umount and mount.
func (m *Mount) remount(want mountLine) string {
	opts := "remount"
	withOpts := m.State == "remounted" && want.opts != "defaults"
	if withOpts {
		opts += "," + want.opts
	}
	args := []string{"mount", "-o", Quote(opts)}
	if m.State == "ephemeral" {
		args = []string{"mount", "-o", opts, "-t", Quote(want.fstype)}
		if want.opts != "defaults" {
			args = append(args, "-o", Quote(want.opts))
		}
		args = append(args, Quote(want.src))
	} else if m.fstab() != "/etc/fstab" {
		args = append(args, "-T", Quote(m.fstab()))
	}
	s := fmt.Sprintf("out=$(%s %s 2>&1); rc=$?\nif [ $rc -ne 0 ]; then\n", strings.Join(args, " "), Quote(m.Path))
	if withOpts {
		s += "  echo 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a \"state: unmounted\" followed by a \"state: mounted\" using the full desired mount options instead.' >&2; exit 1\n"
	}
	s += fmt.Sprintf("  out=$(umount %s 2>&1); rc=$?\n  if [ $rc -eq 0 ]; then %s  fi\nfi\n", Quote(m.Path), m.mountCmd(want))
	return s
}

// listsMount says whether mount's listing shows src mounted on path.
func listsMount(list, src, path string) bool {
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == src && f[2] == path {
			return true
		}
	}
	return false
}

// escapeFstab escapes what fstab fields cannot hold, as Ansible's _escape_fstab.
func escapeFstab(s string) string {
	return strings.NewReplacer(`\`, `\134`, " ", `\040`, "&", `\046`).Replace(s)
}

// fstabLines walks fstab's lines: keep is called for each entry line of the
// right length with its fields, and returns the line to write ("" drops it).
func fstabLines(text string, lengths []int, keep func(line string, f []string) string) string {
	var out strings.Builder
	for _, line := range splitLines(text) {
		f := strings.Fields(line)
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || !slices.Contains(lengths, len(f)) {
			out.WriteString(line)
			continue
		}
		out.WriteString(keep(line, f))
	}
	return out.String()
}

// matches says whether an entry is the mount point's (swap entries "none"
// are told apart by their source).
func (l mountLine) matches(e mountLine) bool {
	return e.name == escapeFstab(l.name) && !(l.src != "" && e.name == "none" && e.fstype == "swap" && e.src != l.src)
}

// setMount is Ansible's set_mount: the entry rewritten or appended.
func setMount(text string, want mountLine) (string, bool) {
	esc := mountLine{escapeFstab(want.src), escapeFstab(want.name), escapeFstab(want.fstype), escapeFstab(want.opts), escapeFstab(want.dump), escapeFstab(want.passno)}
	exists, changed := false, false
	after := fstabLines(text, []int{4, 5, 6}, func(line string, f []string) string {
		e := mountLine{dump: "0", passno: "0"}
		for i, dst := range []*string{&e.src, &e.name, &e.fstype, &e.opts, &e.dump, &e.passno}[:len(f)] {
			*dst = f[i]
		}
		if !want.matches(e) {
			return line
		}
		exists = true
		if e.src != esc.src || e.fstype != esc.fstype || e.opts != esc.opts || e.dump != esc.dump || e.passno != esc.passno {
			changed = true
			e = mountLine{esc.src, e.name, esc.fstype, esc.opts, esc.dump, esc.passno}
			return e.String()
		}
		if !strings.HasSuffix(line, "\n") {
			return line + "\n"
		}
		return line
	})
	if !exists {
		after += esc.String()
		changed = true
	}
	return after, changed
}

// unsetMount is Ansible's unset_mount: the mount point's 6-field entries dropped.
func unsetMount(text string, want mountLine) (string, bool) {
	changed := false
	after := fstabLines(text, []int{6}, func(line string, f []string) string {
		if !want.matches(mountLine{f[0], f[1], f[2], f[3], f[4], f[5]}) {
			return line
		}
		changed = true
		return ""
	})
	return after, changed
}

// mountinfo maps each mount point in /proc/self/mountinfo to its source
// as Ansible's get_linux_mounts computes it (a bind mount's source is the
// directory it shows).
func mountinfo(text string) map[string]string {
	type rec struct{ parent, root, dst, src string }
	recs := map[string]*rec{}
	var order []string
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) < 10 {
			continue
		}
		recs[f[0]] = &rec{parent: f[1], root: f[3], dst: f[4], src: f[len(f)-2]}
		order = append(order, f[0])
	}
	mounts := map[string]string{}
	for _, id := range order {
		r := recs[id]
		src := r.src
		if p, ok := recs[r.parent]; ok && r.parent != "1" {
			root := r.root
			if len(p.root) > 1 && strings.HasPrefix(root, p.root+"/") {
				root = root[len(p.root):]
			}
			if p.dst != "/" {
				root = p.dst + root
			}
			src = root
		}
		mounts[r.dst] = src
	}
	return mounts
}
