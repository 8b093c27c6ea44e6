// Package modtest provides a fake module environment for tests: a Host that
// runs scripts with the local /bin/sh (real shell and coreutils) and a
// Controller backed by a directory and a variables map.
package modtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"play/connection"
)

// Host runs scripts locally with /bin/sh in Dir.
type Host struct {
	Dir string
	// Scripts records every script run, for round-trip assertions.
	Scripts []string
}

// Run implements modules.Host.
func (h *Host) Run(ctx context.Context, script string, stdin []byte) (connection.Result, error) {
	h.Scripts = append(h.Scripts, script)
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
	cmd.Dir = h.Dir
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	res := connection.Result{Stdout: out.Bytes(), Stderr: errb.Bytes(), Start: start, End: time.Now()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.RC = exit.ExitCode()
		return res, nil
	}
	return res, err
}

// Controller is a fake controller: files are read from Dir/<kind>/<path>
// then Dir/<path>, templates render {{ name }} from Vars.
type Controller struct {
	Dir  string
	Vars map[string]any
}

// ReadFile implements modules.Controller.
func (c *Controller) ReadFile(kind, path string) ([]byte, string, error) {
	p, err := c.Resolve(kind, path)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(p)
	return data, p, err
}

var varRef = regexp.MustCompile(`{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}`)

// Render substitutes {{ name }} with the variable's value; an undefined
// variable is an error, as in Ansible.
func (c *Controller) Render(text string) (string, error) {
	var err error
	out := varRef.ReplaceAllStringFunc(text, func(m string) string {
		name := varRef.FindStringSubmatch(m)[1]
		v, ok := c.Vars[name]
		if !ok {
			err = fmt.Errorf("'%s' is undefined", name)
		}
		return fmt.Sprint(v)
	})
	return out, err
}

// Eval returns the named variable.
func (c *Controller) Eval(expr string) (any, error) {
	v, ok := c.Vars[strings.TrimSpace(expr)]
	if !ok {
		return nil, fmt.Errorf("'%s' is undefined", expr)
	}
	return v, nil
}

// EvalBool is true when the named variable is truthy.
func (c *Controller) EvalBool(expr string) (bool, error) {
	v, err := c.Eval(expr)
	return v != nil && v != false && v != "" && v != 0, err
}

// Var returns a variable.
func (c *Controller) Var(name string) (any, bool) {
	v, ok := c.Vars[name]
	return v, ok
}

// Resolve finds a controller path like ReadFile does, without reading it.
func (c *Controller) Resolve(kind, path string) (string, error) {
	candidates := []string{path}
	if !filepath.IsAbs(path) {
		candidates = []string{filepath.Join(c.Dir, kind, path), filepath.Join(c.Dir, path)}
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("could not find or access '%s'", path)
}
