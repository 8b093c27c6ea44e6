# shellcheck shell=bash disable=SC2034,SC2086
# Settings and helpers of lab/lab. Sourced, never run. Every setting can be overridden from the
# environment; the defaults keep the lab apart from anything else on the machine.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PLAYLAB_CACHE:=/var/cache/play-lab}" # base image, python layer, repository, host layers (kept between runs)
: "${PLAYLAB_RUN:=/run/play-lab}"         # live state: one file per host, pids, generated inventory
: "${PLAYLAB_BRIDGE:=playlab0}"
: "${PLAYLAB_NET:=10.232}"                # hosts live in $PLAYLAB_NET.0.0/16
: "${PLAYLAB_REPO_PORT:=8232}"
: "${PLAYLAB_NOPY:=*nopy* lb* docker*}"   # name patterns of hosts without python3
: "${PLAYLAB_BOOT_TIMEOUT:=120}"
: "${PLAYLAB_VERBOSE:=0}"
GW=$PLAYLAB_NET.0.1
BASE=$PLAYLAB_CACHE/base
PYLAYER=$PLAYLAB_CACHE/python
REPO=$PLAYLAB_CACHE/repo
LAYERS=$PLAYLAB_CACHE/hosts
KEY=$PLAYLAB_CACHE/id_ed25519
HOSTS=$PLAYLAB_RUN/hosts
BASE_VERSION=1 # bump when the base image or the python layer changes

export LC_ALL=C
# ip, sysctl, iptables and debootstrap live in /usr/sbin, which cron, `su` without `-` and some CI
# runners leave out of PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac

log() { if [ "$PLAYLAB_VERBOSE" = 1 ]; then echo "lab: $*" >&2; fi; }
warn() { echo "lab: $*" >&2; }
die() {
	echo "lab: error: $*" >&2
	exit 1
}
seconds() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
need_root() { [ "$(id -u)" = 0 ] || die "the lab needs root (namespaces, mounts, a bridge): run it with sudo"; }

# lab_apt ARGS...: apt-get on the machine, quiet, waiting for a busy dpkg lock (unattended-upgrades
# on a fresh VM) instead of failing at once with "Could not get lock".
lab_apt() {
	local err deadline=$((SECONDS + 300))
	while :; do
		err=$(DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=60 "$@" 2>&1 >/dev/null) && return 0
		case $err in *"Could not get lock"* | *"Unable to lock"* | *"Unable to acquire"*) ;; *) break ;; esac
		[ $SECONDS -lt $deadline ] || break
		sleep 2
	done
	printf '%s\n' "$err" >&2
	return 1
}

# lab_deps installs what the lab runs on the machine, once.
lab_deps() {
	local need=() pair
	for pair in debootstrap:debootstrap systemd-nspawn:systemd-container dpkg-scanpackages:dpkg-dev \
		apt-ftparchive:apt-utils ip:iproute2 iptables:iptables ssh:openssh-client nsenter:util-linux \
		flock:util-linux curl:curl; do
		command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
	done
	[ -x /usr/bin/python3 ] || need+=(python3) # the repository's HTTP server
	[ ${#need[@]} -eq 0 ] && return 0
	log "installing ${need[*]}"
	lab_apt update
	lab_apt install -y --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u)
}

# lab_lock serialises every command that changes the lab (fd 9 stays open until exit; children
# that must outlive the command close it).
lab_lock() {
	mkdir -p "$HOSTS"
	exec 9>"$PLAYLAB_RUN/lock"
	flock 9
}

# alive PID: the process exists and is no zombie. Containers outlive the command that started
# them and are reaped late by the machine's init; kill -0 succeeds on a zombie.
alive() {
	local state
	[ -n "${1:-}" ] || return 1
	state=$(awk '$1 == "State:" { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# --- cgroups ---------------------------------------------------------------------------------
# With --keep-unit and no systemd on the machine, systemd-nspawn keeps the cgroup it starts in and
# creates payload/ there: two hosts started from one cgroup would share it. Each host (and each
# background service) gets its own, under this process's cgroups, in the hierarchies that
# matter: name=systemd and unified (nspawn), memory (status). Other v1 controllers are left
# alone (an empty cpuset refuses tasks; every cgroup costs an RCU grace period).

# cg_dirs NAME prints the cgroup directories for NAME.
cg_dirs() {
	local id ctrls path h
	while IFS=: read -r id ctrls path; do
		if [ -e /sys/fs/cgroup/cgroup.procs ]; then # pure cgroup v2
			[ "$id" = 0 ] && echo "/sys/fs/cgroup${path%/}/play-lab/$1"
			continue
		fi
		case ,$ctrls, in
		,,) h=/sys/fs/cgroup/unified ;;
		,name=systemd,) h=/sys/fs/cgroup/systemd ;;
		*,memory,*) h=/sys/fs/cgroup/$ctrls ;;
		*) continue ;;
		esac
		[ -e "$h/cgroup.procs" ] && echo "$h${path%/}/play-lab/$1"
	done </proc/self/cgroup
	return 0
}

