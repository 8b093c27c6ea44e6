package modules

import (
	"context"
	"errors"
)

func init() {
	Register(Info{Name: "service", New: func() Module { return &Service{} }})
}

// Service manages a service. Lab and target hosts run systemd, so it is the
// systemd module, as Ansible's service action picks on such hosts; the
// arguments only other init systems use are accepted and ignored.
type Service struct {
	// Name is the service.
	Name string `arg:"name,required"`
	// State is started, stopped, restarted or reloaded.
	State string `arg:"state" choices:"reloaded,restarted,started,stopped"`
	// Enabled says whether the service starts at boot.
	Enabled *bool `arg:"enabled"`
	// Arguments are for other init systems (ignored under systemd, as Ansible does).
	Arguments string `arg:"arguments" aliases:"args"`
	// Pattern is for init systems without status (ignored under systemd).
	Pattern string `arg:"pattern"`
	// Runlevel is for OpenRC (ignored under systemd).
	Runlevel string `arg:"runlevel"`
	// Sleep is for init scripts that restart badly (ignored under systemd).
	Sleep int `arg:"sleep"`
	// Use names the service manager; play always uses systemd.
	Use string `arg:"use"`
}

// Validate applies Ansible's required_one_of.
func (s *Service) Validate() error {
	if s.State == "" && s.Enabled == nil {
		return errors.New("one of the following is required: state, enabled")
	}
	return s.systemd().Validate()
}

func (s *Service) systemd() *Systemd {
	return &Systemd{Name: s.Name, State: s.State, Enabled: s.Enabled}
}

// Plan implements Module with the systemd module.
func (s *Service) Plan(ctx context.Context, env *Env) (*Plan, error) {
	return s.systemd().Plan(ctx, env)
}
