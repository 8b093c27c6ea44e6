package runner

import (
	"maps"
	"strings"

	"play/playbooks"
)

// Version is play's version, shown by --version.
var Version = "0.1.0"

// ansibleVersion is the ansible-core release whose language play speaks, as ansible_version:
// roles pick their tasks by comparing it with releases (geerlingguy.docker's
// "ansible_version.full is version_compare('2.12', '>=')"), so it is never play's own version.
const ansibleVersion = "2.14.0"

// scope is what a task inherits from its play and enclosing blocks
// (variables, conditions and keywords), innermost first.
type scope struct {
	parent *scope
	block  *playbooks.Task // nil for the play level
	// hosts, when set, are the only hosts that run the block (an include's).
	hosts []*hostState
	// params are an include's parameters, above role params in precedence.
	params map[string]any
	// handling is set in a block's rescue and always sections: a failure
	// there is not rescued by that block.
	handling bool
}

func (s *scope) push(block *playbooks.Task) *scope { return &scope{parent: s, block: block} }

// rescuable says whether a failure here goes to a rescue section: a block
// around it has one, and the failure is in that block's tasks.
func (s *scope) rescuable() bool {
	for c := s; c != nil; c = c.parent {
		if c.block != nil && !c.handling && len(c.block.Rescue) > 0 {
			return true
		}
	}
	return false
}

// chain lists the enclosing blocks from the outermost to the innermost.
func (s *scope) chain() []*playbooks.Task {
	var out []*playbooks.Task
	for c := s; c != nil; c = c.parent {
		if c.block != nil {
			out = append([]*playbooks.Task{c.block}, out...)
		}
	}
	return out
}

// addIncludeParams adds the parameters of the enclosing includes, the
// innermost winning.
func (s *scope) addIncludeParams(v map[string]any) {
	if s == nil {
		return
	}
	s.parent.addIncludeParams(v)
	maps.Copy(v, s.params)
}

// keyword returns the innermost value a task or its blocks set for a keyword
// (Ansible's inheritance: task > block > ... > play).
func (s *scope) keyword(t *playbooks.Task, get func(*playbooks.Task) any) any {
	if v := get(t); v != nil {
		return v
	}
	for c := s; c != nil; c = c.parent {
		if c.block != nil {
			if v := get(c.block); v != nil {
				return v
			}
		}
	}
	return nil
}

// taskVars merges the variables a task sees on a host, lowest precedence
// first: inventory, facts, play vars, vars_files, block and task vars,
// set_fact/register, extra vars, then the magic variables.
func (r *Runner) taskVars(pc *playCtx, sc *scope, t *playbooks.Task, h *hostState) map[string]any {
	r.invMu.RLock()
	v := h.inv.Vars()
	r.invMu.RUnlock()
	pc.addRoleDefaults(v, t)
	h.mu.Lock()
	injectFacts(v, h.facts, h.plainFacts)
	h.mu.Unlock()
	maps.Copy(v, pc.play.Vars)
	maps.Copy(v, pc.promptVars)
	for _, vf := range pc.varsFiles {
		maps.Copy(v, vf)
	}
	pc.addRoleVars(v, t)
	if sc != nil {
		for _, b := range sc.chain() {
			maps.Copy(v, b.Vars)
		}
	}
	if t != nil {
		maps.Copy(v, t.Vars)
	}
	h.mu.Lock()
	maps.Copy(v, h.includeVars)
	maps.Copy(v, h.setFacts)
	if h.rescuing {
		maps.Copy(v, h.lastFailure)
	}
	h.mu.Unlock()
	addRoleParams(v, t)
	sc.addIncludeParams(v)
	maps.Copy(v, r.opts.ExtraVars)
	r.magicVars(v, pc, h)
	r.applyConnectionKeywords(v, connectionKeywords(pc, sc, t))
	r.bindLookups(v, pc, t)
	return v
}

// magicVars sets the variables Ansible itself provides.
func (r *Runner) magicVars(v map[string]any, pc *playCtx, h *hostState) {
	v["inventory_hostname"] = h.name()
	v["inventory_hostname_short"], _, _ = strings.Cut(h.name(), ".")
	r.invMu.RLock()
	v["group_names"] = groupNames(h.inv)
	v["groups"] = pc.groups
	v["ansible_play_hosts_all"] = pc.allHostNames
	r.invMu.RUnlock()
	v["hostvars"] = pc.hostvars()
	// Building a list walks the play's hosts, for every host and task: once each.
	batch := pc.hostNames()
	v["ansible_play_batch"] = batch
	v["play_hosts"] = batch // Ansible's deprecated name for the batch
	v["ansible_play_hosts"] = pc.playHostNames(batch)
	v["ansible_play_name"] = pc.play.Name
	r.runMagicVars(v, pc)
	if _, set := v["ansible_managed"]; !set {
		// Ansible's default DEFAULT_MANAGED_STR, for templates' headers.
		v["ansible_managed"] = "Ansible managed"
	}
}

// runMagicVars sets the magic variables that are the same for every host
// and play of the playbook; hostvars show them too.
func (r *Runner) runMagicVars(v map[string]any, pc *playCtx) {
	v["playbook_dir"] = pc.pb.Dir
	v["ansible_check_mode"] = r.opts.Check
	v["ansible_diff_mode"] = r.opts.Diff
	v["ansible_verbosity"] = r.opts.Verbosity
	v["ansible_forks"] = r.opts.Forks
	v["ansible_run_tags"] = stringsToAny(orAll(r.opts.Tags))
	v["ansible_skip_tags"] = stringsToAny(r.opts.SkipTags)
	v["ansible_version"] = map[string]any{"full": ansibleVersion, "string": ansibleVersion, "major": 2, "minor": 14, "revision": 0}
	v["omit"] = omitToken
}

// omitToken is the value of `omit`: an argument rendered to it is dropped.
const omitToken = "__omit_place_holder__play__"

func orAll(tags []string) []string {
	if len(tags) == 0 {
		return []string{"all"}
	}
	return tags
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
