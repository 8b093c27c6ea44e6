package modules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "ini_file", New: func() Module { return &IniFile{} }})
	RegisterAlias("community.general.ini_file", "ini_file")
}

// IniFile sets, adds or removes an option (or a whole section) of an INI
// file, as community.general.ini_file: the same edits, messages and diff.
type IniFile struct {
	FileAttrs
	// Path is the INI file.
	Path string `arg:"path,required" aliases:"dest"`
	// Section is the section to edit; none for the options before the first section.
	Section *string `arg:"section"`
	// Option is the option to set or remove; none with state=absent removes the section.
	Option *string `arg:"option"`
	// Value is the option's value.
	Value *string `arg:"value"`
	// Values are the option's values, one line each.
	Values []string `arg:"values"`
	// Backup keeps a copy of the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// State says whether the option (or section) should be there.
	State string `arg:"state" choices:"absent,present"`
	// Exclusive removes the option's other lines (present), or all its lines whatever their value (absent).
	Exclusive *bool `arg:"exclusive"`
	// NoExtraSpaces writes option=value instead of option = value.
	NoExtraSpaces bool `arg:"no_extra_spaces"`
	// AllowNoValue allows an option without a value.
	AllowNoValue bool `arg:"allow_no_value"`
	// Create creates a missing file.
	Create *bool `arg:"create"`
}

// Validate checks the argument combinations ini_file rejects.
func (a *IniFile) Validate() error {
	if a.Value != nil && a.Values != nil {
		return errors.New("parameters are mutually exclusive: value|values")
	}
	if a.State != "absent" && !a.AllowNoValue && a.Value == nil && len(a.Values) == 0 {
		return errors.New("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.")
	}
	return nil
}

// Plan implements Module.
func (a *IniFile) Plan(ctx context.Context, env *Env) (*Plan, error) {
	edit := &EditArgs{FileAttrs: a.FileAttrs, Path: a.Path, Backup: a.Backup}
	pr, st, err := edit.probeEdit(ctx, env)
	if err != nil {
		return nil, err
	}
	if !st.Exists && a.Create != nil && !*a.Create {
		return nil, &Failure{Msg: fmt.Sprintf("Destination %s does not exist!", a.Path), Result: map[string]any{"rc": 257}}
	}
	before := strings.TrimPrefix(string(st.Content), "\ufeff") // Python reads it as utf-8-sig
	after, changed, msg := a.edit(splitLines(before))
	if !changed {
		after = before
	}
	p, err := (&textEdit{args: edit, st: st, umask: pr.Umask, before: before, after: after,
		diffHeader: a.Path + " (content)", backupKey: "backup_file"}).plan()
	if err != nil {
		return nil, err
	}
	p.Msg = msg
	p.Result["path"] = a.Path
	return p, nil
}

// iniFakeSection is the section ini_file puts around the options before
// the first section (its own name, so that no real section matches it).
const iniFakeSection = "ad01e11446efb704fcdbdb21f2c43757423d91c5"

var iniCommentOrBlank = regexp.MustCompile(`^[ \t]*([#;].*)?$`)

// iniOption matches an option's line (commented out too, unless active),
// group 6 being its value: ini_file's match_opt and match_active_opt.
func iniOption(option string, active bool) *regexp.Regexp {
	comment := `[#;]?`
	if active {
		comment = ""
	}
	return regexp.MustCompile(`^` + comment + `( |\t)*(` + regexp.QuoteMeta(option) + `)( |\t)*(=|$)( |\t)*(.*)`)
}

