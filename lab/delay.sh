# shellcheck shell=bash disable=SC2086
# Latency between the machine and the hosts, and between hosts, for benchmarks. Sourced by lab/lab.
#
# The kernel has no sch_netem (`tc qdisc add ... netem` answers "Specified qdisc kind is
# unknown"), so iptables hands the lab's packets to NFQUEUE and lab/delay (a Go program, built
# on first use) holds each one for the delay before letting it go:
#   machine -> host (OUTPUT)               the full delay: the way back is not held, because the
#                                          kernel timestamps a packet's arrival on the bridge before
#                                          any hook, and ping would not see the delay there
#   host -> host    (FORWARD, bridged)     half the delay each way
# --queue-bypass lets packets through if the helper is not running.

: "${PLAYLAB_QUEUE:=2320}"
DELAY_BIN=$PLAYLAB_CACHE/bin/lab-delay
DELAY_HOOKS=("OUTPUT -o $PLAYLAB_BRIDGE -j NFQUEUE --queue-num $PLAYLAB_QUEUE --queue-bypass"
	"FORWARD -i $PLAYLAB_BRIDGE -o $PLAYLAB_BRIDGE -j NFQUEUE --queue-num $((PLAYLAB_QUEUE + 1)) --queue-bypass")

delay_rules_off() {
	local h
	command -v iptables >/dev/null || return 0
	for h in "${DELAY_HOOKS[@]}"; do
		while iptables -w -C $h 2>/dev/null; do iptables -w -D $h; done
	done
}

# delay_build: the helper, rebuilt when its source changes.
delay_build() {
	local sum go
	sum=$(cat "$LAB_DIR"/delay/*.go | sha256sum | cut -c1-16)
	[ -x "$DELAY_BIN" ] && [ "$(cat "$DELAY_BIN.sum" 2>/dev/null)" = "$sum" ] && return 0
	go=$(command -v go || echo /usr/local/go/bin/go)
	[ -x "$go" ] || die "the delay helper needs Go to build: install Go (https://go.dev/dl/) or golang-go"
	mkdir -p "$PLAYLAB_CACHE/bin"
	(cd "$LAB_DIR/delay" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" build -o "$DELAY_BIN" .)
	echo "$sum" >"$DELAY_BIN.sum"
}

# delay_set MS: MS of round-trip time on every lab link; 0 removes the delay.
delay_set() {
	local ms=$1 h
	delay_rules_off
	svc_stop delay
	rm -f "$PLAYLAB_RUN/delay.ms"
	[ "$ms" != 0 ] || return 0
	delay_build
	svc_start delay "$DELAY_BIN" "$PLAYLAB_QUEUE=${ms}ms" "$((PLAYLAB_QUEUE + 1))=$((ms * 500))us"
	for _ in $(seq 100); do
		grep -q '^ready' "$PLAYLAB_RUN/delay.log" 2>/dev/null && break
		svc_running delay || break
		sleep 0.05
	done
	grep -q '^ready' "$PLAYLAB_RUN/delay.log" 2>/dev/null || die "the delay helper did not start: $(cat "$PLAYLAB_RUN/delay.log")"
	# Bridged packets meet iptables only through br_netfilter.
	if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] && [ "$(sysctl -n net.bridge.bridge-nf-call-iptables)" != 1 ]; then
		[ -f "$PLAYLAB_RUN/sysctl.net.bridge.bridge-nf-call-iptables" ] ||
			sysctl -n net.bridge.bridge-nf-call-iptables >"$PLAYLAB_RUN/sysctl.net.bridge.bridge-nf-call-iptables"
		sysctl -qw net.bridge.bridge-nf-call-iptables=1
	fi
	for h in "${DELAY_HOOKS[@]}"; do iptables -w -I $h; done
	echo "$ms" >"$PLAYLAB_RUN/delay.ms"
}

# delay_reapply: hosts booted later get the delay too; restart the helper if it died.
delay_reapply() {
	[ -f "$PLAYLAB_RUN/delay.ms" ] || return 0
	svc_running delay || delay_set "$(cat "$PLAYLAB_RUN/delay.ms")"
}
