package modules

import (
	"fmt"
	"strings"
)

// binPaths is the search path Ansible's get_bin_path names when a required
// tool is missing.
const binPaths = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// requireTools starts an observation script: when the host lacks one of the
// tools, it prints the section "missing" with the tool's name and ends the
// script there (successfully: the plan turns it into Ansible's failure).
func requireTools(tools ...string) string {
	var b strings.Builder
	b.WriteString("PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin\n")
	for _, t := range tools {
		fmt.Fprintf(&b, "command -v %s >/dev/null || { %s; echo %s; exit 0; }\n", Quote(t), section("missing"), Quote(t))
	}
	return b.String()
}

// missingTool is the failure for the tool requireTools found missing, or nil.
func (s Sections) missingTool() error {
	if !s.Has("missing") {
		return nil
	}
	return Failf("Failed to find required executable %q in paths: %s", s.Line("missing"), binPaths)
}
