package modules

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"strings"

	"play/connection"
)

// fileWrite is an atomic replacement of a file's content: the data goes by
// stdin into a temporary file beside the target, gets its owner and mode,
// is validated and synced, then renamed onto the target. If anything fails
// the temporary file is removed and the old file stays.
type fileWrite struct {
	Dest         string
	Data         []byte
	Mode         uint32
	Owner, Group string // "" keeps the old file's (or the default) owner
	Backup       bool   // copy the old file to dest.<pid>.<time>~ first
	Validate     string // a command with %s for the temporary file
	// BareValidateMsg fails validation with copy's (and template's) "failed to validate",
	// without the rc and error lineinfile and the other editors add.
	BareValidateMsg bool
	MkdirParents    bool // create the parent directories
	// Source, when set, is a file on the host to copy instead of Data.
	Source string
}

// step returns the shell step that performs the write.
func (w fileWrite) step() Step {
	dir := path.Dir(w.Dest)
	var b strings.Builder
	fmt.Fprintf(&b, "dest=%s\n", Quote(w.Dest))
	if w.MkdirParents {
		fmt.Fprintf(&b, "[ -d %s ] || mkdir -p -- %s || exit 1\n", Quote(dir), Quote(dir))
	}
	// The EXIT trap removes the temporary file; a shell killed by a signal
	// it does not trap skips it, hence the traps for the signals an
	// interrupted run sends (the connection sends TERM before KILL).
	b.WriteString("trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM\n")
	// The temporary file is created as mktemp would (a new file, mode
	// 0600, never through an existing name: set -C opens it O_EXCL) but
	// without its process; the name is random.
	if w.Validate != "" {
		b.WriteString("umask=$(umask)\n") // the validate command runs with the usual umask
	}
	fmt.Fprintf(&b, "tmp=%s\n", Quote(dir+"/.play."+randomName()))
	b.WriteString("trap 'if [ -e \"$tmp\" ]; then rm -f -- \"$tmp\"; fi' EXIT\n")
	b.WriteString("umask 077; set -C\n")
	if w.Source != "" {
		fmt.Fprintf(&b, "cat -- %s > \"$tmp\" || exit 1\nsync -- \"$tmp\" 2>/dev/null\n", Quote(w.Source))
	} else {
		// A session closed half way gives an early end of input, not an
		// error: only the size tells a partial copy from the data. One dd
		// copies, syncs and counts (its last line: "<n> bytes ... copied",
		// even when it failed), where cat, sync and wc -c were three
		// processes. A failed sync alone does not fail the write.
		b.WriteString("out=$(LC_ALL=C dd bs=128K conv=fsync 2>&1 > \"$tmp\")\n" +
			"size=${out##*\n}; size=${size%% *}\n")
		fmt.Fprintf(&b, "if [ \"$size\" != %d ]; then echo \"incomplete write: received $size of %d bytes; $dest left unchanged\" >&2\n"+
			"  case $out in dd:*) printf '%%s\\n' \"${out%%%%\n*}\" >&2;; esac; exit 1\nfi\n", len(w.Data), len(w.Data))
	}
	b.WriteString(`if [ -e "$dest" ]; then chown --reference="$dest" -- "$tmp" 2>/dev/null; fi
`)
	if w.Owner != "" {
		fmt.Fprintf(&b, "chown -- %s \"$tmp\" || exit 1\n", Quote(w.Owner))
	}
	if w.Group != "" {
		fmt.Fprintf(&b, "chgrp -- %s \"$tmp\" || exit 1\n", Quote(w.Group))
	}
	fmt.Fprintf(&b, "chmod -- %s \"$tmp\" || exit 1\nset +C\n", chmodArg(w.Mode))
	if w.Validate != "" {
		b.WriteString("umask \"$umask\"\n")
		cmd := strings.ReplaceAll(w.Validate, "%s", `"$tmp"`)
		msg := `'failed to validate: rc:%s error:%s\n' "$rc" "$err"`
		if w.BareValidateMsg {
			msg = `'failed to validate\n'`
		}
		fmt.Fprintf(&b, `err=$( { %s ; } 2>&1 >/dev/null ); rc=$?
if [ $rc -ne 0 ]; then printf %s >&2; exit 1; fi
`, cmd, msg)
	}
	if w.Backup {
		b.WriteString(backupScript)
	}
	b.WriteString("mv -f -- \"$tmp\" \"$dest\" || exit 1\n")
	return Step{Script: b.String(), Stdin: w.Data}
}

// randomName is a fresh random part for a temporary file's name.
func randomName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// backupScript copies $dest the way Ansible's backup_local names it and
// prints the name for finishBackup.
const backupScript = `if [ -e "$dest" ]; then
  b="$dest.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
  cp -p -- "$dest" "$b" || exit 1
  echo "backup_file=$b"
fi
`

// checkValidate rejects a validate command without %s, as Ansible does.
func checkValidate(v string) error {
	if v != "" && !strings.Contains(v, "%s") {
		return fmt.Errorf("validate must contain %%s: %s", v)
	}
	return nil
}

// finishBackup returns a Finish that puts the backup file a step printed
// under key. It fails like the runner does when a step exits non-zero.
func finishBackup(key string) func([]connection.Result) (map[string]any, error) {
	return func(out []connection.Result) (map[string]any, error) {
		res := map[string]any{}
		for _, o := range out {
			if o.RC != 0 {
				msg := strings.TrimSpace(string(o.Stderr))
				if msg == "" {
					msg = strings.TrimSpace(string(o.Stdout))
				}
				return nil, &Failure{Msg: msg, Result: map[string]any{"rc": o.RC}}
			}
			for _, l := range strings.Split(string(o.Stdout), "\n") {
				if b, ok := strings.CutPrefix(l, "backup_file="); ok {
					res[key] = b
				}
			}
		}
		return res, nil
	}
}

// newFileMode is the mode a new file gets: the wanted one, or 0666 less the
// umask like any file a program creates.
func newFileMode(attrs FileAttrs, umask uint32) (uint32, error) {
	base := 0o666 &^ umask
	if !attrs.Mode.IsSet() {
		return base, nil
	}
	return attrs.Mode.Apply(base, false)
}

// contentDiff is a before/after text diff with Ansible's headers.
func contentDiff(beforeHeader, afterHeader, before, after string) Diff {
	return Diff{BeforeHeader: header("before", beforeHeader), AfterHeader: header("after", afterHeader),
		Before: before, After: after}
}

func header(word, h string) string {
	if h == "" {
		return word
	}
	return word + ": " + h
}

func sha1Hex(data []byte) string {
	s := sha1.Sum(data)
	return hex.EncodeToString(s[:])
}

func md5Hex(data []byte) string {
	s := md5.Sum(data)
	return hex.EncodeToString(s[:])
}
