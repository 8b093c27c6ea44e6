package connection

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kevinburke/ssh_config"
)

// Config is everything needed to reach one host. Built by ConfigFor from the
// host's variables.
type Config struct {
	Name       string // inventory hostname (for messages)
	Connection string // "ssh" (default) or "local"
	Host       string
	Port       int
	User       string
	// KeyFiles are tried after the ssh-agent's keys, in order.
	KeyFiles []string
	// KnownHostsFiles default to ~/.ssh/known_hosts (+ /etc/ssh/ssh_known_hosts).
	KnownHostsFiles []string
	// StrictHostKeyChecking is "yes" (default), "no" or "accept-new".
	StrictHostKeyChecking string
	ProxyJump             string        // user@host:port[,more], as written
	Jumps                 []Config      // ProxyJump resolved by ConfigFor, first hop first
	Timeout               time.Duration // connect timeout (default 10s)
	// AliveInterval and AliveCountMax are ServerAliveInterval and
	// ServerAliveCountMax: a keepalive every AliveInterval, and the host is
	// unreachable once one goes unanswered for AliveCountMax intervals.
	// AliveInterval 0 turns keepalives off.
	AliveInterval time.Duration
	AliveCountMax int
}

// Options are the command-line overrides (-u, --private-key, -T, ...).
type Options struct {
	User          string
	PrivateKey    string
	Timeout       time.Duration
	SSHConfigFile string // default ~/.ssh/config; a missing file is ignored
	// HostKeyChecking is ANSIBLE_HOST_KEY_CHECKING: false turns checking off
	// for every host, as Ansible does with -o StrictHostKeyChecking=no.
	HostKeyChecking *bool
}

// DefaultTimeout is the connect timeout when neither -T nor ConnectTimeout says.
const DefaultTimeout = 10 * time.Second

// DefaultAliveInterval and DefaultAliveCountMax apply when neither -o nor
// ssh_config sets ServerAliveInterval/ServerAliveCountMax. OpenSSH's default
// is no keepalive, relying on TCP; play keeps every host's connection for
// the whole run, and a host that stops answering without closing it (hung,
// frozen, a firewall dropping packets) would otherwise stall its work
// forever: it is found within a minute instead.
const (
	DefaultAliveInterval = 15 * time.Second
	DefaultAliveCountMax = 3
)

// settings collects ssh options from several sources the way OpenSSH does:
// the first value obtained for an option wins, so sources are applied from
// the highest precedence to the lowest. Keys are lower-case ssh option names.
type settings struct {
	values     map[string]string
	identities []string // IdentityFile accumulates over all sources
}

func (s *settings) set(key, value string) {
	key = strings.ToLower(key)
	if value == "" {
		return
	}
	if key == "identityfile" {
		s.identities = append(s.identities, value)
		return
	}
	if _, ok := s.values[key]; !ok {
		s.values[key] = value
	}
}

// sshOptions are the ssh options ConfigFor understands, from -o and ssh_config.
var sshOptions = []string{"HostName", "Port", "User", "IdentityFile", "ProxyJump",
	"UserKnownHostsFile", "StrictHostKeyChecking", "ConnectTimeout", "ServerAliveInterval", "ServerAliveCountMax"}

// ConfigVars are the host variables ConfigFor reads. A host's variables also
// hold large values (facts, lists of every host in the play): the runner
// templates only these before every task.
var ConfigVars = []string{"ansible_password", "ansible_ssh_pass", "ansible_ssh_password", "ansible_connection",
	"ansible_port", "ansible_ssh_port", "ansible_user", "ansible_ssh_user",
	"ansible_ssh_private_key_file", "ansible_private_key_file", "ansible_ssh_common_args", "ansible_ssh_extra_args",
	"ansible_host", "ansible_ssh_host"}

