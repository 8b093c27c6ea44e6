package connection

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConfigFor(t *testing.T) {
	home, _ := os.UserHomeDir()
	sshConfig := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(sshConfig, []byte(`
Host web
  HostName 10.0.0.%h
  User cfguser
  Port 2200
  IdentityFile ~/.ssh/web_key
  UserKnownHostsFile /cfg/known_hosts
  StrictHostKeyChecking accept-new
Host db
  ProxyJump jumper@bastion:2022
Host slow
  ServerAliveInterval 2
  ServerAliveCountMax 9
  ProxyJump 127.0.0.1:2
Host bastion
  HostName 192.0.2.1
  IdentityFile /keys/bastion
`), 0o600); err != nil {
		t.Fatal(err)
	}
	off := false
	tests := []struct {
		name    string
		vars    map[string]any
		opts    Options
		want    func(*Config) // edits the expected default config
		wantErr string
	}{
		{name: "defaults", vars: map[string]any{}, want: func(c *Config) {}},
		{name: "inventory vars", vars: map[string]any{"ansible_host": "10.1.1.1", "ansible_port": 2222, "ansible_user": "deploy",
			"ansible_ssh_private_key_file": "~/k"}, want: func(c *Config) {
			c.Host, c.Port, c.User, c.KeyFiles = "10.1.1.1", 2222, "deploy", []string{home + "/k"}
		}},
		{name: "ansible_ssh_ aliases", vars: map[string]any{"ansible_ssh_host": "10.1.1.2", "ansible_ssh_port": "2022", "ansible_ssh_user": "u"},
			want: func(c *Config) { c.Host, c.Port, c.User = "10.1.1.2", 2022, "u" }},
		{name: "common args -o forms", vars: map[string]any{"ansible_ssh_common_args": `-o UserKnownHostsFile=/k1 -o "StrictHostKeyChecking no" -oPort=23 -o ConnectTimeout=3 -o ForwardAgent=yes`},
			want: func(c *Config) {
				c.KnownHostsFiles, c.StrictHostKeyChecking, c.Port, c.Timeout = []string{"/k1"}, "no", 23, 3*time.Second
			}},
		{name: "short flags", vars: map[string]any{"ansible_ssh_extra_args": "-p 24 -l bob -i /k -C -J root@127.0.0.1:2"},
			want: func(c *Config) {
				c.Port, c.User, c.KeyFiles, c.ProxyJump = 24, "bob", []string{"/k"}, "root@127.0.0.1:2"
				c.Jumps = []Config{{Name: "127.0.0.1", Connection: "ssh", Host: "127.0.0.1", Port: 2, User: "root", KeyFiles: []string{"/k"},
					KnownHostsFiles: c.KnownHostsFiles, StrictHostKeyChecking: "yes", Timeout: DefaultTimeout,
					AliveInterval: DefaultAliveInterval, AliveCountMax: DefaultAliveCountMax}}
			}},
		{name: "vars beat CLI beat args", vars: map[string]any{"ansible_user": "var", "ansible_ssh_common_args": "-l arg -p 99", "ansible_port": 98},
			opts: Options{User: "cli", PrivateKey: "/cli_key", Timeout: 5 * time.Second},
			want: func(c *Config) {
				c.User, c.Port, c.KeyFiles, c.Timeout = "var", 98, []string{"/cli_key"}, 5*time.Second
			}},
		{name: "CLI beats args", vars: map[string]any{"ansible_ssh_common_args": "-l arg"}, opts: Options{User: "cli"},
			want: func(c *Config) { c.User = "cli" }},
		{name: "common args beat extra args", vars: map[string]any{"ansible_ssh_common_args": "-p 1", "ansible_ssh_extra_args": "-p 2"},
			want: func(c *Config) { c.Port = 1 }},
		{name: "ssh_config", vars: map[string]any{"ansible_host": "web"}, opts: Options{SSHConfigFile: sshConfig},
			want: func(c *Config) {
				c.Host, c.User, c.Port, c.KeyFiles = "10.0.0.web", "cfguser", 2200, []string{home + "/.ssh/web_key"}
				c.KnownHostsFiles, c.StrictHostKeyChecking = []string{"/cfg/known_hosts"}, "accept-new"
			}},
		{name: "inventory beats ssh_config", vars: map[string]any{"ansible_host": "web", "ansible_port": 22, "ansible_user": "inv"},
			opts: Options{SSHConfigFile: sshConfig},
			want: func(c *Config) {
				c.Host, c.User, c.Port, c.KeyFiles = "10.0.0.web", "inv", 22, []string{home + "/.ssh/web_key"}
				c.KnownHostsFiles, c.StrictHostKeyChecking = []string{"/cfg/known_hosts"}, "accept-new"
			}},
		{name: "ssh_config ProxyJump resolves the hop through ssh_config", vars: map[string]any{"ansible_host": "db"}, opts: Options{SSHConfigFile: sshConfig},
			want: func(c *Config) {
				c.Host, c.ProxyJump = "db", "jumper@bastion:2022"
				c.Jumps = []Config{{Name: "bastion", Connection: "ssh", Host: "192.0.2.1", Port: 2022, User: "jumper", KeyFiles: []string{"/keys/bastion"},
					KnownHostsFiles: c.KnownHostsFiles, StrictHostKeyChecking: "yes", Timeout: DefaultTimeout,
					AliveInterval: DefaultAliveInterval, AliveCountMax: DefaultAliveCountMax}}
			}},
		{name: "keepalive from -o", vars: map[string]any{"ansible_ssh_common_args": "-o ServerAliveInterval=5 -o ServerAliveCountMax=4"},
			want: func(c *Config) { c.AliveInterval, c.AliveCountMax = 5*time.Second, 4 }},
		{name: "keepalive off, interval as a duration", vars: map[string]any{"ansible_ssh_common_args": "-o ServerAliveInterval=0", "ansible_ssh_extra_args": "-o ServerAliveInterval=1m"},
			want: func(c *Config) { c.AliveInterval = 0 }},
		{name: "keepalive from ssh_config, inherited by a jump host", vars: map[string]any{"ansible_host": "slow"}, opts: Options{SSHConfigFile: sshConfig},
			want: func(c *Config) {
				c.Host, c.ProxyJump, c.AliveInterval, c.AliveCountMax = "slow", "127.0.0.1:2", 2*time.Second, 9
				c.Jumps = []Config{{Name: "127.0.0.1", Connection: "ssh", Host: "127.0.0.1", Port: 2, User: "root",
					KnownHostsFiles: c.KnownHostsFiles, StrictHostKeyChecking: "yes", Timeout: DefaultTimeout, AliveInterval: 2 * time.Second, AliveCountMax: 9}}
			}},
		{name: "bad keepalive interval", vars: map[string]any{"ansible_ssh_common_args": "-o ServerAliveInterval=soon"}, wantErr: `ServerAliveInterval "soon" is not a number of seconds`},
		{name: "bad keepalive count", vars: map[string]any{"ansible_ssh_common_args": "-o ServerAliveCountMax=-1"}, wantErr: `ServerAliveCountMax "-1" is not a number of keepalives`},
		{name: "ANSIBLE_HOST_KEY_CHECKING=False wins", vars: map[string]any{"ansible_ssh_common_args": "-o StrictHostKeyChecking=yes"},
			opts: Options{HostKeyChecking: &off}, want: func(c *Config) { c.StrictHostKeyChecking = "no" }},
		{name: "paramiko is ssh", vars: map[string]any{"ansible_connection": "paramiko"}, want: func(c *Config) {}},
		{name: "local", vars: map[string]any{"ansible_connection": "local", "ansible_host": "ignored"},
			want: func(c *Config) { *c = Config{Name: "h", Connection: "local", Host: "localhost"} }},
		{name: "password refused", vars: map[string]any{"ansible_password": "pw"}, wantErr: "password login is not supported"},
		{name: "ssh pass refused", vars: map[string]any{"ansible_ssh_pass": "pw"}, wantErr: "use ansible_ssh_private_key_file or ssh-agent"},
		{name: "unknown connection", vars: map[string]any{"ansible_connection": "winrm"}, wantErr: `ansible_connection "winrm" is not supported`},
		{name: "bad port", vars: map[string]any{"ansible_port": "http"}, wantErr: `port "http" is not a number`},
		{name: "bad strict", vars: map[string]any{"ansible_ssh_common_args": "-o StrictHostKeyChecking=maybe"}, wantErr: "not one of yes, no, accept-new"},
		{name: "unterminated quote", vars: map[string]any{"ansible_ssh_common_args": "-o 'Port=2"}, wantErr: "ansible_ssh_common_args: unterminated '"},
		{name: "flag without value", vars: map[string]any{"ansible_ssh_extra_args": "-p"}, wantErr: "-p needs a value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.SSHConfigFile == "" {
				tc.opts.SSHConfigFile = noSSHConfig.SSHConfigFile
			}
			got, err := ConfigFor("h", tc.vars, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "host h: ") {
					t.Fatalf("err = %v, want host h: ...%s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Config{Name: "h", Connection: "ssh", Host: "h", Port: 22, User: "root",
				KnownHostsFiles: []string{home + "/.ssh/known_hosts"}, StrictHostKeyChecking: "yes", Timeout: DefaultTimeout,
				AliveInterval: DefaultAliveInterval, AliveCountMax: DefaultAliveCountMax}
			if _, err := os.Stat(globalKnownHosts); err == nil {
				want.KnownHostsFiles = append(want.KnownHostsFiles, globalKnownHosts)
			}
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestSplitWords(t *testing.T) {
	tests := map[string][]string{
		`-o A=1  -o "B 2"`:       {"-o", "A=1", "-o", "B 2"},
		`-o 'C=it"s' x\ y`:       {"-o", `C=it"s`, "x y"},
		`"a \"q\" \\ b"'c'd`:     {`a "q" \ bcd`},
		"":                       nil,
		"  -J\tuser@h:1 \n -v  ": {"-J", "user@h:1", "-v"},
	}
	for in, want := range tests {
		got, err := splitWords(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// ConfigVars lists every host variable ConfigFor reads: the runner passes it
// only those.
func TestConfigVarsComplete(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, decl := range file.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.Name == "ConfigFor" {
			ast.Inspect(fn, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && strings.HasPrefix(lit.Value, `"ansible_`) {
					read = append(read, strings.Trim(lit.Value, `"`))
				}
				return true
			})
		}
	}
	if len(read) == 0 {
		t.Fatal("found no ansible_ variable read in ConfigFor")
	}
	for _, name := range read {
		if !slices.Contains(ConfigVars, name) {
			t.Errorf("ConfigFor reads %s, which ConfigVars lacks: the runner would not pass it", name)
		}
	}
}
