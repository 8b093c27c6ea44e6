package modules

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "archive", New: func() Module { return &Archive{} }})
	RegisterAlias("community.general.archive", "archive")
}

// Archive packs files and trees into a tar (optionally compressed) or zip
// archive, or compresses a single file, like community.general.archive.
// The host's tar, gzip, bzip2, xz, zip and unzip do the work.
type Archive struct {
	// Path lists the files, trees or globs (* and ?) to archive.
	Path []string `arg:"path,required"`
	// Format is the archive's type: gz, bz2 and xz are compressed tar files,
	// or one compressed file when a single file is given.
	Format string `arg:"format" choices:"bz2,gz,tar,xz,zip"`
	// Dest is the archive; it may be left out for a single file, which then
	// gets the format as its extension.
	Dest string `arg:"dest"`
	// ExcludePath lists paths or globs to leave out of Path's expansion.
	ExcludePath []string `arg:"exclude_path"`
	// ExclusionPatterns are shell patterns of members to leave out (matched
	// against the path for zip, the member's name for tar).
	ExclusionPatterns []string `arg:"exclusion_patterns"`
	// ForceArchive makes an archive even of a single file.
	ForceArchive bool `arg:"force_archive"`
	// Remove deletes the sources once archived.
	Remove bool `arg:"remove"`
}

func (a *Archive) format() string {
	if a.Format == "" {
		return "gz"
	}
	return a.Format
}

// Plan implements Module. The first probe expands the paths and walks the
// trees; the second builds the archive in a temporary directory and lists
// it beside the existing one, which is how Ansible decides changed (its
// members' checksums before and after).
func (a *Archive) Plan(ctx context.Context, env *Env) (*Plan, error) {
	tree, err := observe(ctx, env.Host, "archive sources", a.treeScript())
	if err != nil {
		return nil, err
	}
	set, err := a.sources(tree)
	if err != nil {
		return nil, err
	}
	obs, err := observeInput(ctx, env.Host, "archive "+set.dest, a.compareScript(set), []byte(set.names()))
	if err != nil {
		return nil, err
	}
	return a.plan(set, obs)
}

// treeScript prints the expanded paths and excludes, then a line per path
// ("T d|f path"), and for a directory every entry below it in the order the
// directory lists them ("C <type> <type followed> path").
func (a *Archive) treeScript() string {
	var b strings.Builder
	b.WriteString("expand() {\n" + expandScript(a.Path) + "}\n")
	b.WriteString(section("paths") + "\nexpand\n" + section("excludes") + "\n" + expandScript(a.ExcludePath))
	b.WriteString(section("tree") + "\n" + `expand | while IFS= read -r p; do
  if [ -d "$p" ]; then echo "T d $p"; find -H "$p" -mindepth 1 -printf 'C %y %Y %p\n'
  elif [ -e "$p" ] || [ -L "$p" ]; then echo "T f $p"; fi
done
`)
	return b.String()
}

// expandScript prints each path, a glob's existing matches instead of it.
func expandScript(paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		if isGlob(p) {
			fmt.Fprintf(&b, "for f in %s; do if [ -e \"$f\" ] || [ -L \"$f\" ]; then printf '%%s\\n' \"$f\"; fi; done\n", globWord(p))
		} else {
			fmt.Fprintf(&b, "printf '%%s\\n' %s\n", Quote(p))
		}
	}
	return b.String()
}

// compareScript prints whether dest exists and, when there is something to
// archive, the listings of dest ("old") and of the archive built from the
// member names on standard input ("new").
func (a *Archive) compareScript(s *archiveSet) string {
	dest := Quote(s.dest)
	script := section("exists") + "\nif [ -e " + dest + " ]; then echo yes; fi\n" + archiveStat(dest)
	if len(s.targets) == 0 {
		return script
	}
	if !s.must && a.compresses() {
		tool := compressors[a.format()]
		return requireTools(tool, "cksum") + script +
			section("old") + "\n" + tool + " -dc -- " + dest + " 2>/dev/null | cksum\n" +
			section("new") + "\ncksum < " + Quote(s.paths[0]) + "\n"
	}
	return requireTools(a.tools()...) + script +
		"d=$(mktemp -d) || exit 1\ntrap 'rm -rf -- \"$d\"' EXIT\nout=\"$d/a." + a.format() + "\"\n" + a.build(s.root) +
		section("old") + "\n" + a.lister(dest) + section("new") + "\n" + a.lister(`"$out"`)
}

// compressors are the tools behind the compressed formats.
var compressors = map[string]string{"gz": "gzip", "bz2": "bzip2", "xz": "xz"}

// compresses says whether the format is a compression (a single file gets
// compressed rather than archived).
func (a *Archive) compresses() bool { return compressors[a.format()] != "" }

func (a *Archive) tools() []string {
	if a.format() == "zip" {
		return []string{"zip", "unzip"}
	}
	if c := compressors[a.format()]; c != "" {
		return []string{"tar", c}
	}
	return []string{"tar"}
}

