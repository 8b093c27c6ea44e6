package modules

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"play/internal/fnmatch"
)

func init() {
	Register(Info{Name: "find", New: func() Module { return &Find{} }})
}

// Find returns the files below some directories that match patterns, age,
// size and content, as Ansible's find: one `find` round trip lists every
// entry with its stat; the filters run on the controller.
type Find struct {
	// Paths are the directories to search.
	Paths []string `arg:"paths,required" aliases:"name,path"`
	// Patterns match the base names (shell globs, or Python regexps with use_regex); any may match.
	Patterns []string `arg:"patterns" aliases:"pattern"`
	// Excludes are patterns whose matches are left out.
	Excludes []string `arg:"excludes" aliases:"exclude"`
	// Contains is a regexp a file's line must start with (or the whole file contain, with read_whole_file).
	Contains *string `arg:"contains"`
	// ReadWholeFile searches contains in the whole file instead of matching each line.
	ReadWholeFile bool `arg:"read_whole_file"`
	// FileType is the kind of entry to return.
	FileType string `arg:"file_type" choices:"any,directory,file,link"`
	// Age selects entries older than it (a negative age: younger), in s, m, h, d or w.
	Age *string `arg:"age"`
	// AgeStamp is the time age compares.
	AgeStamp string `arg:"age_stamp" choices:"atime,ctime,mtime"`
	// Size selects files at least this big (negative: at most), in b, k, m, g or t.
	Size *string `arg:"size"`
	// Recurse descends into subdirectories.
	Recurse bool `arg:"recurse"`
	// Hidden includes entries whose name starts with a dot.
	Hidden bool `arg:"hidden"`
	// Follow descends into symlinked directories.
	Follow bool `arg:"follow"`
	// GetChecksum adds the sha1 of each regular file.
	GetChecksum bool `arg:"get_checksum"`
	// UseRegex reads patterns and excludes as Python regexps matched at the start of the name.
	UseRegex bool `arg:"use_regex"`
	// Depth is how deep recurse goes (1: the paths' own entries); 0 is no limit.
	Depth int `arg:"depth"`
}

