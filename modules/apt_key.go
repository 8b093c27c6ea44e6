package modules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"play/connection"
)

func init() {
	Register(Info{Name: "apt_key", New: func() Module { return &AptKey{} }})
}

// AptKey adds or removes a key in APT's keyring with the host's apt-key,
// like ansible.builtin.apt_key (deprecated there, still used by many roles).
type AptKey struct {
	// ID is the key's id (8, 16 or more hex digits, 0x allowed); without it,
	// the id of the first key in file, data or url is used.
	ID string `arg:"id"`
	// URL is where the host downloads the key from.
	URL string `arg:"url"`
	// Data is the key itself (armored or binary).
	Data *string `arg:"data"`
	// File is a key file on the host.
	File string `arg:"file"`
	// Keyring is the keyring file to use instead of apt-key's default.
	Keyring string `arg:"keyring"`
	// ValidateCerts false accepts any TLS certificate for url.
	ValidateCerts *bool `arg:"validate_certs"`
	// Keyserver is where apt-key fetches the key id from (id required).
	Keyserver string `arg:"keyserver"`
	// State says whether the key should be there.
	State string `arg:"state" choices:"absent,present"`
}

// Validate applies the default state and Ansible's mutual exclusion.
func (a *AptKey) Validate() error {
	if a.State == "" {
		a.State = "present"
	}
	var given []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"data", a.Data != nil}, {"file", a.File != ""}, {"keyserver", a.Keyserver != ""}, {"url", a.URL != ""}} {
		if f.set {
			given = append(given, f.name)
		}
	}
	if len(given) > 1 {
		return errors.New("parameters are mutually exclusive: data|file|keyserver|url")
	}
	if a.ID == "" && a.Keyserver != "" {
		return errors.New("Missing key_id, required with keyserver.")
	}
	return nil
}

// aptKeyErrNoErr is Ansible's message when apt-key succeeded without effect.
const aptKeyErrNoErr = "apt-key did not return an error, but %s (check that the id is correct and *not* a subkey)"

// Plan implements Module: one probe reads the key id from the key when none
// is given (downloading url for it, as Ansible does even in check mode) and
// lists the keyring.
func (a *AptKey) Plan(ctx context.Context, env *Env) (*Plan, error) {
	var b strings.Builder
	b.WriteString("export LC_ALL=C\n" + requireTools("apt-key", "gpg"))
	var stdin []byte
	if a.ID == "" {
		src := Quote(a.File)
		switch {
		case a.URL != "":
			b.WriteString(a.download())
			src, stdin = `"$body"`, a.request().stdin()
		case a.Data != nil:
			src, stdin = "-", []byte(*a.Data)
		}
		if a.File != "" || a.URL != "" || a.Data != nil {
			// gpg's standard error goes to its own section, for the failure.
			fmt.Fprintf(&b, "%s\nexec 3>&1\nerr=$( { gpg --with-colons %s || %s; } 2>&1 >&3 )\n%s\nprintf '%%s\\n' \"$err\"\n",
				section("gpg"), src, section("gpgfailed"), section("gpgerr"))
		}
	}
	fmt.Fprintf(&b, "%s\n%s adv --list-public-keys --keyid-format=long 2>/dev/null || { echo 'Unable to list public keys' >&2; exit 1; }\n",
		section("keys"), a.aptKey())
	res, err := env.Host.Run(ctx, b.String(), stdin)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, &Failure{Msg: strings.TrimSpace(string(res.Stderr)), Result: map[string]any{"rc": res.RC}}
	}
	return a.plan(parseSections(string(res.Stdout)))
}

// plan compares the key id with the keyring's keys as Ansible's main() does.
func (a *AptKey) plan(obs Sections) (*Plan, error) {
	if err := obs.missingTool(); err != nil {
		return nil, err
	}
	id := a.ID
	if obs.Has("gpgfailed") {
		what := a.File
		if a.File == "" {
			what = "inline data"
		}
		return nil, &Failure{Msg: fmt.Sprintf("Unable to extract key from '%s'", what),
			Result: map[string]any{"stdout": obs["gpg"], "stderr": obs["gpgerr"]}}
	}
	if keys := parseAptKeys(obs["gpg"], false); len(keys) > 0 {
		id = keys[0]
	}
	r := map[string]any{"id": id}
	if id == "" && a.ID == "" {
		r["id"] = nil
	}
	short, fp, keyID, err := parseKeyID(id)
	if err != nil {
		return nil, &Failure{Msg: "Invalid key_id", Result: r}
	}
	r["short_id"], r["fp"], r["key_id"] = short, fp, keyID
	shortFormat := len(keyID) == 8
	keys := parseAptKeys(obs["keys"], shortFormat)
	r["before"] = keys
	p := &Plan{Result: r}
	want := fp
	if shortFormat {
		want = short
	}
	var script, check string
	var stdin []byte
	switch {
	case a.State == "present" && !slices.Contains(keys, want):
		script, check, stdin = a.addScript(keyID), "failed to add the key", nil
		if a.Data != nil {
			stdin = []byte(*a.Data)
		} else if a.URL != "" {
			stdin = a.request().stdin()
		}
	case a.State == "absent" && slices.Contains(keys, fp):
		script = fmt.Sprintf("%s del %s >/dev/null 2>&1 || { echo %s >&2; exit 1; }\n", a.aptKey(), Quote(short), Quote("Unable to remove a key with id "+short))
		check = "the key was not removed"
	default:
		return p, nil
	}
	script += fmt.Sprintf("%s\n%s adv --list-public-keys --keyid-format=long 2>/dev/null\n", section("keys"), a.aptKey())
	p.Steps = []Step{{Script: "export LC_ALL=C\n" + script, Stdin: stdin}}
	p.Finish = func(out []connection.Result) (map[string]any, error) {
		o := out[len(out)-1]
		if o.RC != 0 {
			return nil, &Failure{Msg: strings.TrimSpace(string(o.Stderr)), Result: map[string]any{"rc": o.RC}}
		}
		after := parseAptKeys(parseSections(string(o.Stdout))["keys"], shortFormat)
		res := map[string]any{"after": after}
		if slices.Contains(after, want) != (a.State == "present") {
			for k, v := range r {
				res[k] = v
			}
			return nil, &Failure{Msg: fmt.Sprintf(aptKeyErrNoErr, check), Result: res}
		}
		return res, nil
	}
	return p, nil
}

