package modules

import (
	"fmt"
	"strings"
	"time"
)

// outputResult is the rc/stdout/stderr part of a result as command, raw and
// script return it, with the _lines lists Ansible's action plugins add.
func outputResult(rc any, stdout, stderr string) map[string]any {
	return map[string]any{
		"rc":           rc,
		"stdout":       stdout,
		"stderr":       stderr,
		"stdout_lines": outputLines(stdout),
		"stderr_lines": outputLines(stderr),
	}
}

// rcFailure fails a task whose command ran and exited non-zero, keeping
// every result key (Ansible reports changed: true for it).
func rcFailure(result map[string]any) *Failure {
	result["changed"] = true
	return &Failure{Msg: "non-zero return code", Result: result}
}

// outputLines splits like Python's str.splitlines for the line breaks
// commands print: \n, \r\n and \r; no trailing empty line.
func outputLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:i])
		if strings.HasPrefix(s[i:], "\r\n") {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

// pythonTimeLayout is str(datetime) without the microseconds.
const pythonTimeLayout = "2006-01-02 15:04:05"

// pythonTime formats t like str(datetime): microseconds only when non-zero.
func pythonTime(t time.Time) string {
	t = t.Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format(pythonTimeLayout)
	}
	return t.Format(pythonTimeLayout + ".000000")
}

// pythonDelta formats d like str(timedelta): "0:00:00.003285",
// "1 day, 2:03:04".
func pythonDelta(d time.Duration) string {
	var b strings.Builder
	if days := int(d / (24 * time.Hour)); days != 0 {
		unit := "days"
		if days == 1 || days == -1 {
			unit = "day"
		}
		fmt.Fprintf(&b, "%d %s, ", days, unit)
		d -= time.Duration(days) * 24 * time.Hour
	}
	us := int(d / time.Microsecond)
	fmt.Fprintf(&b, "%d:%02d:%02d", us/3600e6, us/60e6%60, us/1e6%60)
	if us%1e6 != 0 {
		fmt.Fprintf(&b, ".%06d", us%1e6)
	}
	return b.String()
}
