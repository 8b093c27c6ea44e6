// Package vault reads and writes Ansible Vault data (format 1.1, and 1.2
// with a vault id): AES256 in CTR mode with PKCS7 padding, keys derived with
// PBKDF2-SHA256 (10000 iterations) and an HMAC-SHA256 over the ciphertext,
// exactly as ansible-vault does, so files go both ways.
package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const (
	header     = "$ANSIBLE_VAULT"
	cipherName = "AES256"
	iterations = 10000
	keyLen     = 32
	// DefaultID is the vault id of secrets and data given without one.
	DefaultID = "default"
)

// Secret is one vault password with the vault id it is known by.
type Secret struct {
	ID       string
	Password []byte
}

// IsEncrypted says whether data is a vault envelope.
func IsEncrypted(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(header+";"))
}

// Encrypt returns data encrypted with s in ansible-vault's envelope: 1.1, or
// 1.2 with s.ID in the header when the id is not the default.
func Encrypt(plaintext []byte, s Secret) ([]byte, error) {
	if len(s.Password) == 0 {
		return nil, errors.New("a vault password must be specified to encrypt data")
	}
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	k, err := deriveKeys(s.Password, salt)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	padded := append(bytes.Clone(plaintext), bytes.Repeat([]byte{byte(pad)}, pad)...)
	ciphertext := make([]byte, len(padded))
	block, err := aes.NewCipher(k.aes)
	if err != nil {
		return nil, err
	}
	cipher.NewCTR(block, k.iv).XORKeyStream(ciphertext, padded)
	mac := hmac.New(sha256.New, k.mac)
	mac.Write(ciphertext)

	body := strings.Join([]string{hex.EncodeToString(salt), hex.EncodeToString(mac.Sum(nil)), hex.EncodeToString(ciphertext)}, "\n")
	outer := hex.EncodeToString([]byte(body))
	var b strings.Builder
	if s.ID != "" && s.ID != DefaultID {
		b.WriteString(header + ";1.2;" + cipherName + ";" + s.ID + "\n")
	} else {
		b.WriteString(header + ";1.1;" + cipherName + "\n")
	}
	for len(outer) > 80 {
		b.WriteString(outer[:80] + "\n")
		outer = outer[80:]
	}
	b.WriteString(outer + "\n")
	return []byte(b.String()), nil
}

// envelope is a parsed vault text.
type envelope struct {
	version, id           string
	salt, mac, ciphertext []byte
}

// FormatError is vault data that is not a well-formed envelope.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return "Vault format error: " + e.Msg }

func parse(data []byte) (*envelope, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	head := strings.Split(strings.TrimSpace(lines[0]), ";")
	if len(head) < 3 || head[0] != header {
		return nil, &FormatError{"the header is not $ANSIBLE_VAULT;<version>;AES256"}
	}
	env := &envelope{version: strings.TrimSpace(head[1]), id: DefaultID}
	if c := strings.TrimSpace(head[2]); c != cipherName {
		return nil, &FormatError{fmt.Sprintf("cipher %q is not supported (only AES256)", c)}
	}
	if len(head) >= 4 {
		env.id = strings.TrimSpace(head[3])
	}
	var hexBody strings.Builder
	for _, l := range lines[1:] {
		hexBody.WriteString(strings.TrimSpace(l))
	}
	body, err := hex.DecodeString(hexBody.String())
	if err != nil {
		return nil, &FormatError{"the body is not hexadecimal: " + err.Error()}
	}
	parts := bytes.SplitN(body, []byte("\n"), 3)
	if len(parts) != 3 {
		return nil, &FormatError{"the body does not hold salt, HMAC and ciphertext"}
	}
	fields := []*[]byte{&env.salt, &env.mac, &env.ciphertext}
	for i, p := range parts {
		if *fields[i], err = hex.DecodeString(string(p)); err != nil {
			return nil, &FormatError{"the body is not hexadecimal: " + err.Error()}
		}
	}
	return env, nil
}

// ID returns the vault id in data's header (DefaultID for format 1.1).
func ID(data []byte) (string, error) {
	env, err := parse(data)
	if err != nil {
		return "", err
	}
	return env.id, nil
}

type keys struct{ aes, mac, iv []byte }

func deriveKeys(password, salt []byte) (keys, error) {
	dk, err := pbkdf2.Key(sha256.New, string(password), salt, iterations, 2*keyLen+aes.BlockSize)
	if err != nil {
		return keys{}, err
	}
	return keys{aes: dk[:keyLen], mac: dk[keyLen : 2*keyLen], iv: dk[2*keyLen:]}, nil
}

// errWrongPassword is a secret whose HMAC does not match.
var errWrongPassword = errors.New("HMAC verification failed")

func (env *envelope) open(password []byte) ([]byte, error) {
	k, err := deriveKeys(password, env.salt)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, k.mac)
	mac.Write(env.ciphertext)
	if !hmac.Equal(mac.Sum(nil), env.mac) {
		return nil, errWrongPassword
	}
	block, err := aes.NewCipher(k.aes)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(env.ciphertext))
	cipher.NewCTR(block, k.iv).XORKeyStream(out, env.ciphertext)
	if len(out) == 0 || int(out[len(out)-1]) > aes.BlockSize || int(out[len(out)-1]) == 0 || int(out[len(out)-1]) > len(out) {
		return nil, &FormatError{"invalid padding after decryption"}
	}
	return out[:len(out)-int(out[len(out)-1])], nil
}
