package modules

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFileTimeline(t *testing.T) {
	tests := []struct {
		name       string
		setup      map[string]string
		args       map[string]any
		check      string
		want, mode string
		diffAfter  string
	}{
		{"mode of an existing file", map[string]string{"$DIR/x": "hi\n"},
			map[string]any{"path": "$DIR/x", "mode": "0600"}, "$DIR/x", "hi\n", "0600",
			"{\n    \"mode\": \"0600\",\n    \"path\": \"$DIR/x\"\n}\n"},
		{"new directory", nil,
			map[string]any{"path": "$DIR/a/b", "state": "directory", "mode": "0750"}, "$DIR/a/b", "<dir>", "0750",
			"{\n    \"mode\": \"0750\",\n    \"path\": \"$DIR/a/b\",\n    \"state\": \"directory\"\n}\n"},
		{"new directory owned by the connecting user, as mkdir makes it", nil,
			map[string]any{"path": "$DIR/o", "state": "directory", "owner": strconv.Itoa(os.Getuid()), "group": strconv.Itoa(os.Getgid())}, "$DIR/o", "<dir>", "0755",
			"{\n    \"path\": \"$DIR/o\",\n    \"state\": \"directory\"\n}\n"},
		{"recurse", map[string]string{"$DIR/d/f": "x", "$DIR/d/s/g": "y"},
			map[string]any{"path": "$DIR/d", "state": "directory", "recurse": true, "mode": "u=rwX,g=rX,o="}, "$DIR/d/s/g", "y", "0640",
			"{\n    \"mode\": \"0750\",\n    \"path\": \"$DIR/d\"\n}\n"},
		{"absent", map[string]string{"$DIR/d/f": "x"},
			map[string]any{"path": "$DIR/d", "state": "absent"}, "$DIR/d", "", "",
			"{\n    \"path\": \"$DIR/d\",\n    \"state\": \"absent\"\n}\n"},
		{"symlink", map[string]string{"$DIR/t": "x"},
			map[string]any{"path": "$DIR/l", "src": "t", "state": "link"}, "$DIR/l", "-> t", "link",
			"{\n    \"path\": \"$DIR/l\",\n    \"state\": \"link\"\n}\n"},
		{"hard link", map[string]string{"$DIR/t": "x"},
			map[string]any{"path": "$DIR/h", "src": "$DIR/t", "state": "hard"}, "$DIR/h", "x", "0644",
			"{\n    \"path\": \"$DIR/h\",\n    \"state\": \"hard\"\n}\n"},
		{"touch a new file, preserve times after", nil,
			map[string]any{"path": "$DIR/n", "state": "touch", "mode": "0640", "modification_time": "preserve", "access_time": "preserve"}, "$DIR/n", "", "0640",
			"{\n    \"mode\": \"0640\",\n    \"path\": \"$DIR/n\",\n    \"state\": \"touch\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			for p, c := range tt.setup {
				e.write(p, c, 0o644)
			}
			p, _ := e.timeline("file", tt.args)
			if got, mode := e.read(tt.check); got != tt.want || mode != tt.mode {
				t.Errorf("%s = %q mode %s, want %q mode %s", tt.check, got, mode, tt.want, tt.mode)
			}
			if d := p.Diffs[0]; d.After != e.expand(tt.diffAfter) {
				t.Errorf("diff after =\n%s\nwant\n%s", d.After, e.expand(tt.diffAfter))
			}
		})
	}
}

func TestFileAbsentDiffListsContent(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/d/s/f", "x", 0o644)
	p, err := e.plan("file", map[string]any{"path": "$DIR/d", "state": "absent"})
	if err != nil {
		t.Fatal(err)
	}
	want := e.expand("{\n    \"path\": \"$DIR/d\",\n    \"path_content\": {\n        \"directories\": [\n            \"$DIR/d/s\"\n        ],\n        \"files\": [\n            \"$DIR/d/s/f\"\n        ]\n    },\n    \"state\": \"directory\"\n}\n")
	if p.Diffs[0].Before != want {
		t.Errorf("before =\n%s\nwant\n%s", p.Diffs[0].Before, want)
	}
}

func TestFileTouchAlwaysChanges(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/x", "", 0o644)
	for range 2 {
		p, err := e.plan("file", map[string]any{"path": "$DIR/x", "state": "touch"})
		if err != nil || !p.Changed() || p.Result["state"] != "file" {
			t.Fatalf("touch: changed=%v state=%v err=%v", p.Changed(), p.Result["state"], err)
		}
		if _, err := e.apply(p); err != nil {
			t.Fatal(err)
		}
	}
}

