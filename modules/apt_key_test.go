package modules

import (
	"reflect"
	"strings"
	"testing"
)

// aptKeyList is apt-key adv --list-public-keys --keyid-format=long on a Debian 12 lab host (cut).
const aptKeyList = `/etc/apt/trusted.gpg.d/debian-archive-bookworm-automatic.gpg
---------------------------------------------------------------
pub   rsa4096/225629DF75B188BD 2025-03-30 [SC] [expires: 2035-03-28]
      04B54C3CDCA79751B16BC6B5225629DF75B188BD
uid                 [ unknown] Debian Archive Automatic Signing Key (13/trixie) <ftpmaster@debian.org>
sub   rsa4096/78DBA3BC47EF2265 2025-03-30 [S] [expires: 2035-03-28]
pub   rsa4096/1111111111111111 2015-03-30 [SC] [expired: 2020-03-28]
`

func TestParseAptKeys(t *testing.T) {
	if got, want := parseAptKeys(aptKeyList, false), []string{"225629DF75B188BD", "78DBA3BC47EF2265"}; !reflect.DeepEqual(got, want) {
		t.Errorf("long: %v, want %v", got, want)
	}
	if got, want := parseAptKeys(aptKeyList, true), []string{"75B188BD", "47EF2265"}; !reflect.DeepEqual(got, want) {
		t.Errorf("short: %v, want %v", got, want)
	}
	// gpg --with-colons on a key file (no keyring).
	if got := parseAptKeys("pub:-:255:22:9A09B0183B3F17F5:1795458260:::-:\nuid:::::::::play test key:\n", false); !reflect.DeepEqual(got, []string{"9A09B0183B3F17F5"}) {
		t.Errorf("colons: %v", got)
	}
}

func TestParseKeyID(t *testing.T) {
	tests := []struct{ id, short, fp, keyID string }{
		{"0x9a09b0183b3f17f5", "3B3F17F5", "9A09B0183B3F17F5", "9A09B0183B3F17F5"},
		{"3B3F17F5", "3B3F17F5", "3B3F17F5", "3B3F17F5"},
		{"CBC6D978AE7D0815A7F54B549A09B0183B3F17F5", "3B3F17F5", "9A09B0183B3F17F5", "CBC6D978AE7D0815A7F54B549A09B0183B3F17F5"},
		{"12345", "", "", ""},
		{"nothex12", "", "", ""},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		short, fp, keyID, err := parseKeyID(tt.id)
		if short != tt.short || fp != tt.fp || keyID != tt.keyID || (err != nil) != (tt.short == "") {
			t.Errorf("parseKeyID(%q) = %q %q %q %v", tt.id, short, fp, keyID, err)
		}
	}
}

func TestAptKeyPlan(t *testing.T) {
	keys := "::play:: keys\n" + aptKeyList
	tests := []struct {
		name   string
		args   map[string]any
		probe  string
		step   string // a part of the one step's script, "" for no step
		result map[string]any
		err    string
	}{
		{"present already", map[string]any{"id": "0x225629DF75B188BD"}, keys, "",
			map[string]any{"id": "0x225629DF75B188BD", "short_id": "75B188BD", "fp": "225629DF75B188BD", "key_id": "225629DF75B188BD",
				"before": []string{"225629DF75B188BD", "78DBA3BC47EF2265"}}, ""},
		{"short id compares short", map[string]any{"id": "47EF2265", "keyserver": "keyserver.ubuntu.com"}, keys, "", nil, ""},
		{"keyserver", map[string]any{"id": "9A09B0183B3F17F5", "keyserver": "keyserver.ubuntu.com"}, keys,
			"apt-key adv --no-tty --keyserver keyserver.ubuntu.com --recv 9A09B0183B3F17F5", nil, ""},
		{"data: id from gpg", map[string]any{"data": "KEY", "keyring": "/etc/apt/trusted.gpg.d/x.gpg"},
			"::play:: gpg\npub:-:255:22:9A09B0183B3F17F5:1795458260:::-:\n::play:: gpgerr\n\n::play:: keys\n",
			"apt-key --keyring /etc/apt/trusted.gpg.d/x.gpg add -", map[string]any{"id": "9A09B0183B3F17F5", "before": []string{}}, ""},
		{"absent", map[string]any{"id": "225629DF75B188BD", "state": "absent"}, keys, "apt-key del 75B188BD", nil, ""},
		{"absent already", map[string]any{"id": "9A09B0183B3F17F5", "state": "absent"}, keys, "", nil, ""},
		{"gpg fails", map[string]any{"file": "/root/key.asc"},
			"::play:: gpg\n::play:: gpgfailed\n::play:: gpgerr\ngpg: can't open '/root/key.asc'\n", "", nil,
			"Unable to extract key from '/root/key.asc'"},
		{"bad id", map[string]any{"id": "12345"}, keys, "", nil, "Invalid key_id"},
		{"no gpg", map[string]any{"id": "12345"}, "::play:: missing\ngpg\n", "", nil,
			`Failed to find required executable "gpg" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`},
		{"exclusive", map[string]any{"data": "x", "url": "http://x"}, "", "", nil, "parameters are mutually exclusive: data|file|keyserver|url"},
		{"keyserver needs id", map[string]any{"keyserver": "k"}, "", "", nil, "Missing key_id, required with keyserver."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "apt_key", tt.args, tt.probe)
			if failure(err) != tt.err {
				t.Fatalf("error %q, want %q", failure(err), tt.err)
			}
			if err != nil {
				return
			}
			if (tt.step == "") != (len(p.Steps) == 0) || tt.step != "" && !strings.Contains(p.Steps[0].Script, tt.step) {
				t.Errorf("steps %v, want one with %q", p.Steps, tt.step)
			}
			for k, v := range tt.result {
				if !reflect.DeepEqual(p.Result[k], v) {
					t.Errorf("result %s = %#v, want %#v", k, p.Result[k], v)
				}
			}
		})
	}
}
