package playbooks

import (
	"context"

	"play/modules"
)

// Stand-ins for modules other engineers are writing: registered only when
// the real one is not there yet, with Ansible's argument names.
type fake struct{}

func (fake) Plan(context.Context, *modules.Env) (*modules.Plan, error) { return &modules.Plan{}, nil }

type fakeCopy struct {
	fake
	Src     string `arg:"src"`
	Dest    string `arg:"dest,required"`
	Content string `arg:"content"`
	Mode    any    `arg:"mode"`
	Owner   string `arg:"owner"`
	Group   string `arg:"group"`
	Backup  bool   `arg:"backup"`
	Force   bool   `arg:"force"`
}

type fakeFile struct {
	fake
	Path    string `arg:"path,required" aliases:"dest,name"`
	State   string `arg:"state" choices:"file,directory,touch,absent,link,hard"`
	Mode    any    `arg:"mode"`
	Owner   string `arg:"owner"`
	Group   string `arg:"group"`
	Src     string `arg:"src"`
	Recurse bool   `arg:"recurse"`
}

type fakeCommand struct {
	fake
	RawParams string   `arg:"_raw_params"`
	Cmd       string   `arg:"cmd"`
	Argv      []string `arg:"argv"`
	Chdir     string   `arg:"chdir"`
	Creates   string   `arg:"creates"`
	Removes   string   `arg:"removes"`
	Stdin     string   `arg:"stdin"`
}

type fakeDebug struct {
	fake
	Msg       any    `arg:"msg"`
	Var       string `arg:"var"`
	Verbosity int    `arg:"verbosity"`
}

type fakeMeta struct {
	fake
	RawParams string `arg:"_raw_params,required"`
}

type fakeTemplate struct {
	fake
	Src  string `arg:"src,required"`
	Dest string `arg:"dest,required"`
	Mode any    `arg:"mode"`
}

type fakeLineinfile struct {
	fake
	Path   string `arg:"path,required" aliases:"dest,destfile,name"`
	Line   string `arg:"line"`
	Regexp string `arg:"regexp"`
	Create bool   `arg:"create"`
}

type fakeAssert struct {
	fake
	That []string `arg:"that,required"`
	Msg  string   `arg:"msg"`
}

func init() {
	for _, info := range []modules.Info{
		{Name: "copy", New: func() modules.Module { return &fakeCopy{} }},
		{Name: "file", New: func() modules.Module { return &fakeFile{} }},
		{Name: "command", New: func() modules.Module { return &fakeCommand{} }, FreeForm: true},
		{Name: "shell", New: func() modules.Module { return &fakeCommand{} }, FreeForm: true},
		{Name: "debug", New: func() modules.Module { return &fakeDebug{} }, Local: true},
		{Name: "meta", New: func() modules.Module { return &fakeMeta{} }, FreeForm: true, Local: true},
		{Name: "template", New: func() modules.Module { return &fakeTemplate{} }},
		{Name: "lineinfile", New: func() modules.Module { return &fakeLineinfile{} }},
		{Name: "assert", New: func() modules.Module { return &fakeAssert{} }, Local: true},
	} {
		if _, ok := modules.Lookup(info.Name); !ok {
			modules.Register(info)
		}
	}
}
