package modules

import (
	"errors"
	"strings"
)

func init() {
	Register(Info{Name: "package", New: func() Module { return &Package{} }})
}

// Package installs or removes packages with the host's package manager.
// play's targets are Debian, so it is the apt module, and like Ansible's
// package action it passes apt's other arguments (update_cache...) along.
type Package struct {
	Apt
	// Use names the package manager; only apt (or auto) is supported.
	Use string `arg:"use"`
}

// Validate requires name and state, as Ansible's package does, then checks apt's rules.
func (p *Package) Validate() error {
	var missing []string
	if len(p.Name) == 0 {
		missing = append(missing, "name")
	}
	if p.State == "" {
		missing = append(missing, "state")
	}
	if len(missing) > 0 {
		return errors.New("missing required arguments: " + strings.Join(missing, ", "))
	}
	if p.Use != "" && p.Use != "auto" && p.Use != "apt" {
		return errors.New("play's package module drives apt only (Debian targets); use: " + p.Use + " is not supported: leave use out or set it to apt")
	}
	return p.Apt.Validate()
}
