package modules

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "ufw", New: func() Module { return &Ufw{} }})
	RegisterAlias("community.general.ufw", "ufw")
}

// Ufw manages the ufw firewall like community.general.ufw: its state,
// default policies, logging and rules.
type Ufw struct {
	// State enables, disables, reloads or resets the firewall.
	State string `arg:"state" choices:"enabled,disabled,reloaded,reset"`
	// Default is the default policy (for Direction, or incoming).
	Default string `arg:"default" aliases:"policy" choices:"allow,deny,reject"`
	// Logging sets the log level.
	Logging string `arg:"logging" choices:"full,high,low,medium,off,on"`
	// Direction is the rule's or the default policy's direction.
	Direction string `arg:"direction" choices:"in,incoming,out,outgoing,routed"`
	// Delete removes the rule instead of adding it.
	Delete bool `arg:"delete"`
	// Route makes a routed (forward) rule.
	Route bool `arg:"route"`
	// Insert puts the rule at this number (see InsertRelativeTo).
	Insert *int `arg:"insert"`
	// InsertRelativeTo is what Insert counts from.
	InsertRelativeTo string `arg:"insert_relative_to" choices:"zero,first-ipv4,last-ipv4,first-ipv6,last-ipv6"`
	// Rule is the rule's action.
	Rule string `arg:"rule" choices:"allow,deny,limit,reject"`
	// Interface is the rule's interface (needs Direction).
	Interface string `arg:"interface" aliases:"if"`
	// InterfaceIn is the incoming interface.
	InterfaceIn string `arg:"interface_in" aliases:"if_in"`
	// InterfaceOut is the outgoing interface.
	InterfaceOut string `arg:"interface_out" aliases:"if_out"`
	// Log logs the packets the rule matches.
	Log bool `arg:"log"`
	// FromIP is the source address (any).
	FromIP string `arg:"from_ip" aliases:"from,src"`
	// FromPort is the source port.
	FromPort string `arg:"from_port"`
	// ToIP is the destination address (any).
	ToIP string `arg:"to_ip" aliases:"dest,to"`
	// ToPort is the destination port or range.
	ToPort string `arg:"to_port" aliases:"port"`
	// Proto is the protocol.
	Proto string `arg:"proto" aliases:"protocol" choices:"ah,any,esp,ipv6,tcp,udp,gre,igmp"`
	// Name is an application profile.
	Name string `arg:"name" aliases:"app"`
	// Comment is the rule's comment.
	Comment string `arg:"comment"`
}

// Validate applies Ansible's argument rules.
func (u *Ufw) Validate() error {
	if u.State == "" && u.Default == "" && u.Rule == "" && u.Logging == "" {
		return fmt.Errorf("one of the following is required: state, default, rule, logging")
	}
	for _, group := range [][]string{{"name", "proto", "logging"}, {"direction", "interface_in"}, {"direction", "interface_out"}} {
		if n := countSet(u.argValues(), group); n > 1 {
			return fmt.Errorf("parameters are mutually exclusive: %s", strings.Join(group, "|"))
		}
	}
	if u.Interface != "" && u.Direction == "" {
		return fmt.Errorf("missing parameter(s) required by 'interface': direction")
	}
	return nil
}

func (u *Ufw) argValues() map[string]string {
	return map[string]string{"name": u.Name, "proto": u.Proto, "logging": u.Logging, "direction": u.Direction,
		"interface_in": u.InterfaceIn, "interface_out": u.InterfaceOut}
}

func countSet(values map[string]string, names []string) int {
	n := 0
	for _, name := range names {
		if values[name] != "" {
			n++
		}
	}
	return n
}

// ufwRulesFiles are the files Ansible greps for the rules' tuples.
const ufwRulesFiles = "/lib/ufw/user.rules /lib/ufw/user6.rules /etc/ufw/user.rules /etc/ufw/user6.rules /var/lib/ufw/user.rules /var/lib/ufw/user6.rules"

