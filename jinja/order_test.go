package jinja

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"play/internal/keyorder"
)

// orderVars are variables as a YAML file gives them: dicts keep their keys'
// order.
func orderVars(t testing.TB) map[string]any {
	t.Helper()
	src := `
d: {zeta: 1, alpha: 2, Mid: 3, beta: 4}
e: {beta: 40, gamma: 50, alpha: 20, nest: {y: 1, b: 2}}
lazy: {z: "{{ 'x' ~ d.zeta }}", a: "y"}
`
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	v, err := keyorder.DecodeYAML(&n)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

// TestDictOrder checks every way a template walks a dict against what
// ansible-playbook 2.14 printed for the same expression: Python dicts keep
// insertion order; to_nice_json, tojson, to_yaml and dictsort sort.
func TestDictOrder(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"{{ d }}", "{'zeta': 1, 'alpha': 2, 'Mid': 3, 'beta': 4}"},
		{"{{ d | items | list }}", "[('zeta', 1), ('alpha', 2), ('Mid', 3), ('beta', 4)]"},
		{"{{ d.items() | list }} {{ d.keys() | list }} {{ d.values() | list }}", "[('zeta', 1), ('alpha', 2), ('Mid', 3), ('beta', 4)] ['zeta', 'alpha', 'Mid', 'beta'] [1, 2, 3, 4]"},
		{"{% for k in d %}{{ k }} {% endfor %}| {{ d | list }}", "zeta alpha Mid beta | ['zeta', 'alpha', 'Mid', 'beta']"},
		{"{% for k, v in d.items() %}{{ k }}={{ v }} {% endfor %}", "zeta=1 alpha=2 Mid=3 beta=4 "},
		{"{% for k, v in (d | combine({'new': 0})).items() %}{{ k }}={{ v }} {% endfor %}{{ (d | combine({'q': 1})).keys() | list | last }}", "zeta=1 alpha=2 Mid=3 beta=4 new=0 q"},
		{"{% for k, v in {'ab': 1, 'cd': 2} %}{{ k }}={{ v }} {% endfor %}{% for k, v in [[1, 2], (3, 4)] %}{{ k }}{{ v }}{% endfor %}", "a=b c=d 1234"}, // Python unpacks each key
		{"{% for k in e recursive %}{{ k }}({% if e[k] is mapping %}{{ loop(e[k]) }}{% endif %}){% endfor %}", "beta()gamma()alpha()nest(y()b())"},
		{"{{ d | dict2items }}", "[{'key': 'zeta', 'value': 1}, {'key': 'alpha', 'value': 2}, {'key': 'Mid', 'value': 3}, {'key': 'beta', 'value': 4}]"},
		{"{{ d | dict2items(key_name='n', value_name='a') | first }}", "{'n': 'zeta', 'a': 1}"},
		{"{{ d | dict2items | rejectattr('key', 'eq', 'alpha') | items2dict | list }}", "['zeta', 'Mid', 'beta']"},
		{"{{ d | combine(e) | list }}", "['zeta', 'alpha', 'Mid', 'beta', 'gamma', 'nest']"},
		{"{{ {'n': {'z': 1, 'a': 2}} | combine({'n': {'q': 3, 'a': 4}}, recursive=true) }}", "{'n': {'z': 1, 'a': 4, 'q': 3}}"},
		{"{{ {'z': 1, 'a': 2, 'm': 3} }} {{ dict(['z','a','m'] | zip([1,2,3])) }} {{ dict(d) | list }}", "{'z': 1, 'a': 2, 'm': 3} {'z': 1, 'a': 2, 'm': 3} ['zeta', 'alpha', 'Mid', 'beta']"},
		{"{{ dict(zeta=1, alpha=d.alpha + 1, Mid=[3]) }} {{ dict(z=1) }} {{ dict(d, new=1) | list }}", "{'zeta': 1, 'alpha': 3, 'Mid': [3]} {'z': 1} ['zeta', 'alpha', 'Mid', 'beta', 'new']"},
		// ansible-playbook 2.14: keywords after a positional argument keep their order too.
		{"{{ dict(d, zz=1, b=1, alpha=9) }} {{ dict([('q', 1)], b=1, a=2) }}", "{'zeta': 1, 'alpha': 9, 'Mid': 3, 'beta': 4, 'zz': 1, 'b': 1} {'q': 1, 'b': 1, 'a': 2}"},
		{"{{ e | to_json }}", `{"beta": 40, "gamma": 50, "alpha": 20, "nest": {"y": 1, "b": 2}}`},
		{"{{ e | to_json(sort_keys=true) }}", `{"alpha": 20, "beta": 40, "gamma": 50, "nest": {"b": 2, "y": 1}}`},
		{"{{ d | to_json(indent=2) }}", "{\n  \"zeta\": 1,\n  \"alpha\": 2,\n  \"Mid\": 3,\n  \"beta\": 4\n}"},
		{"{{ e | to_nice_json }}", "{\n    \"alpha\": 20,\n    \"beta\": 40,\n    \"gamma\": 50,\n    \"nest\": {\n        \"b\": 2,\n        \"y\": 1\n    }\n}"},
		{"{{ d | to_yaml }}", "{Mid: 3, alpha: 2, beta: 4, zeta: 1}\n"},
		{"{{ d | to_nice_yaml }}", "Mid: 3\nalpha: 2\nbeta: 4\nzeta: 1\n"},
		{"{{ {'a10': 1, 'a9': 2, 'B': 3, '_x': 4, 'a': 5, 'é': 6} | to_nice_yaml }}", "B: 3\n_x: 4\na: 5\na10: 1\na9: 2\né: 6\n"},
		{`{{ {"z": {"n": 1}, "a": {"n": 2}} | json_query("*.n") }} {{ [{"z": 1, "a": 2}] | json_query("[].{q: z, b: a}") }}`, "[1, 2] [{'q': 1, 'b': 2}]"},
		{"{{ d | dictsort }}", "[('alpha', 2), ('beta', 4), ('Mid', 3), ('zeta', 1)]"},
		{"{{ d | sort }}", "['alpha', 'beta', 'Mid', 'zeta']"},
		{`{{ '{"z": 1, "a": 2}' | from_json }} {{ 'z: 1` + "\n" + `a: 2' | from_yaml }}`, "{'z': 1, 'a': 2} {'z': 1, 'a': 2}"},
		{"{{ 'z: 1\n---\n{y: 1, b: 2}' | from_yaml_all | list | last }}", "{'y': 1, 'b': 2}"},
		{"first={{ d | first }} last={{ d | last }} join={{ d | join(',') }} map={{ d | map('upper') | list }}", "first=zeta last=beta join=zeta,alpha,Mid,beta map=['ZETA', 'ALPHA', 'MID', 'BETA']"},
		{"{{ d | select('match', '^[a-z]') | list }} {{ d | reject('eq', 'beta') | list }} {{ d | unique | list }}", "['zeta', 'alpha', 'beta'] ['zeta', 'alpha', 'Mid'] ['zeta', 'alpha', 'Mid', 'beta']"},
		{"{{ d | reverse | list }} {{ [3, 1, 2] | reverse | list }} {{ d | batch(3) | list }}", "['beta', 'Mid', 'alpha', 'zeta'] [2, 1, 3] [['zeta', 'alpha', 'Mid'], ['beta']]"},
		{"{{ d.copy() | list }} {{ d | combine({'new': 1, 'alpha': 9}) | list }}", "['zeta', 'alpha', 'Mid', 'beta'] ['zeta', 'alpha', 'Mid', 'beta', 'new']"},
		{"{{ lazy }}", "{'z': 'x1', 'a': 'y'}"},
	}
	vars := orderVars(t)
	for _, tt := range tests {
		got, err := RenderString(tt.tmpl, vars)
		if err != nil {
			t.Errorf("%s: %v", tt.tmpl, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.tmpl, got, tt.want)
		}
	}
}