cg_enter() {
	local d
	for d in "$@"; do
		mkdir -p "$d"
		echo "$BASHPID" >"$d/cgroup.procs"
	done
}

# cg_kill DIR... kills every process in the cgroups (and their children cgroups).
cg_kill() {
	local d
	for d in "$@"; do
		# A process may exit between find and kill (xargs then exits 123):
		# that is success here, not an error for set -e.
		[ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
	done
	return 0
}

# cg_empty DIR...: no process left in them.
cg_empty() {
	local d
	for d in "$@"; do
		[ -d "$d" ] || continue
		[ -z "$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] || return 1
	done
}

cg_remove() {
	local d
	for d in "$@"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# --- background services (repository server, delay helper) ------------------------------------

# svc_start NAME CMD...: run CMD detached in its own session and cgroup, pid in $PLAYLAB_RUN/NAME.pid.
svc_start() {
	local name=$1
	shift
	(
		exec 9>&-
		cg_enter $(cg_dirs "_$name")
		exec setsid "$@" </dev/null >"$PLAYLAB_RUN/$name.log" 2>&1
	) &
	echo $! >"$PLAYLAB_RUN/$name.pid"
}

svc_running() { alive "$(cat "$PLAYLAB_RUN/$1.pid" 2>/dev/null)"; }

# svc_stop NAME: the pid we recorded, then whatever is left in its cgroup.
svc_stop() {
	local pid
	pid=$(cat "$PLAYLAB_RUN/$1.pid" 2>/dev/null) || true
	if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
	for _ in $(seq 30); do alive "$pid" || break; sleep 0.1; done
	cg_kill $(cg_dirs "_$1")
	for _ in $(seq 30); do cg_empty $(cg_dirs "_$1") && break; sleep 0.1; done
	cg_remove $(cg_dirs "_$1")
	rm -f "$PLAYLAB_RUN/$1.pid"
}

# --- hosts ------------------------------------------------------------------------------------

host_file() { echo "$HOSTS/$1.env"; }

# load_host NAME sets H_NAME H_GROUP H_SLOT H_IP H_VETH H_PY H_PID H_CGROUPS from the host's file.
load_host() {
	local f
	f=$(host_file "$1")
	[ -f "$f" ] || return 1
	H_PID='' H_CGROUPS=''
	# shellcheck disable=SC1090
	. "$f"
}

host_names() {
	local f
	for f in "$HOSTS"/*.env; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.env}"
	done | sort -V
}

# group_of NAME: the name without its trailing digits (app2 -> app).
group_of() {
	local g=$1
	while [[ $g == *[0-9] ]]; do g=${g%?}; done
	echo "$g"
}

# has_python NAME: no unless NAME matches a pattern of PLAYLAB_NOPY.
has_python() {
	local p
	for p in $PLAYLAB_NOPY; do
		# shellcheck disable=SC2254 # the patterns are globs on purpose
		case $1 in $p) return 1 ;; esac
	done
	return 0
}

# host_running NAME: its systemd-nspawn is alive and is the one we started for NAME.
host_running() {
	load_host "$1" || return 1
	alive "$H_PID" && tr '\0' ' ' <"/proc/$H_PID/cmdline" 2>/dev/null | grep -q -- "--machine=$1 "
}

# host_leader NAME prints the PID of the host's systemd (PID 1 inside), the child of nspawn.
host_leader() {
	host_running "$1" || return 1
	local pid
	pid=$(cat "/proc/$H_PID/task/$H_PID/children" 2>/dev/null | awk '{ print $1 }')
	[ -n "$pid" ] && echo "$pid"
}

# host_kill NAME...: stop the containers. SIGKILL to every process in the host's cgroups: the
# hosts are thrown away, a clean shutdown would only cost time. Their network stays until
# host_clean, so a client talking to a killed host gets a reset, not a timeout.
host_kill() {
	local n
	for n in "$@"; do load_host "$n" && cg_kill $H_CGROUPS; done
	for n in "$@"; do
		load_host "$n" || continue
		for _ in $(seq 100); do
			cg_empty $H_CGROUPS && ! alive "$H_PID" && break
			cg_kill $H_CGROUPS
			sleep 0.05
		done
	done
}

# host_clean NAME: remove everything a stopped host leaves behind.
host_clean() {
	local n=$1 m
	H_VETH='' H_CGROUPS=''
	load_host "$n" || true
	for m in $(awk -v p="$LAYERS/$n/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	ip netns del "playlab-$n" 2>/dev/null || true
	[ -z "$H_VETH" ] || ip link del "$H_VETH" 2>/dev/null || true
	cg_remove $H_CGROUPS
	rm -rf "${LAYERS:?}/$n" "/run/systemd/nspawn/propagate/$n"
	rm -f "$(host_file "$n")" "$HOSTS/$n.stopped"
}

# lab_gc removes what no live host owns: hosts whose container died, and namespaces, veths and
# mounts of the lab without a host file (a lost $PLAYLAB_RUN, a killed `lab up`).
lab_gc() {
	local n x
	for n in $(host_names); do
		host_running "$n" || [ -f "$HOSTS/$n.stopped" ] || { log "cleaning dead host $n"; host_clean "$n"; }
	done
	for x in $(ip netns list 2>/dev/null | awk '$1 ~ /^playlab-/ { print $1 }'); do
		[ -f "$(host_file "${x#playlab-}")" ] || ip netns del "$x" 2>/dev/null || true
	done
	for x in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^pl[0-9]+$'); do
		grep -qx "H_VETH=$x" "$HOSTS"/*.env 2>/dev/null || ip link del "$x" 2>/dev/null || true
	done
	for x in $(awk -v p="$LAYERS/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do
		n=${x#"$LAYERS/"}
		[ -f "$(host_file "${n%%/*}")" ] || umount "$x" 2>/dev/null || umount -l "$x"
	done
	for x in "$LAYERS"/*/; do
		[ -d "$x" ] || continue
		n=$(basename "$x")
		[ -f "$(host_file "$n")" ] || rm -rf "$x"
	done
	return 0
}

# --- the machine's side of the network --------------------------------------------------------

bridge_up() {
	ip link show dev "$PLAYLAB_BRIDGE" >/dev/null 2>&1 || ip link add "$PLAYLAB_BRIDGE" type bridge
	ip addr replace "$GW/16" dev "$PLAYLAB_BRIDGE"
	ip link set "$PLAYLAB_BRIDGE" up
	# Hosts route via the bridge so that ansible_default_ipv4 exists, but nothing may leave the
	# lab: drop whatever the machine would forward from the bridge elsewhere.
	iptables -w -C FORWARD -i "$PLAYLAB_BRIDGE" ! -o "$PLAYLAB_BRIDGE" -j DROP 2>/dev/null ||
		iptables -w -I FORWARD -i "$PLAYLAB_BRIDGE" ! -o "$PLAYLAB_BRIDGE" -j DROP
}

bridge_down() {
	while iptables -w -C FORWARD -i "$PLAYLAB_BRIDGE" ! -o "$PLAYLAB_BRIDGE" -j DROP 2>/dev/null; do
		iptables -w -D FORWARD -i "$PLAYLAB_BRIDGE" ! -o "$PLAYLAB_BRIDGE" -j DROP
	done
	if ip link show dev "$PLAYLAB_BRIDGE" >/dev/null 2>&1; then ip link del "$PLAYLAB_BRIDGE"; fi
}

# Every host takes ~7 inotify instances (systemd, journald, logind, dbus), all counted against
# root on the machine: at the default of 128 the ~20th host fails to boot with "Too many open
# files". Raised by up, the old values put back by down.
SYSCTLS="fs.inotify.max_user_instances=8192 fs.inotify.max_user_watches=1048576"

sysctls_raise() {
	local kv key cur
	for kv in $SYSCTLS; do
		key=${kv%=*}
		cur=$(sysctl -n "$key")
		[ "$cur" -ge "${kv#*=}" ] && continue
		[ -f "$PLAYLAB_RUN/sysctl.$key" ] || echo "$cur" >"$PLAYLAB_RUN/sysctl.$key"
		sysctl -qw "$kv"
	done
}

sysctls_restore() {
	local f
	for f in "$PLAYLAB_RUN"/sysctl.*; do
		[ -f "$f" ] || continue
		sysctl -qw "${f##*/sysctl.}=$(cat "$f")"
		rm -f "$f"
	done
}

# --- building in a throw-away copy of the base image -------------------------------------------

# in_base UPPER SCRIPT ARGS...: run SCRIPT with sh inside an overlay of the base image whose
# changes land in UPPER, sharing the machine's network, with apt pointed at the machine's own
# Debian mirror through $APT_CONFIG (sources, lists and downloads live in /mnt/apt, outside the
# overlay, so UPPER holds only what dpkg installs). /mnt/apt/archives is $PLAYLAB_CACHE/build/archives.
in_base() {
	local upper=$1 script=$2 b=$PLAYLAB_CACHE/build
	shift 2
	rm -rf "$b"
	mkdir -p "$b/work" "$b/root" "$b/apt/lists/partial" "$b/apt/cache" "$b/archives/partial" "$upper"
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$b/apt/"
	cp -r /etc/apt/sources.list.d "$b/apt/"
	# The mirror may be a snapshot whose Release has "expired"; use the machine's settings.
	{
		echo 'Dir::Etc::SourceList "/mnt/apt/sources.list";'
		echo 'Dir::Etc::SourceParts "/mnt/apt/sources.list.d";'
		echo 'Dir::State::Lists "/mnt/apt/lists";'
		echo 'Dir::Cache "/mnt/apt/cache";'
		echo 'Dir::Cache::Archives "/mnt/archives";'
		apt-config dump Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy Acquire::https::Proxy |
			grep -v '^Acquire::https\?::Proxy "";$' || true
	} >"$b/apt/apt.conf"
	mount -t overlay play-lab-build -o "lowerdir=$BASE,upperdir=$upper,workdir=$b/work" "$b/root"
	local rc=0
	(
		exec 9>&-
		cg_enter $(cg_dirs _build)
		exec systemd-nspawn --quiet --directory="$b/root" --machine=play-lab-build --register=no --keep-unit \
			--resolv-conf=bind-host --timezone=off --link-journal=no --pipe \
			--bind="$b/apt:/mnt/apt" --bind="$b/archives:/mnt/archives" \
			--setenv=APT_CONFIG=/mnt/apt/apt.conf --setenv=DEBIAN_FRONTEND=noninteractive \
			/bin/sh -ec "$script" sh "$@"
	) </dev/null >"$PLAYLAB_CACHE/build.log" 2>&1 || rc=$?
	umount "$b/root" || umount -l "$b/root"
	cg_remove $(cg_dirs _build)
	rm -rf "$b/work" "$b/root" "$b/apt" /run/systemd/nspawn/propagate/play-lab-build
	if [ $rc != 0 ]; then
		tail -n 20 "$PLAYLAB_CACHE/build.log" >&2
		die "building in the base image failed (log: $PLAYLAB_CACHE/build.log)"
	fi
}