// ConfigFor builds a Config from a host's (already templated) variables, the
// command-line options and ~/.ssh/config. Precedence follows Ansible driving
// OpenSSH: ansible_* variables > command-line options > -o/-J/-i/-p/-l in
// ansible_ssh_common_args then ansible_ssh_extra_args > ssh_config > defaults.
func ConfigFor(name string, vars map[string]any, o Options) (Config, error) {
	cfg := Config{Name: name}
	for _, key := range []string{"ansible_password", "ansible_ssh_pass", "ansible_ssh_password"} {
		if v := varString(vars, key); v != "" {
			return cfg, fmt.Errorf("host %s: %s is set, but password login is not supported: "+
				"install a public key on the host (ssh-copy-id) and use ansible_ssh_private_key_file or ssh-agent", name, key)
		}
	}
	switch c := varString(vars, "ansible_connection"); c {
	case "", "ssh", "smart", "paramiko", "paramiko_ssh":
		cfg.Connection = "ssh"
	case "local":
		cfg.Connection = "local"
		cfg.Host = "localhost"
		return cfg, nil
	default:
		return cfg, fmt.Errorf("host %s: ansible_connection %q is not supported; use ssh or local", name, c)
	}

	s := &settings{values: map[string]string{}}
	if o.HostKeyChecking != nil && !*o.HostKeyChecking {
		s.set("StrictHostKeyChecking", "no")
	}
	s.set("Port", varString(vars, "ansible_port", "ansible_ssh_port"))
	s.set("User", varString(vars, "ansible_user", "ansible_ssh_user"))
	s.set("IdentityFile", varString(vars, "ansible_ssh_private_key_file", "ansible_private_key_file"))
	s.set("User", o.User)
	s.set("IdentityFile", o.PrivateKey)
	if o.Timeout > 0 {
		s.set("ConnectTimeout", o.Timeout.String())
	}
	for _, key := range []string{"ansible_ssh_common_args", "ansible_ssh_extra_args"} {
		if err := parseSSHArgs(varString(vars, key), s); err != nil {
			return cfg, fmt.Errorf("host %s: %s: %w", name, key, err)
		}
	}
	alias := varString(vars, "ansible_host", "ansible_ssh_host")
	if alias == "" {
		alias = name
	}
	sshConfig, err := loadSSHConfig(o.SSHConfigFile)
	if err != nil {
		return cfg, fmt.Errorf("host %s: %w", name, err)
	}
	if err := applySSHConfig(sshConfig, alias, s); err != nil {
		return cfg, fmt.Errorf("host %s: %w", name, err)
	}
	if err := s.fill(&cfg, alias); err != nil {
		return cfg, fmt.Errorf("host %s: %w", name, err)
	}
	if cfg.Jumps, err = resolveJumps(cfg, sshConfig); err != nil {
		return cfg, fmt.Errorf("host %s: %w", name, err)
	}
	return cfg, nil
}

// resolveJumps turns cfg.ProxyJump into one Config per hop, first hop first.
// sshConfig may be nil (no ssh_config).
func resolveJumps(cfg Config, sshConfig *ssh_config.Config) ([]Config, error) {
	if sshConfig == nil {
		sshConfig = &ssh_config.Config{}
	}
	var jumps []Config
	for hop := range strings.SplitSeq(cfg.ProxyJump, ",") {
		if hop == "" || strings.EqualFold(hop, "none") {
			continue
		}
		jump, err := jumpConfig(hop, cfg, sshConfig)
		if err != nil {
			return nil, fmt.Errorf("ProxyJump %s: %w", hop, err)
		}
		jumps = append(jumps, jump)
	}
	return jumps, nil
}