// TestForUnpackFails: `for k, v in d` unpacks each of d's keys, as Python
// does, and fails as ansible-playbook 2.14 did unless each is two long.
func TestForUnpackFails(t *testing.T) {
	tests := []struct{ obj, want string }{
		{"{'a': 1}", "not enough values to unpack (expected 2, got 1)"},
		{"{'abc': 1}", "too many values to unpack (expected 2)"},
		{"['ab', 'xyz']", "too many values to unpack (expected 2)"},
		{"[1]", "cannot unpack non-iterable int object"},
	}
	for _, tt := range tests {
		_, err := RenderString("{% for k, v in "+tt.obj+" %}{{ k }}{% endfor %}", nil)
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Msg != tt.want {
			t.Errorf("for k, v in %s: error %v, want ValueError %q", tt.obj, err, tt.want)
		}
	}
}

// TestRenderValueKeepsOrder: set_fact, loops and module arguments get their
// values through RenderValue; their dicts keep the order.
func TestRenderValueKeepsOrder(t *testing.T) {
	vars := orderVars(t)
	for _, v := range []any{vars["lazy"], "{{ d }}", "{{ d | combine({'q': 1}) }}"} {
		out, err := RenderValue(v, vars)
		if err != nil {
			t.Fatal(err)
		}
		keys := keyorder.Keys(out.(map[string]any))
		switch len(keys) {
		case 2:
			if !slices.Equal(keys, []string{"z", "a"}) {
				t.Errorf("RenderValue(%v) keys %q, want [z a]", v, keys)
			}
		default:
			if want := []string{"zeta", "alpha", "Mid", "beta", "q"}[:len(keys)]; !slices.Equal(keys, want) {
				t.Errorf("RenderValue(%v) keys %q, want %q", v, keys, want)
			}
		}
	}
}

