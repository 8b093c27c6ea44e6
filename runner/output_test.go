package runner

import (
	"bytes"
	"testing"

	"play/modules"
)

// Expected texts come from Python's difflib as Ansible's callback calls it.
func TestFormatDiffMatchesAnsible(t *testing.T) {
	tests := []struct {
		name string
		diff modules.Diff
		want string
	}{
		{"new file without newline", modules.Diff{Before: "", After: "x"},
			"--- before\n+++ after\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n\n"},
		{"changed line with headers", modules.Diff{BeforeHeader: "/f", AfterHeader: "/f", Before: "a\nb\nc\n", After: "a\nB\nc\n"},
			"--- before: /f\n+++ after: /f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\n"},
		{"append at end", modules.Diff{Before: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", After: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n"},
			"--- before\n+++ after\n@@ -8,3 +8,4 @@\n 8\n 9\n 10\n+11\n\n"},
		{"emptied", modules.Diff{Before: "x\n", After: ""},
			"--- before\n+++ after\n@@ -1 +0,0 @@\n-x\n\n"},
		{"first line removed", modules.Diff{Before: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", After: "2\n3\n4\n5\n6\n7\n8\n9\n10\n"},
			"--- before\n+++ after\n@@ -1,4 +1,3 @@\n-1\n 2\n 3\n 4\n\n"},
		{"no change", modules.Diff{Before: "same\n", After: "same\n"}, ""},
	}
	for _, tt := range tests {
		if got := formatDiff(tt.diff); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestRecapLineIsAnsibleExact(t *testing.T) {
	var buf bytes.Buffer
	o := &output{w: &buf}
	o.recap([]string{"web1", "db1"}, map[string]*HostStats{
		"web1": {OK: 12, Changed: 3},
		"db1":  {OK: 1, Failures: 1, Skipped: 2, Rescued: 1, Ignored: 1, Unreachable: 0},
	})
	want := "\nPLAY RECAP *********************************************************************\n" +
		"db1                        : ok=1    changed=0    unreachable=0    failed=1    skipped=2    rescued=1    ignored=1   \n" +
		"web1                       : ok=12   changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \n\n"
	if buf.String() != want {
		t.Errorf("recap:\n got %q\nwant %q", buf.String(), want)
	}
}

func TestBannerIsEightyColumns(t *testing.T) {
	var buf bytes.Buffer
	(&output{w: &buf}).banner("TASK [debug]")
	if got := buf.String(); got != "\nTASK [debug] *******************************************************************\n" {
		t.Errorf("banner %q", got)
	}
}

func TestHostResultLines(t *testing.T) {
	tests := []struct {
		name string
		res  taskResult
		want string
	}{
		{"ok", taskResult{host: "h", result: map[string]any{"changed": false}}, "ok: [h]\n"},
		{"changed", taskResult{host: "h", changed: true, result: map[string]any{"changed": true}}, "changed: [h]\n"},
		{"skipped item", taskResult{host: "h", skipped: true, isItem: true, itemLabel: "1"}, "skipping: [h] => (item=1) \n"},
		{"failed", taskResult{host: "h", failed: true, result: map[string]any{"changed": false, "failed": true, "msg": "x"}},
			"fatal: [h]: FAILED! => {\"changed\": false, \"msg\": \"x\"}\n"},
		{"failed ignored", taskResult{host: "h", failed: true, ignored: true, result: map[string]any{"msg": "x"}},
			"fatal: [h]: FAILED! => {\"msg\": \"x\"}\n...ignoring\n"},
		{"failed item", taskResult{host: "h", failed: true, isItem: true, itemLabel: "1", result: map[string]any{"item": 1, "msg": "boom"}},
			"failed: [h] (item=1) => {\"item\": 1, \"msg\": \"boom\"}\n"},
		{"debug", taskResult{host: "h", verboseAlways: true, hideChanged: true, result: map[string]any{"changed": false, "msg": "hi"}},
			"ok: [h] => {\n    \"msg\": \"hi\"\n}\n"},
		{"unreachable", taskResult{host: "h", unreachable: true, result: map[string]any{"changed": false, "msg": "down", "unreachable": true}},
			"fatal: [h]: UNREACHABLE! => {\"changed\": false, \"msg\": \"down\", \"unreachable\": true}\n"},
		{"no_log", taskResult{host: "h", failed: true, noLog: true, result: map[string]any{"msg": "secret"}},
			"fatal: [h]: FAILED! => {\"censored\": \"the output has been hidden due to the fact that 'no_log: true' was specified for this result\", \"changed\": false}\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		(&output{w: &buf}).hostResult(&tt.res)
		if buf.String() != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, buf.String(), tt.want)
		}
	}
}

func TestTagsSelected(t *testing.T) {
	tests := []struct {
		only, skip, tags []string
		want             bool
	}{
		{nil, nil, nil, true},
		{nil, nil, []string{"never"}, false},
		{[]string{"never"}, nil, []string{"never"}, true},
		{[]string{"web"}, nil, []string{"db"}, false},
		{[]string{"web"}, nil, []string{"always"}, true},
		{[]string{"web"}, nil, []string{"web", "x"}, true},
		{nil, []string{"web"}, []string{"web"}, false},
		{nil, []string{"always"}, []string{"always"}, false},
		{[]string{"tagged"}, nil, nil, false},
		{[]string{"untagged"}, nil, nil, true},
		{nil, []string{"untagged"}, nil, false},
	}
	for _, tt := range tests {
		r := New(Options{Tags: tt.only, SkipTags: tt.skip})
		if got := r.tagsSelected(tt.tags); got != tt.want {
			t.Errorf("tags %v with -t %v --skip-tags %v: got %v, want %v", tt.tags, tt.only, tt.skip, got, tt.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		stats map[string]*HostStats
		want  int
	}{
		{map[string]*HostStats{"a": {OK: 3}}, 0},
		{map[string]*HostStats{"a": {OK: 3}, "b": {Failures: 1}}, 2},
		{map[string]*HostStats{"a": {Unreachable: 1}, "b": {Failures: 1}}, 4},
		{map[string]*HostStats{"a": {Ignored: 1, OK: 1}}, 0},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.stats); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.stats, got, tt.want)
		}
	}
}
