package modules

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func init() {
	Register(Info{Name: "pam_limits", New: func() Module { return &PamLimits{} }})
	RegisterAlias("community.general.pam_limits", "pam_limits")
}

// PamLimits keeps one limit in limits.conf, like community.general.pam_limits.
type PamLimits struct {
	// Domain is the user, @group, wildcard or uid range the limit is for.
	Domain string `arg:"domain,required"`
	// LimitType is soft, hard or - (both).
	LimitType string `arg:"limit_type,required" choices:"soft,hard,-"`
	// LimitItem is the limited resource.
	LimitItem string `arg:"limit_item,required" choices:"core,data,fsize,memlock,nofile,rss,stack,cpu,nproc,as,maxlogins,maxsyslogins,priority,locks,sigpending,msgqueue,nice,rtprio,chroot"`
	// Value is the limit.
	Value string `arg:"value,required"`
	// UseMax keeps the larger of Value and the current value.
	UseMax bool `arg:"use_max"`
	// UseMin keeps the smaller of Value and the current value.
	UseMin bool `arg:"use_min"`
	// Backup keeps a copy of the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// Dest is the limits file (/etc/security/limits.conf).
	Dest string `arg:"dest"`
	// Comment goes after the limit.
	Comment string `arg:"comment"`
}

func (l *PamLimits) dest() string { return stringOr(l.Dest, "/etc/security/limits.conf") }

// Plan implements Module: one probe reads the file (or says whether its
// directory is there).
func (l *PamLimits) Plan(ctx context.Context, env *Env) (*Plan, error) {
	dest, dir := Quote(l.dest()), Quote(path.Dir(l.dest()))
	obs, err := observe(ctx, env.Host, "pam_limits "+l.dest(), "if [ -f "+dest+" ]; then "+section("file")+"; cat "+dest+
		"; elif [ -d "+dir+" ] && [ -w "+dir+" ]; then "+section("dir")+"; fi\n")
	if err != nil {
		return nil, err
	}
	return l.plan(obs)
}

var limitSpaces = regexp.MustCompile(`\s+`)

// plan rewrites the file's lines as Ansible's pam_limits does, comments
// carried over included.
func (l *PamLimits) plan(obs Sections) (*Plan, error) {
	if !obs.Has("file") && !obs.Has("dir") {
		return nil, Failf("directory %s is not writable (check presence, access rights, use sudo)", path.Dir(l.dest()))
	}
	if l.UseMax && l.UseMin {
		return nil, Failf("Cannot use use_min and use_max at the same time.")
	}
	if err := checkLimitValue(l.LimitItem, l.Value, ""); err != nil {
		return nil, err
	}
	before := obs["file"]
	changed := !obs.Has("file")
	comment, newValue, msg, found := l.Comment, l.Value, "", false
	var after strings.Builder
	limit := func() string {
		c := comment
		if c != "" {
			c = "\t#" + c
		}
		return l.Domain + "\t" + l.LimitType + "\t" + l.LimitItem + "\t" + newValue + c + "\n"
	}
	for _, line := range strings.SplitAfter(before, "\n") {
		fields := strings.TrimSpace(limitSpaces.ReplaceAllString(line, " "))
		if line == "" || strings.HasPrefix(line, "#") || fields == "" {
			after.WriteString(line)
			continue
		}
		fields, _, _ = strings.Cut(fields, "#")
		_, oldComment, _ := strings.Cut(line, "#")
		if comment == "" {
			comment = oldComment
		}
		f := strings.Split(strings.TrimRight(fields, " "), " ")
		if len(f) != 4 {
			after.WriteString(line)
			continue
		}
		if err := checkLimitValue(f[2], f[3], fmt.Sprintf("Invalid configuration found in '%s'.", l.dest())); err != nil {
			return nil, err
		}
		if f[0] != l.Domain || f[1] != l.LimitType || f[2] != l.LimitItem {
			after.WriteString(line)
			continue
		}
		found = true
		if l.Value != f[3] {
			newValue = l.bound(f[3])
		}
		if l.Value == f[3] || newValue == f[3] {
			msg = line
			after.WriteString(line)
			continue
		}
		changed = true
		msg = limit()
		after.WriteString(msg)
	}
	if !found {
		changed = true
		msg = limit()
		after.WriteString(msg)
	}
	p := &Plan{Msg: msg}
	if changed {
		p.Diffs = []Diff{contentDiff("", "", before, after.String())}
		p.Steps = []Step{fileWrite{Dest: l.dest(), Data: []byte(after.String()), Mode: 0o644, Backup: l.Backup}.step()}
		if l.Backup {
			p.Finish = finishBackup("backup_file")
		}
	}
	return p, nil
}

// bound is the value use_max or use_min keep against the current one.
func (l *PamLimits) bound(current string) string {
	unlimited := []string{"unlimited", "infinity", "-1"}
	curUnlimited, valUnlimited := slices.Contains(unlimited, current), slices.Contains(unlimited, l.Value)
	cur, _ := strconv.Atoi(current)
	val, _ := strconv.Atoi(l.Value)
	switch {
	case l.UseMax && curUnlimited:
		return current
	case l.UseMax && valUnlimited:
		return l.Value
	case l.UseMax:
		return strconv.Itoa(max(cur, val))
	case l.UseMin && curUnlimited:
		return l.Value
	case l.UseMin && valUnlimited:
		return current
	case l.UseMin:
		return strconv.Itoa(min(cur, val))
	}
	return l.Value
}

// checkLimitValue is Ansible's check of a limit's value.
func checkLimitValue(item, value, prefix string) error {
	if item == "nice" || item == "priority" {
		if n, err := strconv.Atoi(value); err != nil || n < -20 || n > 19 {
			return Failf("%s Value of %s for item %s is invalid. Value must be a number in the range -20 to 19 inclusive. "+
				"Refer to the limits.conf(5) manual pages for more details.", prefix, pyRepr(value), pyRepr(item))
		}
		return nil
	}
	if !slices.Contains([]string{"unlimited", "infinity", "-1"}, value) && strings.Trim(value, "0123456789") != "" || value == "" {
		return Failf("%s Value of %s for item %s is invalid. Value must either be 'unlimited', 'infinity' or -1, all of "+
			"which indicate no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for "+
			"more details.", prefix, pyRepr(value), pyRepr(item))
	}
	return nil
}

// pyRepr is Python's repr of a plain string.
func pyRepr(s string) string { return "'" + s + "'" }

// interface guards
var _ Module = (*PamLimits)(nil)
