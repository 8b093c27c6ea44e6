package modules

import "testing"

func TestMeta(t *testing.T) {
	runLocalCases(t, []localCase{
		{name: "flush_handlers", module: "meta", args: map[string]any{"_raw_params": "flush_handlers"}, want: map[string]any{"_meta": "flush_handlers"}},
		{name: "end_play", module: "meta", args: map[string]any{"_raw_params": " end_play "}, want: map[string]any{"_meta": "end_play"}},
		{name: "typo", module: "meta", args: map[string]any{"_raw_params": "flush_handler"}, err: "invalid meta action requested: flush_handler. Did you mean flush_handlers? Valid actions: clear_facts, "},
		{name: "unknown", module: "meta", args: map[string]any{"_raw_params": "bogus"}, err: "invalid meta action requested: bogus. Valid actions: clear_facts, clear_host_errors, end_batch, end_host, end_play, flush_handlers, noop, refresh_inventory, reset_connection"},
	})
}
