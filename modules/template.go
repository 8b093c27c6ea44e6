package modules

import (
	"context"
	"strings"
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
	// NewlineSequence is the line ending of the written file.
	NewlineSequence string `arg:"newline_sequence" choices:"\n,\r,\r\n"`
	// Follow keeps a symlink at dest and writes to the file it points to.
	Follow bool `arg:"follow"`
}

// Validate checks the validate command.
func (t *Template) Validate() error { return checkValidate(t.ValidateCmd) }

// Plan implements Module.
func (t *Template) Plan(ctx context.Context, env *Env) (*Plan, error) {
	text, resolved, err := env.Ctl.ReadFile("templates", t.Src)
	if err != nil {
		return nil, &Failure{Msg: err.Error()}
	}
	out, err := env.Ctl.Render(string(text))
	if err != nil {
		return nil, Failf("AnsibleError: template error while templating string: %v", err)
	}
	// Ansible keeps the template's trailing newline.
	if strings.HasSuffix(string(text), "\n") && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if t.NewlineSequence != "" && t.NewlineSequence != "\n" {
		out = strings.ReplaceAll(out, "\n", t.NewlineSequence)
	}
	c := &Copy{FileAttrs: t.FileAttrs, Src: t.Src, Dest: t.Dest, Backup: t.Backup, Force: t.Force,
		ValidateCmd: t.ValidateCmd, Follow: t.Follow}
	data := []byte(out)
	return c.planFile(ctx, env, copySource{data: data, checksum: sha1Hex(data), mode: localMode(resolved), header: resolved})
}
