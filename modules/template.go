package modules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"play/jinja"
)

func init() {
	Register(Info{Name: "template", New: func() Module { return &Template{} }})
}

// Template renders a Jinja2 template from the controller and copies the
// result to dest.
type Template struct {
	FileAttrs
	// Src is the template, searched in the role's or playbook's templates/ directory.
	Src string `arg:"src,required"`
	// Dest is the file to write.
	Dest string `arg:"dest,required"`
	// Backup keeps a copy of the old file, named with a timestamp.
	Backup bool `arg:"backup"`
	// Force replaces a dest whose content differs; with false only absent files are written.
	Force *bool `arg:"force"`
	// ValidateCmd is a command run on the new file (%s) before it replaces the old one.
	ValidateCmd string `arg:"validate"`
	// NewlineSequence is the line ending of the template's lines ("\n", "\r", "\r\n", or escaped "\\n"...).
	NewlineSequence string `arg:"newline_sequence" choices:"\n,\r,\r\n,\\n,\\r,\\r\\n"`
	// Follow keeps a symlink at dest and writes to the file it points to.
	Follow bool `arg:"follow"`
	// TrimBlocks removes the newline after a block tag (default true).
	TrimBlocks *bool `arg:"trim_blocks"`
	// LstripBlocks strips spaces and tabs before a block tag on its line.
	LstripBlocks bool `arg:"lstrip_blocks"`
	// BlockStart is the string that opens a block ({%).
	BlockStart string `arg:"block_start_string"`
	// BlockEnd is the string that closes a block (%}).
	BlockEnd string `arg:"block_end_string"`
	// VariableStart is the string that opens a print statement ({{).
	VariableStart string `arg:"variable_start_string"`
	// VariableEnd is the string that closes a print statement (}}).
	VariableEnd string `arg:"variable_end_string"`
	// CommentStart is the string that opens a comment ({#).
	CommentStart string `arg:"comment_start_string"`
	// CommentEnd is the string that closes a comment (#}).
	CommentEnd string `arg:"comment_end_string"`
	// OutputEncoding is the encoding of the written file: utf-8 only.
	OutputEncoding string `arg:"output_encoding"`
}

// FileRenderer is a Controller that renders template files as Ansible's
// template action does: with Jinja options, and include/import/extends
// found in the task's search path and the template's own directory.
type FileRenderer interface {
	RenderFile(path, text string, opts jinja.Options, extraVars map[string]any) (string, error)
}

// Validate checks the validate command and the output encoding.
func (t *Template) Validate() error {
	switch strings.ToLower(strings.ReplaceAll(t.OutputEncoding, "_", "-")) {
	case "", "utf-8", "utf8":
	default:
		return fmt.Errorf("output_encoding %q is not supported: play writes templates in utf-8; convert the file with a later task (iconv) if another encoding is needed", t.OutputEncoding)
	}
	return checkValidate(t.ValidateCmd)
}

// JinjaOptions are the Jinja environment settings the task asks for.
func (t *Template) JinjaOptions() jinja.Options {
	o := jinja.FileOptions()
	if t.TrimBlocks != nil {
		o.TrimBlocks = *t.TrimBlocks
	}
	o.LstripBlocks = t.LstripBlocks
	// Ansible takes escaped sequences ("\\r\\n") for the real ones.
	o.NewlineSequence = strings.NewReplacer(`\r`, "\r", `\n`, "\n").Replace(t.NewlineSequence)
	o.BlockStart, o.BlockEnd = t.BlockStart, t.BlockEnd
	o.VariableStart, o.VariableEnd = t.VariableStart, t.VariableEnd
	o.CommentStart, o.CommentEnd = t.CommentStart, t.CommentEnd
	return o
}

// Plan implements Module.
func (t *Template) Plan(ctx context.Context, env *Env) (*Plan, error) {
	text, resolved, err := env.Ctl.ReadFile("templates", t.Src)
	if err != nil {
		return nil, &Failure{Msg: err.Error()}
	}
	var out string
	if r, ok := env.Ctl.(FileRenderer); ok {
		out, err = r.RenderFile(resolved, string(text), t.JinjaOptions(), jinja.TemplateVars(t.Src, resolved, t.Dest))
	} else {
		out, err = env.Ctl.Render(string(text))
	}
	if err != nil {
		return nil, templateFailure(err)
	}
	c := &Copy{FileAttrs: t.FileAttrs, Src: t.Src, Dest: t.Dest, Backup: t.Backup, Force: t.Force,
		ValidateCmd: t.ValidateCmd, Follow: t.Follow}
	data := []byte(out)
	return c.planFile(ctx, env, copySource{data: data, checksum: sha1Hex(data), mode: localMode(resolved), header: resolved})
}

// templateFailure words a rendering error as Ansible's template action
// does: the Jinja exception's type, then its message.
func templateFailure(err error) *Failure {
	var undefined *jinja.UndefinedError
	var missing *jinja.NotFoundError
	var templating *jinja.Error
	switch {
	case errors.As(err, &undefined):
		return Failf("AnsibleUndefinedVariable: %s. %s", undefined.Msg, undefined.Msg)
	case errors.As(err, &missing):
		return Failf("TemplateNotFound: %v", missing)
	case errors.As(err, &templating):
		return Failf("AnsibleError: %v", err) // it says "template error while templating string"
	}
	return Failf("AnsibleError: template error while templating string: %v", err)
}
