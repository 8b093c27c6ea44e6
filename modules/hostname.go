package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

func init() {
	Register(Info{Name: "hostname", New: func() Module { return &Hostname{} }})
}

// Hostname sets the host's current and permanent name: with hostnamectl
// (use: systemd, the default where it exists) or /etc/hostname and the
// hostname command (use: debian and the other file-based strategies).
type Hostname struct {
	// Name is the host name to set.
	Name string `arg:"name,required"`
	// Use is the strategy.
	Use string `arg:"use" choices:"alpine,debian,freebsd,generic,macos,macosx,darwin,openbsd,openrc,redhat,sles,solaris,systemd"`
}

// Validate checks the name's length the way systemd does.
func (h *Hostname) Validate() error {
	if len(h.Name) > 64 {
		return errors.New("name cannot be longer than 64 characters on systemd servers, try a shorter name")
	}
	return nil
}

// Plan implements Module.
func (h *Hostname) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := h.fileProbe()
	if h.Use == "" || h.Use == "systemd" {
		fallback := script
		if h.Use == "systemd" {
			fallback = "echo 'Failed to find required executable hostnamectl' >&2; exit 1\n"
		}
		script = fmt.Sprintf(`if command -v hostnamectl >/dev/null && [ -d /run/systemd/system ]; then
%s; hostnamectl --transient status || exit 1
%s; hostnamectl --static status || exit 1
else
%sfi
`, section("current"), section("permanent"), fallback)
	}
	s, err := observe(ctx, env.Host, "the host name", script)
	if err != nil {
		return nil, err
	}
	return h.plan(s)
}

// fileProbe reads the name from the kernel and /etc/hostname.
func (h *Hostname) fileProbe() string {
	return fmt.Sprintf("%s; echo file\n%s; hostname\n%s; cat /etc/hostname 2>/dev/null\n",
		section("files"), section("current"), section("permanent"))
}

// plan sets whichever of the two names differs.
func (h *Hostname) plan(s Sections) (*Plan, error) {
	current, permanent := s.Line("current"), s.Line("permanent")
	short, domain, _ := strings.Cut(h.Name, ".")
	p := &Plan{Result: map[string]any{"name": h.Name, "ansible_facts": map[string]any{
		"ansible_hostname": short, "ansible_nodename": h.Name, "ansible_fqdn": h.Name, "ansible_domain": domain}}}
	if current == h.Name && permanent == h.Name {
		return p, nil
	}
	before := permanent
	if current != h.Name {
		before = current
	}
	p.Diffs = []Diff{{Before: "hostname = " + before + "\n", After: "hostname = " + h.Name + "\n"}}
	n := Quote(h.Name)
	var cmds []string
	if s.Has("files") {
		if permanent != h.Name {
			cmds = append(cmds, fmt.Sprintf("printf '%%s\\n' %s > /etc/hostname", n))
		}
		if current != h.Name {
			cmds = append(cmds, "hostname -- "+n)
		}
	} else {
		// The permanent name first: NetworkManager complains otherwise.
		if permanent != h.Name {
			cmds = append(cmds, "hostnamectl --pretty --static set-hostname "+n)
		}
		if current != h.Name {
			cmds = append(cmds, "hostnamectl --transient set-hostname "+n)
		}
	}
	p.Steps = []Step{{Script: strings.Join(cmds, " &&\n")}}
	return p, nil
}
