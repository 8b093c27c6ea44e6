package modules

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func init() {
	Register(Info{Name: "alternatives", New: func() Module { return &Alternatives{} }})
	RegisterAlias("community.general.alternatives", "alternatives")
}

// Alternatives manages a Debian alternative (update-alternatives), like
// community.general.alternatives.
type Alternatives struct {
	// Name is the generic name (editor).
	Name string `arg:"name,required"`
	// Path is the alternative's target.
	Path string `arg:"path,required"`
	// Link is the generic link (/usr/bin/editor), needed to install.
	Link string `arg:"link"`
	// Priority is the alternative's priority (50 for a new one).
	Priority *int `arg:"priority"`
	// State: present installs, selected also selects it, auto installs and
	// returns the group to automatic mode, absent removes it.
	State string `arg:"state" choices:"present,selected,absent,auto"`
	// Subcommands are the followers (slaves): dicts of name, path and link.
	Subcommands []any `arg:"subcommands" aliases:"slaves"`

	subs []altSub
}

// altSub is one follower of an alternative.
type altSub struct{ Name, Path, Link string }

func (s altSub) dict() map[string]any {
	return map[string]any{"name": s.Name, "path": s.Path, "link": s.Link}
}

// Validate decodes the subcommands, which need name, path and link.
func (a *Alternatives) Validate() error {
	a.subs = nil
	for _, v := range a.Subcommands {
		m, err := ToMap(v)
		if err != nil {
			return fmt.Errorf("subcommands: %w", err)
		}
		var s altSub
		var missing []string
		for _, f := range []struct {
			key string
			dst *string
		}{{"name", &s.Name}, {"path", &s.Path}, {"link", &s.Link}} {
			str, _ := m[f.key].(string)
			if str == "" {
				missing = append(missing, f.key)
			}
			*f.dst = str
		}
		if len(missing) > 0 {
			return fmt.Errorf("missing required arguments: %s found in subcommands", strings.Join(missing, ", "))
		}
		a.subs = append(a.subs, s)
	}
	return nil
}

// Plan implements Module: one probe prints update-alternatives --display
// and whether the path exists.
func (a *Alternatives) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := requireTools("update-alternatives") + section("display") + "\nupdate-alternatives --display " + Quote(a.Name) + " 2>/dev/null\n" +
		section("exists") + "\nif [ -e " + Quote(a.Path) + " ]; then echo yes; fi\n"
	obs, err := observe(ctx, env.Host, "alternatives "+a.Name, script)
	if err != nil {
		return nil, err
	}
	return a.plan(obs)
}

var (
	altMode      = regexp.MustCompile(`(?m)\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$`)
	altCurrent   = regexp.MustCompile(`(?m)^\s*link currently points to (.*)$`)
	altLink      = regexp.MustCompile(`(?m)^\s*link \w+ is (.*)$`)
	altSubLink   = regexp.MustCompile(`(?m)^\s*(?:slave|follower) (\S+) is (.*)$`)
	altEntry     = regexp.MustCompile(`(?m)^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+(?:slave|follower).*)*)`)
	altEntrySubs = regexp.MustCompile(`(?m)^\s+(?:slave|follower) (.*): (.*)$`)
)

// altState is what --display says: the mode, the selected path, the link
// and each alternative's priority and followers.
type altState struct {
	mode, current, link string
	entries             map[string]altEntryState
}

type altEntryState struct {
	priority int
	subs     []altSub
}

func (a *Alternatives) parse(display string) altState {
	st := altState{entries: map[string]altEntryState{}}
	m := altMode.FindStringSubmatch(display)
	if m == nil {
		return st
	}
	st.mode = m[1]
	if m := altCurrent.FindStringSubmatch(display); m != nil {
		st.current = m[1]
	}
	if m := altLink.FindStringSubmatch(display); m != nil {
		st.link = m[1]
	}
	links := map[string]string{}
	for _, m := range altSubLink.FindAllStringSubmatch(display, -1) {
		links[m[1]] = m[2]
	}
	if len(links) == 0 {
		for _, s := range a.subs {
			links[s.Name] = s.Link
		}
	}
	for _, m := range altEntry.FindAllStringSubmatch(display, -1) {
		prio, _ := strconv.Atoi(m[2])
		e := altEntryState{priority: prio}
		for _, s := range altEntrySubs.FindAllStringSubmatch(m[3], -1) {
			if s[2] != "(null)" {
				e.subs = append(e.subs, altSub{Name: s[1], Path: s[2], Link: links[s[1]]})
			}
		}
		st.entries[m[1]] = e
	}
	return st
}

