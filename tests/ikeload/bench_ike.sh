#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make bench-ike: IKE_SA + CHILD_SA setups per second from vrfsec-ikeload (the IKE library as
# initiator, a fresh identity per setup, then delete) against
#   charon            strongSwan 5.9.8 charon + swanctl in a namespace (kernel-libipsec)
#   libike-responder  the library's own responder on a UDP socket (vrfsec-ikeload resp)
#   vrfsecd           the agent through the simulated card (vrfsec-sim --engine cpu, public TAP)
# for groups 19 and 31 at the same concurrency, with each responder's CPU seconds over its run
# (/proc/PID/stat utime+stime), then the memory of N held tunnels in the library's responder and
# in vrfsecd through the simulated card (a fresh agent: smaps_rollup Rss before and after).
# The three responders are configured alike (README in tests/ikeload/README.md: "Equivalence").
# --smoke: a few hundred setups per target, asserting correctness only (all setups complete, no
# errors, CHILD keys equal to charon's and to the library responder's on a sample, the SPIs in
# vrfsecd's log); ends with PASS/FAIL. Timing is printed, never judged.
# Environment: IKELOAD_SECS (10) IKELOAD_CONC (32) IKELOAD_TUNNELS (100000) IKELOAD_GROUPS
# ("19 31") IKELOAD_TARGETS ("charon libike vrfsecd") IKELOAD_ADDRS (8 source addresses)
# IKELOAD_RATES (1; 0: only the held-tunnel memory of libike and vrfsecd).
set -u
. "$(cd "$(dirname "$0")" && pwd)/../interop/lib.sh"
SMOKE=0
[ "${1:-}" = --smoke ] && SMOKE=1
il_init ikeload
LOAD=${IKELOAD_BIN:-$BIN/vrfsec-ikeload}
SECS=${IKELOAD_SECS:-10}
CONC=${IKELOAD_CONC:-32}
TUNNELS=${IKELOAD_TUNNELS:-100000}
GROUPS_=${IKELOAD_GROUPS:-19 31}
TARGETS=${IKELOAD_TARGETS:-charon libike vrfsecd}
NADDR=${IKELOAD_ADDRS:-8}
RATES=${IKELOAD_RATES:-1}
PSK=ikeload-psk-0123456789abcdef
HZ=$(getconf CLK_TCK)
if [ $SMOKE = 1 ]; then
	RUNARGS=(--count 300)
	SAMPLE=10
	TUNNELS=300
else
	RUNARGS=(--duration "$SECS")
	SAMPLE=1000 # a key line per 1000 setups: little I/O while measuring
