package modules

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "authorized_key", New: func() Module { return &AuthorizedKey{} }})
	RegisterAlias("ansible.posix.authorized_key", "authorized_key")
}

// AuthorizedKey adds or removes SSH public keys in a user's
// authorized_keys, keeping the file's other lines and order the way
// ansible.posix.authorized_key does.
type AuthorizedKey struct {
	// User owns the authorized_keys file.
	User string `arg:"user,required"`
	// Key is one public key or several, one per line.
	Key string `arg:"key,required"`
	// Path is the file; ~user/.ssh/authorized_keys by default.
	Path string `arg:"path"`
	// ManageDir creates the .ssh directory (0700, owned by the user).
	ManageDir *bool `arg:"manage_dir"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// KeyOptions are the options (from="...",no-pty) put before the key.
	KeyOptions string `arg:"key_options"`
	// Exclusive removes every other key.
	Exclusive bool `arg:"exclusive"`
	// Comment replaces the key's comment.
	Comment *string `arg:"comment"`
	// ValidateCerts and Follow are accepted for compatibility.
	ValidateCerts *bool `arg:"validate_certs"`
	Follow        bool  `arg:"follow"`
}

// Validate applies defaults.
func (a *AuthorizedKey) Validate() error {
	if a.State == "" {
		a.State = "present"
	}
	if strings.HasPrefix(a.Key, "http://") || strings.HasPrefix(a.Key, "https://") {
		return errors.New("key from a URL is not supported: fetch it first (lookup('url', ...)) and pass the key text")
	}
	return nil
}

// Plan implements Module.
func (a *AuthorizedKey) Plan(ctx context.Context, env *Env) (*Plan, error) {
	file := `"$home/.ssh/authorized_keys"`
	if a.Path != "" {
		file = Quote(a.Path)
	}
	script := fmt.Sprintf(`pw=$(getent passwd %s) || { echo "Failed to lookup user %s" >&2; exit 1; }
home=$(printf '%%s' "$pw" | cut -d: -f6); f=%s
%s; echo "$pw"; id -gn %s
%s; echo "$f"
if [ -f "$f" ]; then %s; cat "$f"; fi
`, Quote(a.User), a.User, file, section("passwd"), Quote(a.User), section("path"), section("keys"))
	s, err := observe(ctx, env.Host, "the authorized keys of "+a.User, script)
	if err != nil {
		return nil, err
	}
	return a.plan(s)
}

// sshKey is one line of an authorized_keys file: a key or any other line.
type sshKey struct {
	blob, typ, options, comment string
	line                        string // a line that is no key, kept as it is
}

func (k sshKey) String() string {
	if k.typ == "" {
		return k.line
	}
	opts := ""
	if k.options != "" {
		opts = k.options + " "
	}
	return fmt.Sprintf("%s%s %s %s\n", opts, k.typ, k.blob, k.comment)
}

var sshKeyTypes = []string{"ssh-dss", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com", "ssh-xmss@openssh.com",
	"ssh-rsa-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com"}

// parseSSHKey reads a key line: [options] type blob [comment].
func parseSSHKey(line string) (sshKey, bool) {
	fields := strings.Fields(line)
	i := slices.IndexFunc(fields, func(f string) bool { return slices.Contains(sshKeyTypes, f) })
	if i < 0 || i+1 >= len(fields) || strings.HasPrefix(strings.TrimSpace(line), "#") {
		return sshKey{line: line}, false
	}
	return sshKey{options: strings.Join(fields[:i], " "), typ: fields[i], blob: fields[i+1],
		comment: strings.Join(fields[i+2:], " ")}, true
}

// plan merges the wanted keys into the file's.
func (a *AuthorizedKey) plan(s Sections) (*Plan, error) {
	pw := strings.Split(s.Line("passwd"), "\n")
	f := strings.Split(pw[0], ":")
	if len(f) < 7 || len(pw) < 2 {
		return nil, Failf("Failed to lookup user %s", a.User)
	}
	group, file := pw[1], s.Line("path")
	existing := s["keys"]
	var keys []sshKey
	for _, l := range strings.SplitAfter(existing, "\n") {
		if l != "" {
			k, _ := parseSSHKey(l)
			keys = append(keys, k)
		}
	}
	find := func(blob string) int {
		return slices.IndexFunc(keys, func(k sshKey) bool { return k.blob == blob && k.typ != "" })
	}
	var want []string
	for _, l := range strings.Split(a.Key, "\n") {
		k, ok := parseSSHKey(l)
		if !ok {
			if strings.TrimSpace(l) == "" {
				continue
			}
			return nil, Failf("invalid key specified: %s", l)
		}
		if a.KeyOptions != "" {
			k.options = a.KeyOptions
		}
		if a.Comment != nil {
			k.comment = *a.Comment
		}
		want = append(want, k.blob)
		i := find(k.blob)
		switch {
		case a.State == "absent" && i >= 0:
			keys = slices.Delete(keys, i, i+1)
		case a.State == "present" && i >= 0 && keys[i] != k:
			keys = append(slices.Delete(keys, i, i+1), k)
		case a.State == "present" && i < 0:
			keys = append(keys, k)
		}
	}
	if a.State == "present" && a.Exclusive {
		keys = slices.DeleteFunc(keys, func(k sshKey) bool { return k.typ != "" && !slices.Contains(want, k.blob) })
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k.String())
	}
	after := b.String()
	p := &Plan{Result: map[string]any{"user": a.User, "key": a.Key, "keyfile": file, "path": nilIfEmpty(a.Path),
		"state": a.State, "exclusive": a.Exclusive, "key_options": nilIfEmpty(a.KeyOptions),
		"manage_dir": boolOr(a.ManageDir, true), "follow": a.Follow, "validate_certs": boolOr(a.ValidateCerts, true)}}
	if after == existing {
		return p, nil
	}
	p.Diffs = []Diff{{BeforeHeader: file, AfterHeader: file, Before: existing, After: after}}
	if boolOr(a.ManageDir, true) && a.Path == "" {
		dir := path.Dir(file)
		p.Steps = append(p.Steps, Step{Script: fmt.Sprintf("[ -d %[1]s ] || { mkdir -p -- %[1]s && chown -- %[2]s:%[3]s %[1]s && chmod 0700 %[1]s; } || exit 1",
			Quote(dir), Quote(a.User), Quote(group))})
	}
	p.Steps = append(p.Steps, fileWrite{Dest: file, Data: []byte(after), Mode: 0o600, Owner: a.User, Group: group}.step())
	return p, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
