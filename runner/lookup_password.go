package runner

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"play/playbooks"
)

// passwordFiles serialises password lookups: hosts of a play share a file.
var passwordFiles sync.Mutex

// passwordCharsets are the names chars= accepts (Python's string module).
var passwordCharsets = map[string]string{
	"ascii_letters":   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"ascii_lowercase": "abcdefghijklmnopqrstuvwxyz",
	"ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"digits":          "0123456789",
	"hexdigits":       "0123456789abcdefABCDEF",
	"octdigits":       "01234567",
	"punctuation":     "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}

// passwordLookup returns the password stored in a file (relative to the
// playbook's directory), generating and storing a random one first when
// the file does not exist; /dev/null generates without storing.
func passwordLookup(lc *lookupCtx, terms []any, _ map[string]any) ([]any, error) {
	texts, err := termStrings(terms)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, text := range texts {
		pw, err := lc.password(text)
		if err != nil {
			return nil, err
		}
		out = append(out, pw)
	}
	return out, nil
}

func (lc *lookupCtx) password(text string) (string, error) {
	kv, err := playbooks.SplitKV(text, false)
	if err != nil {
		return "", err
	}
	path, _ := kv["_raw_params"].(string)
	if path == "" {
		return "", fmt.Errorf("the password lookup needs a file path: lookup('password', 'credentials/db length=16')")
	}
	length, chars, seed := 20, "ascii_letters,digits,.,:-_", ""
	for k, v := range kv {
		s := fmt.Sprint(v)
		switch k {
		case "_raw_params":
		case "length":
			if length, err = strconv.Atoi(s); err != nil {
				return "", fmt.Errorf("password lookup: length must be an integer, got %q", s)
			}
		case "chars":
			chars = s
		case "seed":
			seed = s
		case "encrypt", "ident", "salt":
			return "", fmt.Errorf("password lookup: %s is not supported; hash the password with the password_hash filter", k)
		default:
			return "", fmt.Errorf("password lookup: unrecognized parameter %q (use length, chars or seed)", k)
		}
	}
	alphabet := passwordAlphabet(chars)
	if path == "/dev/null" {
		return randomString(alphabet, length, seed), nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(lc.ctl.ex.pc.pb.Dir, path)
	}
	passwordFiles.Lock()
	defer passwordFiles.Unlock()
	if data, err := os.ReadFile(path); err == nil {
		pw, _, _ := strings.Cut(strings.TrimRight(string(data), "\n"), " salt=")
		return pw, nil
	}
	pw := randomString(alphabet, length, seed)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", err
	}
	return pw, nil
}

// passwordAlphabet joins the character sets chars names; ",," is a comma.
func passwordAlphabet(chars string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ReplaceAll(chars, ",,", "\x00"), ",") {
		part = strings.ReplaceAll(part, "\x00", ",")
		if set, ok := passwordCharsets[part]; ok {
			b.WriteString(set)
		} else {
			b.WriteString(part)
		}
	}
	return b.String()
}

// randomString draws length characters from alphabet: from the system's
// random source, or reproducibly from seed.
func randomString(alphabet string, length int, seed string) string {
	runes := []rune(alphabet)
	var src mrand.Source = mrand.NewChaCha8(randomSeed())
	if seed != "" {
		src = mrand.NewChaCha8(sha256.Sum256([]byte(seed)))
	}
	rng := mrand.New(src)
	out := make([]rune, length)
	for i := range out {
		out[i] = runes[rng.IntN(len(runes))]
	}
	return string(out)
}

func randomSeed() [32]byte {
	var s [32]byte
	_, _ = rand.Read(s[:])
	return s
}
