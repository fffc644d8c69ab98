# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared by tests/ike/interop.sh and tests/ike/interop_cert.sh (sourced, not run): process and
# namespace cleanup, check counting, charon in nsB over vici, charon's CHILD SA keys from its
# chd = 4 log, and the library's test peer in nsA. The caller sets D (this directory), RUN (its run
# directory), NSA/NSB (namespace names), PEER_ARGS (the peer's options for every start_peer) and,
# optionally, FAIL_SHOW (the run files whose tails fail prints: "out", the default, or "out err").
ROOT=$(cd "$D/../.." && pwd)
PEER=${IKE_PEER:-$ROOT/build/bin/vrfsec-ike-peer}
PIDS=()
T0=$EPOCHREALTIME
CHECKS=0

alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) && [ "${s%% *}" != Z ]; }
stop_pid() { # SIGTERM, up to 5 s, then SIGKILL
	kill "$1" 2>/dev/null
	local i=0
	while alive "$1"; do i=$((i + 1)); [ $i -gt 100 ] && { kill -9 "$1" 2>/dev/null; break; }; sleep 0.05; done
	wait "$1" 2>/dev/null
}
cleanup() {
	local rc=$? i
	exec 7>&- 8>&- 9>&- 2>/dev/null
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	if [ $rc -eq 0 ] && [ -z "${KEEP_RUN:-}" ]; then rm -rf "$RUN"; else echo "runtime files kept in $RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() {
	local ext f
	echo "FAIL: $* ($CHECKS checks passed before)"
	for ext in ${FAIL_SHOW:-out}; do
		for f in "$RUN"/*."$ext"; do [ -s "$f" ] && { echo "--- $f"; tail -n 8 "$f"; }; done
	done
	exit 1
}
ok() { CHECKS=$((CHECKS + 1)); [ -n "${VERBOSE:-}" ] && echo "ok: $*"; return 0; }
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
URI=unix://$RUN/charon.vici
sw() { local c=$1; shift; swanctl "$c" "$@" --uri "$URI"; } # swanctl wants the command first

# wait_for FILE REGEX [N-th match] [seconds]: poll until FILE has N lines matching REGEX
wait_for() {
	local n=${3:-1} t=${4:-10} i=0
	until [ "$(grep -cE "$2" "$1" 2>/dev/null)" -ge "$n" ]; do
		i=$((i + 1)); [ $i -gt $((t * 20)) ] && return 1; sleep 0.05
	done
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

need_peer_and_charon() {
	[ -x "$PEER" ] || fail "$PEER not built (make)"
	[ -x /usr/lib/ipsec/charon ] || fail "strongSwan charon not installed (make deps)"
}

# nsA: the library, 10.99.0.1 <== veth ==> nsB: charon (or charon-cmd), 10.99.0.2
make_namespaces() {
	ip netns add "$NSA" && ip netns add "$NSB" || fail "netns"
	ip link add vA netns "$NSA" type veth peer name vB netns "$NSB" || fail "veth"
	ip -n "$NSA" addr add 10.99.0.1/24 dev vA && ip -n "$NSB" addr add 10.99.0.2/24 dev vB || fail "addresses"
	for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; done
	ip -n "$NSA" link set vA up && ip -n "$NSB" link set vB up || fail "links"
	ip -n "$NSB" addr add 10.2.0.1/32 dev lo || fail "protected address" # charon's route source
}

# start_charon STRONGSWAN-CONF-IN SWANCTL-CONF: charon in nsB (PID in CHARON), answering on vici
start_charon() {
	local i=0
	sed "s#@RUN@#$RUN#g" "$1" >"$RUN/strongswan.conf"
	cp "$2" "$RUN/swanctl.conf"
	# a private /run per charon (its pid file path is fixed); the exec keeps charon's PID in $!
	ip netns exec "$NSB" env STRONGSWAN_CONF="$RUN/strongswan.conf" \
		sh -c 'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' </dev/null >"$RUN/charon.stdout" 2>&1 &
	CHARON=$!
	PIDS+=("$CHARON")
	until sw --stats >/dev/null 2>&1; do i=$((i + 1)); [ $i -gt 100 ] && fail "charon does not answer on vici"; sleep 0.05; done
}
load_swanctl() {
	sw --load-all --file "$RUN/swanctl.conf" >"$RUN/load.out" 2>&1 || fail "swanctl --load-all: $(tail -1 "$RUN/load.out")"
}

# charon_keys LOG: lines "SPI_in SPI_out KEY_initiator KEY_responder" per CHILD SA from a chd = 4 log
charon_keys() {
	awk '
	function hexline(s,   n, f, i, out) {
		sub(/.*\[CHD\] +[0-9]+: /, "", s); n = split(s, f, " "); out = ""
		for (i = 1; i <= n && i <= 16; i++) if (f[i] ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) out = out f[i]; else break
		return out
	}
	/encryption (initiator|responder) key => / {
		who = ($0 ~ /initiator key/) ? "i" : "r"
		for (f = 1; f <= NF; f++) if ($f == "=>") need[who] = $(f + 1) * 2
		k[who] = ""; cur = who; next
	}
	cur != "" && /\[CHD\] +[0-9]+: / {
		k[cur] = k[cur] hexline($0); if (length(k[cur]) >= need[cur]) cur = ""; next
	}
	/established with SPIs/ {
		match($0, /SPIs [0-9a-f]+_i [0-9a-f]+_o/); split(substr($0, RSTART + 5, RLENGTH - 5), s, " ")
		sub(/_i/, "", s[1]); sub(/_o/, "", s[2]); print s[1], s[2], tolower(k["i"]), tolower(k["r"])
	}' "$1"
}

# start_peer NAME FD ARGS...: the library in nsA (PEER_ARGS, then ARGS), commands through a FIFO
# on file descriptor FD
start_peer() {
	local name=$1 fd=$2
	shift 2
	mkfifo "$RUN/$name.ctl"
	ip netns exec "$NSA" "$PEER" --local 10.99.0.1 --local-ts 10.1.0.0/24 --remote-ts 10.2.0.0/24 \
		"${PEER_ARGS[@]}" "$@" <"$RUN/$name.ctl" >"$RUN/$name.out" 2>"$RUN/$name.err" &
	PIDS+=($!)
	eval "exec $fd>\"$RUN/$name.ctl\""
	wait_for "$RUN/$name.out" '^READY' 1 5 || fail "$name did not start: $(cat "$RUN/$name.err")"
}
