package runner

import (
	"slices"
	"strings"
	"testing"

	"play/internal/keyorder"
)

// TestOrderResult: the orders are what ansible-playbook 2.14 printed for
// {{ r | list }} with the same keys (those play does not return left out).
func TestOrderResult(t *testing.T) {
	tests := []struct {
		name   string
		orders []resultOrder
		result map[string]any
		tail   []string
		want   string
	}{
		{"command", moduleOrders("command"), resultWith("changed=true failed=false msg stdout stderr rc cmd start end delta stdout_lines stderr_lines"), nil,
			"changed stdout stderr rc cmd start end delta msg stdout_lines stderr_lines failed"},
		{"command failed", moduleOrders("shell"), resultWith("changed=true failed=true msg stdout stderr rc cmd start end delta stdout_lines stderr_lines"), nil,
			"changed stdout stderr rc cmd start end delta failed msg stdout_lines stderr_lines"},
		{"skipped", moduleOrders("command"), resultWith("changed skipped=true skip_reason"), nil, "changed skipped skip_reason"},
		{"stat", moduleOrders("stat"), resultWith("changed stat failed"), nil, "changed stat failed"},
		{"copy changed", moduleOrders("copy"), resultWith("changed=true failed dest md5sum checksum uid gid owner group mode state size"), nil,
			"dest md5sum checksum changed uid gid owner group mode state size failed"},
		{"copy unchanged", moduleOrders("copy"), resultWith("changed failed path dest checksum uid gid owner group mode state size"), nil,
			"path changed uid gid owner group mode state size checksum dest failed"},
		{"file", moduleOrders("file"), resultWith("changed failed path state"), nil, "path changed state failed"},
		{"debug var", moduleOrders("debug"), resultWith("changed failed r_debug"), nil, "r_debug failed changed"},
		{"set_fact", moduleOrders("set_fact"), resultWith("changed failed ansible_facts"), nil, "ansible_facts failed changed"},
		{"uri", moduleOrders("uri"), resultWith("changed failed content redirected url status msg elapsed cookies"), nil,
			"content redirected url status cookies msg elapsed changed failed"},
		{"debug item", moduleOrders("debug"), resultWith("changed failed msg item ansible_loop_var i ansible_index_var"), []string{"item", "ansible_loop_var", "i", "ansible_index_var"},
			"msg failed changed item ansible_loop_var i ansible_index_var"},
		{"unknown module item", moduleOrders("apt"), resultWith("changed failed cache_updated x ansible_loop_var"), []string{"x", "ansible_loop_var"},
			"cache_updated changed failed x ansible_loop_var"},
		{"loop changed", loopOrders, resultWith("changed=true failed=true msg results skipped"), nil, "results skipped changed failed msg"},
		{"loop unchanged", loopOrders, resultWith("changed msg results skipped"), nil, "results skipped msg changed"},
	}
	for _, tt := range tests {
		orderResult(tt.orders, tt.result, tt.tail...)
		if got := strings.Join(keyorder.Keys(tt.result), " "); got != tt.want {
			t.Errorf("%s:\n got: %s\nwant: %s", tt.name, got, tt.want)
		}
	}
}

func TestOrderResultStat(t *testing.T) {
	st := resultWith("gr_name path exists mode checksum lnk_source")
	orderResult(moduleOrders("stat"), map[string]any{"stat": st, "changed": false})
	if got, want := keyorder.Keys(st), []string{"exists", "path", "mode", "lnk_source", "gr_name", "checksum"}; !slices.Equal(got, want) {
		t.Errorf("stat keys %q, want %q", got, want)
	}
}

// resultWith makes a result with the keys named, each false or as key=true.
func resultWith(spec string) map[string]any {
	r := map[string]any{}
	for _, f := range strings.Fields(spec) {
		k, v, _ := strings.Cut(f, "=")
		r[k] = v == "true"
	}
	return r
}
