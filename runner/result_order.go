package runner

import (
	"slices"
	"strings"

	"play/internal/keyorder"
)

// A registered result's keys come in the order ansible-playbook 2.14 returns
// them, where a user sees it ({{ r | to_json }}, {% for k in r %}, r | list):
// the module's own order, then the keys the executor adds (failed, changed),
// then a loop item's variables. A key play returns that is not listed comes
// where the order says "*", sorted among the others not listed.

// resultOrder is one shape of a module's result; the first of a module's
// orders whose when accepts the result applies.
type resultOrder struct {
	when func(r map[string]any) bool // nil: every result
	keys []string
}

func failedResult(r map[string]any) bool  { f, _ := r["failed"].(bool); return f }
func changedResult(r map[string]any) bool { c, _ := r["changed"].(bool); return c }
func skippedResult(r map[string]any) bool { s, _ := r["skipped"].(bool); return s }

// keys splits an order written as words.
func keys(s string) []string { return strings.Fields(s) }

// commonOrders are the shapes any task's result can take, whatever its module.
var commonOrders = []resultOrder{
	{when: skippedResult, keys: keys("changed skipped skip_reason *")},
}

var commandOrders = []resultOrder{
	{when: failedResult, keys: keys("changed stdout stderr rc cmd start end delta failed msg stdout_lines stderr_lines *")},
	{keys: keys("changed stdout stderr rc cmd start end delta msg stdout_lines stderr_lines * failed")},
}

// actionOrder is an action's that returns no changed of its own (debug,
// set_fact): the executor adds failed, then changed.
var actionOrder = []resultOrder{{keys: keys("* failed changed")}}

// resultOrders are the modules' orders, as ansible-playbook 2.14 printed them.
var resultOrders = map[string][]resultOrder{
	"command":  commandOrders,
	"shell":    commandOrders,
	"stat":     {{keys: keys("changed stat * failed")}},
	"debug":    {{keys: keys("msg * failed changed")}},
	"set_fact": actionOrder,
	"copy": {
		{when: changedResult, keys: keys("diff dest src md5sum checksum changed uid gid owner group mode state size * failed")},
		{keys: keys("diff path changed uid gid owner group mode state size checksum dest * failed")},
	},
	"file": {{keys: keys("path changed diff uid gid owner group mode state size * failed")}},
	"uri":  {{keys: keys("content redirected url status server date content_type content_length last_modified cookies_string cookies msg elapsed * changed failed")}},
}

// loopOrders are a loop's registered result's: changed comes before
// failed and msg when an item changed.
var loopOrders = []resultOrder{
	{when: changedResult, keys: keys("results skipped changed failed msg *")},
	{keys: keys("results skipped failed msg changed *")},
}

// statKeys is the order of stat's "stat" dict.
var statKeys = keys("exists path mode isdir ischr isblk isreg isfifo islnk issock uid gid size inode dev nlink atime mtime ctime wusr rusr xusr wgrp rgrp xgrp woth roth xoth isuid isgid blocks block_size device_type readable writeable executable lnk_source lnk_target pw_name gr_name checksum mimetype charset version attributes attr_flags")

// moduleOrders are the orders of action's result (a module or an action
// the runner runs), a task skipped included.
func moduleOrders(action string) []resultOrder {
	return slices.Concat(commonOrders, resultOrders[action])
}

// orderResult records r's key order, the first of orders that applies,
// with tail (a loop item's variables) last; stat's "stat" dict too.
func orderResult(orders []resultOrder, r map[string]any, tail ...string) {
	if st, ok := r["stat"].(map[string]any); ok {
		keyorder.Set(st, statKeys)
	}
	for _, o := range orders {
		if o.when == nil || o.when(r) {
			keyorder.Set(r, ordered(r, o.keys, tail))
			return
		}
	}
	if len(tail) > 0 {
		keyorder.Set(r, ordered(r, keys("*"), tail))
	}
}

// ordered lists r's keys: those of order in its order, the others sorted
// in place of "*", then tail's.
func ordered(r map[string]any, order, tail []string) []string {
	var rest []string
	for k := range r {
		if !slices.Contains(order, k) && !slices.Contains(tail, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	out := make([]string, 0, len(r))
	for _, k := range slices.Concat(order, tail) {
		if k == "*" {
			out = append(out, rest...)
		} else if _, ok := r[k]; ok {
			out = append(out, k)
		}
	}
	return out
}
