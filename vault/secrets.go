package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Prompter asks the user for a password (prompt is e.g. "Vault password: ").
type Prompter func(prompt string) (string, error)

// Sources are the command line's ways to give secrets.
type Sources struct {
	// IDs are --vault-id values: LABEL@FILE, LABEL@prompt, FILE or prompt.
	IDs []string
	// PasswordFiles are --vault-password-file values (id "default").
	PasswordFiles []string
	// Ask is --ask-vault-pass.
	Ask bool
}

// Load reads every secret the sources name, in Ansible's order: --vault-id
// first, then password files, then the prompt.
func Load(ctx context.Context, src Sources, ask Prompter) (Keyring, error) {
	var k Keyring
	for _, spec := range src.IDs {
		id, source := DefaultID, spec
		if label, rest, ok := strings.Cut(spec, "@"); ok {
			id, source = label, rest
		}
		if id == "" || source == "" {
			return nil, &Error{Msg: fmt.Sprintf("invalid --vault-id %q", spec), Hint: "write LABEL@FILE, LABEL@prompt, FILE or prompt"}
		}
		s, err := loadOne(ctx, id, source, ask)
		if err != nil {
			return nil, err
		}
		k = append(k, s)
	}
	for _, f := range src.PasswordFiles {
		s, err := loadOne(ctx, DefaultID, f, ask)
		if err != nil {
			return nil, err
		}
		k = append(k, s)
	}
	if src.Ask {
		s, err := loadOne(ctx, DefaultID, "prompt", ask)
		if err != nil {
			return nil, err
		}
		k = append(k, s)
	}
	return k, nil
}

func loadOne(ctx context.Context, id, source string, ask Prompter) (Secret, error) {
	if source == "prompt" {
		prompt := "Vault password: "
		if id != DefaultID {
			prompt = "Vault password (" + id + "): "
		}
		if ask == nil {
			return Secret{}, &Error{Msg: "a vault password prompt was asked for but there is no terminal to ask on", Hint: "use --vault-password-file FILE instead"}
		}
		pass, err := ask(prompt)
		if err != nil {
			return Secret{}, err
		}
		if pass == "" {
			return Secret{}, &Error{Msg: "Invalid vault password was provided from prompt", Hint: "type a non-empty password"}
		}
		return Secret{ID: id, Password: []byte(pass)}, nil
	}
	pass, err := readPasswordFile(ctx, source)
	if err != nil {
		return Secret{}, err
	}
	return Secret{ID: id, Password: pass}, nil
}

// readPasswordFile reads a password file, or runs it when it is executable
// and takes its standard output, as Ansible does.
func readPasswordFile(ctx context.Context, path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{Msg: "The vault password file " + path + " was not found", Hint: "check the path given to --vault-password-file or --vault-id"}
		}
		return nil, &Error{Msg: fmt.Sprintf("Could not read vault password file %s: %v", path, err)}
	}
	if fi.IsDir() {
		return nil, &Error{Msg: "Could not read vault password file " + path + ": it is a directory", Hint: "give the file holding the password"}
	}
	kind := "file"
	var pass []byte
	if fi.Mode()&0o111 != 0 {
		kind = "script"
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, path)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("Vault password script %s returned non-zero (%v): %s", path, err, strings.TrimSpace(stderr.String()))}
		}
		pass = out
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("Could not read vault password file %s: %v", path, err)}
		}
		pass = bytes.TrimSpace(data)
	}
	pass = bytes.Trim(pass, "\r\n")
	if len(pass) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("Invalid vault password was provided from %s (%s)", kind, path), Hint: "the password must not be empty"}
	}
	return pass, nil
}
