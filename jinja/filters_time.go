package jinja

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// to_datetime and strftime, with the datetime and timedelta values Python
// gives: attributes (year, days...), str(), and subtraction, which
// rewriteOperators routes through __sub.

func init() {
	operatorFilters[tokens.Subtraction] = "__sub"
	register("__sub", subtract)
	registerFilters(map[string]filterFunc{
		"to_datetime": filterToDatetime,
		"strftime":    filterStrftime,
	})
}

// datetime is Python's naive datetime.datetime.
type datetime struct{ t time.Time }

func (d datetime) String() string {
	if us := d.t.Nanosecond() / 1000; us != 0 {
		return d.t.Format("2006-01-02 15:04:05") + fmt.Sprintf(".%06d", us)
	}
	return d.t.Format("2006-01-02 15:04:05")
}

// GetAttribute implements exec.AttributeGetter.
func (d datetime) GetAttribute(name string) (*exec.Value, bool) {
	var v any
	switch name {
	case "year":
		v = d.t.Year()
	case "month":
		v = int(d.t.Month())
	case "day":
		v = d.t.Day()
	case "hour":
		v = d.t.Hour()
	case "minute":
		v = d.t.Minute()
	case "second":
		v = d.t.Second()
	case "microsecond":
		v = d.t.Nanosecond() / 1000
	case "strftime":
		v = Callable(func(a []any, _ map[string]any) (any, error) {
			if len(a) != 1 {
				return nil, errors.New("strftime() takes exactly one argument (the format)")
			}
			return strftime(pyStr(a[0]), d.t), nil
		})
	case "timestamp":
		v = Callable(func([]any, map[string]any) (any, error) {
			local := time.Date(d.t.Year(), d.t.Month(), d.t.Day(), d.t.Hour(), d.t.Minute(), d.t.Second(), d.t.Nanosecond(), time.Local)
			return float64(local.UnixMicro()) / 1e6, nil
		})
	case "isoformat":
		v = Callable(func([]any, map[string]any) (any, error) { return strings.Replace(d.String(), " ", "T", 1), nil })
	default:
		return exec.AsValue(missingAttribute("datetime.datetime", name)), false
	}
	return exec.AsValue(v), true
}

// timedelta is Python's datetime.timedelta.
type timedelta struct{ d time.Duration }

// parts are Python's normalized days, seconds (0-86399) and microseconds.
func (td timedelta) parts() (days, seconds, micros int) {
	us := td.d.Microseconds()
	days = int(us / 86400e6)
	rest := us % 86400e6
	if rest < 0 {
		days--
		rest += 86400e6
	}
	return days, int(rest / 1e6), int(rest % 1e6)
}

func (td timedelta) String() string {
	days, seconds, micros := td.parts()
	s := fmt.Sprintf("%d:%02d:%02d", seconds/3600, seconds/60%60, seconds%60)
	if micros != 0 {
		s += fmt.Sprintf(".%06d", micros)
	}
	switch {
	case days == 1 || days == -1:
		s = fmt.Sprintf("%d day, %s", days, s)
	case days != 0:
		s = fmt.Sprintf("%d days, %s", days, s)
	}
	return s
}

// GetAttribute implements exec.AttributeGetter.
func (td timedelta) GetAttribute(name string) (*exec.Value, bool) {
	days, seconds, micros := td.parts()
	switch name {
	case "days":
		return exec.AsValue(days), true
	case "seconds":
		return exec.AsValue(seconds), true
	case "microseconds":
		return exec.AsValue(micros), true
	case "total_seconds":
		return exec.AsValue(Callable(func([]any, map[string]any) (any, error) {
			return float64(td.d.Microseconds()) / 1e6, nil
		})), true
	}
	return exec.AsValue(missingAttribute("datetime.timedelta", name)), false
}

// subtract is Python's `in - arg`: numbers, and datetimes.
func subtract(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	right := params.Args[0]
	if right.IsError() {
		return right
	}
	a, b := wrap(in.Interface()), wrap(right.Interface())
	switch x := a.(type) {
	case datetime:
		switch y := b.(type) {
		case datetime:
			return exec.AsValue(timedelta{x.t.Sub(y.t)})
		case timedelta:
			return exec.AsValue(datetime{x.t.Add(-y.d)})
		}
	case timedelta:
		if y, ok := b.(timedelta); ok {
			return exec.AsValue(timedelta{x.d - y.d})
		}
	}
	xf, xInt, ok1 := number(a)
	yf, yInt, ok2 := number(b)
	switch {
	case !ok1 || !ok2:
		return exec.AsValue(fmt.Errorf("unsupported operand type(s) for -: '%s' and '%s'", typeName(a), typeName(b)))
	case xInt && yInt:
		return exec.AsValue(int(xf) - int(yf))
	}
	return exec.AsValue(xf - yf)
}

func filterToDatetime(_ *exec.Evaluator, in any, a args) (any, error) {
	s, format := pyStr(in), a.str(0, "format", "%Y-%m-%d %H:%M:%S")
	t, err := Strptime(s, format)
	if err != nil {
		return nil, err
	}
	return datetime{t}, nil
}

