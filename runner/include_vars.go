package runner

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"play/internal/keyorder"
	"play/modules"
	"play/playbooks"
)

func init() { runnerActions["include_vars"] = includeVars }

// includeVarsArgs are include_vars' arguments.
type includeVarsArgs struct {
	// File is a vars file (also the free-form argument).
	File string `arg:"file" aliases:"_raw_params"`
	// Dir loads every vars file under a directory, in sorted order.
	Dir string `arg:"dir"`
	// Name puts the variables under one variable instead of the top level.
	Name string `arg:"name"`
	// Depth limits how deep Dir is walked (0: no limit).
	Depth int `arg:"depth"`
	// FilesMatching keeps only file names matching this regexp.
	FilesMatching string `arg:"files_matching"`
	// IgnoreFiles are file names (regexps) to skip.
	IgnoreFiles []string `arg:"ignore_files"`
	// Extensions are the file extensions Dir loads.
	Extensions []string `arg:"extensions"`
	// IgnoreUnknownExtensions skips other files instead of failing.
	IgnoreUnknownExtensions bool `arg:"ignore_unknown_extensions"`
	// HashBehaviour is accepted for compatibility; variables replace.
	HashBehaviour string `arg:"hash_behaviour" choices:"replace,merge"`
}

// includeVars loads variables from files on the controller into the host's
// include_vars level.
func includeVars(_ context.Context, ex *execution, args, _ map[string]any) (map[string]any, error) {
	a := includeVarsArgs{Extensions: []string{"json", "yml", "yaml"}}
	if err := modules.Decode(args, &a, false); err != nil {
		return nil, err
	}
	if (a.File == "") == (a.Dir == "") {
		return nil, fmt.Errorf("include_vars needs exactly one of file and dir")
	}
	ctl := &controller{ex: ex}
	var files []string
	if a.File != "" {
		path, err := ctl.Resolve("vars", a.File)
		if err != nil {
			return nil, err
		}
		files = []string{path}
	} else {
		dir, err := ctl.Resolve("vars", a.Dir)
		if err != nil {
			return nil, err
		}
		if files, err = a.dirFiles(dir); err != nil {
			return nil, err
		}
	}
	merged := keyorder.NewBuilder[map[string]any](0) // name: sees the files' order
	for _, f := range files {
		vars, err := playbooks.ReadVarsFile(f)
		if err != nil {
			return nil, err
		}
		for _, k := range keyorder.Keys(vars) {
			merged.Set(k, vars[k])
		}
	}
	loaded := merged.Map()
	if a.Name != "" {
		loaded = map[string]any{a.Name: loaded}
	}
	h := ex.h
	h.mu.Lock()
	if h.includeVars == nil {
		h.includeVars = map[string]any{}
	}
	maps.Copy(h.includeVars, loaded)
	h.varsChangedLocked()
	h.mu.Unlock()
	return map[string]any{"ansible_facts": loaded, "ansible_included_var_files": stringsToAny(files), "changed": false}, nil
}

// dirFiles lists the vars files under dir, sorted, as include_vars dir: does.
func (a *includeVarsArgs) dirFiles(dir string) ([]string, error) {
	var match *regexp.Regexp
	if a.FilesMatching != "" {
		var err error
		if match, err = regexp.Compile(a.FilesMatching); err != nil {
			return nil, fmt.Errorf("files_matching: %w", err)
		}
	}
	var ignore []*regexp.Regexp
	for _, p := range a.IgnoreFiles {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("ignore_files: %w", err)
		}
		ignore = append(ignore, re)
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			if a.Depth > 0 && rel != "." && strings.Count(rel, string(filepath.Separator))+1 >= a.Depth {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if (match != nil && !match.MatchString(name)) || slices.ContainsFunc(ignore, func(re *regexp.Regexp) bool { return re.MatchString(name) }) {
			return nil
		}
		if !slices.Contains(a.Extensions, strings.TrimPrefix(filepath.Ext(name), ".")) {
			if a.IgnoreUnknownExtensions {
				return nil
			}
			return fmt.Errorf("%s does not have a valid extension: %s (set ignore_unknown_extensions: true to skip it)", path, strings.Join(a.Extensions, ", "))
		}
		files = append(files, path)
		return nil
	})
	return files, err
}