// plan follows Ansible's run: install, then set or auto; or remove.
func (a *Alternatives) plan(obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	st := a.parse(obs["display"])
	state := stringOr(a.State, "selected")
	entry, present := st.entries[a.Path]
	before, after := a.before(st), map[string]any{}
	var msgs, cmds []string
	ua := "update-alternatives "
	if state != "absent" {
		if !present || (a.Priority != nil && entry.priority != *a.Priority) || (a.Subcommands != nil && !sameSubs(entry.subs, a.subs)) {
			if obs.Line("exists") != "yes" {
				return nil, Failf("Specified path %s does not exist", a.Path)
			}
			link := stringOr(a.Link, st.link)
			if link == "" {
				return nil, Failf("Needed to install the alternative, but unable to do so as we are missing the link")
			}
			prio := 50
			if a.Priority != nil {
				prio = *a.Priority
			} else if present {
				prio = entry.priority
			}
			subs := a.subs
			if a.Subcommands == nil {
				subs = entry.subs
			}
			cmd := ua + "--install " + quoteWords([]string{link, a.Name, a.Path, strconv.Itoa(prio)})
			if a.Subcommands != nil {
				for _, s := range subs {
					cmd += " --slave " + quoteWords([]string{s.Link, s.Name, s.Path})
				}
			}
			cmds = append(cmds, cmd)
			msgs = append(msgs, fmt.Sprintf("Install alternative '%s' for '%s'.", a.Path, a.Name))
			after = map[string]any{"state": "present", "path": a.Path, "priority": prio, "link": link}
			if len(subs) > 0 {
				var list []any
				for _, s := range subs {
					list = append(list, s.dict())
				}
				after["subcommands"] = list
			}
		}
		if state == "selected" && st.current != a.Path {
			cmds = append(cmds, ua+"--set "+quoteWords([]string{a.Name, a.Path}))
			msgs = append(msgs, fmt.Sprintf("Set alternative '%s' for '%s'.", a.Path, a.Name))
			after["state"] = "selected"
		}
		if state == "auto" && st.mode == "manual" {
			cmds = append(cmds, ua+"--auto "+Quote(a.Name))
			msgs = append(msgs, fmt.Sprintf("Set alternative to auto for '%s'.", a.Name))
			after["state"] = "present"
		}
	} else if present {
		cmds = append(cmds, ua+"--remove "+quoteWords([]string{a.Name, a.Path}))
		msgs = append(msgs, fmt.Sprintf("Remove alternative '%s' from '%s'.", a.Path, a.Name))
		after = map[string]any{"state": "absent"}
	}
	p := &Plan{Msg: strings.Join(msgs, " ")}
	if len(cmds) > 0 {
		p.Steps = []Step{{Script: "PATH=$PATH:/usr/sbin:/sbin\nexport LC_ALL=C\nset -e\n" + strings.Join(cmds, "\n") + "\n"}}
		p.Diffs = []Diff{stateDiff(before, after)}
	}
	return p, nil
}

// before is Ansible's diff before: the alternative as installed.
func (a *Alternatives) before(st altState) map[string]any {
	e, ok := st.entries[a.Path]
	if st.mode == "" {
		return map[string]any{}
	}
	if !ok {
		return map[string]any{"state": "absent"}
	}
	b := map[string]any{"state": "present", "path": a.Path, "priority": e.priority, "link": st.link}
	if len(e.subs) > 0 {
		var list []any
		for _, s := range e.subs {
			list = append(list, s.dict())
		}
		b["subcommands"] = list
	}
	if st.mode == "manual" && st.current != a.Path {
		b["state"] = "selected"
	}
	return b
}

// sameSubs compares followers as Ansible does: each list holds the other's.
func sameSubs(have, want []altSub) bool {
	for _, s := range have {
		if !slices.Contains(want, s) {
			return false
		}
	}
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// interface guards
var _ Module = (*Alternatives)(nil)
