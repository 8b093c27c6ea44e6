package runner

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"play/diag"
	"play/jinja"
	"play/modules"
	"play/playbooks"
)

// lookupCtx is what a lookup sees: the task's variables and where to find
// controller files.
type lookupCtx struct {
	vars map[string]any
	ctl  *controller
	// inventoryHosts expands a host pattern (inventory_hostnames).
	inventoryHosts func(pattern string) ([]string, error)
}

// lookupPlugin turns terms into a list of results (Ansible's LookupBase.run).
type lookupPlugin func(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error)

// lookupPlugins are the lookups lookup()/query() and with_<name> can use.
var lookupPlugins = map[string]lookupPlugin{}

// bindLookups puts lookup, query and q, bound to this task and host, into vars.
func (r *Runner) bindLookups(vars map[string]any, pc *playCtx, t *playbooks.Task) {
	if t == nil {
		t = &playbooks.Task{}
	}
	lc := (&execution{r: r, pc: pc, t: t}).lookupCtx(vars)
	query := jinja.Callable(func(args []any, kw map[string]any) (any, error) { return lc.call(args, kw, true) })
	globals := map[string]any{
		"lookup": jinja.Callable(func(args []any, kw map[string]any) (any, error) { return lc.call(args, kw, false) }),
		"query":  query,
		"q":      query,
	}
	// They are Jinja globals in Ansible: a variable of the same name (register:
	// q) wins. One bound before (a loop rebinds for its item) is replaced.
	for name, fn := range globals {
		if v, set := vars[name]; !set || isCallable(v) {
			vars[name] = fn
		}
	}
}

func (ex *execution) lookupCtx(vars map[string]any) *lookupCtx {
	return &lookupCtx{vars: vars, ctl: &controller{ex: ex, vars: vars}, inventoryHosts: func(pattern string) ([]string, error) {
		ex.r.invMu.RLock()
		hosts, err := ex.r.opts.Inventory.Select(pattern)
		ex.r.invMu.RUnlock()
		names := make([]string, len(hosts))
		for i, h := range hosts {
			names[i] = h.Name
		}
		return names, err
	}}
}

// call is lookup(name, terms..., wantlist=, errors=, **kw): a list for
// query or wantlist; otherwise strings joined with "," as Ansible does.
func (lc *lookupCtx) call(args []any, kw map[string]any, wantlist bool) (any, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("lookup needs the name of a lookup plugin: lookup('file', 'path')")
	}
	name, _ := args[0].(string)
	name = strings.TrimPrefix(strings.TrimPrefix(name, "ansible.builtin."), "ansible.legacy.")
	if w, ok := kw["wantlist"]; ok {
		wantlist, _ = modules.ToBool(w)
	}
	errorsMode := "strict"
	if e, ok := kw["errors"]; ok {
		errorsMode, _ = modules.ToString(e)
	}
	rest := map[string]any{}
	for k, v := range kw {
		if k != "wantlist" && k != "errors" {
			rest[k] = v
		}
	}
	ran, err := lc.run(name, args[1:], rest)
	if err != nil {
		switch errorsMode {
		case "warn", "ignore":
			if wantlist {
				return []any{}, nil
			}
			return "", nil
		case "strict":
			return nil, err
		default:
			return nil, fmt.Errorf("bad value for 'errors' in lookup: %q, expected one of strict, warn, ignore", errorsMode)
		}
	}
	if wantlist {
		return ran, nil
	}
	strs := make([]string, len(ran))
	for i, v := range ran {
		s, ok := v.(string)
		if !ok {
			if len(ran) == 1 {
				return ran[0], nil
			}
			return ran, nil
		}
		strs[i] = s
	}
	return strings.Join(strs, ","), nil
}

// run runs one lookup plugin by name.
func (lc *lookupCtx) run(name string, terms []any, kw map[string]any) ([]any, error) {
	plugin, ok := lookupPlugins[name]
	if !ok {
		msg := fmt.Sprintf("lookup plugin (%s) not found", name)
		if sug := diag.Suggest(name, slices.Sorted(maps.Keys(lookupPlugins))); sug != "" {
			msg += "; did you mean '" + sug + "'?"
		}
		return nil, fmt.Errorf("%s", msg)
	}
	out, err := plugin(lc, terms, kw)
	if err != nil {
		return nil, fmt.Errorf("%s%s'. Error was a <class 'ansible.errors.AnsibleError'>, original message: %w. %w", lookupFailed, name, err, err)
	}
	return out, nil
}

// withLookupItems runs the lookup a with_<name> loop names on its rendered
// value, as Ansible does (terms are the value, a scalar becoming one term).
func (ex *execution) withLookupItems(name string, value any, vars map[string]any) ([]any, error) {
	terms, ok := value.([]any)
	if !ok {
		terms = []any{value}
	}
	return ex.lookupCtx(vars).run(name, terms, map[string]any{})
}

// lookupFailed starts a lookup's error, to find it again inside the
// template engine's error text.
const lookupFailed = "An unhandled exception occurred while running the lookup plugin '"

// lookupFailure is the lookup error inside a templating error, as Ansible
// reports it (without the template around it).
func lookupFailure(err error) (string, bool) {
	text := err.Error()
	start := strings.Index(text, lookupFailed)
	if start < 0 {
		return "", false
	}
	msg := text[start:]
	if end := strings.LastIndex(msg, ". String: "); end >= 0 {
		msg = msg[:end]
	}
	return msg, true
}

// isCallable tells a function bound here from a variable: variables are
// never functions.
func isCallable(v any) bool {
	return v != nil && reflect.TypeOf(v).Kind() == reflect.Func
}
