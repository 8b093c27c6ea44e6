package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"play/runner"
	"play/vault"
)

// vaultFlags give vault secrets, to `play` and to `play vault`.
func vaultFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "vault-id", Usage: "vault secret `LABEL@FILE` (or LABEL@prompt, FILE, prompt); repeatable"},
		&cli.StringSliceFlag{Name: "vault-password-file", Aliases: []string{"vault-pass-file"}, Usage: "vault password `FILE`, or a script printing it; repeatable"},
		&cli.BoolFlag{Name: "ask-vault-pass", Aliases: []string{"ask-vault-password", "J"}, Usage: "ask for the vault password"},
	}
}

// loadVaultSecrets reads the secrets the command line names and makes them
// the ones every file read from now on is decrypted with.
func loadVaultSecrets(ctx context.Context, cmd *cli.Command, stdin io.Reader, stderr io.Writer) (vault.Keyring, error) {
	k, err := vault.Load(ctx, vault.Sources{
		IDs:           cmd.StringSlice("vault-id"),
		PasswordFiles: cmd.StringSlice("vault-password-file"),
		Ask:           cmd.Bool("ask-vault-pass"),
	}, func(prompt string) (string, error) { return askPassword(stdin, stderr, prompt) })
	if err != nil {
		return nil, err
	}
	vault.Use(k)
	return k, nil
}

// vaultCommand is `play vault`, a subset of ansible-vault working on the
// same files.
func vaultCommand(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	output := &cli.StringFlag{Name: "output", Usage: "write to `FILE` instead of in place (- is standard output)"}
	encryptID := &cli.StringFlag{Name: "encrypt-vault-id", Usage: "the vault `id` to encrypt with (when several are given)"}
	sub := func(name, usage, args string, extra []cli.Flag, do func(v *vaultRun, args []string) error) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, ArgsUsage: args,
			Flags: append(vaultFlags(), extra...),
			Action: func(ctx context.Context, cmd *cli.Command) error {
				k, err := loadVaultSecrets(ctx, cmd, stdin, stderr)
				if err == nil {
					err = do(&vaultRun{cmd: cmd, keys: k, stdin: stdin, stdout: stdout, stderr: stderr}, cmd.Args().Slice())
				}
				if err != nil {
					printError(stderr, err)
					return exitError{runner.ExitError}
				}
				return nil
			},
		}
	}
	return &cli.Command{
		Name:  "vault",
		Usage: "encrypt and decrypt Ansible Vault files and strings (like ansible-vault)",
		Commands: []*cli.Command{
			sub("encrypt", "encrypt files in place (standard input to output without files)", "[FILE ...]", []cli.Flag{output, encryptID}, (*vaultRun).encrypt),
			sub("decrypt", "decrypt files in place (standard input to output without files)", "[FILE ...]", []cli.Flag{output}, (*vaultRun).decrypt),
			sub("view", "print decrypted files", "FILE ...", nil, (*vaultRun).view),
			sub("encrypt_string", "print a string encrypted as a !vault YAML value", "STRING ...", []cli.Flag{
				encryptID,
				&cli.StringSliceFlag{Name: "name", Aliases: []string{"n"}, Usage: "the variable `name` of each string"},
				&cli.StringFlag{Name: "stdin-name", Usage: "read the string from standard input and name it `NAME`"},
			}, (*vaultRun).encryptString),
		},
	}
}

// vaultRun is one `play vault` action.
type vaultRun struct {
	cmd            *cli.Command
	keys           vault.Keyring
	stdin          io.Reader
	stdout, stderr io.Writer
}

// transform rewrites each file (standard input without files) through f,
// in place or to --output.
func (v *vaultRun) transform(files []string, f func(data []byte, where string) ([]byte, error)) error {
	out := v.cmd.String("output")
	if len(files) == 0 {
		data, err := io.ReadAll(v.stdin)
		if err != nil {
			return err
		}
		res, err := f(data, "<stdin>")
		if err != nil {
			return err
		}
		return v.write(firstNonEmpty(out, "-"), res)
	}
	if out != "" && len(files) > 1 {
		return errors.New("--output can be used with only one input file")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", file, unwrapPath(err))
		}
		res, err := f(data, file)
		if err != nil {
			return err
		}
		if err := v.write(firstNonEmpty(out, file), res); err != nil {
			return err
		}
	}
	return nil
}

func (v *vaultRun) encrypt(files []string) error {
	s, err := v.keys.EncryptSecret(v.cmd.String("encrypt-vault-id"))
	if err != nil {
		return err
	}
	err = v.transform(files, func(data []byte, where string) ([]byte, error) {
		if vault.IsEncrypted(data) {
			return nil, fmt.Errorf("input is already encrypted: %s", where)
		}
		return vault.Encrypt(data, s)
	})
	if err == nil {
		fmt.Fprintln(v.stderr, "Encryption successful")
	}
	return err
}

func (v *vaultRun) decrypt(files []string) error {
	err := v.transform(files, v.open)
	if err == nil {
		fmt.Fprintln(v.stderr, "Decryption successful")
	}
	return err
}

func (v *vaultRun) view(files []string) error {
	if len(files) == 0 {
		return errors.New("play vault view needs the files to show")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", file, unwrapPath(err))
		}
		plain, err := v.open(data, file)
		if err != nil {
			return err
		}
		if _, err := v.stdout.Write(plain); err != nil {
			return err
		}
	}
	return nil
}

// open decrypts data, refusing data that is not encrypted as ansible-vault does.
func (v *vaultRun) open(data []byte, where string) ([]byte, error) {
	if !vault.IsEncrypted(data) {
		return nil, fmt.Errorf("input is not vault encrypted data for %s", where)
	}
	return v.keys.Decrypt(data, where)
}

func (v *vaultRun) encryptString(args []string) error {
	s, err := v.keys.EncryptSecret(v.cmd.String("encrypt-vault-id"))
	if err != nil {
		return err
	}
	names := v.cmd.StringSlice("name")
	if n := v.cmd.String("stdin-name"); n != "" {
		data, err := io.ReadAll(v.stdin)
		if err != nil {
			return err
		}
		args = append([]string{string(data)}, args...)
		names = append([]string{n}, names...)
	}
	if len(args) == 0 {
		return errors.New("give the string to encrypt as an argument, or on standard input with --stdin-name NAME")
	}
	var b strings.Builder
	for i, plain := range args {
		enc, err := vault.Encrypt([]byte(plain), s)
		if err != nil {
			return err
		}
		if i < len(names) {
			b.WriteString(names[i] + ": ")
		}
		b.WriteString("!vault |\n")
		for _, line := range strings.Split(strings.TrimSuffix(string(enc), "\n"), "\n") {
			b.WriteString("          " + line + "\n")
		}
	}
	if err := v.write(firstNonEmpty(v.cmd.String("output"), "-"), []byte(b.String())); err != nil {
		return err
	}
	fmt.Fprintln(v.stderr, "Encryption successful")
	return nil
}

// write replaces path atomically, keeping an existing file's mode; "-" is
// standard output.
func (v *vaultRun) write(path string, data []byte) error {
	if path == "-" {
		_, err := v.stdout.Write(data)
		return err
	}
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".play-vault.*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err = errors.Join(err, f.Chmod(mode), f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
