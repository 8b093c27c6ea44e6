package modules

import (
	"fmt"
	"strings"
)

// script is the waiting loop run on the host. It prints the report
// parseWaitReport reads and always exits 0 unless the shell itself fails.
func (w *WaitFor) script() string {
	host, state, timeout, sleep, connect := w.defaults()
	var b strings.Builder
	fmt.Fprintf(&b, "start=$(date +%%s)\nelapsed() { echo $(( $(date +%%s) - start )); }\n")
	if w.Delay > 0 {
		fmt.Fprintf(&b, "sleep %d\n", w.Delay)
	}
	b.WriteString("if echo | grep -qP '' 2>/dev/null; then g='grep -P'; else g='grep -E'; fi\nm=\n")
	re := Quote(w.SearchRegex)
	path := shellWord(w.Path, wordMode{expand: true})
	switch {
	case state == "drained":
		// Active TCP states are 01..06 in /proc/net/tcp; LISTEN (0A) is not.
		fmt.Fprintf(&b, `check() { [ "$(awk '$2 ~ /:%04X$/ && $4 ~ /^0[1-6]$/' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l)" -eq 0 ]; }`+"\n", w.Port)
	case w.Port != 0:
		b.WriteString(connScript(host, w.Port, connect))
		switch {
		case state == "stopped" || state == "absent":
			b.WriteString("check() { ! conn; }\n")
		case w.SearchRegex != "":
			fmt.Fprintf(&b, "check() { m=$(conn read | $g -m1 -- %s); }\n", re)
		default:
			b.WriteString("check() { conn; }\n")
		}
	case w.Path != "":
		switch {
		case state == "absent":
			fmt.Fprintf(&b, "check() { [ ! -e %s ]; }\n", path)
		case w.SearchRegex != "":
			fmt.Fprintf(&b, "check() { [ -e %[1]s ] && m=$($g -m1 -- %[2]s %[1]s); }\n", path, re)
		default:
			fmt.Fprintf(&b, "check() { [ -e %s ]; }\n", path)
		}
	default:
		// Neither port nor path: Ansible just sleeps for timeout.
		fmt.Fprintf(&b, "sleep %d\necho \"ok $(elapsed)\"\nexit 0\n", timeout)
		return b.String()
	}
	fmt.Fprintf(&b, `while ! check; do
	e=$(elapsed); [ "$e" -ge %d ] && { echo "timeout $e"; exit 0; }
	sleep %d
done
echo "ok $(elapsed)"
[ -n "$m" ] && printf 'match %%s\n' "$m"
`, timeout, sleep)
	if w.Path != "" && state != "absent" {
		fmt.Fprintf(&b, "printf 'stat %%s\\n' \"$(stat -c '%%u %%g %%U %%G %%a %%s %%F' %s 2>/dev/null)\"\n", path)
	}
	return b.String()
}

// connScript defines `conn [read]`: connect to host:port (and with read,
// print what the server sends until it closes or connect_timeout ends),
// with bash's /dev/tcp, else nc; it reports noprobe when neither exists.
func connScript(host string, port, connect int) string {
	return fmt.Sprintf(`if command -v timeout >/dev/null 2>&1; then to="timeout %[3]d"; else to=; fi
if command -v bash >/dev/null 2>&1; then
	conn() { $to bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; [ -z "$2" ] || cat <&3' %[1]s %[2]d "$1" 2>/dev/null; }
elif command -v nc >/dev/null 2>&1; then
	conn() { if [ -z "$1" ]; then nc -z -w %[3]d %[1]s %[2]d; else nc -w %[3]d %[1]s %[2]d </dev/null; fi 2>/dev/null; }
else
	echo noprobe; exit 0
fi
`, Quote(host), port, connect)
}
