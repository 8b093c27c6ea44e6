package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"play/jinja"
	"play/playbooks"
)

// loopItems evaluates the task's loop into its items.
func (ex *execution) loopItems(vars map[string]any) ([]any, error) {
	v, err := jinja.RenderValue(ex.t.Loop, vars)
	if err != nil {
		return nil, err
	}
	switch ex.t.LoopKind {
	case "with_dict":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("with_dict expects a dict")
		}
		return dictItems(m), nil
	case "with_items":
		list, ok := v.([]any)
		if !ok {
			return []any{v}, nil
		}
		var items []any
		for _, e := range list {
			if sub, ok := e.([]any); ok {
				items = append(items, sub...)
			} else {
				items = append(items, e)
			}
		}
		return items, nil
	}
	if name, ok := strings.CutPrefix(ex.t.LoopKind, "with_"); ok && name != "list" {
		return ex.withLookupItems(name, v, vars)
	}
	switch x := v.(type) {
	case []any:
		return x, nil
	case nil:
		return nil, nil
	case string:
		if ex.t.LoopKind == "with_list" || ex.t.LoopKind == "with_items" {
			return []any{x}, nil
		}
	}
	return nil, fmt.Errorf("Invalid data passed to 'loop', it requires a list, got this instead: %v. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", v)
}

// runLoop runs the task once per item, printing each item's result, and
// returns the task's combined result.
func (ex *execution) runLoop(ctx context.Context, vars map[string]any, ignoreErrors bool) *taskResult {
	res := &taskResult{host: ex.h.name()}
	items, err := ex.loopItems(vars)
	var u *jinja.UndefinedError
	if errors.As(err, &u) {
		// Ansible says only what is undefined here, without the task's place.
		res.failed, res.ignored = true, ignoreErrors
		res.result = map[string]any{"failed": true, "msg": u.Twice()}
		ex.r.out.hostResult(res)
		return res
	}
	if err != nil {
		res = ex.fail(res, err)
		res.ignored = ignoreErrors
		ex.r.out.hostResult(res)
		return res
	}
	if len(items) == 0 {
		res.skipped = true
		res.result = map[string]any{"changed": false, "skipped": true, "skipped_reason": "No items in the list", "results": []any{}}
		ex.r.out.hostResult(res)
		return res
	}
	lc := ex.t.LoopControl
	loopVar, indexVar, label := "item", "", ""
	if lc != nil {
		loopVar = firstNonEmpty(lc.LoopVar, "item")
		indexVar, label = lc.IndexVar, lc.Label
	}
	var results []any
	allSkipped := true
	for i, item := range items {
		iv := maps.Clone(vars)
		iv[loopVar] = item
		iv["ansible_loop_var"] = loopVar
		if indexVar != "" {
			iv[indexVar] = i
			iv["ansible_index_var"] = indexVar
		}
		if lc != nil && lc.Extended {
			iv["ansible_loop"] = map[string]any{"index": i + 1, "index0": i, "first": i == 0, "last": i == len(items)-1, "length": len(items), "revindex": len(items) - i, "revindex0": len(items) - i - 1}
		}
		ex.r.bindLookups(iv, ex.pc, ex.t) // lookups see the item
		r := ex.runOnce(ctx, iv, true)
		r.isItem = true
		r.itemLabel = jinja.PyStr(item)
		if label != "" {
			if l, err := jinja.RenderString(label, iv); err == nil {
				r.itemLabel = l
			}
		}
		if r.noLog {
			r.itemLabel = "None" // Ansible hides the item of a no_log loop
		}
		if r.result == nil {
			r.result = map[string]any{}
		}
		r.result[loopVar] = item
		r.result["ansible_loop_var"] = loopVar
		if indexVar != "" {
			r.result[indexVar] = i
			r.result["ansible_index_var"] = indexVar
		}
		ex.r.out.hostResult(r)
		if _, ok := r.result["ansible_facts"]; ok {
			vars = ex.r.taskVars(ex.pc, ex.sc, ex.t, ex.h) // the next items see the facts (set_fact accumulating a list)
		}
		item := publicResult(r.result)
		if !r.skipped {
			item["failed"] = r.failed // Ansible registers it, though the item's line does not show it
		}
		orderResult(moduleOrders(actionName(ex.t)), item, loopVar, "ansible_loop_var", indexVar, "ansible_index_var")
		results = append(results, item)
		res.changed = res.changed || r.changed
		res.noLog = res.noLog || r.noLog
		res.failed = res.failed || r.failed
		res.unreachable = res.unreachable || r.unreachable
		allSkipped = allSkipped && r.skipped
	}
	res.skipped = allSkipped
	res.result = map[string]any{"changed": res.changed, "results": results, "skipped": false, "msg": "All items completed"}
	if res.failed {
		res.result["msg"] = "One or more items failed"
	}
	if allSkipped {
		res.result = map[string]any{"changed": false, "results": results, "skipped": true, "msg": "All items skipped"}
		ex.r.out.hostResult(res) // ansible-playbook ends such a loop with the task's own "skipping:" line
	} else if res.noLog {
		ex.r.out.hostResult(res) // and a no_log loop too: its censored result has no items to show
	}
	if res.unreachable {
		res.failed = false
	}
	if res.failed && ignoreErrors {
		res.ignored = true
		ex.r.out.line(colorSkip, "...ignoring")
	}
	return res
}

// effectiveTags are the task's tags plus those of its blocks.
func effectiveTags(pc *playCtx, sc *scope, t *playbooks.Task) []string {
	tags := append(append([]string(nil), t.Tags...), pc.play.Tags...)
	if sc != nil {
		for _, b := range sc.chain() {
			tags = append(tags, b.Tags...)
		}
	}
	return tags
}

// tagsSelected applies -t/--skip-tags with Ansible's special tags
// (always, never, tagged, untagged, all).
func (r *Runner) tagsSelected(tags []string) bool {
	has := func(list []string, s string) bool { return containsString(list, s) }
	for _, s := range r.opts.SkipTags {
		if has(tags, s) || (s == "tagged" && len(tags) > 0) || (s == "untagged" && len(tags) == 0) || s == "all" && !has(tags, "always") {
			return false
		}
	}
	if has(tags, "always") {
		return true
	}
	only := r.opts.Tags
	if len(only) == 0 || has(only, "all") {
		return !has(tags, "never")
	}
	for _, s := range only {
		if has(tags, s) || (s == "tagged" && len(tags) > 0) || (s == "untagged" && len(tags) == 0) {
			return true
		}
	}
	return false
}
