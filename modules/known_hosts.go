package modules

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

func init() {
	Register(Info{Name: "known_hosts", New: func() Module { return &KnownHosts{} }})
}

// KnownHosts adds or removes a host's key in a known_hosts file, as
// Ansible's known_hosts: a key of the same type is replaced, --diff shows
// the file before and after. Hosts are matched as ssh-keygen -F does
// (patterns, hashed names), on the controller, from one read of the file.
type KnownHosts struct {
	// Name is the host to add or remove (one name, [host]:port for a port).
	Name string `arg:"name,required" aliases:"host"`
	// Key is the known_hosts line: "<host> <type> <base64 key>".
	Key *string `arg:"key"`
	// Path is the known_hosts file.
	Path string `arg:"path"`
	// HashHost hashes the host name in the added line.
	HashHost bool `arg:"hash_host"`
	// State says whether the key should be there.
	State string `arg:"state" choices:"absent,present"`
}

// Validate requires a key to add.
func (k *KnownHosts) Validate() error {
	if k.key() == "" && k.State != "absent" {
		return errors.New("No key specified when adding a host")
	}
	return nil
}

func (k *KnownHosts) key() string {
	if k.Key == nil {
		return ""
	}
	return *k.Key
}

// knownHostsScript prints the expanded path, and the file's mode and
// content when it exists.
func (k *KnownHosts) script() string {
	p := k.Path
	if p == "" {
		p = "~/.ssh/known_hosts"
	}
	return "p=" + remoteShellPath(p) + "\n" + section("path") + "\nprintf '%s\\n' \"$p\"\n" + section("umask") + "\numask\n" +
		"if [ -e \"$p\" ]; then " + section("mode") + "; stat -c '%a' -- \"$p\" || exit 1; " +
		section("content") + "; base64 -w0 < \"$p\" || exit 1; echo; fi\n"
}

// commaSeparated is how Ansible recognises a list of names.
var commaSeparated = regexp.MustCompile(`\S+(\s+)?,(\s+)?`)

// Plan implements Module.
func (k *KnownHosts) Plan(ctx context.Context, env *Env) (*Plan, error) {
	host := strings.ToLower(k.Name)
	key := k.key()
	if key != "" && k.HashHost {
		key = hashKnownHost(host, key)
	}
	if key != "" && !strings.HasSuffix(key, "\n") {
		key += "\n"
	}
	if key != "" {
		if commaSeparated.MatchString(host) {
			return nil, Failf("Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.")
		}
		if f := strings.Fields(key); len(f) < 3 || !knownHostMatch(keyHostField(f), host) {
			return nil, Failf("Host parameter does not match hashed host field in supplied key")
		}
	}
	s, err := observe(ctx, env.Host, "the known_hosts file", k.script())
	if err != nil {
		return nil, err
	}
	path := s.Line("path")
	content, err := base64.StdEncoding.DecodeString(s.Line("content"))
	if err != nil {
		return nil, fmt.Errorf("known_hosts: reading %s: %w", path, err)
	}
	exists := s.Has("content")
	before := string(content)
	found, replace, line := searchKnownHost(before, host, key, exists)
	lines := splitLines(before)
	present := k.State != "absent"
	if (replace || !present) && line > 0 && line <= len(lines) {
		lines = append(lines[:line-1:line-1], lines[line:]...)
	}
	if present && (replace || line == 0) {
		lines = append(lines, key)
	}
	after := strings.Join(lines, "")
	beforeHeader := path
	if !exists {
		beforeHeader = "/dev/null"
	}
	p := &Plan{Diffs: []Diff{contentDiff(beforeHeader, path, before, after)},
		Result: map[string]any{"name": k.Name, "key": k.Key, "path": path, "hash_host": k.HashHost, "state": k.State}}
	if k.State == "" {
		p.Result["state"] = "present"
	}
	switch {
	case !present && line == 0 && key != "":
	case found && key == "" && !present:
		p.Steps = []Step{{Script: "ssh-keygen -R " + Quote(host) + " -f " + Quote(path)}}
	case replace || found != present:
		mode, err := strconv.ParseUint(s.Line("mode"), 8, 32)
		if !exists {
			mode, err = strconv.ParseUint(s.Line("umask"), 8, 32)
			mode = 0o666 &^ mode
		}
		if err != nil {
			return nil, fmt.Errorf("known_hosts: unexpected mode or umask of %s: %w", path, err)
		}
		p.Steps = []Step{fileWrite{Dest: path, Data: []byte(after), Mode: uint32(mode)}.step()}
	}
	return p, nil
}

// searchKnownHost is Ansible's search_for_host_key on the file's text:
// whether the host is in it, whether key differs from its key of the same
// type, and the (1-based) line of that key.
func searchKnownHost(text, host, key string, exists bool) (found, replace bool, line int) {
	if !exists {
		return false, false, 0
	}
	want := normalizeKnownHost(key)
	for i, l := range splitLines(text) {
		f := strings.Fields(l)
		if len(f) < 3 || strings.HasPrefix(f[0], "#") || !knownHostMatch(keyHostField(f), host) {
			continue
		}
		if key == "" {
			return true, false, 0
		}
		have := normalizeKnownHost(l)
		if strings.HasPrefix(want[1], "|1|") && strings.HasPrefix(have[1], "|1|") {
			want[1] = have[1] // an already hashed name stays as it is
		}
		if want == have {
			return true, false, i + 1
		}
		if want[2] == have[2] {
			return true, true, i + 1
		}
		found = true
	}
	return found, found, 0
}

// normalizeKnownHost is a line's options (a @marker), host, type and key.
func normalizeKnownHost(line string) [4]string {
	f := strings.Fields(line)
	var n [4]string
	if len(f) > 0 && strings.HasPrefix(f[0], "@") {
		n[0], f = f[0], f[1:]
	}
	copy(n[1:], f)
	return n
}

// keyHostField is the host field of a line's fields, after a @marker.
func keyHostField(f []string) string {
	if strings.HasPrefix(f[0], "@") && len(f) > 1 {
		return f[1]
	}
	return f[0]
}

// knownHostMatch says whether a known_hosts host field names host, as
// ssh's match_hostname: a hashed |1|salt|hash name, or a comma-separated
// list of patterns (* and ?) where a matching !pattern excludes.
func knownHostMatch(field, host string) bool {
	if rest, ok := strings.CutPrefix(field, "|1|"); ok {
		salt64, hash64, _ := strings.Cut(rest, "|")
		salt, err1 := base64.StdEncoding.DecodeString(salt64)
		hash, err2 := base64.StdEncoding.DecodeString(hash64)
		return err1 == nil && err2 == nil && hmac.Equal(hostHMAC(salt, host), hash)
	}
	matched := false
	for _, pat := range strings.Split(strings.ToLower(field), ",") {
		neg := strings.HasPrefix(pat, "!")
		expr := regexp.QuoteMeta(strings.TrimPrefix(pat, "!"))
		expr = strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(expr)
		if regexp.MustCompile(`\A` + expr + `\z`).MatchString(host) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

func hostHMAC(salt []byte, host string) []byte {
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(host))
	return m.Sum(nil)
}

// hashKnownHost replaces a key line's host with its hashed form, with a
// new random salt as ssh-keygen -H does.
func hashKnownHost(host, key string) string {
	salt := make([]byte, sha1.Size)
	_, _ = rand.Read(salt)
	parts := strings.Fields(key)
	if len(parts) == 0 {
		return key
	}
	i := 0
	if strings.HasPrefix(parts[0], "@") {
		i = 1
	}
	parts[i] = "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hostHMAC(salt, host))
	return strings.Join(parts, " ")
}
