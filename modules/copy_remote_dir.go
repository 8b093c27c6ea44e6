package modules

import (
	"context"
	"fmt"
	"path"
	"strings"
)

// planRemoteDir copies a directory on the host (remote_src) as Ansible's copy module
// does: "dir/" copies its contents into dest, "dir" the directory itself; the directories
// and files that are missing or differ in content are copied with their modes, the rest
// is left alone. Like Ansible, it shows no diff.
func (c *Copy) planRemoteDir(ctx context.Context, env *Env) (*Plan, error) {
	if c.Mode.IsSet() || c.Owner != "" || c.Group != "" {
		return nil, Failf("remote_src with a directory src (%s) copies modes as they are: remove mode, owner and group, and set them with the file module afterwards", c.Src)
	}
	src := strings.TrimSuffix(c.Src, "/")
	target := c.Dest
	if !strings.HasSuffix(c.Src, "/") {
		target = path.Join(c.Dest, path.Base(src))
	}
	obs, err := observe(ctx, env.Host, "the directory "+c.Src, remoteDirProbe(src, target))
	if err != nil {
		return nil, err
	}
	p := &Plan{Result: map[string]any{"dest": c.Dest, "src": c.Src}}
	if entries := nonEmptyLines(obs["copy"]); len(entries) > 0 {
		p.Steps = []Step{{Script: remoteDirCopy(src, target, entries)}}
	}
	return p, nil
}

// remoteDirProbe lists what of src's tree target lacks or has with other content: a line
// "d NAME" per directory, "f NAME" per file, relative to src ("." for target itself).
func remoteDirProbe(src, target string) string {
	return fmt.Sprintf(`t=%s
cd %s || exit 1
%s
[ -d "$t" ] || echo 'd .'
find . -mindepth 1 \( -type d -printf 'd %%P\n' \) -o -printf 'f %%P\n' | while IFS= read -r e; do
  n=${e#??}
  case $e in
  d*) [ -d "$t/$n" ] || printf '%%s\n' "$e";;
  *) cmp -s -- "$n" "$t/$n" || printf '%%s\n' "$e";;
  esac
done
`, Quote(target), Quote(src), section("copy"))
}

// remoteDirCopy copies the entries remoteDirProbe listed, keeping their modes.
func remoteDirCopy(src, target string, entries []string) string {
	cmds := []string{"cd " + Quote(src), "mkdir -p -- " + Quote(target)}
	for _, e := range entries {
		kind, name, _ := strings.Cut(e, " ")
		to := Quote(path.Join(target, name))
		if kind == "d" {
			cmds = append(cmds, "mkdir -p -- "+to, "chmod --reference="+Quote(name)+" -- "+to)
		} else {
			cmds = append(cmds, "cp --preserve=mode -- "+Quote(name)+" "+to)
		}
	}
	return strings.Join(cmds, " &&\n")
}
