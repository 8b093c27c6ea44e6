package modules

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// localRecord is one *.fact file as the script prints it: a header line
// "+RC OUTLEN ERRLEN PATH" (RC "-" when the file was read, not run), then
// the output and the error output, counted in bytes.
type localRecord struct {
	name, rc, out, err string
}

// cutLocalRecords splits the local section's records from what follows.
func cutLocalRecords(s string) (records, rest string) {
	_, n := localRecords(s)
	return s[:n], s[n:]
}

// localRecords parses records, returning them and the bytes they take.
func localRecords(s string) ([]localRecord, int) {
	var recs []localRecord
	n := 0
	for strings.HasPrefix(s[n:], "+") {
		header, _, ok := strings.Cut(s[n+1:], "\n")
		f := strings.SplitN(header, " ", 4)
		if !ok || len(f) < 4 {
			break
		}
		outLen, err1 := strconv.Atoi(f[1])
		errLen, err2 := strconv.Atoi(f[2])
		body := n + 1 + len(header) + 1
		if err1 != nil || err2 != nil || body+outLen+errLen > len(s) {
			break
		}
		recs = append(recs, localRecord{name: f[3], rc: f[0], out: s[body : body+outLen], err: s[body+outLen : body+outLen+errLen]})
		n = body + outLen + errLen
	}
	return recs, n
}

// localFacts turns the fact_path files into ansible_local (named so even
// inside ansible_facts, as Ansible does): JSON first, INI second, a
// failure's message as the fact's value and as a warning.
func localFacts(sec map[string]string, facts map[string]any) []string {
	recs, _ := localRecords(sec["local"])
	local := map[string]any{}
	var warnings []string
	for _, r := range recs {
		base := strings.ReplaceAll(path.Base(r.name), ".fact", "")
		fact, warning := localFact(r)
		local[base] = fact
		if warning {
			warnings = append(warnings, fact.(string))
		}
	}
	facts["ansible_local"] = local
	return warnings
}

func localFact(r localRecord) (fact any, warning bool) {
	if r.rc != "-" && r.rc != "0" {
		return fmt.Sprintf("Failure executing fact script (%s), rc: %s, err: %s", r.name, r.rc, r.err), true
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil && !dec.More() {
		return pythonNumbers(v), false
	}
	ini, err := parseINI(r.out)
	if err != nil {
		return "error loading facts as JSON or ini - please check content: " + r.name, true
	}
	return ini, false
}

// pythonNumbers turns json.Number into int or float64, as Python's json
// reads them.
func pythonNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := strconv.Atoi(v.String()); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = pythonNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = pythonNumbers(e)
		}
	}
	return v
}

// parseINI reads INI text like Python's configparser: [sections],
// "key = value" or "key: value" with keys lower-cased, # and ; comments,
// indented continuation lines, [DEFAULT] values in every section. It has
// no %(name)s interpolation.
func parseINI(text string) (map[string]any, error) {
	sections, order := map[string]map[string]string{}, []string{}
	var cur map[string]string
	var key string
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			key = ""
		case cur != nil && key != "" && line[0] != trimmed[0]:
			cur[key] += "\n" + trimmed
		case trimmed[0] == '[' && strings.HasSuffix(trimmed, "]"):
			name := trimmed[1 : len(trimmed)-1]
			if sections[name] != nil {
				return nil, fmt.Errorf("line %d: section %q twice", i+1, name)
			}
			cur, key = map[string]string{}, ""
			sections[name] = cur
			if name != "DEFAULT" {
				order = append(order, name)
			}
		default:
			at := strings.IndexAny(trimmed, "=:")
			if cur == nil || at <= 0 {
				return nil, fmt.Errorf("line %d: %q is neither a section nor key = value", i+1, trimmed)
			}
			key = strings.ToLower(strings.TrimSpace(trimmed[:at]))
			if _, dup := cur[key]; dup {
				return nil, fmt.Errorf("line %d: option %q twice", i+1, key)
			}
			cur[key] = strings.TrimSpace(trimmed[at+1:])
		}
	}
	out := map[string]any{}
	for _, name := range order {
		sec := map[string]any{}
		for k, v := range sections["DEFAULT"] {
			sec[k] = v
		}
		for k, v := range sections[name] {
			sec[k] = v
		}
		out[name] = sec
	}
	return out, nil
}