// edit is ini_file's do_ini, line for line: it returns the new text,
// whether ini_file considers it changed, and its message.
func (a *IniFile) edit(lines []string) (string, bool, string) {
	var values []string
	switch {
	case a.Value != nil:
		values = []string{*a.Value}
	default:
		for _, v := range a.Values {
			if !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
	}
	option := ""
	if a.Option != nil {
		option = *a.Option
	}
	section := ""
	if a.Section != nil {
		section = *a.Section
	}
	exclusive := a.Exclusive == nil || *a.Exclusive
	assign := func(v string) string { return option + " = " + v + "\n" }
	if a.NoExtraSpaces {
		assign = func(v string) string { return option + "=" + v + "\n" }
	}
	changed := false
	if len(lines) == 0 {
		lines = []string{"\n"}
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "\n") {
		lines[len(lines)-1] += "\n"
		changed = true
	}
	lines = append(append([]string{"[" + iniFakeSection + "]"}, lines...), "[")
	if section == "" {
		section = iniFakeSection
	}
	within := false
	start, end := 0, 0
	for i, line := range lines {
		if strings.HasPrefix(line, "["+section+"]") {
			within, start = true, i
		} else if strings.HasPrefix(line, "[") && within {
			end = i
			break
		}
	}
	before, sec, after := lines[:start], slices.Clone(lines[start:end]), lines[end:]
	touched := make([]bool, len(sec))
	msg := "OK"
	update := func(i int, line string) {
		if sec[i] != line {
			changed, msg = true, "option changed"
		}
		sec[i], touched[i] = line, true
	}
	opt, active := iniOption(option, false), iniOption(option, true)
	value := func(line string) (string, bool) {
		m := opt.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			return "", false
		}
		return m[6], true
	}
	noValuePresent := false
	present := a.State != "absent"
	if present && option != "" {
		for i, line := range sec {
			v, ok := value(line)
			if !ok {
				continue
			}
			if len(values) > 0 && slices.Contains(values, v) {
				if v == "" && a.AllowNoValue {
					update(i, option+"\n")
					noValuePresent = true
				} else {
					update(i, assign(v))
				}
				values = slices.Delete(values, slices.Index(values, v), slices.Index(values, v)+1)
			} else if len(values) == 0 && a.AllowNoValue {
				update(i, option+"\n")
				noValuePresent = true
				break
			}
		}
	}
	if present && exclusive && !a.AllowNoValue {
		if len(values) > 0 {
			for i, line := range sec {
				if _, ok := value(line); ok && !touched[i] {
					update(i, assign(values[0]))
					values = values[1:]
					if len(values) == 0 {
						break
					}
				}
			}
		}
		for i := len(sec) - 1; i > 0; i-- {
			if _, ok := value(sec[i]); ok && !touched[i] {
				sec = slices.Delete(sec, i, i+1)
				touched = slices.Delete(touched, i, i+1)
				changed, msg = true, "option changed"
			}
		}
	}
	if present {
		for i := len(sec); i > 0; i-- {
			if iniCommentOrBlank.MatchString(strings.TrimSuffix(sec[i-1], "\n")) {
				continue
			}
			if option != "" && len(values) > 0 {
				var add []string
				for _, v := range values {
					add = append(add, assign(v))
				}
				sec = slices.Insert(sec, i, add...)
				changed, msg = true, "option added"
			} else if option != "" && a.AllowNoValue && !noValuePresent {
				sec = slices.Insert(sec, i, option+"\n")
				changed, msg = true, "option added"
			}
			break
		}
	}
	if !present {
		switch {
		case option != "" && exclusive:
			kept := slices.DeleteFunc(slices.Clone(sec), func(l string) bool { return active.MatchString(strings.TrimSuffix(l, "\n")) })
			if len(kept) != len(sec) {
				sec, changed, msg = kept, true, "option changed"
			}
		case option != "" && len(values) > 0:
			kept := slices.DeleteFunc(slices.Clone(sec), func(l string) bool {
				m := active.FindStringSubmatch(strings.TrimSuffix(l, "\n"))
				return m != nil && slices.Contains(values, m[6])
			})
			if len(kept) != len(sec) {
				sec, changed, msg = kept, true, "option changed"
			}
		case option == "" && len(sec) > 0:
			sec, changed, msg = nil, true, "section removed"
		}
	}
	out := append(append(append([]string{}, before...), sec...), after...)
	out = out[1 : len(out)-1]
	if !within && present {
		out = append(out, "["+section+"]\n")
		msg = "section and option added"
		switch {
		case option != "" && len(values) > 0:
			for _, v := range values {
				out = append(out, assign(v))
			}
		case option != "" && a.AllowNoValue:
			out = append(out, option+"\n")
		default:
			msg = "only section added"
		}
		changed = true
	}
	return strings.Join(out, ""), changed, msg
}