func filterStrftime(_ *exec.Evaluator, in any, a args) (any, error) {
	t := time.Now()
	if second := a.get(0, "second", nil); second != nil {
		f, ok := toFloat(second)
		if s, isStr := second.(string); isStr {
			var err error
			f, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
			ok = err == nil
		}
		if !ok {
			return nil, fmt.Errorf("Invalid value for epoch value (%s)", pyStr(second))
		}
		t = time.Unix(int64(f), 0)
	}
	if a.bool(1, "utc") {
		t = t.UTC()
	} else {
		t = t.Local()
	}
	return strftime(pyStr(in), t), nil
}

var (
	longDays   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	longMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime is C's strftime (glibc) for the directives playbooks use; an
// unknown directive is kept as written.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		hour12 := t.Hour() % 12
		if hour12 == 0 {
			hour12 = 12
		}
		switch c := format[i]; c {
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", hour12)
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'l':
			fmt.Fprintf(&b, "%2d", hour12)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'n':
			b.WriteByte('\n')
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 't':
			b.WriteByte('\t')
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			fmt.Fprintf(&b, "%d", (int(t.Weekday())+6)%7+1)
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(c)
		}
	}
	return b.String()
}

// strptimeFields are the patterns of the directives strptime reads, as
// Python's _strptime builds them.
var strptimeFields = map[byte]string{
	'Y': `(?P<Y>\d\d\d\d)`, 'm': `(?P<m>1[0-2]|0[1-9]|[1-9])`, 'd': `(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])`,
	'H': `(?P<H>2[0-3]|[0-1]\d|\d)`, 'I': `(?P<I>1[0-2]|0[1-9]|[1-9])`, 'M': `(?P<M>[0-5]\d|\d)`,
	'S': `(?P<S>6[0-1]|[0-5]\d|\d)`, 'f': `(?P<f>[0-9]{1,6})`, 'y': `(?P<y>\d\d)`, 'j': `(?P<j>36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])`,
	'p': `(?P<p>(?i)am|pm)`, 'b': `(?P<b>(?i)` + strings.Join(monthAbbrevs(), "|") + `)`, 'B': `(?P<B>(?i)` + strings.Join(longMonths, "|") + `)`,
	'a': `(?i:mon|tue|wed|thu|fri|sat|sun)`, 'A': `(?i:` + strings.Join(longDays, "|") + `)`,
}

func monthAbbrevs() []string {
	out := make([]string, len(longMonths))
	for i, m := range longMonths {
		out[i] = m[:3]
	}
	return out
}

// Strptime is datetime.strptime: the whole string must match the format.
func Strptime(s, format string) (time.Time, error) {
	var pattern strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '%' && i+1 < len(format) && format[i+1] == '%':
			pattern.WriteString("%")
			i++
		case c == '%' && i+1 < len(format):
			field, ok := strptimeFields[format[i+1]]
			if !ok {
				return time.Time{}, fmt.Errorf("'%c' is a bad directive in format '%s' (to_datetime reads %%Y %%m %%d %%H %%I %%M %%S %%f %%y %%j %%p %%b %%B %%a %%A)", format[i+1], format)
			}
			pattern.WriteString(field)
			i++
		case c == ' ' || c == '\t' || c == '\n':
			pattern.WriteString(`\s+`)
		default:
			pattern.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re, err := regexp.Compile(`^(?:` + pattern.String() + `)$`)
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot read format '%s': %w", format, err)
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("time data '%s' does not match format '%s'", s, format)
	}
	get := func(name string, def int) int {
		if i := re.SubexpIndex(name); i >= 0 && m[i] != "" {
			n, _ := strconv.Atoi(strings.TrimSpace(m[i]))
			return n
		}
		return def
	}
	year, month, day := get("Y", 1900), get("m", 1), get("d", 1)
	if y := re.SubexpIndex("y"); y >= 0 {
		year = get("y", 0) + 1900
		if year < 1969 {
			year += 100
		}
	}
	for _, name := range []string{"b", "B"} {
		if i := re.SubexpIndex(name); i >= 0 {
			for n, long := range longMonths {
				if strings.HasPrefix(strings.ToLower(long), strings.ToLower(m[i])) {
					month = n + 1
				}
			}
		}
	}
	hour := get("H", 0)
	if i := re.SubexpIndex("I"); i >= 0 {
		hour = get("I", 12) % 12
		if p := re.SubexpIndex("p"); p >= 0 && strings.EqualFold(m[p], "pm") {
			hour += 12
		}
	}
	micros := 0
	if i := re.SubexpIndex("f"); i >= 0 {
		micros, _ = strconv.Atoi((m[i] + "00000")[:6])
	}
	t := time.Date(year, time.Month(month), day, hour, get("M", 0), get("S", 0), micros*1000, time.UTC)
	if j := get("j", 0); j > 0 {
		t = time.Date(year, 1, j, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	if t.Day() != day && re.SubexpIndex("j") < 0 {
		return time.Time{}, errors.New("day is out of range for month")
	}
	return t, nil
}
