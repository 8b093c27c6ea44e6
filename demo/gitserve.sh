#!/bin/sh
# gitserve.sh DIR [ADDRESS] [PORT]: serves the project's Django application (app/) to the lab
# over git's own protocol, at git://ADDRESS:PORT/tasks.git (default 10.232.0.1:9418, the lab
# bridge, which lab hosts call lab-gateway). DIR/tasks.git is made afresh from the working tree,
# committed with a fixed author and date: the same files give the same commit, so re-running the
# demo does not make the app hosts redeploy. Runs git-daemon in the foreground (itself, not under the git wrapper): stop it by PID.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: gitserve.sh DIR [ADDRESS] [PORT]}
addr=${2:-10.232.0.1}
port=${3:-9418}

rm -rf "$dir/work" "$dir/tasks.git"
mkdir -p "$dir/work"
cp -R "$root/app/." "$dir/work/"
cd "$dir/work"
git init -q -b main
git add -A
GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z' \
	git -c user.name=play -c user.email=play@localhost -c commit.gpgsign=false commit -q -m "tasks application"
git clone -q --bare "$dir/work" "$dir/tasks.git"
touch "$dir/tasks.git/git-daemon-export-ok"
exec "$(git --exec-path)/git-daemon" --reuseaddr --base-path="$dir" --listen="$addr" --port="$port" "$dir/tasks.git"
