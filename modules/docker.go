package modules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"play/connection"
)

// The docker_* modules drive the host's docker CLI: they observe with one
// script of `docker ... inspect` calls whose JSON arrays they decode, and act
// with docker commands. No Docker SDK or Python is needed on the host.

// dockerProbeFunc starts every docker probe: inspect KIND NAME prints the
// JSON array docker inspect prints, or [] when there is no such object; any
// other error (no daemon, no permission) fails the probe with docker's words.
const dockerProbeFunc = `command -v docker >/dev/null || { echo "docker: command not found: install docker on the host (docker.io)" >&2; exit 127; }
inspect() {
  out=$(docker "$1" inspect -- "$2" 2>&1) && { printf '%s\n' "$out"; return; }
  case $out in *"No such"*|*"not found"*) echo '[]';; *) printf '%s\n' "$out" >&2; exit 1;; esac
}
`

// dockerInspect names one object for a probe: docker KIND inspect NAME, or
// with Kind "dir" or "file" a path on the host, seen as {} when it is one.
type dockerInspect struct{ Kind, Name string }

// dockerProbe runs one script inspecting every object and returns, per
// object, its inspect document (nil when it does not exist).
func dockerProbe(ctx context.Context, host Host, objs ...dockerInspect) ([]map[string]any, error) {
	var b strings.Builder
	b.WriteString(dockerProbeFunc)
	for _, o := range objs {
		switch o.Kind {
		case "dir", "file":
			fmt.Fprintf(&b, "if [ -%c %s ]; then echo '[{}]'; else echo '[]'; fi\n", o.Kind[0], Quote(o.Name))
		default:
			fmt.Fprintf(&b, "inspect %s %s\n", o.Kind, Quote(o.Name))
		}
	}
	res, err := host.Run(ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, Failf("Error connecting to the docker daemon: %s", strings.TrimSpace(string(res.Stderr)))
	}
	return decodeInspects(res.Stdout, len(objs))
}

// decodeInspects reads n JSON arrays, keeping the first element of each.
func decodeInspects(out []byte, n int) ([]map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	docs := make([]map[string]any, 0, n)
	for range n {
		var arr []map[string]any
		if err := dec.Decode(&arr); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("reading docker inspect output: %w: %q", err, out)
		}
		var doc map[string]any
		if len(arr) > 0 {
			doc = arr[0]
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// dockerFinish re-reads the object a plan's last step inspects (its script
// ends with an inspect) and returns it under key, as the module's result.
func dockerFinish(key string, result map[string]any) func([]connection.Result) (map[string]any, error) {
	return func(out []connection.Result) (map[string]any, error) {
		last := out[len(out)-1]
		if last.RC != 0 {
			return nil, Failf("%s", strings.TrimSpace(string(last.Stderr)))
		}
		docs, err := decodeInspects(last.Stdout, 1)
		if err != nil {
			return nil, err
		}
		r := map[string]any{}
		for k, v := range result {
			r[k] = v
		}
		r[key] = docs[0]
		return r, nil
	}
}

// dig walks nested inspect maps: dig(doc, "Config", "Env").
func dig(doc map[string]any, keys ...string) any {
	var v any = doc
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// digString is dig for a string ("" when absent).
func digString(doc map[string]any, keys ...string) string {
	s, _ := dig(doc, keys...).(string)
	return s
}

// digStrings is dig for a list of strings (nil when absent).
func digStrings(doc map[string]any, keys ...string) []string {
	l, _ := dig(doc, keys...).([]any)
	var out []string
	for _, v := range l {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// dockerScript joins docker command lines into one step that stops at the
// first failure and ends by printing inspect of the object, for Finish.
func dockerScript(lines []string, kind, name string) string {
	return "set -e\n" + strings.Join(lines, "\n") + "\ndocker " + kind + " inspect -- " + Quote(name) + "\n"
}

// dockerArgs quotes a docker command line's words.
func dockerArgs(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return "docker " + strings.Join(q, " ")
}

// jsonDiff is a before/after diff of two documents the way Ansible's
// callback prints dict diffs: sorted keys, four-space indent.
func jsonDiff(before, after map[string]any) Diff {
	b, _ := json.MarshalIndent(before, "", "    ")
	a, _ := json.MarshalIndent(after, "", "    ")
	return Diff{Before: string(b) + "\n", After: string(a) + "\n"}
}
