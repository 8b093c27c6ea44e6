package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name, plain, id, header string
	}{
		{"empty", "", "", "$ANSIBLE_VAULT;1.1;AES256\n"},
		{"one block exactly", "0123456789abcdef", DefaultID, "$ANSIBLE_VAULT;1.1;AES256\n"},
		{"with id", "db_password: s3cret\n", "prod", "$ANSIBLE_VAULT;1.2;AES256;prod\n"},
		{"binary", "\x00\xff\n\t", "", "$ANSIBLE_VAULT;1.1;AES256\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Secret{ID: tt.id, Password: []byte("pw")}
			enc, err := Encrypt([]byte(tt.plain), s)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(enc), tt.header) || !IsEncrypted(enc) {
				t.Fatalf("envelope %q", enc)
			}
			for _, l := range strings.Split(strings.TrimSpace(string(enc)), "\n") {
				if len(l) > 80 {
					t.Fatalf("line longer than 80: %q", l)
				}
			}
			got, err := Keyring{{ID: "other", Password: []byte("no")}, s}.Decrypt(enc, "x")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.plain {
				t.Fatalf("got %q want %q", got, tt.plain)
			}
		})
	}
}

func TestDecryptErrors(t *testing.T) {
	enc, err := Encrypt([]byte("x"), Secret{ID: "prod", Password: []byte("right")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		k    Keyring
		want string
	}{
		{"no secrets", enc, nil, "Attempting to decrypt but no vault secrets found: vars.yml\ngive the password with"},
		{"wrong password", enc, Keyring{{ID: "prod", Password: []byte("wrong")}}, "Decryption failed (no vault secrets were found that could decrypt) on vars.yml\nthe data was encrypted with vault id 'prod'"},
		{"bad header", []byte("$ANSIBLE_VAULT;1.1\nabcd\n"), Keyring{{Password: []byte("x")}}, "vars.yml: Vault format error: the header is not"},
		{"bad hex", []byte("$ANSIBLE_VAULT;1.1;AES256\nzz\n"), Keyring{{Password: []byte("x")}}, "vars.yml: Vault format error: the body is not hexadecimal"},
		{"truncated", enc[:len(enc)/2], Keyring{{Password: []byte("right")}}, "vars.yml: Vault format error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.k.Decrypt(tt.data, "vars.yml")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestLoadSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	file := write("pw", "  secret \n", 0o600)
	script := write("pw.sh", "#!/bin/sh\necho fromscript\n", 0o700)
	empty := write("empty", "\n", 0o600)
	prompt := func(p string) (string, error) { return "typed:" + p, nil }
	tests := []struct {
		name string
		src  Sources
		want []Secret
		err  string
	}{
		{"password file", Sources{PasswordFiles: []string{file}}, []Secret{{"default", []byte("secret")}}, ""},
		{"script", Sources{IDs: []string{"dev@" + script}}, []Secret{{"dev", []byte("fromscript")}}, ""},
		{"prompt with label", Sources{IDs: []string{"prod@prompt"}, Ask: true}, []Secret{{"prod", []byte("typed:Vault password (prod): ")}, {"default", []byte("typed:Vault password: ")}}, ""},
		{"missing", Sources{PasswordFiles: []string{dir + "/nope"}}, nil, "The vault password file " + dir + "/nope was not found"},
		{"empty", Sources{PasswordFiles: []string{empty}}, nil, "Invalid vault password was provided from file"},
		{"directory", Sources{PasswordFiles: []string{dir}}, nil, "Could not read vault password file " + dir + ": it is a directory"},
		{"bad id", Sources{IDs: []string{"@x"}}, nil, `invalid --vault-id "@x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Load(context.Background(), tt.src, prompt)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("got %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(k) != len(tt.want) {
				t.Fatalf("got %d secrets, want %d", len(k), len(tt.want))
			}
			for i := range k {
				if k[i].ID != tt.want[i].ID || !bytes.Equal(k[i].Password, tt.want[i].Password) {
					t.Errorf("secret %d = %s:%q, want %s:%q", i, k[i].ID, k[i].Password, tt.want[i].ID, tt.want[i].Password)
				}
			}
		})
	}
}

func TestEncryptSecret(t *testing.T) {
	k := Keyring{{ID: "a", Password: []byte("1")}, {ID: "b", Password: []byte("2")}}
	if s, err := k.EncryptSecret("b"); err != nil || s.ID != "b" {
		t.Fatalf("got %v %v", s, err)
	}
	var ve *Error
	if _, err := k.EncryptSecret(""); !errors.As(err, &ve) {
		t.Fatalf("two secrets and no id: %v", err)
	}
	if _, err := k.EncryptSecret("c"); err == nil || !strings.Contains(err.Error(), "Did not find a match for --encrypt-vault-id=c") {
		t.Fatalf("unknown id: %v", err)
	}
}

// TestAnsibleVaultInterop checks both directions against Debian's
// ansible-vault when it is installed.
func TestAnsibleVaultInterop(t *testing.T) {
	bin, err := exec.LookPath("ansible-vault")
	if err != nil {
		t.Skip("ansible-vault not installed")
	}
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plain := "user: admin\npassword: \"p@ss w0rd\"\nüñí: ✓\n"
	s := Secret{ID: "prod", Password: []byte("hunter2")}

	ours := filepath.Join(dir, "ours.yml")
	enc, err := Encrypt([]byte(plain), s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ours, enc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "view", "--vault-id", "prod@"+pwFile, ours).CombinedOutput()
	if err != nil || string(out) != plain {
		t.Fatalf("ansible-vault view of ours: %v\n%s", err, out)
	}

	theirs := filepath.Join(dir, "theirs.yml")
	if err := os.WriteFile(theirs, []byte(plain), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "encrypt", "--vault-id", "prod@"+pwFile, theirs).CombinedOutput(); err != nil {
		t.Fatalf("ansible-vault encrypt: %v\n%s", err, out)
	}
	data, err := os.ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := ID(data); err != nil || id != "prod" {
		t.Fatalf("ID = %q, %v", id, err)
	}
	got, err := Keyring{s}.Decrypt(data, theirs)
	if err != nil || string(got) != plain {
		t.Fatalf("decrypt theirs: %q %v", got, err)
	}
}