// jumpConfig resolves one ProxyJump hop ([user@]host[:port]): its own
// ssh_config entry, then what it inherits from the target host (keys,
// known_hosts, strictness, timeout) so `-J bastion` works with the same
// credentials as the host behind it.
func jumpConfig(hop string, target Config, sshConfig *ssh_config.Config) (Config, error) {
	s := &settings{values: map[string]string{}}
	if at := strings.LastIndex(hop, "@"); at >= 0 {
		s.set("User", hop[:at])
		hop = hop[at+1:]
	}
	alias := hop
	if host, port, err := splitHostPort(hop); err == nil {
		alias = host
		s.set("Port", port)
	}
	if err := applySSHConfig(sshConfig, alias, s); err != nil {
		return Config{}, err
	}
	if _, ok := s.values["stricthostkeychecking"]; !ok {
		s.set("StrictHostKeyChecking", target.StrictHostKeyChecking)
	}
	s.set("UserKnownHostsFile", strings.Join(target.KnownHostsFiles, " "))
	s.set("ConnectTimeout", target.Timeout.String())
	s.set("ServerAliveInterval", target.AliveInterval.String())
	s.set("ServerAliveCountMax", strconv.Itoa(target.AliveCountMax))
	s.identities = append(s.identities, target.KeyFiles...)
	jump := Config{Name: alias, Connection: "ssh"}
	if err := s.fill(&jump, alias); err != nil {
		return Config{}, err
	}
	jump.ProxyJump = "" // nested jumps of a hop are not followed
	return jump, nil
}

// splitHostPort splits host:port and [host]:port; a bare host is an error.
func splitHostPort(hop string) (host, port string, err error) {
	if strings.HasPrefix(hop, "[") {
		end := strings.Index(hop, "]")
		if end < 0 || !strings.HasPrefix(hop[end+1:], ":") {
			return "", "", errors.New("no port")
		}
		return hop[1:end], hop[end+2:], nil
	}
	i := strings.LastIndex(hop, ":")
	if i < 0 || strings.Count(hop, ":") > 1 {
		return "", "", errors.New("no port")
	}
	return hop[:i], hop[i+1:], nil
}

// fill turns the collected settings into cfg, applying defaults.
func (s *settings) fill(cfg *Config, alias string) error {
	v := s.values
	cfg.Host = alias
	if h := v["hostname"]; h != "" {
		cfg.Host = strings.ReplaceAll(h, "%h", alias)
	}
	cfg.Port = 22
	if p := v["port"]; p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
		cfg.Port = port
	}
	cfg.User = v["user"]
	if cfg.User == "" {
		u, err := user.Current()
		if err != nil {
			return fmt.Errorf("no remote user given and the local user is unknown (%w); set ansible_user", err)
		}
		cfg.User = u.Username
	}
	for _, f := range s.identities {
		cfg.KeyFiles = append(cfg.KeyFiles, expandHome(f))
	}
	if files := v["userknownhostsfile"]; files != "" {
		for f := range strings.FieldsSeq(files) {
			cfg.KnownHostsFiles = append(cfg.KnownHostsFiles, expandHome(f))
		}
	} else {
		cfg.KnownHostsFiles = []string{expandHome("~/.ssh/known_hosts")}
	}
	if _, err := os.Stat(globalKnownHosts); err == nil && !slices.Contains(cfg.KnownHostsFiles, globalKnownHosts) {
		cfg.KnownHostsFiles = append(cfg.KnownHostsFiles, globalKnownHosts)
	}
	switch strict := strings.ToLower(v["stricthostkeychecking"]); strict {
	case "", "yes", "ask", "true":
		cfg.StrictHostKeyChecking = "yes"
	case "no", "off", "false":
		cfg.StrictHostKeyChecking = "no"
	case "accept-new":
		cfg.StrictHostKeyChecking = "accept-new"
	default:
		return fmt.Errorf("StrictHostKeyChecking %q is not one of yes, no, accept-new", strict)
	}
	cfg.ProxyJump = v["proxyjump"]
	cfg.Timeout = DefaultTimeout
	if t := v["connecttimeout"]; t != "" {
		timeout, err := parseTimeout(t)
		if err != nil {
			return err
		}
		cfg.Timeout = timeout
	}
	return s.fillAlive(cfg)
}

