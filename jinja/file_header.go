package jinja

import (
	"fmt"
	"strconv"
	"strings"
)

// headerPrefix starts a template's first line that overrides its Jinja
// options: `#jinja2: trim_blocks: False, lstrip_blocks: True`.
const headerPrefix = "#jinja2:"

// applyHeader sets opts from text's `#jinja2:` line and returns the text
// without that line, as Ansible's Templar.do_template does (values are
// Python literals; a header with no newline after it stays in the text).
func applyHeader(text string, opts *Options) (string, error) {
	if !strings.HasPrefix(text, headerPrefix) {
		return text, nil
	}
	eol := strings.IndexByte(text, '\n')
	end := eol
	if eol < 0 {
		end = len(text) - 1 // Python's data[n:-1]
	}
	line, body := text[len(headerPrefix):end], text[eol+1:]
	for pair := range strings.SplitSeq(line, ",") {
		key, val, ok := strings.Cut(pair, ":")
		if !ok {
			return "", fmt.Errorf("failed to parse jinja2 override '%s'. Did you use something different from colon as key-value separator?", strings.TrimSpace(pair))
		}
		if err := opts.set(strings.TrimSpace(key), strings.TrimSpace(val)); err != nil {
			return "", fmt.Errorf("#jinja2: override %s: %w", strings.TrimSpace(key), err)
		}
	}
	return body, nil
}

// set sets the option key to the Python literal val.
func (o *Options) set(key, val string) error {
	flags := map[string]*bool{"trim_blocks": &o.TrimBlocks, "lstrip_blocks": &o.LstripBlocks}
	strs := map[string]*string{
		"newline_sequence":      &o.NewlineSequence,
		"block_start_string":    &o.BlockStart,
		"block_end_string":      &o.BlockEnd,
		"variable_start_string": &o.VariableStart,
		"variable_end_string":   &o.VariableEnd,
		"comment_start_string":  &o.CommentStart,
		"comment_end_string":    &o.CommentEnd,
	}
	if dst, ok := flags[key]; ok {
		switch val {
		case "True":
			*dst = true
		case "False":
			*dst = false
		default:
			return fmt.Errorf("expected True or False, got %s", val)
		}
		return nil
	}
	if dst, ok := strs[key]; ok {
		s, err := pyStringLiteral(val)
		*dst = s
		return err
	}
	return fmt.Errorf("unknown option: play supports trim_blocks, lstrip_blocks, newline_sequence and the {block,variable,comment}_{start,end}_string delimiters")
}

// pyStringLiteral reads a quoted Python string: '...' or "..." with
// backslash escapes.
func pyStringLiteral(val string) (string, error) {
	if len(val) < 2 || (val[0] != '\'' && val[0] != '"') || val[len(val)-1] != val[0] {
		return "", fmt.Errorf("expected a quoted string, got %s", val)
	}
	inner := val[1 : len(val)-1]
	if val[0] == '\'' {
		inner = strings.ReplaceAll(strings.ReplaceAll(inner, `\'`, `'`), `"`, `\"`)
	}
	s, err := strconv.Unquote(`"` + inner + `"`)
	if err != nil {
		return "", fmt.Errorf("invalid string %s", val)
	}
	return s, nil
}
