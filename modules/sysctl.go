package modules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "sysctl", New: func() Module { return &Sysctl{} }})
	RegisterAlias("ansible.posix.sysctl", "sysctl")
}

// Sysctl keeps a kernel parameter in a sysctl file and, by reloading the
// file (or with sysctl_set), in the running kernel, like ansible.posix.sysctl.
type Sysctl struct {
	// Name is the parameter (net.ipv4.ip_forward).
	Name string `arg:"name,required" aliases:"key"`
	// Value is its value; booleans become 1 and 0.
	Value *string `arg:"value" aliases:"val"`
	// State is present or absent (from the file).
	State string `arg:"state" choices:"present,absent"`
	// Reload runs sysctl -p on the file when something changed.
	Reload *bool `arg:"reload"`
	// SysctlSet sets the running value with sysctl -w too.
	SysctlSet bool `arg:"sysctl_set"`
	// IgnoreErrors ignores unknown keys when reloading (sysctl -e).
	IgnoreErrors bool `arg:"ignoreerrors"`
	// SysctlFile is the file to keep the parameter in.
	SysctlFile string `arg:"sysctl_file"`
}

// Validate applies defaults and normalizes the value.
func (s *Sysctl) Validate() error {
	if s.State == "" {
		s.State = "present"
	}
	if s.SysctlFile == "" {
		s.SysctlFile = "/etc/sysctl.conf"
	}
	s.Name = strings.TrimSpace(s.Name)
	if s.State == "present" && s.Value == nil {
		return errors.New("state is present but all of the following are missing: value")
	}
	if s.Value != nil {
		v := strings.TrimSpace(*s.Value)
		switch strings.ToLower(v) {
		case "y", "yes", "on", "1", "true", "t", "1.0":
			v = "1"
		case "n", "no", "off", "0", "false", "f", "0.0":
			v = "0"
		}
		s.Value = &v
	}
	return nil
}

// Plan implements Module.
func (s *Sysctl) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := fmt.Sprintf("if v=$(sysctl -e -n %s 2>/dev/null) && [ -n \"$v\" ]; then %s; echo \"$v\"; fi\nif [ -f %s ]; then %s; cat %[3]s; fi\n",
		Quote(s.Name), section("proc"), Quote(s.SysctlFile), section("file"))
	obs, err := observe(ctx, env.Host, "sysctl "+s.Name, script)
	if err != nil {
		return nil, err
	}
	return s.plan(obs)
}

// plan rewrites the file's lines the way ansible.posix.sysctl does (every
// "k = v" line normalized to "k=v", duplicates dropped) and decides what
// to reload.
func (s *Sysctl) plan(obs Sections) (*Plan, error) {
	value := ""
	if s.Value != nil {
		value = *s.Value
	}
	before := obs["file"]
	var fileValue *string
	var lines, seen []string
	for _, l := range strings.SplitAfter(before, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || !strings.Contains(t, "=") {
			if l != "" {
				lines = append(lines, l)
			}
			continue
		}
		k, v, _ := strings.Cut(t, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == s.Name {
			fileValue = &v
		}
		if slices.Contains(seen, k) {
			continue
		}
		seen = append(seen, k)
		switch {
		case k != s.Name:
			lines = append(lines, k+"="+v+"\n")
		case s.State == "present":
			lines = append(lines, k+"="+value+"\n")
		}
	}
	if fileValue == nil && s.State == "present" {
		lines = append(lines, s.Name+"="+value+"\n")
	}
	proc, procKnown := obs.Line("proc"), obs.Has("proc")
	writeFile := (fileValue == nil) == (s.State == "present") || fileValue != nil && s.State == "present" && *fileValue != value
	changed := writeFile
	if !changed && boolOr(s.Reload, true) && s.State == "present" {
		changed = !procKnown || !sameWords(proc, value)
	}
	setProc := s.SysctlSet && s.State == "present" && procKnown && !sameWords(proc, value)
	changed = changed || setProc
	p := &Plan{}
	if !changed {
		return p, nil
	}
	var script strings.Builder
	if setProc {
		fmt.Fprintf(&script, "out=$(sysctl -w %s 2>&1) || { echo \"setting %s failed: $out\" >&2; exit 1; }\n", Quote(s.Name+"="+value), s.Name)
	}
	if boolOr(s.Reload, true) {
		e := ""
		if s.IgnoreErrors {
			e = "-e "
		}
		fmt.Fprintf(&script, "out=$(sysctl %s-p %s 2>&1) || { echo \"Failed to reload sysctl: $out\" >&2; exit 1; }\n", e, Quote(s.SysctlFile))
	}
	if writeFile {
		// No diff: ansible.posix.sysctl reports none, even under --diff.
		after := strings.Join(lines, "")
		p.Steps = append(p.Steps, fileWrite{Dest: s.SysctlFile, Data: []byte(after), Mode: 0o644}.step())
	}
	if script.Len() > 0 {
		p.Steps = append(p.Steps, Step{Script: script.String()})
	}
	return p, nil
}

// sameWords compares values word by word, as sysctl prints "4096\t16384".
func sameWords(a, b string) bool { return slices.Equal(strings.Fields(a), strings.Fields(b)) }
