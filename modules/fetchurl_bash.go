package modules

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// A host with neither curl nor wget (a minimal Debian has neither; Ansible uses python's
// urllib) still downloads: bash speaks HTTP/1.0 itself over /dev/tcp, and HTTPS through
// `openssl s_client` (ca-certificates pulls openssl in). HTTP/1.0 keeps it small: the server
// closes the connection after the response and never sends it chunked. The request travels
// in comment lines of curl's config on standard input (curl skips them), base64 encoded, so
// URL, headers, credentials and body stay off the command line here too.

// bashRequestLines are the request as bashHTTP reads it.
func (r *httpRequest) bashRequestLines() string {
	var b strings.Builder
	line := func(key, val string) {
		fmt.Fprintf(&b, "#play-%s %s\n", key, base64.StdEncoding.EncodeToString([]byte(val)))
	}
	method := r.Method
	if method == "" {
		method = "GET"
		if r.Body != nil {
			method = "POST" // as curl's --data-binary
		}
	}
	line("method", method)
	line("url", r.URL)
	headers := maps.Clone(r.Headers)
	if r.User != "" && !hasHeader(headers, "Authorization") {
		headers["Authorization"] = basicAuth(r.User, r.Pass)
	}
	if r.Body != nil && !hasHeader(headers, "Content-Type") {
		headers["Content-Type"] = "application/x-www-form-urlencoded" // curl's default
	}
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		line("header", k+": "+headers[k])
	}
	if r.Body != nil {
		line("body", *r.Body)
	}
	return b.String()
}

// hasHeader says whether h names header k, in any case.
func hasHeader(h map[string]string, k string) bool {
	for name := range h {
		if strings.EqualFold(name, k) {
			return true
		}
	}
	return false
}

// bashCommand runs bashHTTP as script's fallback: the same files and "$st" as curl.
func (r *httpRequest) bashCommand() string {
	ims := `""`
	if r.IfModifiedSinceVar != "" {
		ims = `"${` + r.IfModifiedSinceVar + `-}"`
	}
	return fmt.Sprintf(`st=$(bash -c %s play-http "$body" "$hdrs" %d %d %d %s) || exit 1`,
		Quote(bashHTTP), boolInt(r.Insecure), boolInt(!r.NoFollow), r.Timeout, ims)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bashHTTP is the request in bash: arguments body file, headers file, insecure, follow
// redirects, timeout in seconds (0: none), a file whose mtime makes it conditional; the
// request on standard input (bashRequestLines). It prints "<code> <final url>" as curl's -w.
var bashHTTP = strings.TrimSpace(`
export LC_ALL=C
body=$1 hdrs=$2 insecure=$3 follow=$4 timeout=$5 ims=$6
method=GET url= data= headers=()
tmp=$(mktemp -d) || exit 1
trap 'rm -rf -- "$tmp"' EXIT
while IFS= read -r l; do
  v=$(printf %s "${l#* }" | base64 -d 2>/dev/null)
  case $l in
  '#play-method '*) method=$v ;;
  '#play-url '*) url=$v ;;
  '#play-header '*) headers+=("$v") ;;
  '#play-body '*) data=$tmp/data; printf %s "${l#* }" | base64 -d >"$data" ;;
  esac
done
if [ -n "$ims" ] && [ -e "$ims" ]; then
  headers+=("If-Modified-Since: $(date -u -r "$ims" '+%a, %d %b %Y %H:%M:%S GMT')")
fi
: >"$hdrs"
for hop in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  case $url in
  http://*) scheme=http rest=${url#http://} port=80 ;;
  https://*) scheme=https rest=${url#https://} port=443 ;;
  *) echo "cannot fetch $url: the host has no curl or wget, and play fetches only http:// and https:// URLs without them (apt: curl)" >&2; exit 1 ;;
  esac
  rest=${rest%%#*} hostport=${rest%%[/?]*} path=${rest#"${rest%%[/?]*}"}
  case $path in '') path=/ ;; '?'*) path=/$path ;; esac
  auth=()
  case $hostport in *@*) auth=("Authorization: Basic $(printf %s "${hostport%@*}" | base64 -w0)"); hostport=${hostport##*@} ;; esac
  host=$hostport
  case $hostport in
  \[*\]:*) host=${hostport%:*} port=${hostport##*:} ;;
  \[*\]) ;;
  *:*) host=${hostport%:*} port=${hostport##*:} ;;
  esac
  host=${host#[} host=${host%]}
  {
    printf '%s %s HTTP/1.0\r\nHost: %s\r\nAccept: */*\r\nConnection: close\r\n' "$method" "$path" "$hostport"
    for h in "${auth[@]}" "${headers[@]}"; do printf '%s\r\n' "$h"; done
    if [ -n "$data" ]; then
      printf 'Content-Length: %s\r\n\r\n' "$(wc -c <"$data")"
      cat -- "$data"
    else
      printf '\r\n'
    fi
  } >"$tmp/request"
  if [ $scheme = http ]; then
    timeout "$timeout" bash -c 'exec 3<>"/dev/tcp/$0/$1" && cat >&3 && cat <&3' "$host" "$port" <"$tmp/request" >"$tmp/response" 2>"$tmp/err"
  elif command -v openssl >/dev/null; then
    verify=(-verify_return_error -verify_hostname "$host")
    [ "$insecure" = 1 ] && verify=()
    timeout "$timeout" openssl s_client -quiet -connect "$host:$port" -servername "$host" "${verify[@]}" <"$tmp/request" >"$tmp/response" 2>"$tmp/err"
  else
    echo "cannot fetch $url: the host has no curl, wget or openssl for https (apt: curl)" >&2; exit 1
  fi
  rc=$?
  code= location= n=0 first=1
  while IFS= read -r l; do
    n=$((n + ${#l} + 1)) l=${l%$'\r'}
    [ -z "$l" ] && break
    printf '%s\n' "$l" >>"$hdrs"
    if [ $first = 1 ]; then
      first=0 code=${l#* } code=${code%% *}
      continue
    fi
    case ${l,,} in location:*) location=${l#*:} location=${location# } ;; esac
  done <"$tmp/response"
  echo >>"$hdrs"
  case $code in
  [1-5][0-9][0-9]) ;;
  *)
    [ $rc = 124 ] && { echo "cannot fetch $url: timed out after $timeout seconds" >&2; exit 1; }
    echo "cannot fetch $url: no HTTP response: $(tail -n 3 "$tmp/err" | tr '\n' ' ')" >&2; exit 1 ;;
  esac
  case $follow$code in 1301 | 1302 | 1303 | 1307 | 1308) [ -n "$location" ] ;; *) false ;; esac || {
    tail -c +$((n + 1)) "$tmp/response" >"$body"
    echo "$code $url"
    exit 0
  }
  case $location in
  http://* | https://*) url=$location ;;
  //*) url=$scheme:$location ;;
  /*) url=$scheme://$hostport$location ;;
  *) p=${path%%'?'*} url=$scheme://$hostport${p%/*}/$location ;;
  esac
  if [ "$code" = 303 ] || [ "$method" = POST ] && [ "$code" -lt 307 ]; then
    [ "$method" = HEAD ] || method=GET
    data=
  fi
done
echo "cannot fetch $url: more than 20 redirects" >&2
exit 1
`)
