package modules

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// The user and group modules observe the account databases with getent and
// print each record with a one-letter tag; after a change their step prints
// the record again, since the kernel-assigned ids are only known then.

// passwdEntry is one getent passwd record.
type passwdEntry struct {
	Name, Comment, Home, Shell string
	UID, GID                   int
}

// groupEntry is one getent group record.
type groupEntry struct {
	Name    string
	GID     int
	Members []string
}

// accountRecords are the tagged records of a probe or step output.
type accountRecords struct {
	passwd  *passwdEntry
	groups  map[string]*groupEntry // by name, and by gid as a string
	shadow  string                 // password hash
	expire  int                    // shadow's expiry in days since the epoch, -1 for none
	member  []string               // groups that list the user as a member
	extra   map[string]string      // other tags, last value wins
	ordered []*groupEntry
}

// accountScript prints the records the tags name: "P" for passwd, "G" for
// group, "H" for the shadow hash and expiry day ("hash:day").
func accountScript(tag, db, key string) string {
	sel := ""
	if db == "shadow" {
		sel = " | cut -d: -f2,8"
	}
	return "getent " + db + " -- " + Quote(key) + sel + " | sed 's/^/" + tag + " /'\n"
}

// memberScript prints "M group" for each group listing user as a member.
func memberScript(user string) string {
	return "getent group | awk -F: -v u=" + Quote(user) + ` '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) print "M " $1 }'` + "\n"
}

func parseAccounts(out []byte) *accountRecords {
	r := &accountRecords{groups: map[string]*groupEntry{}, extra: map[string]string{}, expire: -1}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		tag, val, _ := strings.Cut(sc.Text(), " ")
		switch tag {
		case "P":
			f := strings.Split(val, ":")
			if len(f) == 7 {
				uid, _ := strconv.Atoi(f[2])
				gid, _ := strconv.Atoi(f[3])
				r.passwd = &passwdEntry{Name: f[0], UID: uid, GID: gid, Comment: f[4], Home: f[5], Shell: f[6]}
			}
		case "G":
			f := strings.Split(val, ":")
			if len(f) == 4 {
				gid, _ := strconv.Atoi(f[2])
				g := &groupEntry{Name: f[0], GID: gid}
				if f[3] != "" {
					g.Members = strings.Split(f[3], ",")
				}
				r.groups[g.Name], r.groups[f[2]] = g, g
				r.ordered = append(r.ordered, g)
			}
		case "H":
			hash, day, _ := strings.Cut(val, ":")
			r.shadow = hash
			if n, err := strconv.Atoi(day); err == nil {
				r.expire = n
			}
		case "M":
			r.member = append(r.member, val)
		default:
			r.extra[tag] = val
		}
	}
	return r
}