// fillAlive reads ServerAliveInterval (seconds, or a duration such as 1m,
// 0 for none) and ServerAliveCountMax.
func (s *settings) fillAlive(cfg *Config) error {
	cfg.AliveInterval, cfg.AliveCountMax = DefaultAliveInterval, DefaultAliveCountMax
	if t := s.values["serveraliveinterval"]; t != "" {
		d, err := parseSeconds(t)
		if err != nil || d < 0 {
			return fmt.Errorf("ServerAliveInterval %q is not a number of seconds (0 turns keepalives off)", t)
		}
		cfg.AliveInterval = d
	}
	if n := s.values["serveralivecountmax"]; n != "" {
		count, err := strconv.Atoi(n)
		if err != nil || count < 0 {
			return fmt.Errorf("ServerAliveCountMax %q is not a number of keepalives (0 or more)", n)
		}
		cfg.AliveCountMax = count
	}
	return nil
}

const globalKnownHosts = "/etc/ssh/ssh_known_hosts"

// parseTimeout reads ssh's ConnectTimeout (seconds) or a Go duration (-T).
func parseTimeout(t string) (time.Duration, error) {
	d, err := parseSeconds(t)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("ConnectTimeout %q is not a positive number of seconds", t)
	}
	return d, nil
}

// parseSeconds reads an ssh time: seconds, or a Go duration (1m, 500ms).
func parseSeconds(t string) (time.Duration, error) {
	if secs, err := strconv.Atoi(t); err == nil {
		return time.Duration(secs) * time.Second, nil
	}
	return time.ParseDuration(t)
}

// loadSSHConfig reads the ssh_config file (default ~/.ssh/config); a file
// that does not exist is an empty configuration.
func loadSSHConfig(path string) (*ssh_config.Config, error) {
	if path == "" {
		path = expandHome("~/.ssh/config")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &ssh_config.Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ssh_config.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// applySSHConfig adds the options ssh_config gives for alias.
func applySSHConfig(c *ssh_config.Config, alias string, s *settings) error {
	for _, key := range sshOptions {
		values, err := c.GetAll(alias, key)
		if err != nil {
			return err
		}
		for _, v := range values {
			s.set(key, v)
		}
	}
	return nil
}

// parseSSHArgs reads the ssh command-line options in args that matter for
// connecting: -o Key=Value, -o "Key Value", -J, -i, -p, -l. Other options
// are ignored, as are -o options that do not concern us.
func parseSSHArgs(args string, s *settings) error {
	words, err := splitWords(args)
	if err != nil {
		return err
	}
	flagOption := map[string]string{"J": "ProxyJump", "i": "IdentityFile", "p": "Port", "l": "User"}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if len(w) < 2 || w[0] != '-' {
			continue
		}
		flag := w[1:2]
		if _, ok := flagOption[flag]; !ok && flag != "o" {
			continue
		}
		value := w[2:]
		if value == "" {
			if i+1 >= len(words) {
				return fmt.Errorf("%s needs a value", w)
			}
			i++
			value = words[i]
		}
		if flag != "o" {
			s.set(flagOption[flag], value)
			continue
		}
		key, val, ok := strings.Cut(value, "=")
		if !ok {
			key, val, _ = strings.Cut(strings.TrimSpace(value), " ")
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if val == "" {
			return fmt.Errorf("-o %q: want Key=Value", value)
		}
		for _, known := range sshOptions {
			if strings.EqualFold(key, known) {
				s.set(known, val)
			}
		}
	}
	return nil
}

// splitWords splits a command line into words like sh: blanks separate
// words, single quotes keep everything, double quotes keep all but \" and \\,
// a backslash outside quotes escapes the next character.
func splitWords(line string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", line)
			}
			word.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				}
				word.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, fmt.Errorf("unterminated \" in %q", line)
			}
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			word.WriteByte(line[i])
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// varString returns the first of keys set in vars, as a string.
func varString(vars map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := vars[k]; ok && v != nil {
			if s := strings.TrimSpace(fmt.Sprint(v)); s != "" {
				return s
			}
		}
	}
	return ""
}

// expandHome expands a leading ~/ to the user's home directory, as ssh does.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
