package modules

import (
	"context"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"play/connection"
)

func init() {
	Register(Info{Name: "user", New: func() Module { return &User{} }})
}

// User manages a local account with useradd, usermod and userdel.
type User struct {
	// Name is the account's name.
	Name string `arg:"name,required" aliases:"user"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
	// UID is the user's id.
	UID *int `arg:"uid"`
	// NonUnique allows a uid another user already has.
	NonUnique bool `arg:"non_unique"`
	// Group is the primary group (name or gid).
	Group string `arg:"group"`
	// GroupsArg are the supplementary groups (a list or comma-separated);
	// an empty list or "" removes them all.
	GroupsArg any `arg:"groups"`
	// Append adds Groups to the current ones instead of replacing them.
	Append bool `arg:"append"`
	// Comment is the GECOS field (full name).
	Comment *string `arg:"comment"`
	// Home is the home directory.
	Home string `arg:"home"`
	// CreateHome creates the home directory with a new account (default true).
	CreateHome *bool `arg:"create_home" aliases:"createhome"`
	// MoveHome moves the contents when Home changes.
	MoveHome bool `arg:"move_home"`
	// Skeleton is the directory a new home is copied from.
	Skeleton string `arg:"skeleton"`
	// Shell is the login shell.
	Shell string `arg:"shell"`
	// System makes a system account.
	System bool `arg:"system"`
	// Password is the crypt(3) hash of the password.
	Password *string `arg:"password"`
	// UpdatePassword is always (set it when it differs) or on_create.
	UpdatePassword string `arg:"update_password" choices:"always,on_create"`
	// PasswordLock locks (true) or unlocks (false) the password, as usermod -L/-U;
	// when not given the lock is left alone.
	PasswordLock *bool `arg:"password_lock"`
	// Expires is the account's expiry in seconds since the epoch (compared by
	// day, as shadow stores it); a negative value removes the expiry.
	Expires *float64 `arg:"expires"`
	// Remove deletes the home directory and mail spool with state absent.
	Remove bool `arg:"remove"`
	// Force removes the account even while the user is logged in.
	Force bool `arg:"force"`
	// GenerateSSHKey creates an SSH key pair when there is none.
	GenerateSSHKey bool `arg:"generate_ssh_key"`
	// SSHKeyType is the key's type (default rsa).
	SSHKeyType string `arg:"ssh_key_type"`
	// SSHKeyBits is the key's size (ssh-keygen's default when 0).
	SSHKeyBits int `arg:"ssh_key_bits"`
	// SSHKeyFile is the private key's path, relative to the home directory (default .ssh/id_<type>).
	SSHKeyFile string `arg:"ssh_key_file"`
	// SSHKeyComment is the key's comment (default "ansible-generated on <hostname>").
	SSHKeyComment string `arg:"ssh_key_comment"`
	// SSHKeyPassphrase protects the private key.
	SSHKeyPassphrase string `arg:"ssh_key_passphrase"`
	// Local is accepted for compatibility: play manages /etc/passwd either way.
	Local bool `arg:"local"`

	// Groups is GroupsArg decoded: nil when not given, empty to remove all.
	Groups []string
}

// Plan observes the account, its groups, its password hash and its SSH key in one round trip.
func (u *User) Plan(ctx context.Context, env *Env) (*Plan, error) {
	var b strings.Builder
	b.WriteString(accountScript("P", "passwd", u.Name))
	b.WriteString(accountScript("H", "shadow", u.Name))
	b.WriteString(memberScript(u.Name))
	for _, g := range u.wantGroups() {
		b.WriteString(accountScript("G", "group", g))
	}
	if u.GenerateSSHKey {
		fmt.Fprintf(&b, `h=$(getent passwd -- %s | cut -d: -f6); [ -n "$h" ] && [ -e "$h"/%s ] && echo "K $("ssh-keygen" -lf "$h"/%[2]s)"; echo "N $(hostname)"
`, Quote(u.Name), Quote(u.keyFile()))
	}
	res, err := env.Host.Run(ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	return u.plan(parseAccounts(res.Stdout))
}

// wantGroups are the groups to look up: the primary group, the user's own
// name (useradd -N if it exists) and the supplementary groups.
func (u *User) wantGroups() []string {
	gs := []string{u.Name}
	if u.Group != "" {
		gs = append(gs, u.Group)
	}
	return append(gs, u.Groups...)
}

func (u *User) keyFile() string {
	if u.SSHKeyFile != "" {
		return u.SSHKeyFile
	}
	return ".ssh/id_" + u.keyType()
}

func (u *User) keyType() string {
	if u.SSHKeyType == "" {
		return "rsa"
	}
	return u.SSHKeyType
}

// plan decides the steps from the records (pure).
func (u *User) plan(r *accountRecords) (*Plan, error) {
	if u.State == "absent" {
		return u.planAbsent(r.passwd), nil
	}
	// Ansible creates a user under --check without looking at its groups (an earlier task
	// may create them): a new user's missing groups fail only when applied.
	var groupGuard string
	for _, g := range append([]string{u.Group}, u.Groups...) {
		if g == "" || r.groups[g] != nil {
			continue
		}
		msg := fmt.Sprintf("Group %s does not exist", g)
		if r.passwd != nil {
			return nil, Failf("%s", msg)
		}
		groupGuard += fmt.Sprintf("getent group %s >/dev/null || { echo %s >&2; exit 1; }\n", Quote(g), Quote(msg))
	}
	p := &Plan{Result: map[string]any{"name": u.Name, "state": "present"}}
	if u.Password != nil {
		p.Result["password"] = "NOT_LOGGING_PASSWORD"
	}
	if u.Groups != nil {
		p.Result["groups"] = strings.Join(u.Groups, ",")
	}
	var cmd []string
	if r.passwd == nil {
		cmd = u.useradd(r)
		p.Result["create_home"], p.Result["system"] = boolOr(u.CreateHome, true), u.System
	} else {
		cmd = u.usermod(r)
		p.Result["append"], p.Result["move_home"] = u.Append, u.MoveHome
		addPasswd(p.Result, r.passwd)
	}
	script := groupGuard
	if cmd != nil {
		script += joinQuoted(cmd) + " || exit\n"
	}
	if u.GenerateSSHKey {
		if _, ok := r.extra["K"]; !ok {
			script += u.keygenScript(r.extra["N"])
		}
		u.keyResult(p.Result, r.passwd, r.extra["K"])
	}
	if script == "" {
		return p, nil
	}
	p.Steps = []Step{{Script: script + accountScript("P", "passwd", u.Name)}}
	p.Finish = u.finish
	return p, nil
}

// addPasswd adds the account's fields to a result, as Ansible returns them.
func addPasswd(res map[string]any, pw *passwdEntry) {
	res["uid"], res["group"], res["comment"], res["home"], res["shell"] = pw.UID, pw.GID, pw.Comment, pw.Home, pw.Shell
}

func (u *User) finish(outs []connection.Result) (map[string]any, error) {
	out := outs[0]
	if out.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(out.Stderr)), Result: map[string]any{"name": u.Name, "rc": out.RC}}
	}
	res := map[string]any{}
	r := parseAccounts(out.Stdout)
	if r.passwd != nil {
		addPasswd(res, r.passwd)
		if u.GenerateSSHKey {
			u.keyResult(res, r.passwd, r.extra["K"])
		}
	}
	return res, nil
}

func (u *User) planAbsent(cur *passwdEntry) *Plan {
	p := &Plan{Result: map[string]any{"name": u.Name, "state": "absent"}}
	if cur == nil {
		return p
	}
	p.Result["force"], p.Result["remove"] = u.Force, u.Remove
	cmd := []string{"userdel"}
	if u.Force {
		cmd = append(cmd, "-f")
	}
	if u.Remove {
		cmd = append(cmd, "-r")
	}
	p.Steps = []Step{{Script: joinQuoted(append(cmd, u.Name))}}
	p.Finish = func(outs []connection.Result) (map[string]any, error) {
		out := outs[0]
		if out.RC != 0 {
			return nil, &Failure{Msg: strings.TrimSpace(string(out.Stderr)), Result: map[string]any{"name": u.Name, "rc": out.RC}}
		}
		res := map[string]any{}
		for k, v := range map[string][]byte{"stdout": out.Stdout, "stderr": out.Stderr} {
			if len(v) > 0 {
				res[k], res[k+"_lines"] = string(v), outputLines(string(v))
			}
		}
		return res, nil
	}
	return p
}

// useradd is Ansible's useradd command line for a new account.
func (u *User) useradd(r *accountRecords) []string {
	cmd := []string{"useradd"}
	if u.UID != nil {
		cmd = append(cmd, "-u", strconv.Itoa(*u.UID))
		if u.NonUnique {
			cmd = append(cmd, "-o")
		}
	}
	switch {
	case u.Group != "":
		cmd = append(cmd, "-g", u.Group)
	case r.groups[u.Name] != nil:
		cmd = append(cmd, "-N") // a group of that name exists: useradd must not make one
	}
	if len(u.Groups) > 0 {
		cmd = append(cmd, "-G", strings.Join(u.Groups, ","))
	}
	cmd = u.appendAttrs(cmd, nil)
	if u.Expires != nil {
		cmd = append(cmd, "-e", u.expiryDate())
	}
	if u.Password != nil {
		cmd = append(cmd, "-p", u.lockedHash())
	}
	if boolOr(u.CreateHome, true) {
		cmd = append(cmd, "-m")
		if u.Skeleton != "" {
			cmd = append(cmd, "-k", u.Skeleton)
		}
	} else {
		cmd = append(cmd, "-M")
	}
	if u.System {
		cmd = append(cmd, "-r")
	}
	return append(cmd, u.Name)
}

// appendAttrs adds -c, -d and -s for the attributes that differ from cur
// (all given ones when cur is nil).
func (u *User) appendAttrs(cmd []string, cur *passwdEntry) []string {
	if u.Comment != nil && (cur == nil || cur.Comment != *u.Comment) {
		cmd = append(cmd, "-c", *u.Comment)
	}
	if u.Home != "" && (cur == nil || path.Clean(cur.Home) != path.Clean(u.Home)) {
		cmd = append(cmd, "-d", u.Home)
		if cur != nil && u.MoveHome {
			cmd = append(cmd, "-m")
		}
	}
	if u.Shell != "" && (cur == nil || cur.Shell != u.Shell) {
		cmd = append(cmd, "-s", u.Shell)
	}
	return cmd
}

// usermod is the usermod command line for what differs, or nil.
func (u *User) usermod(r *accountRecords) []string {
	cur := r.passwd
	cmd := []string{"usermod"}
	if u.UID != nil && *u.UID != cur.UID {
		cmd = append(cmd, "-u", strconv.Itoa(*u.UID))
		if u.NonUnique {
			cmd = append(cmd, "-o")
		}
	}
	if g := r.groups[u.Group]; u.Group != "" && g.GID != cur.GID {
		cmd = append(cmd, "-g", strconv.Itoa(g.GID))
	}
	if u.Groups != nil {
		cmd = append(cmd, u.groupsOpts(r)...)
	}
	cmd = u.appendAttrs(cmd, cur)
	if u.Expires != nil && u.expiryDiffers(r.expire) {
		cmd = append(cmd, "-e", u.expiryDate())
	}
	locked := strings.HasPrefix(r.shadow, "!")
	switch {
	case u.Password != nil && u.UpdatePassword != "on_create" && strings.TrimLeft(r.shadow, "!") != strings.TrimLeft(*u.Password, "!"):
		cmd = append(cmd, "-p", u.lockedHash()) // sets the hash and the lock at once, as Ansible does
	case u.PasswordLock != nil && *u.PasswordLock && !locked:
		cmd = append(cmd, "-L")
	case u.PasswordLock != nil && !*u.PasswordLock && locked:
		cmd = append(cmd, "-U")
	}
	if len(cmd) == 1 {
		return nil
	}
	return append(cmd, u.Name)
}

// lockedHash is the password hash to set: prefixed with "!" when password_lock is true.
func (u *User) lockedHash() string {
	if u.PasswordLock != nil && *u.PasswordLock {
		return "!" + *u.Password
	}
	return *u.Password
}

// expiryDate is usermod -e's argument: the expiry day in UTC, or "" (no expiry) for a
// negative expires.
func (u *User) expiryDate() string {
	if *u.Expires < 0 {
		return ""
	}
	return time.Unix(int64(math.Floor(*u.Expires)), 0).UTC().Format(time.DateOnly)
}

// expiryDiffers compares expires with shadow's expiry field (days since the epoch, -1 for
// none) by day, as Ansible does.
func (u *User) expiryDiffers(days int) bool {
	if *u.Expires < 0 {
		return days >= 0
	}
	return days < 0 || time.Unix(int64(days)*86400, 0).UTC().Format(time.DateOnly) != u.expiryDate()
}

// groupsOpts compares the supplementary groups as Ansible does: the groups
// that list the user as a member against the wanted names.
func (u *User) groupsOpts(r *accountRecords) []string {
	want := make([]string, 0, len(u.Groups))
	for _, g := range u.Groups {
		want = append(want, r.groups[g].Name) // a gid given as a number becomes its name
	}
	missing := slices.ContainsFunc(want, func(g string) bool { return !slices.Contains(r.member, g) })
	extra := slices.ContainsFunc(r.member, func(g string) bool { return !slices.Contains(want, g) })
	switch {
	case u.Append && missing:
		return []string{"-a", "-G", strings.Join(want, ",")}
	case !u.Append && (missing || extra):
		return []string{"-G", strings.Join(want, ",")}
	}
	return nil
}

// keygenScript creates the user's key pair as Ansible does (as root, then
// owned by the user).
func (u *User) keygenScript(hostname string) string {
	comment := u.SSHKeyComment
	if comment == "" {
		comment = "ansible-generated on " + hostname
	}
	args := []string{"ssh-keygen", "-t", u.keyType(), "-q", "-N", u.SSHKeyPassphrase, "-C", comment, "-f"}
	if u.SSHKeyBits > 0 {
		args = slices.Insert(args, 3, "-b", strconv.Itoa(u.SSHKeyBits))
	}
	return fmt.Sprintf(`pw=$(getent passwd -- %[1]s) || exit; h=$(echo "$pw" | cut -d: -f6); ug=$(echo "$pw" | cut -d: -f3,4)
k="$h"/%[2]s; d=$(dirname -- "$k")
[ -d "$d" ] || { mkdir -p -m 0700 -- "$d" && chown -- "$ug" "$d"; } || exit
%[3]s "$k" </dev/null >/dev/null || exit
chown -- "$ug" "$k" "$k.pub" || exit
echo "K $(ssh-keygen -lf "$k")"
`, Quote(u.Name), Quote(u.keyFile()), joinQuoted(args))
}

// keyResult adds ssh_key_file and ssh_fingerprint when the key exists.
func (u *User) keyResult(res map[string]any, pw *passwdEntry, fingerprint string) {
	if pw == nil || fingerprint == "" {
		return
	}
	res["ssh_key_file"] = path.Join(pw.Home, u.keyFile())
	res["ssh_fingerprint"] = fingerprint
}

// Validate decodes groups: `groups: ""` means no supplementary groups.
func (u *User) Validate() error {
	if u.GroupsArg == nil {
		return nil
	}
	gs, err := ToStringList(u.GroupsArg)
	if err != nil {
		return fmt.Errorf("argument 'groups' is not a list of group names: %w", err)
	}
	u.Groups = slices.DeleteFunc(append([]string{}, gs...), func(g string) bool { return strings.TrimSpace(g) == "" })
	return nil
}
