#!/bin/bash
# demo.sh: the deployment play exists for, end to end on this machine (run as root; `make demo`).
# Boots five lab hosts (db1 app1 app2 lb1 docker1), serves the Django app's code to them over
# git, runs `play -i <their inventory> playbooks/site.yml`, shows that it works (the load
# balancer alternates between the app hosts, data written through app1 is read through app2,
# the containers answer) and that a second run changes nothing, timing each step.
# Settings: DEMO_KEEP=1 keeps running hosts instead of booting them fresh; PLAY=path uses
# another play binary (or ansible-playbook: the lb/docker hosts have no python3 for it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
hosts=(db1 app1 app2 lb1 docker1)
run=${DEMO_DIR:-/run/play-lab/demo}
play=${PLAY:-$root/bin/play}
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin NO_COLOR=1

[ "$(id -u)" = 0 ] || { echo "demo: the lab boots containers: run as root (sudo make demo)" >&2; exit 1; }
command -v go >/dev/null || { echo "demo: Go is needed on this machine (play and the docker role's service are built with it)" >&2; exit 1; }
command -v git >/dev/null || { echo "demo: git is needed on this machine (it serves the app's code to the lab): apt-get install git" >&2; exit 1; }

bold="" plain=""
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
declare -a timings
step_start=0
step() { step_start=$EPOCHREALTIME; printf '\n%s==> %s%s\n' "$bold" "$1" "$plain"; current=$1; }
done_step() {
	local secs
	secs=$(awk -v a="$step_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	timings+=("$(printf '%7s s  %s' "$secs" "$current")")
	echo "    ($secs s)"
}
addr() { awk -v h="$1" '$1 == h { print $2 }' "$run/hosts.txt"; }
field() { sed -n 's/.*"'"$1"'": *"\([^"]*\)".*/\1/p' | head -1; }

gitd=""
cleanup() { if [ -n "$gitd" ]; then kill "$gitd" 2>/dev/null || true; fi; }
trap cleanup EXIT

step "build play"
go build -o bin/play .
done_step

step "boot the lab hosts: ${hosts[*]}"
lab/lab repo >/dev/null
if [ "${DEMO_KEEP:-0}" = 1 ]; then lab/lab up "${hosts[@]}" >/dev/null; else lab/lab up --fresh "${hosts[@]}" >/dev/null; fi
mkdir -p "$run"
lab/lab inventory "$run" "${hosts[@]}" >/dev/null
column -t "$run/hosts.txt" | sed 's/^/    /'
done_step

step "serve the app's code over git at git://lab-gateway/tasks.git (git daemon)"
demo/gitserve.sh "$run/git" >"$run/git.log" 2>&1 &
gitd=$!
for _ in $(seq 50); do git ls-remote git://10.232.0.1/tasks.git >/dev/null 2>&1 && break; sleep 0.1; done
git ls-remote git://10.232.0.1/tasks.git | sed 's/^/    /'
done_step

step "play -i $run/hosts.yml playbooks/site.yml"
"$play" -i "$run/hosts.yml" playbooks/site.yml | tee "$run/run1.log" | sed -n '/PLAY RECAP/,$p'
done_step

lb=$(addr lb1)
step "GET http://$lb/ (lb1) six times: which app host answered"
for i in 1 2 3 4 5 6; do
	printf '    request %d: %s\n' "$i" "$(curl -fsS "http://$lb/healthz" | field host)"
done
done_step

step "add an item through app1, read it through app2"
item="demo item $(date +%H:%M:%S)"
curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"text\": \"$item\"}" "http://$(addr app1):8000/api/items" |
	sed 's/^/    app1 stored: /'
echo
if curl -fsS "http://$(addr app2):8000/api/items" | grep -q "\"$item\""; then
	echo "    app2 reads it: \"$item\" (http://$(addr app2):8000/api/items)"
else
	echo "    app2 does not have \"$item\"" >&2
	exit 1
fi
echo "    open http://$lb/ in a browser to see the page and the form"
done_step

docker=$(addr docker1)
step "the containers on docker1: hello on :8080, hello-front on :8081 asks hello over the user network"
curl -fsS "http://$docker:8080/" | sed 's/^/    /'
curl -fsS "http://$docker:8081/" | sed 's/^/    /'
done_step

step "play again: nothing to change"
"$play" -i "$run/hosts.yml" playbooks/site.yml | tee "$run/run2.log" | sed -n '/PLAY RECAP/,$p'
if grep -E '^\S+ +: ' "$run/run2.log" | grep -vq 'changed=0 '; then
	echo "    the second run changed something: see $run/run2.log" >&2
	exit 1
fi
echo "    changed=0 on every host"
done_step

printf '\n%sTimings%s\n' "$bold" "$plain"
printf '%s\n' "${timings[@]}"
cat <<EOT

The hosts keep running: ssh -F $run/ssh_config app1, or $play -i $run/hosts.yml playbooks/site.yml
(serve the code again first: demo/gitserve.sh $run/git &). Logs of the runs: $run/run1.log, run2.log.
Tear down: make lab-down (every lab host), or lab/lab down ${hosts[*]}
EOT