// findSeconds and findBytes are the units of age and size.
var (
	findSeconds = map[string]float64{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
	findBytes   = map[string]int64{"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
	findAgeRe   = regexp.MustCompile(`^(-?\d+)(s|m|h|d|w)?$`)
	findSizeRe  = regexp.MustCompile(`^(-?\d+)(b|k|m|g|t)?$`)
)

// findFilter is the decoded form of the filtering arguments.
type findFilter struct {
	include, exclude []func(string) bool
	age              *float64
	size             *int64
}

// filter parses the patterns, age and size, failing as Ansible does.
func (f *Find) filter() (*findFilter, error) {
	ff := &findFilter{}
	patterns := f.Patterns
	if len(patterns) == 0 {
		patterns = []string{"*"}
		if f.UseRegex {
			patterns = []string{".*"}
		}
	}
	var err error
	if ff.include, err = nameMatchers(patterns, f.UseRegex); err != nil {
		return nil, err
	}
	if ff.exclude, err = nameMatchers(f.Excludes, f.UseRegex); err != nil {
		return nil, err
	}
	if f.Age != nil {
		m := findAgeRe.FindStringSubmatch(strings.ToLower(*f.Age))
		if m == nil {
			return nil, &Failure{Msg: "failed to process age", Result: map[string]any{"age": *f.Age}}
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		age := n * findSeconds[m[2]]
		ff.age = &age
	}
	if f.Size != nil {
		m := findSizeRe.FindStringSubmatch(strings.ToLower(*f.Size))
		if m == nil {
			return nil, &Failure{Msg: "failed to process size", Result: map[string]any{"size": *f.Size}}
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		size := n * findBytes[m[2]]
		ff.size = &size
	}
	return ff, nil
}

// Plan implements Module: one round trip, no steps.
func (f *Find) Plan(ctx context.Context, env *Env) (*Plan, error) {
	ff, err := f.filter()
	if err != nil {
		return nil, err
	}
	res, err := env.Host.Run(ctx, f.script(), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, fmt.Errorf("find on %s failed (rc %d): %s", strings.Join(f.Paths, ", "), res.RC, strings.TrimSpace(string(res.Stderr)))
	}
	out, err := parseFindOutput(res.Stdout, len(f.Paths))
	if err != nil {
		return nil, err
	}
	return &Plan{Result: f.result(out, ff, strings.TrimSpace(string(res.Stderr)))}, nil
}

// result applies the filters to what the host listed, in the order
// Ansible's os.walk gives.
func (f *Find) result(out *findOutput, ff *findFilter, stderr string) map[string]any {
	files := []any{}
	examined := 0
	skipped := map[string]any{}
	var warnings []any
	for i, p := range f.Paths {
		tree := &out.paths[i]
		if tree.err != "" {
			msg := tree.err
			if msg == "E" {
				msg = stderr
			}
			skipped[p] = msg
			warnings = append(warnings, fmt.Sprintf("Skipped '%s' path due to this access issue: %s\n", p, msg))
			continue
		}
		for _, e := range tree.walkOrder() {
			if f.Depth > 0 && e.depth > f.Depth+1 || !f.Recurse && e.depth > 1 {
				continue
			}
			examined++
			if f.Depth > 0 && e.depth > f.Depth {
				continue
			}
			if keep, sum := f.keep(e, tree, ff, out.now); keep {
				r := e.result()
				if sum != "" {
					r["checksum"] = sum
				}
				files = append(files, r)
			}
		}
	}
	msg := "All paths examined"
	r := map[string]any{"files": files, "matched": len(files), "examined": examined, "skipped_paths": skipped}
	if len(warnings) > 0 {
		msg = "Not all paths examined, check warnings for details"
		r["warnings"] = warnings
	}
	r["msg"] = msg
	return r
}

// keep says whether an entry passes the filters (Ansible's per-type rules)
// and returns its checksum when one is wanted.
func (f *Find) keep(e *findEntry, tree *findTree, ff *findFilter, now float64) (bool, string) {
	if strings.HasPrefix(e.name(), ".") && !f.Hidden {
		return false, ""
	}
	if !ff.matchName(e.name()) || !ff.matchAge(e, f.AgeStamp, now) {
		return false, ""
	}
	sum := ""
	if e.typ == 'f' && f.GetChecksum {
		sum = tree.sums[e.raw]
	}
	switch f.FileType {
	case "any":
		return e.typ != 'f' || ff.matchSize(e), sum
	case "directory":
		return e.typ == 'd', ""
	case "link":
		return e.typ == 'l', ""
	}
	return e.typ == 'f' && ff.matchSize(e) && (f.Contains == nil || tree.contains[e.raw]), sum
}

func (ff *findFilter) matchName(name string) bool {
	return anyMatch(ff.include, name) && !anyMatch(ff.exclude, name)
}

func (ff *findFilter) matchAge(e *findEntry, stamp string, now float64) bool {
	if ff.age == nil {
		return true
	}
	t := map[string]float64{"atime": e.atime, "ctime": e.ctime}[stamp]
	if stamp == "" || stamp == "mtime" {
		t = e.mtime
	}
	if *ff.age >= 0 {
		return now-t >= *ff.age
	}
	return now-t <= -*ff.age
}

func (ff *findFilter) matchSize(e *findEntry) bool {
	if ff.size == nil {
		return true
	}
	if *ff.size >= 0 {
		return e.size >= *ff.size
	}
	return e.size <= -*ff.size
}

func anyMatch(matchers []func(string) bool, name string) bool {
	for _, m := range matchers {
		if m(name) {
			return true
		}
	}
	return false
}

// nameMatchers compiles shell globs (Python's fnmatch) or Python regexps
// matched at the start of the name (re.match).
func nameMatchers(patterns []string, useRegex bool) ([]func(string) bool, error) {
	var out []func(string) bool
	for _, p := range patterns {
		var re *regexp.Regexp
		var err error
		if useRegex {
			re, err = pyRegexp(`\A(?:` + p + `)`)
		} else {
			re, err = fnmatch.Compile(p)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, re.MatchString)
	}
	return out, nil
}