// build writes the archive of the member names on standard input, relative
// to root, to "$out".
func (a *Archive) build(root string) string {
	cd := ""
	if root != "" {
		cd = "cd -- " + Quote(root) + " && "
	}
	if a.format() == "zip" {
		return "( " + cd + "zip -q -X \"$out\" -@ ) || exit 1\n"
	}
	flag := map[string]string{"gz": "z", "bz2": "j", "xz": "J", "tar": ""}[a.format()]
	return "( " + cd + "tar --no-recursion --verbatim-files-from -T - -c" + flag + "f \"$out\" ) || exit 1\n"
}

// lister prints an archive's members with what Ansible compares of them
// (zip: name and CRC; tar: the header's fields), sorted; nothing when the
// file is not such an archive.
func (a *Archive) lister(file string) string {
	if a.format() == "zip" {
		const crc = "[0-9a-f]"
		return "unzip -v " + file + " 2>/dev/null | awk '$7 ~ /^" + strings.Repeat(crc, 8) +
			"$/ { $1 = $2 = $3 = $4 = $5 = $6 = \"\"; print }' | sort\n"
	}
	return "tar -tv --full-time -f " + file + " 2>/dev/null | sort\n"
}

// plan compares the listings and emits the step that builds and moves the
// archive into place (and removes the sources).
func (a *Archive) plan(s *archiveSet, obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	state := "absent"
	switch {
	case len(s.targets) == 0 && obs.Line("exists") == "yes" && isArchiveName(s.dest):
		state = "archive"
	case len(s.targets) == 0 && obs.Line("exists") == "yes":
		state = "compress"
	case len(s.targets) > 0 && s.must && len(s.missing) > 0:
		state = "incomplete"
	case len(s.targets) > 0 && !s.must && a.compresses():
		state = "compress"
	case len(s.targets) > 0:
		state = "archive"
	}
	archived := []string{}
	for _, m := range s.members {
		if !m.excluded {
			archived = append(archived, m.path)
		}
	}
	p := &Plan{Result: map[string]any{"archived": archived, "dest": s.dest, "dest_state": state, "arcroot": s.root,
		"missing": nonNil(s.missing), "expanded_paths": nonNil(s.expanded), "expanded_exclude_paths": nonNil(s.excluded)}}
	if len(s.targets) == 0 {
		return p, nil
	}
	same := obs["old"] == obs["new"]
	var script strings.Builder
	if !same {
		fmt.Fprintf(&script, "dest=%s\nd=$(mktemp -d \"$(dirname -- \"$dest\")/.play.XXXXXX\") || exit 1\ntrap 'rm -rf -- \"$d\"' EXIT\nout=\"$d/a."+a.format()+"\"\n", Quote(s.dest))
		if !s.must && a.compresses() {
			fmt.Fprintf(&script, "%s -c -- %s > \"$out\" || exit 1\n", compressors[a.format()], Quote(s.paths[0]))
		} else {
			script.WriteString(a.build(s.root))
		}
		// Ansible rewrites an existing archive in place: it keeps its mode and owner.
		script.WriteString("if [ -e \"$dest\" ]; then chmod --reference=\"$dest\" \"$out\"; chown --reference=\"$dest\" \"$out\" 2>/dev/null; fi\n" +
			"mv -f -- \"$out\" \"$dest\" || exit 1\n")
	}
	if a.Remove {
		script.WriteString(s.removeScript())
	}
	if err := addArchiveStat(p.Result, obs); err != nil {
		return nil, err
	}
	if script.Len() > 0 {
		script.WriteString(archiveStat(Quote(s.dest)))
		p.Steps = []Step{{Script: script.String(), Stdin: []byte(s.names())}}
		p.Unchanged = same
		p.Finish = finishArchiveStat
	}
	return p, nil
}

// archiveStat prints the archive's attributes, which Ansible returns.
func archiveStat(dest string) string {
	return section("stat") + "\nif [ -e " + dest + " ]; then stat -c '" + statFormat + "' -- " + dest + "; fi\n"
}

// addArchiveStat adds the attributes destStat printed to the result.
func addArchiveStat(r map[string]any, obs Sections) error {
	line := obs.Line("stat")
	if line == "" {
		return nil
	}
	var st FileState
	if err := st.parseStat(strings.TrimPrefix(line, "= ")); err != nil {
		return err
	}
	maps.Copy(r, fileResult(st))
	return nil
}

// finishArchiveStat returns the new archive's attributes.
func finishArchiveStat(out []connection.Result) (map[string]any, error) {
	o := out[len(out)-1]
	if o.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: map[string]any{"rc": o.RC}}
	}
	r := map[string]any{}
	return r, addArchiveStat(r, parseSections(string(o.Stdout)))
}

// isArchiveName is Ansible's is_archive: the name says it is an archive.
func isArchiveName(p string) bool {
	name := strings.ToLower(p[strings.LastIndex(p, "/")+1:])
	for _, ext := range []string{".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".zip"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clip(s)
}

// interface guards
var _ Module = (*Archive)(nil)
