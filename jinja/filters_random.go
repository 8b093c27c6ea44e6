package jinja

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// random, shuffle and random_mac, with Python's generator so that a seed
// gives what Ansible gives (`60 | random(seed=inventory_hostname)` picks the
// same minute for a host as ansible-playbook does).

func init() {
	registerFilters(map[string]filterFunc{
		"random":     filterRandom,
		"shuffle":    filterShuffle,
		"random_mac": filterRandomMAC,
	})
}

// filterRandom is randrange(start, end, step) for an int, a choice from a sequence otherwise.
func filterRandom(_ *exec.Evaluator, in any, a args) (any, error) {
	r := newPyRandom(a.get(-1, "seed", nil))
	start, step := a.get(0, "start", nil), a.get(1, "step", nil)
	end, isInt := in.(int)
	if !isInt {
		if pyTruthy(start) || pyTruthy(step) {
			return nil, errors.New("start and step can only be used with integer values")
		}
		xs, err := items(in)
		if err != nil {
			return nil, errors.New("random can only be used on sequences and integers")
		}
		if len(xs) == 0 {
			return nil, errors.New("Cannot choose from an empty sequence")
		}
		return xs[r.below(len(xs))], nil
	}
	from, by := int(toInt(start)), int(toInt(step))
	if by == 0 {
		by = 1
	}
	width := end - from
	n := (width + by - 1) / by
	if by < 0 {
		n = (width + by + 1) / by
	}
	if n <= 0 {
		return nil, fmt.Errorf("empty range for randrange() (%d, %d, %d)", from, end, width)
	}
	return from + by*r.below(n), nil
}

// filterShuffle returns a shuffled copy; like Ansible, input it cannot
// iterate comes back unchanged.
func filterShuffle(_ *exec.Evaluator, in any, a args) (any, error) {
	xs, err := items(in)
	if err != nil {
		return in, nil
	}
	out := append(list{}, xs...)
	seed := a.get(0, "seed", nil)
	if !pyTruthy(seed) {
		seed = nil
	}
	newPyRandom(seed).shuffle(out)
	return out, nil
}

var hexByte = regexp.MustCompile(`^[a-f0-9]{2}`)

// filterRandomMAC completes a MAC address prefix with random bytes
// (community.general.random_mac).
func filterRandomMAC(_ *exec.Evaluator, in any, a args) (any, error) {
	s, ok := in.(string)
	if !ok {
		return nil, fmt.Errorf("Invalid value type (%s) for random_mac (%s)", typeName(in), pyStr(in))
	}
	prefix := strings.ToLower(s)
	parts := strings.Split(prefix, ":")
	if len(parts) > 5 {
		return nil, fmt.Errorf("Invalid value (%s) for random_mac: 5 colon(:) separated items max", prefix)
	}
	var problems []string
	for _, p := range parts {
		switch {
		case p == "":
			problems = append(problems, "empty item")
		case !hexByte.MatchString(p):
			problems = append(problems, p+" not hexa byte")
		}
	}
	if problems != nil {
		return nil, fmt.Errorf("Invalid value (%s) for random_mac: %s", prefix, strings.Join(problems, ","))
	}
	// randint(0x1000000000, 0xffffffffff), then as many hex digits as missing.
	const low, high = 0x1000000000, 0xffffffffff
	v := low + newPyRandom(a.get(0, "seed", nil)).below(high-low+1)
	digits := fmt.Sprintf("%x", v)[:2*(6-len(parts))]
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < len(digits); i += 2 {
		b.WriteString(":" + digits[i:i+2])
	}
	return b.String(), nil
}