// BenchmarkRenderDictLoop is the cost of dict order in a template walking a
// 20-key dict: "recorded" as a YAML file gives it, "unrecorded" the same
// dict with no order (sorted iteration, what play did before).
func BenchmarkRenderDictLoop(b *testing.B) {
	var src strings.Builder
	for i := range 20 {
		fmt.Fprintf(&src, "key%02d: value %d\n", 20-i, i)
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src.String()), &n); err != nil {
		b.Fatal(err)
	}
	recorded, err := keyorder.DecodeYAML(&n)
	if err != nil {
		b.Fatal(err)
	}
	unrecorded := maps.Clone(recorded.(map[string]any))
	const tmpl = "{% for k, v in settings.items() %}{{ k }} = {{ v }}\n{% endfor %}"
	for name, settings := range map[string]any{"recorded": recorded, "unrecorded": unrecorded} {
		b.Run(name, func(b *testing.B) {
			vars := map[string]any{"settings": settings}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := RenderString(tmpl, vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// hostvars iterate in the order the runner recorded (the inventory's):
// ansible-playbook 2.14 printed zz aa mm localhost for an INI inventory
// listing zz, aa, mm.
func TestHostVarsOrder(t *testing.T) {
	hosts := map[string]map[string]any{"zz": {}, "aa": {}, "mm": {}, "localhost": {}}
	keyorder.Set(hosts, []string{"zz", "aa", "mm", "localhost"})
	vars := map[string]any{"hostvars": NewHostVars(hosts)}
	got, err := RenderString("{{ hostvars | list }} {% for h in hostvars %}{{ h }} {% endfor %}", vars)
	if want := "['zz', 'aa', 'mm', 'localhost'] zz aa mm localhost "; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// TestForUnpacksFilterPairs: `for k, v in` takes the pairs gonja's own
// filters return (dictsort's are a named slice type), as Jinja2 does.
func TestForUnpacksFilterPairs(t *testing.T) {
	vars := map[string]any{"d": map[string]any{"b": 2, "a": 1}, "l": []any{1, 2}, "m": []any{"x", "y"}}
	tests := map[string]string{
		"{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}":               "a=1;b=2;",
		"{% for k, v in d | dictsort(reverse=true) %}{{ k }}={{ v }};{% endfor %}": "b=2;a=1;",
		"{% for a, b in l | zip(m) %}{{ a }}{{ b }};{% endfor %}":                  "1x;2y;",
		"{% for a, b in [(1, 'x'), [2, 'y']] %}{{ a }}{{ b }};{% endfor %}":        "1x;2y;",
	}
	for src, want := range tests {
		if got, err := RenderString(src, vars); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", src, got, err, want)
		}
	}
}
