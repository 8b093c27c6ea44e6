package jinja

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// password_hash: the crypt(3) schemes Ansible (through passlib) produces for
// /etc/shadow: sha512_crypt, sha256_crypt and md5_crypt.

func init() {
	registerFilters(map[string]filterFunc{"password_hash": filterPasswordHash})
}

// cryptScheme is one crypt(3) scheme as passlib configures it.
type cryptScheme struct {
	name     string
	saltSize int // the maximum and the default
	rounds   int // passlib's default; 0: fixed (md5_crypt)
	encode   func(password, salt []byte, rounds int) string
}

var cryptSchemes = map[string]*cryptScheme{
	"sha512_crypt": {name: "sha512_crypt", saltSize: 16, rounds: 656000, encode: shaCrypt("6", sha512.New, sha512Order)},
	"sha256_crypt": {name: "sha256_crypt", saltSize: 16, rounds: 535000, encode: shaCrypt("5", sha256.New, sha256Order)},
	"md5_crypt":    {name: "md5_crypt", saltSize: 8, encode: md5Crypt},
}

// cryptAliases are Ansible's short names for the schemes.
var cryptAliases = map[string]string{"sha512": "sha512_crypt", "sha256": "sha256_crypt", "md5": "md5_crypt"}

const crypt64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func filterPasswordHash(_ *exec.Evaluator, in any, a args) (any, error) {
	name := a.str(0, "hashtype", "sha512")
	if alias, ok := cryptAliases[name]; ok {
		name = alias
	}
	scheme, ok := cryptSchemes[name]
	if !ok {
		return nil, fmt.Errorf("password_hash does not support %q: use sha512 (default), sha256 or md5", name)
	}
	salt := ""
	if s := a.get(1, "salt", nil); pyTruthy(s) {
		salt = pyStr(s)
	}
	if salt == "" {
		size := scheme.saltSize
		if n := int(toInt(a.get(2, "salt_size", nil))); n > 0 {
			size = min(n, scheme.saltSize)
		}
		salt = randomSalt(size)
	}
	if len(salt) > scheme.saltSize {
		return nil, fmt.Errorf("Could not hash the secret: salt too large (%s requires <= %d chars)", scheme.name, scheme.saltSize)
	}
	if strings.Trim(salt, crypt64) != "" {
		return nil, fmt.Errorf("Could not hash the secret: invalid characters in %s salt (allowed: %s)", scheme.name, crypt64)
	}
	rounds := scheme.rounds
	if r := int(toInt(a.get(3, "rounds", nil))); r != 0 && scheme.rounds != 0 {
		rounds = r
	}
	if scheme.rounds != 0 && rounds < 1000 {
		return nil, fmt.Errorf("Could not hash the secret: %s: rounds (%d) is too low, must be at least 1000", scheme.name, rounds)
	}
	if rounds > 999999999 {
		return nil, fmt.Errorf("Could not hash the secret: %s: rounds (%d) is too large, cannot be more than 999999999", scheme.name, rounds)
	}
	return scheme.encode([]byte(pyStr(in)), []byte(salt), rounds), nil
}

// randomSalt draws n characters of the crypt alphabet.
func randomSalt(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	for i := range b {
		b[i] = crypt64[b[i]&0x3f]
	}
	return string(b)
}

// sha512Order and sha256Order are the byte triples the SHA-crypt
// specification encodes in turn; the tail is encoded after them.
var (
	sha512Order = [][3]int{{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48}, {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41}, {-1, -1, 63}}
	sha256Order = [][3]int{{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14}, {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}, {-1, 31, 30}}
	md5Order    = [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}, {-1, -1, 11}}
)

// encodeCrypt64 writes the digest bytes in order, each triple as four
// characters (low bits first); a triple with missing (-1) bytes gives only
// as many characters as its bits need.
func encodeCrypt64(b *strings.Builder, sum []byte, order [][3]int) {
	for _, t := range order {
		w, n := 0, 4
		for i, idx := range t {
			if idx >= 0 {
				w |= int(sum[idx]) << (8 * (2 - i))
			} else {
				n--
			}
		}
		for range n {
			b.WriteByte(crypt64[w&0x3f])
			w >>= 6
		}
	}
}

// repeatTo is b repeated to n bytes.
func repeatTo(b []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, b[:min(len(b), n-len(out))]...)
	}
	return out
}

// stretch is the rounds loop MD5-crypt and SHA-crypt share: each round
// hashes the previous digest c with the password bytes p and, on rounds not
// divisible by 3, the salt bytes s.
func stretch(h hash.Hash, rounds int, p, s, c []byte) []byte {
	for i := range rounds {
		h.Reset()
		if i%2 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i%2 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(c[:0])
	}
	return c
}

// shaCrypt is Ulrich Drepper's SHA-crypt for one hash function.
func shaCrypt(id string, newHash func() hash.Hash, order [][3]int) func(password, salt []byte, rounds int) string {
	sum := func(parts ...[]byte) []byte {
		h := newHash()
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	}
	return func(password, salt []byte, rounds int) string {
		size := newHash().Size()
		b := sum(password, salt, password)
		h := newHash()
		h.Write(password)
		h.Write(salt)
		h.Write(repeatTo(b, len(password)))
		for n := len(password); n > 0; n >>= 1 {
			if n&1 != 0 {
				h.Write(b)
			} else {
				h.Write(password)
			}
		}
		a := h.Sum(nil)
		p := repeatTo(sum(repeatTo(password, len(password)*len(password))), len(password))
		s := repeatTo(sum(repeatTo(salt, len(salt)*(16+int(a[0])))), len(salt))
		c := stretch(h, rounds, p, s, a)
		var out strings.Builder
		out.WriteString("$" + id + "$")
		if rounds != 5000 { // the specification's default goes unwritten, as passlib does
			out.WriteString("rounds=" + strconv.Itoa(rounds) + "$")
		}
		out.Write(salt)
		out.WriteByte('$')
		encodeCrypt64(&out, c[:size], order)
		return out.String()
	}
}

// md5Crypt is Poul-Henning Kamp's MD5-crypt ($1$).
func md5Crypt(password, salt []byte, _ int) string {
	final := md5.Sum(append(append(append([]byte{}, password...), salt...), password...))
	h := md5.New()
	h.Write(password)
	h.Write([]byte("$1$"))
	h.Write(salt)
	h.Write(repeatTo(final[:], len(password)))
	for n := len(password); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(password[:1])
		}
	}
	sum := stretch(h, 1000, password, salt, h.Sum(nil))
	var out strings.Builder
	out.WriteString("$1$")
	out.Write(salt)
	out.WriteByte('$')
	encodeCrypt64(&out, sum, md5Order)
	return out.String()
}