// addScript adds the key from where the arguments say.
func (a *AptKey) addScript(keyID string) string {
	ak := a.aptKey()
	switch {
	case a.File != "":
		return fmt.Sprintf("%s add %s >/dev/null 2>&1 || { echo %s >&2; exit 1; }\n", ak, Quote(a.File), Quote("Unable to add a key from file "+a.File))
	case a.Keyserver != "":
		msg := fmt.Sprintf("Error fetching key %s from keyserver: %s", keyID, a.Keyserver)
		return fmt.Sprintf("i=0; until out=$(%s adv --no-tty --keyserver %s --recv %s 2>&1); do i=$((i+1)); [ $i -lt 5 ] || { echo %s >&2; printf '%%s\\n' \"$out\" >&2; exit 1; }; done\n",
			ak, Quote(a.Keyserver), Quote(keyID), Quote(msg))
	case a.URL != "":
		return a.download() + fmt.Sprintf("%s add \"$body\" >/dev/null 2>&1 || { echo 'Unable to add a key from binary data' >&2; exit 1; }\n", ak)
	}
	return fmt.Sprintf("%s add - >/dev/null 2>&1 || { echo 'Unable to add a key from binary data' >&2; exit 1; }\n", ak)
}

// aptKey is the apt-key command with the keyring.
func (a *AptKey) aptKey() string {
	if a.Keyring != "" {
		return "apt-key --keyring " + Quote(a.Keyring)
	}
	return "apt-key"
}

// request is the download of url; its curl config goes on standard input.
func (a *AptKey) request() *httpRequest {
	return RequestArgs{ValidateCerts: a.ValidateCerts}.newRequest(a.URL, "", 10)
}

// download fetches url into the temporary file "$body", failing with
// Ansible's message unless the answer is 200.
func (a *AptKey) download() string {
	return "body=$(mktemp) && hdrs=$(mktemp) || exit 1\ntrap 'rm -f -- \"$body\" \"$hdrs\"' EXIT\n" + a.request().script() +
		fmt.Sprintf(`case $st in 200\ *) ;; *) reason=$(sed -n 's/^HTTP\/[^ ]* [0-9]* *//p' "$hdrs" | tail -n 1 | tr -d '\r')
  echo %s"HTTP Error ${st%%%% *}: $reason" >&2; exit 1;; esac
`, Quote("Failed to download key at "+a.URL+": "))
}

// parseKeyID splits a key id as Ansible's parse_key_id: the short id (last
// 8 digits), the fingerprint apt-key lists (last 16) and the whole id.
func parseKeyID(id string) (short, fp, keyID string, err error) {
	keyID = strings.ToUpper(id)
	keyID = strings.TrimPrefix(keyID, "0X")
	if !isHex(keyID) {
		return "", "", "", errors.New("invalid key id")
	}
	n := len(keyID)
	if n != 8 && n != 16 && n <= 16 {
		return "", "", "", errors.New("key_id must be 8, 16, or 16+ hexadecimal characters in length")
	}
	fp = keyID
	if n > 16 {
		fp = keyID[n-16:]
	}
	return keyID[n-8:], fp, keyID, nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789ABCDEF", c) {
			return false
		}
	}
	return s != ""
}

// parseAptKeys reads the key ids of "pub" and "sub" lines that are not
// expired, from apt-key's listing ("pub   rsa4096/ABCD... date") or gpg's
// colons ("pub:-:4096:1:ABCD...:..."), as Ansible's parse_output_for_keys.
func parseAptKeys(out string, short bool) []string {
	found := []string{}
	for _, l := range strings.Split(out, "\n") {
		if !(strings.HasPrefix(l, "pub") || strings.HasPrefix(l, "sub")) || strings.Contains(l, "expired") {
			continue
		}
		var code string
		if f := strings.Fields(l); len(f) > 1 && strings.Count(f[1], "/") == 1 {
			_, code, _ = strings.Cut(f[1], "/")
		} else if c := strings.Split(l, ":"); len(c) > 4 {
			code = c[4]
		} else {
			continue
		}
		if short && len(code) > 8 {
			code = code[len(code)-8:]
		}
		found = append(found, code)
	}
	return found
}
