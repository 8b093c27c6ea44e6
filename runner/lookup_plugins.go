package runner

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"play/jinja"
	"play/modules"
)

func init() {
	maps.Copy(lookupPlugins, map[string]lookupPlugin{
		"file":                fileLookup,
		"template":            templateLookup,
		"env":                 envLookup,
		"pipe":                pipeLookup,
		"lines":               linesLookup,
		"first_found":         firstFoundLookup,
		"fileglob":            fileglobLookup,
		"items":               itemsLookup,
		"list":                func(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) { return terms, nil },
		"flattened":           flattenedLookup,
		"indexed_items":       indexedItemsLookup,
		"dict":                dictLookup,
		"nested":              nestedLookup,
		"cartesian":           nestedLookup,
		"together":            togetherLookup,
		"subelements":         subelementsLookup,
		"random_choice":       randomChoiceLookup,
		"vars":                varsLookup,
		"varnames":            varnamesLookup,
		"inventory_hostnames": inventoryHostnamesLookup,
	})
}

// termStrings renders every term as a string.
func termStrings(terms []any) ([]string, error) {
	out := make([]string, len(terms))
	for i, t := range terms {
		s, err := modules.ToString(t)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// fileLookup reads controller files (files/ searched first), stripped of
// trailing whitespace unless rstrip=false.
func fileLookup(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	names, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	rstrip, lstrip := boolKw(kw, "rstrip", true), boolKw(kw, "lstrip", false)
	var out []any
	for _, n := range names {
		path, err := lc.ctl.Resolve("files", n)
		if err != nil {
			return nil, fmt.Errorf("could not locate file in lookup: %s", n)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("could not read file in lookup: %s: %w", n, err)
		}
		s := string(data)
		if rstrip {
			s = strings.TrimRight(s, " \t\r\n")
		}
		if lstrip {
			s = strings.TrimLeft(s, " \t\r\n")
		}
		out = append(out, s)
	}
	return out, nil
}

func boolKw(kw map[string]any, name string, def bool) bool {
	v, ok := kw[name]
	if !ok {
		return def
	}
	b, err := modules.ToBool(v)
	if err != nil {
		return def
	}
	return b
}

// templateLookup renders controller templates (templates/ searched first)
// with the task's variables.
func templateLookup(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	names, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	extra, _ := kw["template_vars"].(map[string]any)
	var out []any
	for _, n := range names {
		path, err := lc.ctl.Resolve("templates", n)
		if err != nil {
			return nil, fmt.Errorf("the template file %s could not be found for the lookup", n)
		}
		vars := maps.Clone(lc.vars)
		maps.Copy(vars, jinja.TemplateVars(n, path, ""))
		maps.Copy(vars, extra)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		// Ansible's lookup searches the template's own dir first.
		search := append([]string{filepath.Dir(path)}, lc.ctl.searchPath("templates")...)
		s, err := jinja.RenderFile(string(data), search, templateLookupOptions(kw), vars)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// templateLookupOptions are the lookup's delimiter options over the
// defaults of template files.
func templateLookupOptions(kw map[string]any) jinja.Options {
	o := jinja.FileOptions()
	for key, dst := range map[string]*string{
		"variable_start_string": &o.VariableStart, "variable_end_string": &o.VariableEnd,
		"comment_start_string": &o.CommentStart, "comment_end_string": &o.CommentEnd,
	} {
		if v, ok := kw[key].(string); ok {
			*dst = v
		}
	}
	return o
}

// envLookup reads the controller's environment ("" or default= when unset).
func envLookup(_ *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	names, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, n := range names {
		v, ok := os.LookupEnv(n)
		if !ok {
			if d, has := kw["default"]; has {
				out = append(out, d)
				continue
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// runControllerCommand runs a shell command on the controller in the
// playbook's directory, as pipe and lines do.
func runControllerCommand(lc *lookupCtx, plugin, command string) (string, error) {
	cmd := exec.CommandContext(context.Background(), "/bin/sh", "-c", command)
	cmd.Dir = lc.ctl.ex.pc.pb.Dir
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return "", fmt.Errorf("lookup_plugin.%s(%s) returned %d", plugin, command, code)
	}
	return stdout.String(), nil
}

// pipeLookup runs commands on the controller; each gives its output
// without the trailing newline.
func pipeLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	cmds, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, c := range cmds {
		s, err := runControllerCommand(lc, "pipe", c)
		if err != nil {
			return nil, err
		}
		out = append(out, strings.TrimRight(s, "\n"))
	}
	return out, nil
}

// linesLookup runs commands on the controller; each output line is an item.
func linesLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	cmds, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, c := range cmds {
		s, err := runControllerCommand(lc, "lines", c)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			out = append(out, l)
		}
	}
	return out, nil
}

// firstFoundLookup returns the first file that exists among the terms
// (names, or dicts with files/paths/skip), searched under files/.
func firstFoundLookup(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	var candidates []string
	skip := boolKw(kw, "skip", false)
	add := func(files, paths []string) {
		if len(paths) == 0 {
			candidates = append(candidates, files...)
			return
		}
		for _, p := range paths {
			for _, f := range files {
				candidates = append(candidates, filepath.Join(p, f))
			}
		}
	}
	kwFiles, _ := splitList(kw["files"])
	kwPaths, _ := splitList(kw["paths"])
	for _, t := range terms {
		switch x := t.(type) {
		case map[string]any:
			files, err := splitList(x["files"])
			if err != nil {
				return nil, err
			}
			paths, err := splitList(x["paths"])
			if err != nil {
				return nil, err
			}
			if b, ok := x["skip"]; ok {
				skip, _ = modules.ToBool(b)
			}
			add(files, paths)
		case []any:
			names, err := termStrings(x)
			if err != nil {
				return nil, err
			}
			add(names, kwPaths)
		default:
			s, err := modules.ToString(x)
			if err != nil {
				return nil, err
			}
			add([]string{s}, kwPaths)
		}
	}
	add(kwFiles, kwPaths)
	for _, c := range candidates {
		if path, err := lc.ctl.Resolve("files", c); err == nil {
			return []any{path}, nil
		}
	}
	if skip {
		return []any{}, nil
	}
	return nil, fmt.Errorf("No file was found when using first_found.")
}

// splitList reads a list, or a string of names separated by , ; or :.
func splitList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ';' || r == ':' }), nil
	case []any:
		return termStrings(x)
	}
	return nil, fmt.Errorf("expected a list of names, got %T", v)
}

