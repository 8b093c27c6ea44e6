package inventory

import (
	"go.yaml.in/yaml/v3"

	"play/diag"
)

// maxAliases is far more alias expansions than any real inventory needs
// (as playbooks' limit).
const maxAliases = 10000

// checkAliases refuses a document whose aliases expand without bound: an
// alias bomb (aliases of lists of aliases) or an anchor containing itself,
// which the readers, following every alias, would expand for ever.
func checkAliases(file string, n *yaml.Node) error {
	expansions := 0
	// outer is the alias written in the document being expanded: the
	// error points there rather than deep inside an anchor.
	var walk func(n, outer *yaml.Node) error
	walk = func(n, outer *yaml.Node) error {
		if n.Kind == yaml.AliasNode {
			if outer == nil {
				outer = n
			}
			if expansions++; expansions > maxAliases {
				return diag.Errorf(nodePos(file, outer), "too many YAML alias expansions (more than %d): the file looks like an alias bomb", maxAliases).
					WithHint("use each &anchor a few times, not aliases of aliases, and never inside the anchored node itself")
			}
			n = n.Alias
		}
		for _, c := range n.Content {
			if err := walk(c, outer); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(n, nil)
}
