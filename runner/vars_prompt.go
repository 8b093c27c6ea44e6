package runner

import (
	"fmt"
	"maps"

	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// Prompter reads one answer from the user (private: without echo). It is
// nil when no terminal is attached.
type Prompter func(prompt string, private bool) (string, error)

// varsPrompt is one entry of a play's vars_prompt.
type varsPrompt struct {
	Name    string `arg:"name,required"`
	Prompt  string `arg:"prompt"`
	Default any    `arg:"default"`
	Private *bool  `arg:"private"`
	Confirm bool   `arg:"confirm"`
	Encrypt string `arg:"encrypt"`
	// Accepted as Ansible's; they only matter with encrypt or unsafe text.
	SaltSize int    `arg:"salt_size"`
	Salt     string `arg:"salt"`
	Unsafe   bool   `arg:"unsafe"`
}

// promptVars asks the play's vars_prompt questions once, before the play's
// banner. Their fields may use the play's vars and extra vars. An extra var
// of the same name answers the question. Without a terminal the default is
// used, with Ansible's warning; with no default either, the play fails
// (Ansible would go on with an empty value and fail later, or not at all).
func (r *Runner) promptVars(play *playbooks.Play) (map[string]any, error) {
	if play.VarsPrompt == nil {
		return nil, nil
	}
	vars := maps.Clone(play.Vars)
	if vars == nil {
		vars = map[string]any{}
	}
	maps.Copy(vars, r.opts.ExtraVars)
	rendered, err := jinja.RenderValue(play.VarsPrompt, vars)
	if err != nil {
		return nil, fmt.Errorf("vars_prompt: %w", err)
	}
	list, ok := rendered.([]any)
	if !ok {
		return nil, fmt.Errorf("vars_prompt must be a list of {name, prompt, default, private, confirm}, got %v", play.VarsPrompt)
	}
	out := map[string]any{}
	for _, entry := range list {
		m, ok := entry.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("vars_prompt entries must be mappings with a name, got %v", entry)
		}
		var p varsPrompt
		if err := modules.Decode(m, &p, false); err != nil {
			return nil, fmt.Errorf("vars_prompt: %w", err)
		}
		if _, given := r.opts.ExtraVars[p.Name]; given {
			continue
		}
		if p.Encrypt != "" {
			return nil, fmt.Errorf("vars_prompt %s: encrypt is not supported; prompt for the plain value and hash it in a task with the password_hash('%s') filter", p.Name, p.Encrypt)
		}
		value, err := r.ask(p)
		if err != nil {
			return nil, err
		}
		out[p.Name] = value
	}
	return out, nil
}

// ask asks one question (twice with confirm) and falls back on the default.
func (r *Runner) ask(p varsPrompt) (any, error) {
	if r.opts.Prompt == nil {
		r.warnOnce("Not prompting as we are not in interactive mode")
		if p.Default == nil {
			return nil, fmt.Errorf("vars_prompt %s needs an answer but no terminal is attached: pass it with -e %s=VALUE or give the prompt a default", p.Name, p.Name)
		}
		return p.Default, nil
	}
	text := p.Prompt
	if text == "" {
		text = p.Name
	}
	if p.Default != nil {
		text += fmt.Sprintf(" [%v]", p.Default)
	}
	private := p.Private == nil || *p.Private
	for {
		answer, err := r.opts.Prompt(text+": ", private)
		if err != nil {
			return nil, fmt.Errorf("vars_prompt %s: %w", p.Name, err)
		}
		if p.Confirm {
			again, err := r.opts.Prompt("confirm "+text+": ", private)
			if err != nil {
				return nil, fmt.Errorf("vars_prompt %s: %w", p.Name, err)
			}
			if again != answer {
				r.out.line(colorError, "***** VALUES ENTERED DO NOT MATCH ****")
				continue
			}
		}
		if answer == "" && p.Default != nil {
			return p.Default, nil
		}
		return answer, nil
	}
}
