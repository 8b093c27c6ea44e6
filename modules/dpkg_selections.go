package modules

import (
	"context"
	"strings"
)

func init() {
	Register(Info{Name: "dpkg_selections", New: func() Module { return &DpkgSelections{} }})
}

// DpkgSelections sets a package's dpkg selection (hold keeps APT from
// upgrading it), like ansible.builtin.dpkg_selections.
type DpkgSelections struct {
	// Name is the package.
	Name string `arg:"name,required"`
	// Selection is what dpkg should want for it.
	Selection string `arg:"selection,required" choices:"install,hold,deinstall,purge"`
}

// Plan reads the current selection with dpkg --get-selections. As in
// Ansible, a package dpkg does not know is "not present", and setting its
// selection is always a change (dpkg only warns about it).
func (m *DpkgSelections) Plan(ctx context.Context, env *Env) (*Plan, error) {
	obs, err := observe(ctx, env.Host, "the dpkg selection of "+m.Name, section("selection")+"\ndpkg --get-selections -- "+Quote(m.Name)+"\n")
	if err != nil {
		return nil, err
	}
	current := "not present"
	if f := strings.Fields(obs.Line("selection")); len(f) >= 2 {
		current = f[1]
	}
	p := &Plan{Result: map[string]any{"before": current, "after": m.Selection}}
	if current != m.Selection {
		p.Steps = []Step{{Script: "dpkg --set-selections\n", Stdin: []byte(m.Name + " " + m.Selection + "\n")}}
	}
	return p, nil
}