// Plan implements Module: one probe reads the status, the rules' tuples and
// ufw's version; a rule is then tried with ufw --dry-run.
func (u *Ufw) Plan(ctx context.Context, env *Env) (*Plan, error) {
	script := requireTools("ufw", "grep") + section("bin") + "\ncommand -v ufw\ncommand -v grep\n" +
		section("status") + "\nLANG=C ufw status verbose 2>&1 || exit\n" +
		section("rules") + "\ngrep -h '^### tuple' " + ufwRulesFiles + " 2>/dev/null || true\n"
	if u.Default != "" {
		script += section("defaults") + "\ncat /etc/default/ufw 2>/dev/null || true\n"
	}
	if u.Rule != "" {
		script += section("version") + "\nufw --version\n" + section("numbered") + "\nLANG=C ufw status numbered\n"
	}
	obs, err := observe(ctx, env.Host, "ufw", script)
	if err != nil {
		return nil, err
	}
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	if u.Rule != "" {
		words, err := u.ruleWords(obs)
		if err != nil {
			return nil, err
		}
		dry, err := observe(ctx, env.Host, "ufw rule", section("dry")+"\nLANG=C ufw --dry-run "+quoteWords(words)+" 2>&1 || exit\n")
		if err != nil {
			return nil, err
		}
		obs["dry"] = dry["dry"]
	}
	return u.plan(obs)
}

// ufwCommand is one ufw invocation: its words and whether it changes
// anything.
type ufwCommand struct {
	words   []string
	changed bool
	rule    bool // Ansible runs ufw --version before a rule
}

// plan decides, command by command in Ansible's order (state, default,
// rule, logging), whether the firewall would change.
func (u *Ufw) plan(obs Sections) (*Plan, error) {
	if u.Default != "" && !slices.Contains([]string{"", "outgoing", "incoming", "routed"}, u.Direction) {
		return nil, Failf(`For default, direction must be one of "outgoing", "incoming" and "routed", or direction must not be specified.`)
	}
	if u.Rule != "" && !slices.Contains([]string{"", "in", "out"}, u.Direction) {
		return nil, Failf(`For rules, direction must be one of "in" and "out", or direction must not be specified.`)
	}
	if u.Rule != "" && !u.Route && u.InterfaceIn != "" && u.InterfaceOut != "" {
		return nil, Failf("Only route rules can combine interface_in and interface_out")
	}
	bins := obs.Lines("bin")
	if len(bins) < 2 {
		return nil, Failf("ufw: unexpected probe output %q", obs["bin"])
	}
	ufw := bins[0]
	status := obs["status"]
	var cmds []ufwCommand
	if u.State != "" {
		active := strings.Contains(status, " active")
		verb := map[string]string{"enabled": "enable", "disabled": "disable", "reloaded": "reload", "reset": "reset"}[u.State]
		changed := u.State == "reloaded" || u.State == "reset" || (u.State == "enabled") != active
		cmds = append(cmds, ufwCommand{words: []string{"-f", verb}, changed: changed})
	}
	if u.Default != "" {
		cmds = append(cmds, ufwCommand{words: appendSet([]string{"default", u.Default}, u.Direction), changed: u.defaultChanged(status, obs["defaults"])})
	}
	if u.Rule != "" {
		words, err := u.ruleWords(obs)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, ufwCommand{words: words, changed: u.ruleChanged(obs["rules"], obs["dry"]), rule: true})
	}
	if u.Logging != "" {
		cmds = append(cmds, ufwCommand{words: []string{"logging", u.Logging}, changed: u.loggingChanged(status)})
	}
	commands := []any{ufw + " status verbose", bins[1] + " -h '^### tuple' " + ufwRulesFiles}
	var script strings.Builder
	for _, c := range cmds {
		if c.rule {
			commands = append(commands, ufw+" --version")
		}
		commands = append(commands, ufw+" "+strings.Join(c.words, " "))
		if c.changed {
			fmt.Fprintf(&script, "out=$(LANG=C ufw %s 2>&1) || { printf '%%s\\n' \"$out\" >&2; exit 1; }\n", quoteWords(c.words))
		}
	}
	commands = append(commands, ufw+" status verbose")
	p := &Plan{Msg: strings.TrimRight(status, "\n"), Result: map[string]any{"commands": commands}}
	if script.Len() > 0 {
		script.WriteString(section("status") + "\nLANG=C ufw status verbose\n")
		p.Steps = []Step{{Script: script.String()}}
		p.Finish = func(out []connection.Result) (map[string]any, error) {
			o := out[len(out)-1]
			if o.RC != 0 {
				return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: map[string]any{"commands": commands}}
			}
			return map[string]any{"msg": strings.TrimRight(parseSections(string(o.Stdout))["status"], "\n")}, nil
		}
	}
	return p, nil
}