fi
declare -A RATE
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces)"; exit 1; }
[ -x "$LOAD" ] || { echo "FAIL: $LOAD not built (make)"; exit 1; }

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# memory of a process in kB: "Rss Pss RssAnon" (smaps_rollup; status)
mem_kb() {
	awk '$1 == "Rss:" { r = $2 } $1 == "Pss:" { p = $2 } END { printf "%d %d ", r, p }' "/proc/$1/smaps_rollup"
	awk '$1 == "RssAnon:" { print $2 }' "/proc/$1/status"
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# run_load TARGET GROUP TARGET_ADDR NS "PIDS" LOCALS...: one measured generator run
run_load() {
	local tgt=$1 grp=$2 addr=$3 ns=$4 pids=$5 p c0=() c1 i=0 cpu line rc
	shift 5
	local loc=()
	for p in "$@"; do loc+=(--local "$p"); done
	for p in $pids; do c0+=("$(cpu_ticks "$p")"); done
	ip netns exec "$ns" "$LOAD" init --target "$addr" --psk "$PSK" --group "$grp" --concurrency "$CONC" \
		"${RUNARGS[@]}" "${loc[@]}" --tag "$tgt$grp" --keys "$RUN/$tgt-$grp.keys" --sample "$SAMPLE" \
		>"$RUN/gen-$tgt-$grp.out" 2>"$RUN/gen-$tgt-$grp.err"
	rc=$?
	line=$(grep '^ikeload-gen group=' "$RUN/gen-$tgt-$grp.out" | tail -1)
	echo "ikeload target=$tgt group=$grp setups_per_s=$(field "$line" setups_per_s)"
	for p in $pids; do
		c1=$(cpu_ticks "$p")
		cpu=$(awk -v a="${c0[i]}" -v b="$c1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
		if [ $i = 0 ]; then
			echo "ikeload target=$tgt group=$grp cpu_s=$cpu"
		else # the simulated card's process, next to vrfsecd
			echo "ikeload target=$tgt group=$grp card_sim_cpu_s=$cpu"
		fi
		i=$((i + 1))
	done
	echo "  $line"
	RATE[$tgt-$grp]=$(field "$line" setups_per_s)
	if [ $rc != 0 ] || [ -z "$line" ]; then
		fail "$tgt group $grp: generator rc=$rc: $(tail -n 3 "$RUN/gen-$tgt-$grp.err")"
	elif [ $SMOKE = 1 ] && [ "$(field "$line" setups)" != 300 ]; then
		fail "$tgt group $grp: $(field "$line" setups) of 300 setups"
	fi
}

# keys of the sampled setups (generator lines) against the other side: KEY who in out kin kout
check_keys() { # check_keys TARGET GROUP OTHER_KEYS_FILE
	local n m
	n=$(wc -l <"$RUN/$1-$2.keys")
	m=$(awk 'NR == FNR { k[$3 " " $4 " " $5 " " $6] = 1; next }
		($4 " " $3 " " $6 " " $5) in k { m++ } END { print m + 0 }' "$3" "$RUN/$1-$2.keys")
	[ "$n" -gt 0 ] && [ "$m" = "$n" ] || { fail "$1 group $2: $m of $n sampled CHILD SAs with equal SPIs and keys"; return; }
	echo "  keys: $m sampled CHILD SAs, SPIs and keys equal on both sides ($1, group $2)"
}

# charon's CHILD SAs as "KEY charon spi_in spi_out key_in key_out" (charon is the responder: its
# inbound key is the initiator's)
charon_keys() { il_charon_keys "$1" | sed 's/^/KEY charon /'; }

# ---- the generator and the responder namespaces (charon, then the library responder) ---------
GNS=ilg$P RNS=ilr$P
LOCALS=()
il_ns "$GNS" && il_ns "$RNS" || { echo "FAIL: namespaces"; exit 1; }
ip link add g0 netns "$GNS" type veth peer name r0 netns "$RNS" &&
	ip -n "$RNS" addr add 10.99.0.2/24 dev r0 && ip -n "$RNS" link set r0 up &&
	ip -n "$RNS" addr add 10.2.0.1/32 dev lo &&
	ip -n "$GNS" link set g0 up || { echo "FAIL: veth"; exit 1; }
for ((i = 0; i < NADDR; i++)); do
	ip -n "$GNS" addr add "10.99.0.$((11 + i))/24" dev g0 && LOCALS+=("10.99.0.$((11 + i))")
done
echo "ikeload: concurrency $CONC, $([ $SMOKE = 1 ] && echo "300 setups" || echo "$SECS s") per target and group," \
	"$NADDR source addresses x 4 source port pairs, groups $GROUPS_; $(nproc) cores shared by generator and responder"

if [ "$RATES" = 1 ] && [[ " $TARGETS " == *" charon "* ]]; then
	D=$RUN/charon
	mkdir -p "$D/x509" "$D/x509ca" "$D/private"
	# the smoke run logs the CHILD keys (chd = 4) to compare them; the benchmark logs little
	cat >"$D/strongswan.conf" <<EOC
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 x509 pubkey curve25519 kdf kernel-libipsec kernel-netlink socket-default vici updown
  port = 500
  port_nat_t = 4500
  # no virtual IPs; kernel-libipsec installs one route per CHILD SA (via its TUN, source
  # 10.2.0.1 on lo) as vrfsecd injects one route per CHILD SA into the card's VRF
  install_routes = yes
  routing_table = 220
  install_virtual_ip = no
  # a load test: no per-IP half-open throttling; COOKIE above 1000 half-open SAs as vrfsecd
  block_threshold = 100000
  cookie_threshold = 1000
  init_limit_half_open = 0
  ikesa_table_size = 4096
  ikesa_table_segments = 16
  retransmit_timeout = 1
  plugins {
    vici {
      socket = unix://$D/charon.vici
    }
    kernel-libipsec {
      load = yes
    }
  }
  filelog {
    main {
      path = $D/charon.log
      time_format = %T
      default = $([ $SMOKE = 1 ] && echo 1 || echo 0)
      chd = $([ $SMOKE = 1 ] && echo 4 || echo 0)
      flush_line = yes
      append = no
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
}
EOC
	cat >"$D/swanctl.conf" <<EOC
connections {
  load {
    version = 2
    local_addrs = 10.99.0.2
    remote_addrs = %any
    proposals = aes128gcm16-prfsha256-ecp256,aes128gcm16-prfsha256-x25519
    unique = never
    local {
      auth = psk
      id = vpn.load.test
    }
    remote {
      auth = psk
      id = *@load.test
    }
    children {
      net {
        local_ts = 10.2.0.0/16
        remote_ts = 10.64.0.0/10
        esp_proposals = aes128gcm16
      }
    }
  }
}
secrets {
  ike-load {
    id-gw = vpn.load.test
    secret = "$PSK"
  }
}
EOC
	ip netns exec "$RNS" env STRONGSWAN_CONF="$D/strongswan.conf" \
		sh -c 'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' </dev/null >"$D/charon.stdout" 2>&1 &
	CHARON=$!
	IL_PIDS+=("$CHARON")
	il_wait 100 swanctl --stats --uri "unix://$D/charon.vici" || { echo "FAIL: charon does not answer"; exit 1; }
	grep -q 'could not create any sockets' "$D/charon.log" && { echo "FAIL: charon has no IKE sockets"; exit 1; }
	swanctl --load-all --uri "unix://$D/charon.vici" --file "$D/swanctl.conf" >"$D/load.out" 2>&1 ||
		{ echo "FAIL: swanctl --load-all: $(tail -n 2 "$D/load.out")"; exit 1; }
	for g in $GROUPS_; do
		run_load charon "$g" 10.99.0.2 "$GNS" "$CHARON" "${LOCALS[@]}"
		if [ $SMOKE = 1 ]; then
			charon_keys "$D/charon.log" >"$RUN/charon-side.keys"
			check_keys charon "$g" "$RUN/charon-side.keys"
		fi
	done
	il_stop_pid "$CHARON"
fi

if [[ " $TARGETS " == *" libike "* ]]; then
	KEYARG=()
	[ $SMOKE = 1 ] && KEYARG=(--keys "$RUN/libike-side.keys")
	ip netns exec "$RNS" "$LOAD" resp --listen 10.99.0.2:500 --psk "$PSK" "${KEYARG[@]}" \
		>"$RUN/resp.out" 2>"$RUN/resp.err" &
	RESP=$!
	IL_PIDS+=("$RESP")
	il_wait 50 grep -q READY "$RUN/resp.out" || { echo "FAIL: responder: $(cat "$RUN/resp.err")"; exit 1; }
	for g in $([ "$RATES" = 1 ] && echo "$GROUPS_"); do
		run_load libike-responder "$g" 10.99.0.2 "$GNS" "$RESP" "${LOCALS[@]}"
		[ $SMOKE = 1 ] && check_keys libike-responder "$g" "$RUN/libike-side.keys"
	done
	il_stop_pid "$RESP"

	# memory: N held IKE + CHILD SAs in the library's responder; 256 contexts on each side keep
	# the library's per-context SA list short (see resp.c); the RSS difference is per SA anyway
	ip netns exec "$RNS" "$LOAD" resp --listen 10.99.0.2:500 --psk "$PSK" --shards 256 \
		>"$RUN/mem-resp.out" 2>"$RUN/mem-resp.err" &
	RESP=$!
	IL_PIDS+=("$RESP")
	il_wait 50 grep -q READY "$RUN/mem-resp.out" || { echo "FAIL: responder: $(cat "$RUN/mem-resp.err")"; exit 1; }
	kill -USR1 "$RESP"
	il_wait 20 grep -q '^ikeload-resp' "$RUN/mem-resp.out"
	rss0=$(field "$(grep '^ikeload-resp' "$RUN/mem-resp.out" | tail -1)" vmrss_kb)
	ip netns exec "$GNS" "$LOAD" init --target 10.99.0.2 --psk "$PSK" --group 31 --concurrency "$CONC" \
		--count "$TUNNELS" --keep --shards 256 --local "${LOCALS[0]}" --tag mem \
		>"$RUN/mem-gen.out" 2>"$RUN/mem-gen.err" &
	MGEN=$!
	IL_PIDS+=("$MGEN")
	il_wait $((TUNNELS / 50 + 600)) grep -q '^ikeload-gen held=' "$RUN/mem-gen.out" ||
		fail "memory: the generator never held $TUNNELS tunnels: $(tail -n 2 "$RUN/mem-gen.err")"
	kill -USR1 "$RESP"
	il_wait 100 test "$(grep -c '^ikeload-resp' "$RUN/mem-resp.out")" -ge 2
	L=$(grep '^ikeload-resp' "$RUN/mem-resp.out" | tail -1)
	held=$(field "$L" ike_sas) ch=$(field "$L" children) rss1=$(field "$L" vmrss_kb)
	echo "tunnels held=$held rss_per_tunnel_bytes=$(((rss1 - rss0) * 1024 / (held > 0 ? held : 1))) target=libike-responder"
	echo "  responder: $L (RSS before $rss0 kB); setup: $(grep '^ikeload-gen group' "$RUN/mem-gen.out" | sed 's/.*\(setups=[0-9]*\).*\(setups_per_s=[0-9.]*\).*/\1 \2/')"
	[ "$held" = "$TUNNELS" ] && [ "$ch" = "$TUNNELS" ] || fail "memory: responder holds $held IKE SAs / $ch CHILD SAs, want $TUNNELS"
	il_stop_pid "$MGEN"
	il_stop_pid "$RESP"
fi

# ---- vrfsecd through the simulated card ------------------------------------------------------
# memory: N tunnels (IKE SA + CHILD SA pair + one route each) held by a fresh vrfsecd on the same
# card (it resets the card's tables when it opens it): a new process, so that the heap the rate
# runs freed cannot hide the growth. Rss from smaps_rollup includes the pages of the card's shared
# host memory the agent touches (DMA buffers); Pss halves those with the simulator.
vrfsecd_memory() {
	local m0 m1 t0 st last=0 still=0 n held ike ses loc=() p
	il_stop_pid "$AGENT"
	mv "$RUN/vrfsecd.log" "$RUN/vrfsecd-rates.log"
	rm -f "$RUN/ctl.sock"
	il_agent "$RUN/vrfsecd.conf" || { fail "vrfsecd did not restart"; return; }
	il_wait 50 V show status || { fail "vrfsecd does not answer"; return; }
	read -r -a m0 < <(mem_kb "$AGENT")
	for p in "${VLOC[@]}"; do loc+=(--local "$p"); done
	t0=$EPOCHREALTIME
	ip netns exec "$VNS" "$LOAD" init --target "$PUB_IP" --psk "$PSK" --group 31 --concurrency "$CONC" \
		--count "$TUNNELS" --keep --shards 64 "${loc[@]}" --tag vmem \
		>"$RUN/vmem-gen.out" 2>"$RUN/vmem-gen.err" &
	VGEN=$!
	IL_PIDS+=("$VGEN")
	# no time limit on the whole fill (it is long at 100,000); a minute without progress ends it
	until grep -qs '^ikeload-gen held=' "$RUN/vmem-gen.out"; do
		il_alive "$VGEN" || break
		sleep 2
		kill -USR1 "$VGEN" 2>/dev/null
		n=$(sed -n 's/^ikeload-gen progress established=\([0-9]*\).*/\1/p' "$RUN/vmem-gen.out" | tail -1)
		n=${n:-0}
		if [ "$n" -gt "$last" ]; then
			[ $SMOKE = 1 ] || [ $((n / 10000)) = $((last / 10000)) ] ||
				echo "  vrfsecd: $n of $TUNNELS tunnels up ($(il_elapsed "$t0"))"
			last=$n still=0
		else
			still=$((still + 1))
			[ $still -lt 30 ] || break
		fi
	done
	grep -q '^ikeload-gen held=' "$RUN/vmem-gen.out" ||
		{ fail "memory: vrfsecd never held $TUNNELS tunnels (stuck at ${last:-0}): $(tail -n 2 "$RUN/vmem-gen.err")"; return; }
	held=$(sed -n 's/^ikeload-gen held=//p' "$RUN/vmem-gen.out")
	sleep 1 # the last CHILD SAs' card commands and log lines
	read -r -a m1 < <(mem_kb "$AGENT")
	st=$(V show status --json)
	ses=$(J 'd["sessions"]' <<<"$st") ike=$(J 'd["ike_sas"]' <<<"$st")
	echo "tunnels held=$ses rss_per_tunnel_bytes=$(((m1[0] - m0[0]) * 1024 / (ses > 0 ? ses : 1))) target=vrfsecd"
	echo "  vrfsecd: Rss ${m0[0]} -> ${m1[0]} kB, Pss ${m0[1]} -> ${m1[1]} kB" \
		"($(((m1[1] - m0[1]) * 1024 / (ses > 0 ? ses : 1))) B per tunnel), anonymous ${m0[2]} -> ${m1[2]} kB" \
		"($(((m1[2] - m0[2]) * 1024 / (ses > 0 ? ses : 1))) B per tunnel); $ses sessions, $ike IKE SAs"
	echo "  setup of $held tunnels: $(il_elapsed "$t0")" \
		"($(grep '^ikeload-gen group' "$RUN/vmem-gen.out" | sed 's/.*\(setups_per_s=[0-9.]*\).*/\1/'));" \
		"card: $(sed -n 's/.*engine, fw [0-9.]*, \([0-9]*\) SAs.*/\1/p' "$RUN/vrfsecd.log" | head -1) SA slots," \
		"vrfsec-sim Rss $(($(mem_kb "$SIM" | cut -d' ' -f1) / 1024)) MB"
	[ "$held" = "$TUNNELS" ] && [ "$ses" = "$TUNNELS" ] && [ "$ike" = "$TUNNELS" ] ||
		fail "memory: generator holds $held, vrfsecd $ses sessions / $ike IKE SAs, want $TUNNELS"
	il_stop_pid "$VGEN"
}
if [[ " $TARGETS " == *" vrfsecd "* ]]; then
	if ! git -C "$IL_ROOT" log --oneline | grep -q 'vrfsecd speaks IKEv2' || [ ! -x "$BIN/vrfsecd" ]; then
		echo "ikeload target=vrfsecd: skipped (no IKE glue in vrfsecd yet)"
	else
		il_card red:2001:1001 || { echo "FAIL: card / far PE setup"; exit 1; }
		AGENT_LOG=info il_agent_conf "$RUN/vrfsecd.conf" <<EOC
  { name = "load"; vrf = "red"; match = [ "email:*@load.test" ];
    auth = { psk = ( { id = "%any"; secret = "$PSK"; } ); };
    local_id = "fqdn:vpn.load.test";
    local_ts = [ "10.2.0.0/16" ]; remote_ts = [ "10.64.0.0/10" ];
    ike_proposals = [ "aes128gcm16-prfsha256-ecp256", "aes128gcm16-prfsha256-curve25519" ];
    esp_proposals = [ "aes128gcm16-noesn" ];
    dpd = { interval = 0; timeout = 0; }; }
EOC
		il_agent "$RUN/vrfsecd.conf" || { echo "FAIL: vrfsecd did not start"; exit 1; }
		VNS=ilv$P
		il_ns "$VNS" && il_link "$VNS" 203.0.113.11/24 e0 || { echo "FAIL: generator link"; exit 1; }
		VLOC=(203.0.113.11)
		for ((i = 1; i < NADDR; i++)); do
			ip -n "$VNS" addr add "203.0.113.$((11 + i))/24" dev e0 && VLOC+=("203.0.113.$((11 + i))")
		done
		for g in $([ "$RATES" = 1 ] && echo "$GROUPS_"); do
			run_load vrfsecd "$g" "$PUB_IP" "$VNS" "$AGENT $SIM" "${VLOC[@]}"
			if [ $SMOKE = 1 ]; then
				# the card's keys are not readable; the SPIs vrfsecd installed must be ours swapped
				n=0 m=0
				while read -r _ _ in out _; do
					n=$((n + 1))
					grep -q "in spi 0x$out .*out spi 0x$in" "$RUN/vrfsecd.log" && m=$((m + 1))
				done <"$RUN/vrfsecd-$g.keys"
				[ $n -gt 0 ] && [ $m = $n ] || fail "vrfsecd group $g: $m of $n sampled CHILD SAs in vrfsecd's log with our SPIs"
				echo "  spis: $m sampled CHILD SAs installed by vrfsecd with the generator's SPIs swapped"
			fi
		done
		V show sessions --json >"$RUN/sessions.json" 2>&1
		left=$(J 'len(d)' <"$RUN/sessions.json" 2>/dev/null)
		echo "  vrfsecd sessions left after the deletes: ${left:-?}"
		[ "${left:-x}" = 0 ] || fail "vrfsecd still holds ${left:-?} sessions after every setup was deleted"
		vrfsecd_memory
	fi
fi

for g in $GROUPS_; do
	for o in vrfsecd libike-responder; do
		[ -n "${RATE[$o-$g]:-}" ] && [ -n "${RATE[charon-$g]:-}" ] &&
			echo "ikeload ratio=$(awk -v a="${RATE[$o-$g]}" -v b="${RATE[charon-$g]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') group=$g target=$o"
	done
done
if [ $SMOKE = 1 ]; then
	[ $FAILS = 0 ] || { IL_FAILED=1; echo "FAIL: ikeload smoke: $FAILS failures ($(il_elapsed))"; exit 1; }
	echo "PASS: ikeload smoke: every setup completed without errors, keys/SPIs agree on samples ($(il_elapsed))"
fi
[ $FAILS = 0 ]
