#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Integration test of vrfsecd: a simulated card (cpu engine, TAP ports in a namespace of its
# own), the agent with a sample configuration, and checks through the CLI and the control
# socket: VRFs and MPLS handoff programmed, ARP/ND for the public addresses answered, a session
# made with the session-inject test hook (made-up keys) listed and carrying traffic both ways
# (scapy), SIGHUP reloads (good, bad with file:line, refused VRF removal) keeping the session,
# clear session removing its SAs and routes. Stops what it started by PID. Needs root.
set -eu
D=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$D/build/bin}
RUN=$(mktemp -d -t vrfsec-agent.XXXXXX)
P=$$
NS=vsag$P
CARD=agt$P
PUB=vp$P
CORE=vc$P
SIM=
AGENT=
KEY_IN=000102030405060708090a0b0c0d0e0f01020304
KEY_OUT=101112131415161718191a1b1c1d1e1f05060708
t0=$(date +%s)

stop_pid() { # TERM, KILL after 5 s, reap
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
cleanup() {
	stop_pid "$AGENT"
	stop_pid "$SIM"
	rm -f "/dev/shm/vrfsec-$CARD.bar" "/dev/shm/vrfsec-$CARD.mem"
	ip netns del "$NS" 2>/dev/null || true
	if [ "${ok:-0}" = 1 ] && [ -z "${KEEP_RUN:-}" ]; then rm -rf "$RUN"; else echo "kept $RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
fail() {
	echo "agent-test: FAIL: $*"
	echo "--- vrfsecd log (last 15 lines)"
	tail -n 15 "$RUN/vrfsecd.log" 2>/dev/null || true
	exit 1
}
V() { "$BIN/vrfsec" -s "$RUN/ctl.sock" "$@"; }
# a value out of a JSON reply on stdin: J 'expression over d'
J() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
wait_for() { # wait_for TENTHS CMD...: until CMD succeeds
	n=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt "$n" ] || return 1
		sleep 0.1
	done
}

conf() { # conf FILE [EXTRA_RED_ROUTE] [WITHOUT_RED]
	extra=${2:-}
	{
		cat <<EOC
global = {
  card = "sim:$CARD";
  public = { address = [ "203.0.113.1", "2001:db8:ff::1" ]; mac = "02:56:52:46:00:01";
             gateway4 = "203.0.113.254"; };
  core = { mac = "02:56:52:46:00:02"; };
  control = "$RUN/ctl.sock";
  log_level = "debug";
  rekey_grace = 500;
  test_hooks = true;        # session-inject: this test makes its session without IKE
};
vrfs = (
EOC
		if [ -z "${3:-}" ]; then
			cat <<EOC
  { name = "red"; id = 1; vpn_label = 1001;
    routes = ( { prefix = "10.100.0.0/16"; mac = "02:50:52:54:52:01"; labels = [ 16, 2001 ]; }$extra ); },
EOC
		fi
		cat <<EOC
  { name = "green"; id = 2; vpn_label = 1002; ttl_mode = "pipe";
    routes = ( { prefix = "10.100.0.0/16"; mac = "02:50:52:54:52:01"; labels = [ 16, 2002 ]; } ); }
);
EOC
		if [ -z "${3:-}" ]; then
			cat <<EOC
profiles = (
  { name = "red-users"; vrf = "red"; match = [ "email:*@red.example" ];
    auth = { psk = ( { id = "%any"; secret = "red-users-shared-secret"; } ); };
    pools = [ "10.1.0.0/24" ]; split = [ "10.100.0.0/16" ]; }
);
EOC
		fi
	} >"$1"
}

# ---- the card: cpu engine, public and core ports on TAPs in a namespace of their own
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns exec "$NS" "$BIN/vrfsec-sim" --name "$CARD" --engine cpu --quiet \
	--port "public=tap:$PUB" --port "core=tap:$CORE" </dev/null >"$RUN/sim.log" 2>&1 &
SIM=$!
wait_for 100 test -e "/dev/shm/vrfsec-$CARD.bar" || fail "the simulator did not start: $(tail -n 3 "$RUN/sim.log")"
wait_for 50 ip -n "$NS" link show "$CORE" || fail "no TAP $CORE"

# ---- the agent
conf "$RUN/a.conf"
"$BIN/vrfsecd" -t -c "$RUN/a.conf" >/dev/null || fail "the configuration does not check"
"$BIN/vrfsecd" -c "$RUN/a.conf" </dev/null >"$RUN/vrfsecd.log" 2>&1 &
AGENT=$!
wait_for 100 test -S "$RUN/ctl.sock" || fail "vrfsecd did not open its control socket"
echo "card sim:$CARD and vrfsecd (pid $AGENT) up after $(($(date +%s) - t0)) s"

# ---- VRFs and the static MPLS handoff
V show vrf
V show vrf --json >"$RUN/vrf.json"
[ "$(J '[(v["name"], v["id"], v["vpn_label"], v["static_routes"]) for v in d]' <"$RUN/vrf.json")" = \
	"[('red', 1, 1001, 1), ('green', 2, 1002, 1)]" ] || fail "show vrf: $(cat "$RUN/vrf.json")"
V show routes | tee "$RUN/routes.txt"
grep -q "^red  *10.100.0.0/16  *static .*mpls 16/2001 via 02:50:52:54:52:01" "$RUN/routes.txt" ||
	fail "red's handoff route missing"
grep -q "^green  *10.100.0.0/16  *static .*mpls 16/2002" "$RUN/routes.txt" || fail "green's handoff route missing"

# ---- ARP and ND for the public addresses (this also teaches the agent the gateway's MAC); IKE
# datagrams and a NAT-T keepalive reach the agent's IKE hook / counters
ip netns exec "$NS" /usr/bin/python3 "$D/tests/agent/agent_frames.py" nd "$PUB" || fail "ARP/ND"
V show counters --json | J '(d["agent"]["ike_rx"], d["agent"]["natt_keepalive"], d["agent"]["ike_bad"])' |
	grep -qx "(2, 1, 0)" || fail "IKE datagrams / keepalive not counted: $(V show counters --json)"
grep -q "IKE 28 bytes from 198.51.100.7:40001 NAT-T" "$RUN/vrfsecd.log" || fail "IKE on 4500 not logged"
V show neighbors --json | J '[n["mac"] for n in d if n["address"] == "203.0.113.254"]' | grep -q 02:99:00:00:00:01 ||
	fail "the gateway was not learnt from its ARP request"

# ---- a session through the test hook, as IKE would make it (keys are made up)
V raw "{\"cmd\":\"session-inject\",\"identity\":\"email:alice@red.example\",\"peer\":\"198.51.100.7\",\"peer_port\":40001,\"udp\":true,\"spi_in\":4096,\"spi_out\":8192,\"key_in\":\"$KEY_IN\",\"key_out\":\"$KEY_OUT\"}" \
	>"$RUN/inject.json" || fail "session-inject: $(cat "$RUN/inject.json")"
[ "$(J '(d["session"], d["profile"], d["vrf"], d["vip"])' <"$RUN/inject.json")" = "(1, 'red-users', 'red', '10.1.0.1')" ] ||
	fail "session-inject reply: $(cat "$RUN/inject.json")"
V show sessions
V show sessions --json | J '[(s["id"], s["profile"], s["peer_port"], s["virtual_ips"], len(s["children"])) for s in d]' |
	grep -qx "\[(1, 'red-users', 40001, \['10.1.0.1'\], 1)\]" || fail "show sessions"
V show sa
V show sa --json | J 'sorted((s["dir"], s["spi"], s["vrf"]) for s in d)' |
	grep -qx "\[('in', '0x00001000', 'red'), ('out', '0x00002000', 'red')\]" || fail "show sa"
V show routes | grep -q "^red  *10.1.0.1/32  *tunnel .*spi 0x00002000 (session 1" || fail "the virtual IP's route"
grep -q "$KEY_IN\|$KEY_OUT\|red-users-shared-secret" "$RUN/vrfsecd.log" && fail "key material in the log"

# ---- traffic both ways through the card
ip netns exec "$NS" /usr/bin/python3 "$D/tests/agent/agent_frames.py" esp "$PUB" "$CORE" "$KEY_IN" "$KEY_OUT" ||
	fail "traffic through the session"
V show sa --json | J 'sum(s["packets"] for s in d)' | grep -qx 2 || fail "SA counters: $(V show sa)"

# ---- reload: a new static route; the session stays
conf "$RUN/a.conf" ', { prefix = "10.200.0.0/16"; mac = "02:50:52:54:52:01"; labels = [ 16, 2009 ]; }'
kill -HUP "$AGENT"
wait_for 50 grep -q "reloaded .*vrf red: routes +1 -0 ~0; 1 session kept" "$RUN/vrfsecd.log" || fail "good reload"
V show routes | grep -q "^red  *10.200.0.0/16  *static .*mpls 16/2009" || fail "reloaded route missing"
V show sessions --json | J 'len(d)' | grep -qx 1 || fail "the session did not survive the reload"

# ---- reload of a broken file: file:line in the log, the agent and the session stay
cp "$RUN/a.conf" "$RUN/good.conf"
printf 'bogus = ;\n' >>"$RUN/a.conf"
line=$(wc -l <"$RUN/a.conf")
kill -HUP "$AGENT"
wait_for 50 grep -q "reload failed" "$RUN/vrfsecd.log" || fail "bad reload not reported"
grep "reload failed" "$RUN/vrfsecd.log" | tail -n 1
grep -q "reload failed, the running configuration stays: $RUN/a.conf:$line: syntax error" "$RUN/vrfsecd.log" ||
	fail "the bad reload does not name $RUN/a.conf:$line"
kill -0 "$AGENT" || fail "vrfsecd died on a bad reload"
V show status --json | J 'd["last_reload_ok"]' | grep -qx False || fail "status does not show the failed reload"
V show sessions --json | J 'len(d)' | grep -qx 1 || fail "the session did not survive the bad reload"

# ---- a reload that removes the session's VRF is refused
conf "$RUN/a.conf" "" without-red
if V reload >"$RUN/refused.txt" 2>&1; then fail "removing red under a session was accepted"; fi
cat "$RUN/refused.txt"
grep -q "reload refused: vrf 'red' (id 1) is removed but 1 session uses it" "$RUN/refused.txt" ||
	fail "refusal message"
cp "$RUN/good.conf" "$RUN/a.conf"
V reload | grep -q "0 changes; 1 session kept" || fail "reload of the good file"

# ---- clear session: SAs and routes go, traffic stops
V clear session 1 || fail "clear session"
V show sessions --json | J 'len(d)' | grep -qx 0 || fail "session still listed"
V show sa --json | J 'len(d)' | grep -qx 0 || fail "SAs still listed"
V show routes | grep -q "10.1.0.1/32" && fail "the virtual IP's route is still there"
ip netns exec "$NS" /usr/bin/python3 "$D/tests/agent/agent_frames.py" esp-dropped "$PUB" "$CORE" "$KEY_IN" ||
	fail "traffic after clear"
V show counters | sed -n '1,12p'

# ---- stop: vrfsecd exits 0 on SIGTERM, the card too, nothing left
kill -TERM "$AGENT"
rc=0
wait "$AGENT" || rc=$?
AGENT=
[ "$rc" = 0 ] || fail "vrfsecd exit status $rc"
stop_pid "$SIM"
SIM=
grep -q "stopped" "$RUN/vrfsecd.log" || fail "no clean stop in the log"
ok=1
echo "agent-test: PASS in $(($(date +%s) - t0)) s: handoff programmed, ARP/ND answered, session listed and carrying ESP<->MPLS both ways, reloads (good, bad with file:line, refused), clear session"
