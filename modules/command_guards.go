package modules

import (
	"context"
	"fmt"
	"strings"
)

// guards are the chdir, creates and removes arguments command, shell and
// script share: where to run, and when not to run at all.
type guards struct {
	chdir, creates, removes string
}

// failTag marks the stderr line on which a script reports why a command
// could not start, with an errno like Python's OSError would carry.
const failTag = "__play_fail__"

// failPrelude defines `_fail KIND ERRNO` for the scripts below.
const failPrelude = `_fail() { printf '\n%s %s %s\n' ` + failTag + ` "$1" "$2" >&2; exit "$2"; }` + "\n"

// errnoText is Python's strerror for the errors these scripts report.
var errnoText = map[string]string{"2": "No such file or directory", "13": "Permission denied", "20": "Not a directory"}

// osError formats an error the way Python prints an OSError on a path.
func osError(errno, path string) string {
	return fmt.Sprintf("[Errno %s] %s: b'%s'", errno, errnoText[errno], path)
}

// cdScript changes to chdir (nothing when empty) or reports why it cannot.
func (g guards) cdScript() string {
	if g.chdir == "" {
		return ""
	}
	d := shellWord(g.chdir, wordMode{expand: true})
	return fmt.Sprintf("cd -- %[1]s 2>/dev/null || { e=2; [ -e %[1]s ] && e=13; [ -e %[1]s ] && [ ! -d %[1]s ] && e=20; _fail chdir \"$e\"; }\n", d)
}

// needsProbe says whether the host must be asked before running.
func (g guards) needsProbe() bool { return g.creates != "" || g.removes != "" }

// probeScript prints one 0/1 per guard: whether creates and removes match
// something (globs allowed, relative to chdir).
func (g guards) probeScript() string {
	var b strings.Builder
	b.WriteString(failPrelude + g.cdScript())
	for _, p := range []string{g.creates, g.removes} {
		if p == "" {
			b.WriteString("echo 0\n")
			continue
		}
		fmt.Fprintf(&b, "m=0; for f in %s; do if [ -e \"$f\" ] || [ -L \"$f\" ]; then m=1; break; fi; done; echo $m\n",
			shellWord(p, wordMode{expand: true, glob: true}))
	}
	return b.String()
}

// guardHit says which guard stops the command: skipCreates when creates
// matches something, skipRemoves when removes matches nothing.
type guardHit int

const (
	runIt guardHit = iota
	skipCreates
	skipRemoves
)

// check runs the probe (one round trip). A chdir that fails is returned
// as *startError.
func (g guards) check(ctx context.Context, host Host) (guardHit, error) {
	out, err := host.Run(ctx, g.probeScript(), nil)
	if err != nil {
		return runIt, err
	}
	if serr := startErrorOf(string(out.Stderr)); serr != nil {
		return runIt, serr
	}
	lines := strings.Fields(string(out.Stdout))
	if out.RC != 0 || len(lines) != 2 {
		return runIt, fmt.Errorf("checking creates/removes failed (rc %d): %s", out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	switch {
	case lines[0] == "1":
		return skipCreates, nil
	case g.removes != "" && lines[1] == "0":
		return skipRemoves, nil
	}
	return runIt, nil
}

// startError says a command could not start: chdir failed or the program
// is missing or not executable.
type startError struct {
	kind  string // chdir or exec
	errno string
}

func (e *startError) Error() string { return e.kind + " failed with errno " + e.errno }

// message is Ansible's msg for the failure, naming path.
func (e *startError) message(path string) string {
	if e.kind == "chdir" {
		return "Unable to change directory before execution: " + osError(e.errno, path)
	}
	return osError(e.errno, path)
}

// startErrorOf finds the _fail line at the end of stderr.
func startErrorOf(stderr string) *startError {
	rest, line, ok := cutTrailer(stderr, failTag)
	if !ok || strings.TrimSpace(rest) != "" {
		return nil
	}
	kind, errno, _ := strings.Cut(line, " ")
	return &startError{kind: kind, errno: errno}
}

// cutTrailer splits s ending in "\n<tag> <line>\n" into what comes before
// and line.
func cutTrailer(s, tag string) (rest, line string, ok bool) {
	i := strings.LastIndex(s, "\n"+tag+" ")
	if i < 0 || !strings.HasSuffix(s, "\n") || strings.Contains(s[i+1:len(s)-1], "\n") {
		return s, "", false
	}
	return s[:i], s[i+len(tag)+2 : len(s)-1], true
}
