package vault

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// Keyring holds the secrets of a run (--vault-id, --vault-password-file,
// --ask-vault-pass), in the order given.
type Keyring []Secret

// Error is a vault failure a user fixes by giving the right secret.
type Error struct {
	Msg, Hint string
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "\n" + e.Hint
}

const secretsHint = "give the password with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass"

// Decrypt opens vault data. where names it in errors (a file, or a file and
// line for an inline !vault value). Secrets whose id matches the header are
// tried first, then the others, as ansible-vault does.
func (k Keyring) Decrypt(data []byte, where string) ([]byte, error) {
	if len(k) == 0 {
		return nil, &Error{Msg: "Attempting to decrypt but no vault secrets found: " + where, Hint: secretsHint}
	}
	env, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	ordered := make(Keyring, 0, len(k))
	for _, s := range k {
		if s.ID == env.id {
			ordered = append(ordered, s)
		}
	}
	for _, s := range k {
		if s.ID != env.id {
			ordered = append(ordered, s)
		}
	}
	for _, s := range ordered {
		out, err := env.open(s.Password)
		if errors.Is(err, errWrongPassword) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return out, nil
	}
	return nil, &Error{
		Msg:  fmt.Sprintf("Decryption failed (no vault secrets were found that could decrypt) on %s", where),
		Hint: fmt.Sprintf("the data was encrypted with vault id '%s'; check the password given for it (%s)", env.id, k.ids()),
	}
}

func (k Keyring) ids() string {
	ids := make([]string, len(k))
	for i, s := range k {
		ids[i] = s.ID
	}
	return "tried vault ids: " + strings.Join(ids, ", ")
}

// EncryptSecret picks the secret to encrypt with: the one with id, or the
// only one there is.
func (k Keyring) EncryptSecret(id string) (Secret, error) {
	if id != "" {
		for _, s := range k {
			if s.ID == id {
				return s, nil
			}
		}
		return Secret{}, &Error{Msg: fmt.Sprintf("Did not find a match for --encrypt-vault-id=%s in the known vault-ids [%s]", id, strings.Join(k.idList(), ", ")), Hint: "give its password with --vault-id " + id + "@FILE"}
	}
	switch len(k) {
	case 0:
		return Secret{}, &Error{Msg: "A vault password must be specified to encrypt data", Hint: secretsHint}
	case 1:
		return k[0], nil
	}
	return Secret{}, &Error{Msg: "The vault-ids " + strings.Join(k.idList(), ",") + " are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id", Hint: "add --encrypt-vault-id ID"}
}

func (k Keyring) idList() []string {
	ids := make([]string, len(k))
	for i, s := range k {
		ids[i] = "'" + s.ID + "'"
	}
	return ids
}

// process holds the run's secrets for the YAML readers (playbooks,
// inventory), whose Load functions are shared contracts taking only paths;
// like Ansible's, the secrets are process-wide and set once before loading.
var process atomic.Pointer[Keyring]

// Use makes k the secrets every later Open and OpenString uses.
func Use(k Keyring) { process.Store(&k) }

func current() Keyring {
	if k := process.Load(); k != nil {
		return *k
	}
	return nil
}

// Open returns data decrypted when it is a vault envelope, unchanged
// otherwise; where names the data in errors.
func Open(data []byte, where string) ([]byte, error) {
	if !IsEncrypted(data) {
		return data, nil
	}
	return current().Decrypt(data, where)
}

// OpenString decrypts an inline `!vault |` value.
func OpenString(text, where string) (string, error) {
	out, err := current().Decrypt([]byte(text), where)
	return string(out), err
}
