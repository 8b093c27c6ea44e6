package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"play/vault"
)

// TestVault reads an encrypted inventory, an encrypted group_vars file and
// an inline !vault value, and says which secret is missing when one is.
func TestVault(t *testing.T) {
	secret := vault.Secret{ID: "prod", Password: []byte("pw")}
	encrypt := func(s string) string {
		enc, err := vault.Encrypt([]byte(s), secret)
		if err != nil {
			t.Fatal(err)
		}
		return string(enc)
	}
	dir := t.TempDir()
	inline := "        " + strings.ReplaceAll(strings.TrimSpace(encrypt("inline-secret")), "\n", "\n        ")
	files := map[string]string{
		"hosts.yml":          encrypt("all:\n  hosts:\n    web1:\n      token: !vault |\n" + inline + "\n"),
		"group_vars/all.yml": encrypt("db_password: file-secret\n"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { vault.Use(nil) })

	vault.Use(nil)
	_, err := Load([]string{filepath.Join(dir, "hosts.yml")})
	if err == nil || !strings.Contains(err.Error(), "Attempting to decrypt but no vault secrets found") {
		t.Fatalf("without secrets: %v", err)
	}

	vault.Use(vault.Keyring{secret})
	inv, err := Load([]string{filepath.Join(dir, "hosts.yml")})
	if err != nil {
		t.Fatal(err)
	}
	h, ok := inv.Host("web1")
	if !ok {
		t.Fatal("web1 missing")
	}
	if got := h.Vars()["token"]; got != "inline-secret" {
		t.Errorf("token = %v", got)
	}
	if got := h.Vars()["db_password"]; got != "file-secret" {
		t.Errorf("db_password = %v", got)
	}
}
