package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	udiff "github.com/aymanbagabas/go-udiff"

	"play/modules"
)

// output prints Ansible's default stdout callback format.
type output struct {
	mu        sync.Mutex
	w         io.Writer
	verbosity int
	color     bool
	// live shows, on a terminal, which hosts are still running the task.
	live    bool
	waiting []string
	// deferred are the free strategy's task banners by host, printed
	// before a host's result when lastBanner is another task's.
	deferred   map[string]deferredBanner
	lastBanner deferredBanner
}

// wait starts the live line for a task's hosts.
func (o *output) wait(hosts []string) {
	if !o.live {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waiting = hosts
	o.drawLive()
}

// done removes a host from the live line.
func (o *output) done(host string) {
	if !o.live {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, h := range o.waiting {
		if h == host {
			o.waiting = append(o.waiting[:i:i], o.waiting[i+1:]...)
			break
		}
	}
	o.clearLive()
	o.drawLive()
}

func (o *output) clearLive() {
	if o.live {
		fmt.Fprint(o.w, "\r\x1b[K")
	}
}

func (o *output) drawLive() {
	if len(o.waiting) == 0 {
		return
	}
	const maxShown = 8
	shown := o.waiting
	more := ""
	if len(shown) > maxShown {
		more = fmt.Sprintf(" (+%d)", len(shown)-maxShown)
		shown = shown[:maxShown]
	}
	fmt.Fprint(o.w, o.paint(colorSkip, "running on: "+strings.Join(shown, ", ")+more))
}

const (
	colorOK      = "\x1b[0;32m"
	colorChanged = "\x1b[0;33m"
	colorSkip    = "\x1b[0;36m"
	colorError   = "\x1b[0;31m"
	colorUnreach = "\x1b[1;31m"
	colorWarn    = "\x1b[1;35m"
	colorDiffAdd = "\x1b[0;32m"
	colorDiffDel = "\x1b[0;31m"
	colorDiffHdr = "\x1b[0;36m"
	colorReset   = "\x1b[0m"
)

func (o *output) paint(color, s string) string {
	if !o.color || color == "" {
		return s
	}
	return color + s + colorReset
}

// banner prints "\nPLAY [name] *****" padded to 80 columns like Ansible.
func (o *output) banner(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.bannerLocked(msg)
}

func (o *output) bannerLocked(msg string) {
	o.clearLive()
	o.lastBanner = deferredBanner{}
	msg = strings.TrimSpace(msg)
	stars := max(79-len(msg), 3)
	fmt.Fprintf(o.w, "\n%s %s\n", msg, strings.Repeat("*", stars))
}

func (o *output) line(color, s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clearLive()
	fmt.Fprintln(o.w, o.paint(color, s))
}

func (o *output) warn(msg string) {
	o.line(colorWarn, "[WARNING]: "+msg)
}

// hostResult prints one host's result for a task (or one loop item).
func (o *output) hostResult(r *taskResult) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clearLive()
	defer o.drawLive()
	o.deferredBannerLocked(r.host)
	w := o.w
	if r.asyncLine != "" {
		fmt.Fprintln(w, o.paint(colorDebug, r.asyncLine))
	}
	if r.diffText != "" && !r.noLog {
		fmt.Fprint(w, o.colorDiff(r.diffText))
	}
	label := hostLabel(r)
	item := ""
	if r.isItem {
		item = " => (item=" + r.itemLabel + ")"
	}
	res := r.printable(o.verbosity)
	switch {
	case r.unreachable:
		fmt.Fprintln(w, o.paint(colorUnreach, fmt.Sprintf("fatal: %s: UNREACHABLE! => %s", label, dumpJSON(res, o.verbosity > 2))))
		if r.ignored {
			fmt.Fprintln(w, o.paint(colorSkip, "...ignoring"))
		}
	case r.failed:
		if r.isItem {
			fmt.Fprintln(w, o.paint(colorError, fmt.Sprintf("failed: %s (item=%s) => %s", label, r.itemLabel, dumpJSON(res, o.verbosity > 2))))
		} else {
			fmt.Fprintln(w, o.paint(colorError, fmt.Sprintf("fatal: %s: FAILED! => %s", label, dumpJSON(res, r.verboseAlways || o.verbosity > 2))))
		}
		if r.ignored {
			fmt.Fprintln(w, o.paint(colorSkip, "...ignoring"))
		}
	case r.skipped:
		s := "skipping: " + label + item
		if r.isItem {
			s += " " // Ansible's callback leaves a space after skipped items
		}
		if o.verbosity > 0 && !r.isItem {
			s += " => " + dumpJSON(res, o.verbosity > 2)
		}
		fmt.Fprintln(w, o.paint(colorSkip, s))
	default:
		status, color := "ok", colorOK
		if r.changed {
			status, color = "changed", colorChanged
		}
		s := status + ": " + label + item
		verboseAlways := r.verboseAlways && !r.noLog // censoring drops debug's _ansible_verbose_always
		if verboseAlways || o.verbosity > 0 {
			s += " => " + dumpJSON(res, verboseAlways || o.verbosity > 2)
		}
		fmt.Fprintln(w, o.paint(color, s))
	}
	for _, wmsg := range r.warnings {
		fmt.Fprintln(w, o.paint(colorWarn, "[WARNING]: "+wmsg))
	}
}

func (o *output) colorDiff(text string) string {
	if !o.color {
		return text
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			b.WriteString(o.paint(colorDiffHdr, strings.TrimSuffix(l, "\n")))
		case strings.HasPrefix(l, "+"):
			b.WriteString(o.paint(colorDiffAdd, strings.TrimSuffix(l, "\n")))
		case strings.HasPrefix(l, "-"):
			b.WriteString(o.paint(colorDiffDel, strings.TrimSuffix(l, "\n")))
		case strings.HasPrefix(l, "@@"):
			b.WriteString(o.paint(colorDiffHdr, strings.TrimSuffix(l, "\n")))
		default:
			b.WriteString(strings.TrimSuffix(l, "\n"))
		}
		if strings.HasSuffix(l, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// recap prints PLAY RECAP in Ansible's exact column layout.
func (o *output) recap(order []string, stats map[string]*HostStats) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.bannerLocked("PLAY RECAP")
	names := append([]string(nil), order...)
	sort.Strings(names)
	for _, h := range names {
		s := stats[h]
		color := colorOK
		switch {
		case s.Failures > 0:
			color = colorError
		case s.Unreachable > 0:
			color = colorUnreach
		case s.Changed > 0:
			color = colorChanged
		}
		host := fmt.Sprintf("%-26s", h)
		if o.color {
			host = fmt.Sprintf("%-37s", o.paint(color, h))
		}
		field := func(name string, n int, c string) string {
			s := fmt.Sprintf("%s=%-4d", name, n)
			if n != 0 {
				return o.paint(c, s)
			}
			return s
		}
		fmt.Fprintf(o.w, "%s : %s %s %s %s %s %s %s\n", host,
			field("ok", s.OK, colorOK), field("changed", s.Changed, colorChanged),
			field("unreachable", s.Unreachable, colorUnreach), field("failed", s.Failures, colorError),
			field("skipped", s.Skipped, colorSkip), field("rescued", s.Rescued, colorOK),
			field("ignored", s.Ignored, colorWarn))
	}
	fmt.Fprintln(o.w)
}

// dumpJSON serialises a result like Ansible's callback: sorted keys,
// Python's separators, indented by 4 when verbose.
func dumpJSON(v any, indent bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "    ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	s := strings.TrimRight(buf.String(), "\n")
	if indent {
		return s
	}
	return pythonSeparators(s)
}

// pythonSeparators turns Go's compact JSON into Python's json.dumps spacing
// (", " and ": ") outside strings.
func pythonSeparators(s string) string {
	var b strings.Builder
	inStr, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		switch {
		case esc:
			esc = false
		case c == '\\' && inStr:
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ',' || c == ':'):
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// formatDiff renders a module diff as Ansible's callback does (difflib's
// unified format, 3 lines of context, "\ No newline at end of file").
func formatDiff(d modules.Diff) string {
	if d.Prepared != "" {
		return strings.TrimSuffix(d.Prepared, "\n") + "\n"
	}
	before, after := d.Before, d.After
	bh := header(d.BeforeHeader, "before")
	ah := header(d.AfterHeader, "after")
	before = markNoNewline(before)
	after = markNoNewline(after)
	if before == after {
		return ""
	}
	edits := udiff.Lines(before, after)
	u, err := udiff.ToUnifiedDiff(bh, ah, before, edits, 3)
	if err != nil || len(u.Hunks) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", bh, ah)
	for _, h := range u.Hunks {
		from, to := 0, 0
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Delete:
				from++
			case udiff.Insert:
				to++
			default:
				from++
				to++
			}
		}
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", difflibRange(h.FromLine, from), difflibRange(h.ToLine, to))
		for _, l := range h.Lines {
			prefix := " "
			switch l.Kind {
			case udiff.Delete:
				prefix = "-"
			case udiff.Insert:
				prefix = "+"
			}
			b.WriteString(prefix + strings.Replace(l.Content, noNewline, "\n\\ No newline at end of file\n", 1))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func header(h, word string) string {
	switch {
	case h == "":
		return word
	case strings.HasPrefix(h, word):
		return h
	}
	return word + ": " + h
}

// noNewline stands for difflib's marker inside the last line while diffing,
// so the marker stays part of that line as in Ansible's output.
const noNewline = "\x00no-newline\n"

func markNoNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + noNewline
	}
	return s
}

// difflibRange is Python difflib's _format_range_unified.
func difflibRange(start, length int) string {
	switch length {
	case 1:
		return fmt.Sprint(start)
	case 0:
		if start > 0 {
			start--
		}
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start, length)
}
