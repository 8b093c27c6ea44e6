package modules

import (
	"fmt"
	"strings"
)

// The community.rabbitmq modules drive rabbitmqctl and rabbitmq-plugins on
// the host: one observation lists what exists, the plan runs the commands
// Ansible's modules would run, in the same order, as one step.

// rabbitmqctl is a rabbitmqctl command line for node, every word quoted.
func rabbitmqctl(node string, args ...string) string {
	return "rabbitmqctl -q -n " + Quote(node) + " " + quoteWords(args)
}

// rabbitmqStep runs the commands in order, stopping at the first that fails
// with its standard error behind failPrefix ("rabbitmqctl exited with
// non-zero code: " as Ansible's rabbitmq_user says it).
func rabbitmqStep(failPrefix string, commands []string) []Step {
	if len(commands) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "err=$(%s 2>&1 >/dev/null) || { printf '%%s%%s\\n' %s \"$err\" >&2; exit 1; }\n", c, Quote(failPrefix))
	}
	return []Step{{Script: b.String()}}
}
