package modules

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	Register(Info{Name: "timezone", New: func() Module { return &Timezone{} }})
	RegisterAlias("community.general.timezone", "timezone")
}

// Timezone sets the host's time zone and whether the hardware clock keeps
// local time, like community.general.timezone: with timedatectl where
// systemd runs, else /etc/timezone and the /etc/localtime link.
type Timezone struct {
	// Name is the time zone (Europe/Paris, Etc/UTC), a file under /usr/share/zoneinfo.
	Name string `arg:"name"`
	// Hwclock is what the hardware clock keeps: local or UTC.
	Hwclock string `arg:"hwclock" aliases:"rtc" choices:"local,UTC"`
}

// Validate requires one of the two settings.
func (z *Timezone) Validate() error {
	if z.Name == "" && z.Hwclock == "" {
		return Failf("one of the following is required: name, hwclock")
	}
	return nil
}

// Plan implements Module.
func (z *Timezone) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := fmt.Sprintf(`if command -v timedatectl >/dev/null && [ -d /run/systemd/system ]; then
  %s; timedatectl show -p Timezone --value || exit 1
  %s; timedatectl show -p LocalRTC --value
else
  %s; if [ -f /etc/timezone ]; then cat /etc/timezone; else readlink /etc/localtime | sed 's|.*/zoneinfo/||'; fi
  %s; grep -qx LOCAL /etc/adjtime 2>/dev/null && echo yes || echo no
fi
`, section("systemd"), section("rtc"), section("files"), section("rtc"))
	if z.Name != "" {
		script += fmt.Sprintf("[ -f %s ] && %s\n", Quote("/usr/share/zoneinfo/"+z.Name), section("available"))
	}
	obs, err := observe(ctx, env.Host, "the time zone", script+"true\n")
	if err != nil {
		return nil, err
	}
	return z.plan(obs)
}

// plan compares the settings and emits the commands that change them.
func (z *Timezone) plan(obs Sections) (*Plan, error) {
	systemd := obs.Has("systemd")
	cur := obs.Line("systemd")
	if !systemd {
		cur = obs.Line("files")
	}
	before, after := map[string]any{}, map[string]any{}
	var cmds []string
	if z.Name != "" {
		if !obs.Has("available") {
			return nil, Failf("Error message:\ngiven timezone \"%s\" is not available", z.Name)
		}
		before["name"], after["name"] = cur, z.Name
		if cur != z.Name {
			if systemd {
				cmds = append(cmds, "timedatectl set-timezone "+Quote(z.Name))
			} else {
				cmds = append(cmds, fmt.Sprintf("printf '%%s\\n' %s > /etc/timezone", Quote(z.Name)),
					"ln -sfn "+Quote("/usr/share/zoneinfo/"+z.Name)+" /etc/localtime")
			}
		}
	}
	if z.Hwclock != "" {
		rtc := map[string]string{"yes": "local", "no": "UTC"}[obs.Line("rtc")]
		before["hwclock"], after["hwclock"] = rtc, z.Hwclock
		if rtc != z.Hwclock {
			local := map[string]string{"local": "1", "UTC": "0"}[z.Hwclock]
			if systemd {
				cmds = append(cmds, "timedatectl set-local-rtc "+local)
			} else {
				cmds = append(cmds, "hwclock --systohc "+map[string]string{"1": "--localtime", "0": "--utc"}[local])
			}
		}
	}
	p := &Plan{Diffs: []Diff{contentDiff("", "", jsonText(before), jsonText(after))}}
	if len(cmds) > 0 {
		p.Steps = []Step{{Script: strings.Join(cmds, " &&\n")}}
	}
	return p, nil
}
