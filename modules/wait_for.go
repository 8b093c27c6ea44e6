package modules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "wait_for", New: func() Module { return &WaitFor{} }})
}

// WaitFor waits, on the target, for a TCP port or a file to reach a state,
// or simply for timeout seconds. It never changes anything: the waiting is
// one shell loop on the host, using bash's /dev/tcp or nc.
type WaitFor struct {
	// Host is the address whose port is checked, from the target (default 127.0.0.1).
	Host string `arg:"host"`
	// Port is the TCP port to wait for.
	Port int `arg:"port"`
	// Path is the file to wait for.
	Path string `arg:"path"`
	// State: started/present (the port accepts connections, the file
	// exists), stopped/absent (the opposite), drained (no active
	// connections on the port).
	State string `arg:"state" choices:"started,present,stopped,absent,drained"`
	// Timeout is how many seconds to wait at most (default 300).
	Timeout *int `arg:"timeout"`
	// Delay is how many seconds to wait before the first check.
	Delay int `arg:"delay"`
	// Sleep is how many seconds to wait between checks (default 1).
	Sleep *int `arg:"sleep"`
	// SearchRegex must also match the file's content or what the port
	// sends (a Perl/Python regular expression, checked with grep -P when
	// the host's grep has it, else grep -E).
	SearchRegex string `arg:"search_regex"`
	// ConnectTimeout is how many seconds one connection attempt may take (default 5).
	ConnectTimeout *int `arg:"connect_timeout"`
	// Msg replaces the timeout message.
	Msg string `arg:"msg"`
	// ExcludeHosts and ActiveConnectionStates are accepted for
	// compatibility; drained counts every active connection on the port.
	ExcludeHosts           []string `arg:"exclude_hosts"`
	ActiveConnectionStates []string `arg:"active_connection_states"`
}

// Validate applies Ansible's rules between port, path and state.
func (w *WaitFor) Validate() error {
	switch {
	case w.Port != 0 && w.Path != "":
		return errors.New("port and path parameter can not both be passed to wait_for")
	case w.Path != "" && w.State == "stopped":
		return errors.New("state=stopped should only be used for checking a port in the wait_for module")
	case w.Path != "" && w.State == "drained":
		return errors.New("state=drained should only be used for checking a port in the wait_for module")
	case len(w.ExcludeHosts) > 0 && w.State != "drained":
		return errors.New("exclude_hosts should only be with state=drained")
	}
	if w.SearchRegex != "" {
		if _, err := regexp.Compile(w.SearchRegex); err != nil {
			return Failf("Invalid regular expression: %v", err)
		}
	}
	return nil
}

func (w *WaitFor) defaults() (host, state string, timeout, sleep, connect int) {
	host, state = firstNonBlank(w.Host, "127.0.0.1"), firstNonBlank(w.State, "started")
	return host, state, intOr(w.Timeout, 300), intOr(w.Sleep, 1), intOr(w.ConnectTimeout, 5)
}

// Plan returns the wait as its one step, which changes nothing. Ansible's
// wait_for does not support check mode, so under --check it is skipped.
func (w *WaitFor) Plan(ctx context.Context, env *Env) (*Plan, error) {
	return &Plan{Steps: []Step{{Script: w.script()}}, Unchanged: true, SkipInCheck: true, Finish: w.finish}, nil
}

// finish reports the wait like Ansible: a timeout fails with elapsed,
// success returns the state and match groups.
func (w *WaitFor) finish(outs []connection.Result) (map[string]any, error) {
	host, state, _, _, _ := w.defaults()
	out := outs[0]
	report := parseWaitReport(string(out.Stdout))
	switch report.outcome {
	case "ok":
	case "timeout":
		return nil, &Failure{Msg: firstNonBlank(w.Msg, w.timeoutMsg(host, state)), Result: map[string]any{"elapsed": report.elapsed}}
	case "noprobe":
		return nil, Failf("wait_for needs bash (for /dev/tcp) or nc on the host to check port %d; install one of them", w.Port)
	default:
		return nil, Failf("wait_for's check script failed (rc %d): %s", out.RC, strings.TrimSpace(string(out.Stderr)))
	}
	result := map[string]any{"state": state, "elapsed": report.elapsed, "port": nil, "path": nil, "search_regex": nil,
		"match_groups": []any{}, "match_groupdict": map[string]any{}}
	if w.Port != 0 {
		result["port"] = w.Port
	}
	if w.Path != "" {
		result["path"] = w.Path
	}
	if w.SearchRegex != "" {
		result["search_regex"] = w.SearchRegex
		result["match_groups"], result["match_groupdict"] = matchGroups(w.SearchRegex, report.match)
	}
	for k, v := range report.stat {
		result[k] = v
	}
	return result, nil
}

// timeoutMsg is Ansible's message for each way of timing out.
func (w *WaitFor) timeoutMsg(host, state string) string {
	target := fmt.Sprintf("%s:%d", host, w.Port)
	if w.Port == 0 {
		target = w.Path
	}
	switch {
	case state == "stopped" || state == "absent":
		if w.Port != 0 {
			return fmt.Sprintf("Timeout when waiting for %s to stop.", target)
		}
		return fmt.Sprintf("Timeout when waiting for %s to be absent.", target)
	case state == "drained":
		return fmt.Sprintf("Timeout when waiting for %s to drain", target)
	case w.SearchRegex != "":
		return fmt.Sprintf("Timeout when waiting for search string %s in %s", w.SearchRegex, target)
	case w.Port != 0:
		return "Timeout when waiting for " + target
	}
	return "Timeout when waiting for file " + target
}

// matchGroups returns the regex's groups in the matched text, as lists
// and by name; Go's regexp covers the common Python syntax.
func matchGroups(expr, text string) ([]any, map[string]any) {
	groups, named := []any{}, map[string]any{}
	re, err := regexp.Compile(expr)
	if err != nil {
		return groups, named
	}
	m := re.FindStringSubmatch(text)
	for i := 1; i < len(m); i++ {
		groups = append(groups, m[i])
		if name := re.SubexpNames()[i]; name != "" {
			named[name] = m[i]
		}
	}
	return groups, named
}

// waitReport is what the script prints at the end.
type waitReport struct {
	outcome string // ok, timeout, noprobe
	elapsed int
	match   string
	stat    map[string]any
}

// parseWaitReport reads "ok|timeout <elapsed>", then optional "match
// <line>" and "stat <uid> <gid> <owner> <group> <mode> <size> <type>".
func parseWaitReport(out string) waitReport {
	var r waitReport
	for _, line := range strings.Split(out, "\n") {
		key, rest, _ := strings.Cut(line, " ")
		switch key {
		case "ok", "timeout":
			r.outcome = key
			r.elapsed, _ = strconv.Atoi(rest)
		case "noprobe":
			r.outcome = key
		case "match":
			r.match = rest
		case "stat":
			f := strings.Fields(rest)
			if len(f) < 7 {
				continue
			}
			uid, _ := strconv.Atoi(f[0])
			gid, _ := strconv.Atoi(f[1])
			size, _ := strconv.Atoi(f[5])
			mode, _ := strconv.ParseUint(f[4], 8, 32)
			kind := map[string]string{"directory": "directory", "symbolic": "link"}[f[6]]
			r.stat = map[string]any{"uid": uid, "gid": gid, "owner": f[2], "group": f[3], "mode": fmt.Sprintf("%04o", mode),
				"size": size, "state": firstNonBlank(kind, "file")}
		}
	}
	return r
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

var _ Validator = (*WaitFor)(nil)
