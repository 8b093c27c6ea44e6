package runner

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"play/playbooks"
)

func init() {
	lookupPlugins["sequence"] = sequenceLookup
	lookupPlugins["password"] = passwordLookup
}

// sequence is one term of the sequence lookup.
type sequence struct {
	start, end, stride int
	count              *int
	format             string
}

// sequenceShortcut is "[start-]end[/stride][:format]".
var sequenceShortcut = regexp.MustCompile(`^(?:(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|\d+)-)?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|\d+)(?:/(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|\d+))?(?::(.+))?$`)

// sequenceLookup generates formatted numbers, as with_sequence does:
// "start=1 end=5 stride=1 format=%d", "count=3" or the shortcut "1-5/1:%d".
func sequenceLookup(_ *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	texts, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, text := range texts {
		seq, err := parseSequence(text)
		if err != nil {
			return nil, fmt.Errorf("unknown error parsing with_sequence arguments: %q: %w", text, err)
		}
		items, err := seq.generate()
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func parseSequence(text string) (*sequence, error) {
	seq := &sequence{start: 1, stride: 1, format: "%d"}
	if m := sequenceShortcut.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
		var err error
		if m[1] != "" {
			if seq.start, err = pyInt(m[1]); err != nil {
				return nil, err
			}
		}
		if seq.end, err = pyInt(m[2]); err != nil {
			return nil, err
		}
		if m[3] != "" {
			if seq.stride, err = pyInt(m[3]); err != nil {
				return nil, err
			}
		}
		if m[4] != "" {
			seq.format = m[4]
		}
		return seq, nil
	}
	kv, err := playbooks.SplitKV(text, false)
	if err != nil {
		return nil, err
	}
	endSet := false
	for k, v := range kv {
		s := fmt.Sprint(v)
		switch k {
		case "start":
			seq.start, err = pyInt(s)
		case "end":
			seq.end, err = pyInt(s)
			endSet = true
		case "stride":
			seq.stride, err = pyInt(s)
		case "count":
			var n int
			n, err = pyInt(s)
			seq.count = &n
		case "format":
			seq.format = s
		default:
			return nil, fmt.Errorf("unrecognized arguments to with_sequence: %s", k)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case seq.count != nil && endSet:
		return nil, fmt.Errorf("can't specify both count and end in with_sequence")
	case seq.count == nil && !endSet:
		return nil, fmt.Errorf("must specify count or end in with_sequence")
	case seq.count != nil && *seq.count == 0:
		seq.start, seq.end, seq.stride = 0, 0, 0
	case seq.count != nil:
		seq.end = seq.start + *seq.count*seq.stride - 1
	}
	return seq, nil
}

// pyInt parses an integer the way Python's int(x, 0) does (0x, 0o, 0).
func pyInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '7' {
		s = "0o" + s[1:]
	}
	n, err := strconv.ParseInt(s, 0, 64)
	return int(n), err
}

func (s *sequence) generate() ([]any, error) {
	if s.stride == 0 {
		return []any{}, nil
	}
	if s.stride > 0 && s.end < s.start {
		return nil, fmt.Errorf("to count backwards make stride negative")
	}
	if s.stride < 0 && s.end > s.start {
		return nil, fmt.Errorf("to count forward don't make stride negative")
	}
	format := strings.ReplaceAll(s.format, "%s", "%d")
	var out []any
	for i := s.start; (s.stride > 0 && i <= s.end) || (s.stride < 0 && i >= s.end); i += s.stride {
		out = append(out, fmt.Sprintf(format, i))
	}
	return out, nil
}
