package modules

import (
	"fmt"
	"strconv"
	"strings"
)

// Mode is a file mode argument as Ansible accepts it: an int (YAML 0644 is
// already 420), an octal string ("0644", "644"), a symbolic mode
// ("u=rw,g=r,o=r", "u+x", "a-w", "g=u") or "preserve" (copy only).
type Mode struct {
	spec string
	bits uint32 // for an octal spec
	set  bool
}

const (
	permBits = 0o7777
	execBits = 0o111
)

// DecodeArg implements ArgDecoder.
func (m *Mode) DecodeArg(v any) error {
	switch x := v.(type) {
	case nil:
		*m = Mode{}
		return nil
	case int:
		if x < 0 || x > permBits {
			return fmt.Errorf("mode %d is out of range", x)
		}
		*m = Mode{spec: fmt.Sprintf("%04o", x), bits: uint32(x), set: true}
		return nil
	case string:
		return m.parse(strings.TrimSpace(x))
	}
	return fmt.Errorf("mode must be an octal number like 0644 or a symbolic mode like u=rw,g=r, got %v", v)
}

// ParseMode parses a mode string (octal, symbolic or "preserve").
func ParseMode(s string) (Mode, error) {
	var m Mode
	err := m.parse(s)
	return m, err
}

func (m *Mode) parse(s string) error {
	if s == "" {
		*m = Mode{}
		return nil
	}
	if s == "preserve" {
		*m = Mode{spec: s, set: true}
		return nil
	}
	if n, err := strconv.ParseUint(s, 8, 32); err == nil {
		if n > permBits {
			return fmt.Errorf("mode %s is out of range (at most 07777)", s)
		}
		*m = Mode{spec: s, bits: uint32(n), set: true}
		return nil
	}
	if _, err := applySymbolic(s, 0, false); err != nil {
		return err
	}
	*m = Mode{spec: s, set: true}
	return nil
}

// IsSet says whether a mode was given.
func (m Mode) IsSet() bool { return m.set }

// Preserve says whether the mode is "preserve" (keep the source's mode).
func (m Mode) Preserve() bool { return m.spec == "preserve" }

// Symbolic says whether the mode is symbolic ("u+rwX,go-w"): relative to the file's mode.
func (m Mode) Symbolic() bool {
	_, err := strconv.ParseUint(m.spec, 8, 32)
	return m.set && !m.Preserve() && err != nil
}

// String is the mode as given.
func (m Mode) String() string { return m.spec }

// Apply returns the permission bits a file with mode cur (and isDir type)
// gets. A symbolic mode ignores the umask, as in Ansible.
func (m Mode) Apply(cur uint32, isDir bool) (uint32, error) {
	if !m.set || m.Preserve() {
		return cur & permBits, nil
	}
	if _, err := strconv.ParseUint(m.spec, 8, 32); err == nil {
		return m.bits, nil
	}
	return applySymbolic(m.spec, cur&permBits, isDir)
}

// FormatMode prints permission bits the way Ansible's stat and find return them: "0644", "2775".
func FormatMode(bits uint32) string { return fmt.Sprintf("%04o", bits&permBits) }

// resultMode prints permission bits the way Ansible's file modules return and diff them
// ('0%03o'): "0644", "02775".
func resultMode(bits uint32) string { return fmt.Sprintf("0%03o", bits&permBits) }

// whoMask is what '=' clears for each class, special bit included.
var whoMask = map[byte]uint32{'u': 0o4700, 'g': 0o2070, 'o': 0o1007}

// applySymbolic applies a chmod-style symbolic mode to cur.
func applySymbolic(spec string, cur uint32, isDir bool) (uint32, error) {
	mode := cur
	for _, clause := range strings.Split(spec, ",") {
		i := strings.IndexAny(clause, "+-=")
		if i < 0 {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s (expected [ugoa]*[-+=][rwxXstugo]*, e.g. u=rw,g=r)", spec)
		}
		who, rest := clause[:i], clause[i:]
		if strings.Trim(who, "ugoa") != "" {
			return 0, fmt.Errorf("bad symbolic permission for mode: %s (%q is not one of u, g, o, a)", spec, who)
		}
		if who == "" || strings.Contains(who, "a") {
			who = "ugo"
		}
		// One clause may chain operations: u+r-w.
		for rest != "" {
			op := rest[0]
			j := strings.IndexAny(rest[1:], "+-=")
			perms := rest[1:]
			if j >= 0 {
				perms, rest = rest[1:1+j], rest[1+j:]
			} else {
				rest = ""
			}
			if strings.Trim(perms, "rwxXstugo") != "" {
				return 0, fmt.Errorf("bad symbolic permission for mode: %s (%q holds letters other than r, w, x, X, s, t, u, g, o)", spec, perms)
			}
			prev := mode
			for k := 0; k < len(who); k++ {
				bits := classBits(who[k], perms, prev, isDir)
				switch op {
				case '+':
					mode |= bits
				case '-':
					mode &^= bits
				case '=':
					mode = mode&^whoMask[who[k]] | bits
				}
			}
		}
	}
	return mode, nil
}

// classBits turns perms letters into bits for class c ('u', 'g' or 'o').
func classBits(c byte, perms string, cur uint32, isDir bool) uint32 {
	shift := map[byte]uint{'u': 6, 'g': 3, 'o': 0}[c]
	var rwx, special uint32
	for i := 0; i < len(perms); i++ {
		switch perms[i] {
		case 'r':
			rwx |= 4
		case 'w':
			rwx |= 2
		case 'x':
			rwx |= 1
		case 'X':
			if isDir || cur&execBits != 0 {
				rwx |= 1
			}
		case 's':
			special |= map[byte]uint32{'u': 0o4000, 'g': 0o2000}[c]
		case 't':
			if c == 'o' {
				special |= 0o1000
			}
		case 'u', 'g', 'o':
			rwx |= cur >> map[byte]uint{'u': 6, 'g': 3, 'o': 0}[perms[i]] & 7
		}
	}
	return rwx<<shift | special
}