// fileglobLookup lists the controller files matching each pattern
// (relative patterns are searched under files/).
func fileglobLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	patterns, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range patterns {
		dir, base := filepath.Split(p)
		found, err := lc.ctl.Resolve("files", filepath.Clean(dir+"."))
		if err != nil {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(found, base))
		sort.Strings(matches)
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// varsLookup returns the values of the named variables (default= when undefined).
func varsLookup(lc *lookupCtx, terms []any, kw map[string]any) ([]any, error) {
	names, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, n := range names {
		v, ok := lc.vars[n]
		if !ok {
			if hv, _ := lc.vars["hostvars"].(jinja.HostVars); hv != nil {
				if host, found := hv.Host(fmt.Sprint(lc.vars["inventory_hostname"])); found {
					v, ok = host[n]
				}
			}
		}
		if !ok {
			if d, has := kw["default"]; has {
				out = append(out, d)
				continue
			}
			return nil, fmt.Errorf("No variable found with this name: %s", n)
		}
		rendered, err := jinja.RenderValue(v, lc.vars)
		if err != nil {
			return nil, err
		}
		out = append(out, rendered)
	}
	return out, nil
}

// varnamesLookup lists the names of the variables matching each regexp.
func varnamesLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	patterns, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("Unable to use \"%s\" as a search parameter: %w", p, err)
		}
		for _, name := range slices.Sorted(maps.Keys(lc.vars)) {
			if loc := re.FindStringIndex(name); loc != nil && loc[0] == 0 {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// inventoryHostnamesLookup expands host patterns to inventory host names.
func inventoryHostnamesLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	patterns, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	names, err := lc.inventoryHosts(strings.Join(patterns, ":"))
	if err != nil {
		return nil, err
	}
	return stringsToAny(names), nil
}
