package modules

import (
	"context"
	"errors"
	"strings"
)

func init() {
	Register(Info{Name: "debconf", New: func() Module { return &Debconf{} }})
}

// Debconf sets a package's debconf answer (debconf-set-selections) when
// debconf-show says it differs, as Ansible's debconf.
type Debconf struct {
	// Name is the package the question belongs to.
	Name string `arg:"name,required" aliases:"pkg"`
	// Question is the debconf question to answer.
	Question *string `arg:"question" aliases:"selection,setting"`
	// Vtype is the answer's type.
	Vtype string `arg:"vtype" choices:"boolean,error,multiselect,note,password,seen,select,string,text,title"`
	// Value is the answer.
	Value *string `arg:"value" aliases:"answer"`
	// Unseen leaves the question marked as not seen (debconf-set-selections -u).
	Unseen bool `arg:"unseen"`
}

// Validate requires question, vtype and value together.
func (d *Debconf) Validate() error {
	if (d.Question != nil || d.Vtype != "" || d.Value != nil) && (d.Question == nil || d.Vtype == "" || d.Value == nil) {
		return errors.New("parameters are required together: question, vtype, value")
	}
	return nil
}

// Plan reads the package's answers with debconf-show and sets the one
// asked for when it differs.
func (d *Debconf) Plan(ctx context.Context, env *Env) (*Plan, error) {
	res, err := env.Host.Run(ctx, "export LC_ALL=C\ncommand -v debconf-show >/dev/null || { echo 'Failed to find required executable \"debconf-show\" in paths: '\"$PATH\" >&2; exit 1; }\ndebconf-show "+Quote(d.Name), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(res.Stderr)), Result: map[string]any{"rc": res.RC}}
	}
	return d.plan(parseDebconfShow(string(res.Stdout))), nil
}

// plan compares the answers debconf-show printed with the one wanted.
func (d *Debconf) plan(prev map[string]any) *Plan {
	if d.Question == nil {
		return &Plan{Result: map[string]any{"msg": "", "current": prev}}
	}
	q, value := *d.Question, *d.Value
	existing, ok := prev[q].(string)
	if d.Vtype == "boolean" {
		value, existing = strings.ToLower(value), strings.ToLower(existing)
	}
	if ok && value == existing {
		return &Plan{Result: map[string]any{"msg": "", "current": prev}}
	}
	// Ansible's previous is the old answer, or every answer when the
	// question was not there (with "" for it).
	previous := map[string]any{q: prev[q]}
	if !ok {
		previous = prev
		previous[q] = ""
	}
	after := map[string]any{}
	for k, v := range previous {
		after[k] = v
	}
	after[q] = value
	cmd := "debconf-set-selections"
	if d.Unseen {
		cmd += " -u"
	}
	return &Plan{
		Steps:  []Step{{Script: cmd, Stdin: []byte(strings.Join([]string{d.Name, q, d.Vtype, value}, " "))}},
		Diffs:  []Diff{stateDiff(previous, after)},
		Result: map[string]any{"msg": "", "current": map[string]any{q: value}, "previous": previous},
	}
}

// parseDebconfShow reads "* question: value" lines (the star marks a
// question already seen).
func parseDebconfShow(out string) map[string]any {
	answers := map[string]any{}
	for _, line := range strings.Split(out, "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		answers[strings.TrimSpace(strings.Trim(strings.TrimSpace(key), "*"))] = strings.TrimSpace(value)
	}
	return answers
}
