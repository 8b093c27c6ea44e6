package modules

import (
	"context"
	"fmt"
	"strings"
)

// An observation script prints everything a module needs in one round trip,
// as named sections: a marker line "::play:: NAME" then the section's text.
// Modules that drive a host's own tools (crontab, git, sysctl, getent...)
// observe this way, and their plan functions take the parsed Sections, so
// tests feed them output captured from a real host.

// sectionMarker starts a section's header line.
const sectionMarker = "::play:: "

// Sections are the texts an observation script printed, by section name.
type Sections map[string]string

// section returns the shell command that starts the named section.
func section(name string) string { return "echo " + Quote(sectionMarker+name) }

// Has says whether the script printed the section at all.
func (s Sections) Has(name string) bool {
	_, ok := s[name]
	return ok
}

// Line is the section's text without surrounding white space.
func (s Sections) Line(name string) string { return strings.TrimSpace(s[name]) }

// Lines is a section's lines without the empty ones.
func (s Sections) Lines(name string) []string {
	var out []string
	for _, l := range strings.Split(s[name], "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// parseSections splits an observation script's output into its sections;
// text before the first marker is dropped.
func parseSections(out string) Sections {
	s := Sections{}
	name, inSection := "", false
	var b strings.Builder
	flush := func() {
		if inSection {
			s[name] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(out, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), sectionMarker); ok {
			flush()
			name, inSection = n, true
			continue
		}
		b.WriteString(line)
	}
	flush()
	return s
}

// observe runs an observation script and parses its sections. A script that
// exits non-zero fails with its standard error: observing never changes the
// host, so a failure means the host lacks something the module needs.
func observe(ctx context.Context, host Host, what, script string) (Sections, error) {
	return observeInput(ctx, host, what, script, nil)
}

// observeInput is observe with data on the script's standard input (an
// archive to look into, a request's configuration).
func observeInput(ctx context.Context, host Host, what, script string, stdin []byte) (Sections, error) {
	res, err := host.Run(ctx, "export LC_ALL=C\n"+script, stdin)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		msg := strings.TrimSpace(string(res.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(res.Stdout))
		}
		return nil, &Failure{Msg: fmt.Sprintf("observing %s failed (rc %d): %s", what, res.RC, msg), Result: map[string]any{"rc": res.RC}}
	}
	return parseSections(string(res.Stdout)), nil
}
