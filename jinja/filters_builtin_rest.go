package jinja

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"go.yaml.in/yaml/v3"

	"play/internal/keyorder"
	"play/vault"
)

// The rest of ansible.builtin's filters (ansible-doc -t filter -l, 2.14):
// expandvars, from_yaml_all, fileglob, vault, unvault and the Windows path
// filters. Like Ansible's, they run on the controller.

func init() {
	registerFilters(map[string]filterFunc{
		"expandvars":    func(_ *exec.Evaluator, in any, _ args) (any, error) { return expandVars(pyStr(in)), nil },
		"from_yaml_all": filterFromYAMLAll,
		"fileglob":      filterFileglob,
		"vault":         filterVault,
		"unvault":       filterUnvault,
		"win_basename":  func(_ *exec.Evaluator, in any, _ args) (any, error) { _, tail := ntSplit(pyStr(in)); return tail, nil },
		"win_dirname":   func(_ *exec.Evaluator, in any, _ args) (any, error) { head, _ := ntSplit(pyStr(in)); return head, nil },
		"win_splitdrive": func(_ *exec.Evaluator, in any, _ args) (any, error) {
			d, p := ntSplitDrive(pyStr(in))
			return tuple{d, p}, nil
		},
	})
}

// shellVar is a $name or ${name} reference, as os.path.expandvars reads them.
var shellVar = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars is os.path.expandvars on the controller: unset variables stay
// as written.
func expandVars(s string) string {
	return shellVar.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref[1:], "{"), "}")
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return ref
	})
}

// filterFromYAMLAll reads every document of a YAML stream; a value that is
// not a string passes unchanged, as in Ansible.
func filterFromYAMLAll(_ *exec.Evaluator, in any, _ args) (any, error) {
	s, ok := in.(string)
	if !ok {
		return in, nil
	}
	dec := yaml.NewDecoder(strings.NewReader(s))
	var docs []any // plain, so that wrap converts the documents too
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return append([]any{}, docs...), nil
		}
		if err != nil {
			return nil, fmt.Errorf("from_yaml_all: invalid YAML: %w", err)
		}
		v, err := keyorder.DecodeYAML(&n)
		if err != nil {
			return nil, fmt.Errorf("from_yaml_all: %w", err)
		}
		docs = append(docs, v)
	}
}

// filterFileglob is the files (not directories) matching a pattern on the
// controller, sorted (Python's glob keeps the directory's order). As in
// Python, a wildcard does not match a leading dot.
func filterFileglob(_ *exec.Evaluator, in any, _ args) (any, error) {
	pattern := pyStr(in)
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("fileglob: %w", err)
	}
	hidden := strings.HasPrefix(filepath.Base(pattern), ".")
	out := list{}
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() && (hidden || !strings.HasPrefix(filepath.Base(m), ".")) {
			out = append(out, m)
		}
	}
	return out, nil
}

// filterVault encrypts with Ansible's vault filter: secret as the password,
// vaultid (default filter_default) in a 1.2 header. The salt argument is
// not supported: each call draws a random salt.
func filterVault(_ *exec.Evaluator, in any, a args) (any, error) {
	if a.get(1, "salt", nil) != nil {
		return nil, errors.New("vault: the salt argument is not supported (play always draws a random salt)")
	}
	out, err := vault.Encrypt([]byte(pyStr(in)), vault.Secret{ID: a.str(2, "vaultid", "filter_default"), Password: []byte(a.str(0, "secret", ""))})
	if err != nil {
		return nil, fmt.Errorf("Unable to encrypt: %w", err)
	}
	return string(out), nil
}

// filterUnvault decrypts a vault string with secret.
func filterUnvault(_ *exec.Evaluator, in any, a args) (any, error) {
	s, ok := in.(string)
	if !ok || !vault.IsEncrypted([]byte(s)) {
		return nil, fmt.Errorf("Vault should be in the form of a string, got %s", typeName(in))
	}
	keys := vault.Keyring{{ID: a.str(1, "vaultid", "filter_default"), Password: []byte(a.str(0, "secret", ""))}}
	out, err := keys.Decrypt([]byte(s), "the unvault filter's input")
	if err != nil {
		return nil, fmt.Errorf("Unable to decrypt: %w", err)
	}
	return string(out), nil
}

// ntSeps are the path separators of Windows paths.
const ntSeps = `\/`

// ntSplitDrive is Python's ntpath.splitdrive: "C:" or a UNC
// \\server\share prefix, and the rest.
func ntSplitDrive(p string) (drive, path string) {
	isSep := func(i int) bool { return i < len(p) && strings.IndexByte(ntSeps, p[i]) >= 0 }
	if isSep(0) && isSep(1) && !isSep(2) && len(p) > 2 {
		server := strings.IndexAny(p[2:], ntSeps)
		if server < 0 {
			return "", p
		}
		server += 2
		share := strings.IndexAny(p[server+1:], ntSeps)
		if share == 0 {
			return "", p
		}
		if share < 0 {
			return p, ""
		}
		end := server + 1 + share
		return p[:end], p[end:]
	}
	if len(p) >= 2 && p[1] == ':' {
		return p[:2], p[2:]
	}
	return "", p
}

// ntSplit is Python's ntpath.split: win_dirname and win_basename.
func ntSplit(p string) (head, tail string) {
	drive, rest := ntSplitDrive(p)
	i := strings.LastIndexAny(rest, ntSeps) + 1
	head, tail = rest[:i], rest[i:]
	if trimmed := strings.TrimRight(head, ntSeps); trimmed != "" {
		head = trimmed
	}
	return drive + head, tail
}