var ufwDefaults = regexp.MustCompile(`Default: (deny|allow|reject) \(incoming\), (deny|allow|reject) \(outgoing\), (deny|allow|reject|disabled) \(routed\)`)

var ufwDefaultsFile = regexp.MustCompile(`(?m)^DEFAULT_(INPUT|OUTPUT|FORWARD)_POLICY="?(DROP|ACCEPT|REJECT)"?`)

// defaultChanged compares the policy with the status's (a routed policy
// stays "disabled" while the host does not forward, whatever is set), or,
// when ufw is inactive and its status shows none, with /etc/default/ufw's.
func (u *Ufw) defaultChanged(status, defaults string) bool {
	current := map[string]string{}
	if m := ufwDefaults.FindStringSubmatch(status); m != nil {
		current["incoming"], current["outgoing"], current["routed"] = m[1], m[2], m[3]
	} else {
		policy := map[string]string{"DROP": "deny", "ACCEPT": "allow", "REJECT": "reject"}
		chain := map[string]string{"INPUT": "incoming", "OUTPUT": "outgoing", "FORWARD": "routed"}
		for _, m := range ufwDefaultsFile.FindAllStringSubmatch(defaults, -1) {
			current[chain[m[1]]] = policy[m[2]]
		}
	}
	v, ok := current[stringOr(u.Direction, "incoming")]
	return !ok || (v != u.Default && v != "disabled")
}

var ufwLogging = regexp.MustCompile(`Logging: (on|off)(?: \(([a-z]+)\))?`)

func (u *Ufw) loggingChanged(status string) bool {
	m := ufwLogging.FindStringSubmatch(status)
	switch {
	case m == nil:
		return true
	case u.Logging == "off":
		return m[1] != "off"
	case m[1] == "off":
		return true
	default:
		return u.Logging != "on" && u.Logging != m[2]
	}
}

var (
	ipv4Start = regexp.MustCompile(`^((25[0-5]|(2[0-4]|1?[0-9])?[0-9])\.){3}(25[0-5]|(2[0-4]|1?[0-9])?[0-9])`)
	ipv4Any   = regexp.MustCompile(`((25[0-5]|(2[0-4]|1?[0-9])?[0-9])\.){3}(25[0-5]|(2[0-4]|1?[0-9])?[0-9])`)
	ipv6Start = regexp.MustCompile(`^[0-9a-fA-F]{0,4}:[0-9a-fA-F:]*`)
	ipv6Any   = regexp.MustCompile(`[0-9a-fA-F]{0,4}::?[0-9a-fA-F]{1,4}|::`)
)

// ruleChanged is Ansible's comparison of the dry run's rule tuples with the
// current ones (only the IPv4 or IPv6 ones for a rule of that family); a
// dry run that rewrites no rules file (an existing rule, a rule to delete
// that is not there) changes nothing.
func (u *Ufw) ruleChanged(pre, dry string) bool {
	if !strings.Contains(dry, "### RULES ###") {
		return false
	}
	var tuples strings.Builder
	for _, l := range strings.SplitAfter(dry, "\n") {
		if strings.HasPrefix(l, "### tuple") {
			tuples.WriteString(l)
		}
	}
	after := tuples.String()
	switch {
	case ipv4Start.MatchString(u.fromIP()) || ipv4Start.MatchString(u.toIP()):
		return filterLines(pre, ipv4Any) != filterLines(after, ipv4Any)
	case ipv6Start.MatchString(u.fromIP()) || ipv6Start.MatchString(u.toIP()):
		return filterLines(pre, ipv6Any) != filterLines(after, ipv6Any)
	}
	return pre != after
}

