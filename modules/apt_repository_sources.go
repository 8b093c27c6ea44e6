package modules

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// sourceLine is one line of a one-line-style APT sources file, split the
// way Ansible's apt_repository reads it: a line is "valid" when it starts
// with deb or deb-src, "enabled" unless commented out, and keeps its
// trailing comment apart.
type sourceLine struct {
	valid, enabled  bool
	source, comment string
}

// parseSourceLine reads one line like SourcesList._parse does.
func parseSourceLine(line string) sourceLine {
	l := sourceLine{enabled: true}
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "#"); ok {
		l.enabled, line = false, rest
	}
	if i := strings.Index(line, "#"); i > 0 {
		l.comment = strings.TrimSpace(line[i+1:])
		line = line[:i]
	}
	l.source = strings.TrimSpace(line)
	if f := strings.Fields(l.source); len(f) > 0 && (f[0] == "deb" || f[0] == "deb-src") {
		l.valid, l.source = true, strings.Join(f, " ")
	}
	return l
}

// String renders the line as Ansible writes it back.
func (l sourceLine) String() string {
	s := l.source
	if !l.enabled {
		s = "# " + s
	}
	if l.comment != "" {
		s += " # " + l.comment
	}
	return s + "\n"
}

// sourcesFile is one sources file on the host.
type sourcesFile struct {
	raw   string // the text as read, for reverting
	mode  uint32
	lines []sourceLine
}

// sourcesList is every one-line sources file APT reads, by path.
type sourcesList struct {
	files map[string]*sourcesFile
	// defaultFile is sources.list, partsDir sources.list.d.
	defaultFile, partsDir string
}

// parseSourcesList reads the probe's sections: "parts" and "default" name
// APT's places, "file MODE PATH" holds a file's text.
func parseSourcesList(obs Sections) (*sourcesList, error) {
	sl := &sourcesList{files: map[string]*sourcesFile{}, defaultFile: obs.Line("default"), partsDir: obs.Line("parts")}
	for name, text := range obs {
		rest, ok := strings.CutPrefix(name, "file ")
		if !ok {
			continue
		}
		modeText, p, _ := strings.Cut(rest, " ")
		var mode uint32
		if _, err := fmt.Sscanf(modeText, "%o", &mode); err != nil {
			return nil, fmt.Errorf("unexpected sources file record %q", name)
		}
		f := &sourcesFile{raw: text, mode: mode}
		for _, line := range strings.SplitAfter(text, "\n") {
			if line != "" {
				f.lines = append(f.lines, parseSourceLine(line))
			}
		}
		sl.files[path.Clean(p)] = f
	}
	return sl, nil
}

// dump renders every file that still has lines, as SourcesList.dump does.
func (sl *sourcesList) dump() map[string]string {
	out := map[string]string{}
	for p, f := range sl.files {
		if len(f.lines) == 0 {
			continue
		}
		var b strings.Builder
		for _, l := range f.lines {
			b.WriteString(l.String())
		}
		out[p] = b.String()
	}
	return out
}

// add enables every line holding source, or appends it to file.
func (sl *sourcesList) add(source, file string) {
	found := false
	for _, f := range sl.files {
		for i := range f.lines {
			if f.lines[i].valid && f.lines[i].source == source {
				f.lines[i].enabled, found = true, true
			}
		}
	}
	if found {
		return
	}
	if sl.files[file] == nil {
		sl.files[file] = &sourcesFile{}
	}
	sl.files[file].lines = append(sl.files[file].lines, sourceLine{valid: true, enabled: true, source: source})
}

// remove drops every enabled line holding source.
func (sl *sourcesList) remove(source string) {
	for _, f := range sl.files {
		kept := f.lines[:0]
		for _, l := range f.lines {
			if !(l.valid && l.enabled && l.source == source) {
				kept = append(kept, l)
			}
		}
		f.lines = kept
	}
}

// filePath is where a file name goes: into sources.list.d unless it has a slash.
func (sl *sourcesList) filePath(name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	return path.Join(sl.partsDir, name)
}

var (
	sourceOptions = regexp.MustCompile(`\[[^\]]+\]`)
	urlScheme     = regexp.MustCompile(`\w+://`)
	nonAlnum      = regexp.MustCompile(`[^a-zA-Z0-9]`)
)

// suggestFilename names the file for a source from its URI's host and path
// ("deb http://ppa.example.com/x stable main" → ppa_example_com_x.list),
// or from the filename argument.
func suggestFilename(source, filename string) string {
	if filename != "" {
		return filename + ".list"
	}
	line := urlScheme.ReplaceAllString(sourceOptions.ReplaceAllString(source, ""), "")
	var parts []string
	for _, p := range strings.Fields(line) {
		if p != "deb" && p != "deb-src" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return ".list"
	}
	uri := parts[0]
	if _, after, ok := strings.Cut(uri, "@"); ok {
		uri = after
	}
	return strings.Join(strings.Fields(nonAlnum.ReplaceAllString(uri, " ")), "_") + ".list"
}

// changedFiles lists, sorted, the files whose dump differs between two dumps.
func changedFiles(before, after map[string]string) []string {
	var files []string
	for p, b := range before {
		if a, ok := after[p]; !ok || a != b {
			files = append(files, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	return files
}
