package modules

import (
	"context"
	"sort"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "docker_image", New: func() Module { return &DockerImage{} }})
	RegisterAlias("community.docker.docker_image", "docker_image")
	RegisterAlias("community.general.docker_image", "docker_image")
}

// DockerImage builds, loads, pulls or removes an image with the docker CLI.
// An image that exists is left alone unless force_source is set; a forced
// rebuild that yields the same image ID reports ok.
type DockerImage struct {
	// Name is the image's repository, optionally with :tag.
	Name string `arg:"name,required"`
	// Tag is the image's tag (default latest).
	Tag string `arg:"tag"`
	// Source is where a missing image comes from: build, load, pull or local.
	Source string `arg:"source" choices:"build,load,pull,local"`
	// Build holds the build options: path (a directory on the host),
	// dockerfile, args, nocache, pull, target, network, labels.
	Build map[string]any `arg:"build"`
	// LoadPath is the image archive (docker save) on the host, for source load.
	LoadPath string `arg:"load_path"`
	// ForceSource builds, loads or pulls even when the image exists.
	ForceSource bool `arg:"force_source"`
	// ForceAbsent removes the image even when containers use it.
	ForceAbsent bool `arg:"force_absent"`
	// State is present or absent.
	State string `arg:"state" choices:"present,absent"`
}

// buildOpts are the build options this module knows.
type buildOpts struct {
	Path       string         `arg:"path"`
	Dockerfile string         `arg:"dockerfile"`
	Args       map[string]any `arg:"args"`
	Labels     map[string]any `arg:"labels"`
	Nocache    bool           `arg:"nocache"`
	Pull       bool           `arg:"pull"`
	Target     string         `arg:"target"`
	Network    string         `arg:"network"`
	Rm         *bool          `arg:"rm"`
	Platform   string         `arg:"platform"`
}

// Validate splits name:tag and checks each source has what it needs.
func (m *DockerImage) Validate() error {
	if m.State == "" {
		m.State = "present"
	}
	if i := strings.LastIndex(m.Name, ":"); i > strings.LastIndex(m.Name, "/") && !strings.HasPrefix(m.Name, "sha256:") {
		if m.Tag == "" {
			m.Tag = m.Name[i+1:]
		}
		m.Name = m.Name[:i]
	}
	if m.Tag == "" {
		m.Tag = "latest"
	}
	if m.State == "absent" {
		return nil
	}
	switch {
	case m.Source == "":
		return Failf("state is present but all of the following are missing: source")
	case m.Source == "build":
		b, err := m.buildOpts()
		if err != nil {
			return err
		}
		if b.Path == "" {
			return Failf("state is present but all of the following are missing: build.path")
		}
	case m.Source == "load" && m.LoadPath == "":
		return Failf("source is load but all of the following are missing: load_path")
	}
	return nil
}

func (m *DockerImage) buildOpts() (*buildOpts, error) {
	var b buildOpts
	if err := Decode(m.Build, &b, false); err != nil {
		return nil, Failf("build: %v", err)
	}
	return &b, nil
}

// ref is name:tag.
func (m *DockerImage) ref() string { return m.Name + ":" + m.Tag }

// Plan inspects the image (and the build path or archive) in one round trip.
func (m *DockerImage) Plan(ctx context.Context, env *Env) (*Plan, error) {
	objs := []dockerInspect{{"image", m.ref()}}
	b, _ := m.buildOpts()
	switch {
	case m.State == "present" && m.Source == "build":
		objs = append(objs, dockerInspect{"dir", b.Path})
	case m.State == "present" && m.Source == "load":
		objs = append(objs, dockerInspect{"file", m.LoadPath})
	}
	docs, err := dockerProbe(ctx, env.Host, objs...)
	if err != nil {
		return nil, err
	}
	image := docs[0]
	result := map[string]any{"image": image, "actions": []string{}}
	if image == nil {
		result["image"] = map[string]any{}
	}
	if m.State == "absent" {
		if image == nil {
			return &Plan{Result: result}, nil
		}
		rm := []string{"image", "rm"}
		if m.ForceAbsent {
			rm = append(rm, "--force")
		}
		result["actions"] = []string{"Removed image " + m.ref()}
		result["image"] = map[string]any{}
		return &Plan{Result: result, Steps: []Step{{Script: dockerArgs(append(rm, m.ref())...) + " >/dev/null\n"}}}, nil
	}
	if image != nil && !m.ForceSource {
		return &Plan{Result: result}, nil
	}
	var cmd, action string
	switch m.Source {
	case "local":
		if image == nil {
			return nil, Failf("Cannot find the image %s locally.", m.ref())
		}
		return &Plan{Result: result}, nil
	case "build":
		if docs[1] == nil {
			return nil, Failf("Requested build path %s could not be found or you do not have access.", b.Path)
		}
		cmd, action = m.buildCommand(b)+" >&2", "Built image "+m.ref()+" from "+b.Path
	case "load":
		if docs[1] == nil {
			return nil, Failf("Error loading image %s. Specified path %s does not exist.", m.ref(), m.LoadPath)
		}
		cmd, action = dockerArgs("load", "--input", m.LoadPath)+" >&2", "Loaded image "+m.ref()+" from "+m.LoadPath
	case "pull":
		cmd, action = dockerArgs("pull", m.ref())+" >&2", "Pulled image "+m.ref()
	}
	result["actions"] = []string{action}
	finish := dockerFinish("image", result)
	return &Plan{
		Result: result,
		Steps:  []Step{{Script: dockerScript([]string{cmd}, "image", m.ref())}},
		Finish: func(out []connection.Result) (map[string]any, error) {
			r, err := finish(out)
			if err != nil {
				return nil, err
			}
			// A forced rebuild that yields the same image changes nothing.
			r["changed"] = image == nil || digString(image, "Id") != digString(r["image"].(map[string]any), "Id")
			return r, nil
		},
	}, nil
}

// buildCommand is docker build with the options given.
func (m *DockerImage) buildCommand(b *buildOpts) string {
	args := []string{"build", "--tag", m.ref()}
	if b.Dockerfile != "" {
		df := b.Dockerfile
		if !strings.HasPrefix(df, "/") {
			df = strings.TrimSuffix(b.Path, "/") + "/" + df
		}
		args = append(args, "--file", df)
	}
	for _, kv := range []struct {
		flag string
		m    map[string]any
	}{{"--build-arg", b.Args}, {"--label", b.Labels}} {
		keys := make([]string, 0, len(kv.m))
		for k := range kv.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, _ := ToString(kv.m[k])
			args = append(args, kv.flag, k+"="+v)
		}
	}
	for _, o := range []struct {
		on   bool
		flag string
	}{{b.Nocache, "--no-cache"}, {b.Pull, "--pull"}, {b.Rm == nil || *b.Rm, "--rm"}} {
		if o.on {
			args = append(args, o.flag)
		}
	}
	for _, o := range []struct{ flag, val string }{{"--target", b.Target}, {"--network", b.Network}, {"--platform", b.Platform}} {
		if o.val != "" {
			args = append(args, o.flag, o.val)
		}
	}
	return dockerArgs(append(args, b.Path)...)
}

var _ Validator = (*DockerImage)(nil)