func filterLines(text string, re *regexp.Regexp) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if re.MatchString(l) {
			b.WriteString(l)
		}
	}
	return b.String()
}

func (u *Ufw) fromIP() string { return stringOr(u.FromIP, "any") }
func (u *Ufw) toIP() string   { return stringOr(u.ToIP, "any") }

func stringOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ruleWords are the words of the rule's ufw command, as Ansible joins
// them: the insert position from the numbered status, the comment when
// ufw is 0.35 or later.
func (u *Ufw) ruleWords(obs Sections) ([]string, error) {
	var w []string
	if u.Route {
		w = append(w, "route")
	}
	if u.Delete {
		w = append(w, "delete")
	}
	if u.Insert != nil && !u.Delete {
		if at, ok := u.insertAt(obs["numbered"]); ok {
			w = append(w, "insert", strconv.Itoa(at))
		}
	}
	w = append(w, u.Rule)
	w = appendSet(w, u.Direction)
	for _, f := range []struct{ pre, v string }{{"on", u.Interface}, {"in on", u.InterfaceIn}, {"out on", u.InterfaceOut}} {
		if f.v != "" {
			w = append(w, strings.Fields(f.pre)...)
			w = append(w, f.v)
		}
	}
	if u.Log {
		w = append(w, "log")
	}
	w = append(w, "from", u.fromIP())
	if u.FromPort != "" {
		w = append(w, "port", u.FromPort)
	}
	w = append(w, "to", u.toIP())
	for _, f := range []struct{ pre, v string }{{"port", u.ToPort}, {"proto", u.Proto}, {"app", u.Name}} {
		if f.v != "" {
			w = append(w, f.pre, f.v)
		}
	}
	if u.Comment != "" {
		m := ufwVersion.FindStringSubmatch(strings.TrimSpace(obs["version"]))
		if m == nil {
			return nil, &Failure{Msg: "Failed to get ufw version.", Result: map[string]any{"rc": 0, "out": obs["version"]}}
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if major > 0 || minor >= 35 {
			w = append(w, "comment", u.Comment)
		}
	}
	return w, nil
}

var (
	ufwNumbered = regexp.MustCompile(`^\[ *([0-9]+)\] `)
	ufwVersion  = regexp.MustCompile(`^ufw.+(\d+)\.(\d+)`)
)

// insertAt is Ansible's insert position: Insert counted from
// InsertRelativeTo; false when it is past the last rule (append).
func (u *Ufw) insertAt(numbered string) (int, bool) {
	rel := stringOr(u.InsertRelativeTo, "zero")
	if rel == "zero" {
		return *u.Insert, true
	}
	last, lastV4, hasV4, hasV6 := 0, 0, false, false
	for _, l := range strings.Split(numbered, "\n") {
		m := ufwNumbered.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		last = max(last, n)
		if strings.Contains(l, "(v6)") {
			hasV6 = true
		} else {
			hasV4, lastV4 = true, max(lastV4, n)
		}
	}
	relativeTo := 1
	switch {
	case rel == "last-ipv4" && hasV4:
		relativeTo = lastV4
	case rel == "first-ipv6" && hasV4:
		relativeTo = lastV4 + 1
	case rel == "last-ipv6" && hasV6:
		relativeTo = last
	case rel == "last-ipv6":
		relativeTo = last + 1
	}
	at := *u.Insert + relativeTo
	return at, at <= last
}

func appendSet(words []string, v string) []string {
	if v != "" {
		return append(words, v)
	}
	return words
}

// quoteWords quotes each word for the shell.
func quoteWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

// interface guards
var _ Module = (*Ufw)(nil)