// Touch shows the times it sets, as Ansible's file module: an existing file's old times
// before, now after; a missing file's creation time before, a later one after.
func TestFileTouchDiffTimes(t *testing.T) {
	e := newTestEnv(t)
	e.write("$DIR/old", "", 0o644)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(e.expand("$DIR/old"), old, old); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, before string
	}{{"$DIR/old", `"atime": 1577934245.0,`}, {"$DIR/new", `"atime": 1`}} {
		p, err := e.plan("file", map[string]any{"path": tt.path, "state": "touch"})
		if err != nil || len(p.Diffs) != 1 {
			t.Fatalf("%s: %v %v", tt.path, p, err)
		}
		d := p.Diffs[0]
		_, atime, _ := strings.Cut(d.Before, `"atime": `)
		atime, _, _ = strings.Cut(atime, ",")
		if strings.Contains(d.After, `"atime": `+atime+",") || !strings.Contains(d.Before, tt.before) || !strings.Contains(d.Before, `"mtime": `) || !strings.Contains(d.After, `"atime": 1`) || !strings.Contains(d.After, `"mtime": 1`) {
			t.Errorf("%s: diff\n%s%s", tt.path, d.Before, d.After)
		}
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup string
		args  map[string]any
		want  string
	}{
		{"absent file", "", map[string]any{"path": "$DIR/nope"}, "file ($DIR/nope) is absent, cannot continue"},
		{"file is a dir", "$DIR/d/x", map[string]any{"path": "$DIR/d", "state": "file"}, "file ($DIR/d) is directory, cannot continue"},
		{"dir over a file", "$DIR/f", map[string]any{"path": "$DIR/f", "state": "directory"}, "$DIR/f already exists as a file"},
		{"link without src", "", map[string]any{"path": "$DIR/l", "state": "link"}, "src is required for creating a symlink (state=link)"},
		{"link over a file", "$DIR/f", map[string]any{"path": "$DIR/f", "src": "$DIR/f", "state": "link"}, "refusing to convert from file to symlink for $DIR/f"},
		{"link to nothing", "", map[string]any{"path": "$DIR/l", "src": "$DIR/none", "state": "link"}, `src file does not exist, use "force=yes" if you really want to create the link: $DIR/none`},
		{"bad state", "", map[string]any{"path": "$DIR/l", "state": "dir"}, "value of state must be one of: file, directory, link, hard, touch, absent, got: dir"},
		{"recurse on a file", "", map[string]any{"path": "$DIR/l", "state": "file", "recurse": true}, "recurse option requires state to be 'directory'"},
		{"time not in its format", "", map[string]any{"path": "$DIR/t", "state": "touch", "modification_time": "2024-01-02", "modification_time_format": "%d.%m.%Y"},
			"Error while obtaining timestamp for time 2024-01-02 using format %d.%m.%Y: time data '2024-01-02' does not match format '%d.%m.%Y'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			if tt.setup != "" {
				e.write(tt.setup, "x", 0o644)
			}
			_, err := e.plan("file", tt.args)
			if got := failure(err); got != e.expand(tt.want) {
				t.Errorf("error = %q, want %q", got, e.expand(tt.want))
			}
		})
	}
}

// A time in another format is set as written, in the host's local time.
func TestFileTouchTimeFormats(t *testing.T) {
	e := newTestEnv(t)
	p, err := e.plan("file", map[string]any{"path": "$DIR/t", "state": "touch",
		"modification_time": "02.01.2024 15:30:45", "modification_time_format": "%d.%m.%Y %H:%M:%S",
		"access_time": "202301010000.00", "access_time_format": "%Y%m%d%H%M.%S"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.apply(p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(e.expand("$DIR/t"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 2, 15, 30, 45, 0, time.Local); !fi.ModTime().Equal(want) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), want)
	}
	atime := fi.Sys().(*syscall.Stat_t).Atim
	if got, want := time.Unix(atime.Sec, atime.Nsec), time.Date(2023, 1, 1, 0, 0, 0, 0, time.Local); !got.Equal(want) {
		t.Errorf("atime %v, want %v", got, want)
	}
}

// Touch with fixed times leaves a file that has them alone, as Ansible's touch.
func TestFileTouchFixedTimesIdempotent(t *testing.T) {
	e := newTestEnv(t)
	e.timeline("file", map[string]any{"path": "$DIR/t", "state": "touch",
		"modification_time": "202401021530.45", "access_time": "preserve"})
	p, err := e.plan("file", map[string]any{"path": "$DIR/t", "state": "touch", "modification_time": "202401021530.45"})
	if err != nil || !p.Changed() {
		t.Errorf("access_time now (the default) changes the file: %v %v", p, err)
	}
}
