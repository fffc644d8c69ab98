# SPDX-License-Identifier: Apache-2.0
# Shared setup of the interop tests and the demo (sourced by bash): the simulated card (vrfsec-sim,
# cpu engine) with its public and core ports on TAPs in a namespace of its own, vrfsecd, the far
# PE (vrfsec-farpe) on the core TAP with one TAP per customer moved into that customer's far
# namespace, strongSwan clients (charon + swanctl, kernel-libipsec) in namespaces on a bridge with
# the card's public TAP, an optional NAT namespace (nft masquerade) whose mapping can be moved,
# a site gateway (charon) with a LAN namespace behind it, captures and tshark.
#
# Conventions (../shared/peers/README.md): a mktemp run directory, names with the PID, everything
# started is stopped by PID from the EXIT trap and every namespace deleted; the run directory is
# removed on success and kept on failure or with KEEP_RUN=1.
#
# Addresses: public 203.0.113.0/24 (the card 203.0.113.1, clients .11.., NAT routers .21..);
# behind a NAT 192.168.7x.0/24; site LANs 192.168.5x.0/24; pools 10.1.0.0/24 (red and green: the
# same range), 10.1.1.0/24;
# far hosts 10.100.0.1 in every customer namespace (the same address everywhere).

IL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IL_DIR=$IL_ROOT/tests/interop
BIN=${BIN:-$IL_ROOT/build/bin}
P=$$
RUN=
IL_PIDS=()
IL_NS=()
CARD=ic$P
CNS=icard$P           # card namespace: vrfsec-sim, its TAPs, the bridge, the far PE
PUB=icp$P             # public TAP
CORE=icc$P            # core TAP
BR=icb$P              # bridge of the public side
PUB_IP=203.0.113.1
PUB_MAC=02:56:52:46:00:01
CORE_MAC=02:56:52:46:00:02
FARPE_MAC=02:50:52:54:52:01
FAR_HOST=10.100.0.1
IL_T0=$EPOCHREALTIME
SIM= AGENT= FARPE=
IL_FAILED=0

il_alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) && [ "${s%% *}" != Z ]; }
il_stop_pid() { # SIGTERM, up to 5 s, then SIGKILL; reaped when it is our child
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null
	local i=0
	while il_alive "$1"; do i=$((i + 1)); [ $i -gt 100 ] && { kill -9 "$1" 2>/dev/null; break; }; sleep 0.05; done
	wait "$1" 2>/dev/null
	return 0
}
il_cleanup() {
	local rc=$? i
	for ((i = ${#IL_PIDS[@]} - 1; i >= 0; i--)); do il_stop_pid "${IL_PIDS[i]}"; done
	for ((i = ${#IL_NS[@]} - 1; i >= 0; i--)); do ip netns del "${IL_NS[i]}" 2>/dev/null; done
	rm -f "/dev/shm/vrfsec-$CARD.bar" "/dev/shm/vrfsec-$CARD.mem"
	[ "$IL_FAILED" = 0 ] || rc=1
	if [ -n "$RUN" ]; then
		if [ $rc -eq 0 ] && [ -z "${KEEP_RUN:-}" ]; then rm -rf "$RUN"; else echo "runtime files kept in $RUN"; fi
	fi
}
# il_init NAME: run directory and traps
il_init() {
	RUN=$(mktemp -d -t "vrfsec-$1.XXXXXX") || exit 1
	trap il_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
il_elapsed() { awk -v a="${1:-$IL_T0}" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
# il_wait TENTHS CMD...: until CMD succeeds
il_wait() {
	local n=$1 i=0
	shift
	until "$@" >/dev/null 2>&1; do i=$((i + 1)); [ $i -lt "$n" ] || return 1; sleep 0.1; done
}
il_ns() { # il_ns NAME: a fresh namespace with lo up and IPv6 off
	ip netns add "$1" || return 1
	IL_NS+=("$1")
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}
V() { "$BIN/vrfsec" -s "$RUN/ctl.sock" "$@"; }
# a value out of JSON on stdin: J 'expression over d'
J() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# ---- the card, the far PE and the customers' far namespaces --------------------------------
# il_card CUSTOMER:BOTTOM_LABEL:VPN_LABEL ...: far namespace ifar-CUSTOMER-PID with 10.100.0.1
il_card() {
	local c name lin lout args=()
	il_ns "$CNS" || return 1
	ip netns exec "$CNS" "$BIN/vrfsec-sim" --name "$CARD" --engine cpu --quiet \
		--port "public=tap:$PUB" --port "core=tap:$CORE" </dev/null >"$RUN/sim.log" 2>&1 &
	SIM=$!
	IL_PIDS+=("$SIM")
	il_wait 100 test -e "/dev/shm/vrfsec-$CARD.bar" || { echo "simulator: $(tail -n 3 "$RUN/sim.log")"; return 1; }
	il_wait 50 ip -n "$CNS" link show "$CORE" || return 1
	ip -n "$CNS" link add "$BR" type bridge && ip -n "$CNS" link set "$BR" up &&
		ip -n "$CNS" link set "$PUB" master "$BR" || return 1
	for c in "$@"; do
		IFS=: read -r name lin lout <<<"$c"
		args+=(--vpn "$lin:$lout:if$name$P")
	done
	ip netns exec "$CNS" "$BIN/vrfsec-farpe" --core "$CORE" --card-mac "$CORE_MAC" --mac "$FARPE_MAC" \
		"${args[@]}" >"$RUN/farpe.log" 2>&1 &
	FARPE=$!
	IL_PIDS+=("$FARPE")
	for c in "$@"; do
		IFS=: read -r name lin lout <<<"$c"
		il_wait 50 ip -n "$CNS" link show "if$name$P" || { echo "far PE: $(cat "$RUN/farpe.log")"; return 1; }
		il_ns "ifar$name$P" || return 1
		ip -n "$CNS" link set "if$name$P" netns "ifar$name$P" &&
			ip -n "ifar$name$P" link set "if$name$P" up &&
			ip -n "ifar$name$P" addr add "$FAR_HOST/24" dev "if$name$P" &&
			ip -n "ifar$name$P" route add default via 10.100.0.254 || return 1
	done
}

# il_agent_conf FILE: global + VRFs red (2001/1001) and green (2002/1002); profiles come on stdin
il_agent_conf() {
	{
		cat <<EOC
global = {
  card = "sim:$CARD";
  public = { address = [ "$PUB_IP" ]; mac = "$PUB_MAC"; };
  core = { mac = "$CORE_MAC"; };
  control = "$RUN/ctl.sock";
  log_level = "${AGENT_LOG:-info}";
  rekey_grace = 1000;
${IL_GLOBAL_EXTRA:-}
};
vrfs = (
  { name = "red"; id = 1; vpn_label = 1001;
    routes = ( { prefix = "10.100.0.0/16"; mac = "$FARPE_MAC"; labels = [ 16, 2001 ]; } ); },
  { name = "green"; id = 2; vpn_label = 1002;
    routes = ( { prefix = "10.100.0.0/16"; mac = "$FARPE_MAC"; labels = [ 16, 2002 ]; } ); }
);
profiles = (
EOC
		cat
		echo ");"
	} >"$1"
}
il_agent() { # il_agent CONF
	"$BIN/vrfsecd" -t -c "$1" >"$RUN/check.out" 2>&1 || { cat "$RUN/check.out"; return 1; }
	"$BIN/vrfsecd" -c "$1" </dev/null >"$RUN/vrfsecd.log" 2>&1 &
	AGENT=$!
	IL_PIDS+=("$AGENT")
	il_wait 100 test -S "$RUN/ctl.sock" || { tail -n 5 "$RUN/vrfsecd.log"; return 1; }
}

# ---- clients ------------------------------------------------------------------------------
IL_NEXT_PUB=11
# il_link NS ADDR/LEN DEV: a veth from NS into the public bridge (bridge port bpN-PID, N the
# last byte of the address)
il_link() {
	local bp=bp$IL_NEXT_PUB$P
	ip link add "$3" netns "$1" type veth peer name "$bp" netns "$CNS" || return 1
	ip -n "$CNS" link set "$bp" master "$BR" && ip -n "$CNS" link set "$bp" up &&
		ip -n "$1" addr add "$2" dev "$3" && ip -n "$1" link set "$3" up
}
# il_client NAME: namespace icl-NAME-PID on the public bridge (203.0.113.N)
il_client() {
	local ns=icl$1$P
	il_ns "$ns" || return 1
	il_link "$ns" "203.0.113.$IL_NEXT_PUB/24" e0 || return 1
	IL_NEXT_PUB=$((IL_NEXT_PUB + 1))
}
# il_nat_client NAME NET: client NAME behind NAT router inat-NAME-PID (outside 203.0.113.N,
# inside 192.168.NET.1; the client 192.168.NET.2), masquerading with nft
il_nat_client() {
	local ns=icl$1$P nat=inat$1$P
	il_ns "$nat" && il_ns "$ns" || return 1
	il_link "$nat" "203.0.113.$IL_NEXT_PUB/24" e0 || return 1
	IL_NEXT_PUB=$((IL_NEXT_PUB + 1))
	ip link add i0 netns "$nat" type veth peer name e0 netns "$ns" || return 1
	ip -n "$nat" addr add "192.168.$2.1/24" dev i0 && ip -n "$nat" link set i0 up &&
		ip -n "$ns" addr add "192.168.$2.2/24" dev e0 && ip -n "$ns" link set e0 up &&
		ip -n "$ns" route add default via "192.168.$2.1" || return 1
	ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$nat" nft -f - <<EON || return 1
table ip nat {
  chain post { type nat hook postrouting priority 100; oifname "e0" masquerade; }
}
EON
}
# il_nat_move NAME MAC PORTS: client NAME's NAT router changes its mapping as a NAT reboot or a
# carrier-grade NAT would: its outside MAC becomes MAC, its address the next public one (printed),
# the old address goes, it SNATs to that address and PORTS (say 40000-40999), and the
# connection-tracking table is flushed so existing flows get new mappings.
il_nat_move() {
	local nat=inat$1$P old new=203.0.113.$IL_NEXT_PUB
	old=$(ip -n "$nat" -4 -o addr show dev e0 | awk '{print $4}')
	IL_NEXT_PUB=$((IL_NEXT_PUB + 1))
	ip -n "$nat" link set e0 address "$2" && ip -n "$nat" addr del "$old" dev e0 &&
		ip -n "$nat" addr add "$new/24" dev e0 || return 1
	ip netns exec "$nat" nft -f - <<EON || return 1
flush ruleset
table ip nat {
  chain post {
    type nat hook postrouting priority 100;
    oifname "e0" meta l4proto udp snat to $new:$3
    oifname "e0" snat to $new
  }
}
EON
	ip netns exec "$nat" conntrack -F >/dev/null 2>&1 || return 1
	echo "$new"
}
# il_charon_run NAME: charon in icl-NAME-PID with $RUN/NAME/swanctl.conf (written by the caller)
# loaded; chd = 4 logs the CHILD keys for tshark (clients only, never the agent)
il_charon_run() {
	local name=$1 d=$RUN/$1 ns=icl$1$P i=0
	mkdir -p "$d/x509" "$d/x509ca" "$d/private" "$d/ecdsa" "$d/rsa"
	sed "s#@RUN@#$d#g" "$IL_DIR/strongswan.conf.in" >"$d/strongswan.conf"
	ip netns exec "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" \
		sh -c 'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' </dev/null >"$d/charon.stdout" 2>&1 &
	eval "CHARON_$name=$!"
	IL_PIDS+=($!)
	until swanctl --stats --uri "unix://$d/charon.vici" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 100 ] && { echo "charon $name does not answer on vici"; return 1; }; sleep 0.05
	done
	grep -q 'could not create any sockets' "$d/charon.log" && { echo "charon $name has no IKE sockets"; return 1; }
	swanctl --load-all --uri "unix://$d/charon.vici" --file "$d/swanctl.conf" >"$d/load.out" 2>&1 ||
		{ cat "$d/load.out"; return 1; }
}
# il_charon NAME ID SECRET [extra child options]: charon + swanctl in icl-NAME-PID, connection
# "ra" to the card asking for a virtual IP. IL_DPD sets the client's dpd_delay (default 0: none).
il_charon() {
	local name=$1 id=$2 secret=$3 d=$RUN/$1
	mkdir -p "$d"
	cat >"$d/swanctl.conf" <<EOC
connections {
  ra {
    version = 2
    remote_addrs = $PUB_IP
    vips = 0.0.0.0
    proposals = ${IKE_PROPOSALS:-aes256gcm16-prfsha384-ecp384}
    dpd_delay = ${IL_DPD:-0}
    local {
      auth = psk
      id = $id
    }
    remote {
      auth = psk
      id = vpn.vrfsec.test
    }
    children {
      net {
        remote_ts = 10.100.0.0/16
        esp_proposals = ${ESP_PROPOSALS:-aes256gcm16}
        start_action = none
        ${4:-}
      }
    }
  }
}
secrets {
  ike-1 {
    id = $id
    secret = "$secret"
  }
}
EOC
	il_charon_run "$name"
}
# il_site NAME NET ID SECRET: a site gateway icl-NAME-PID on the public bridge (charon,
# connection "ra", child "net" with local_ts 192.168.NET.0/24 and remote_ts 10.100.0.0/16) and
# its LAN ilan-NAME-PID behind it: the gateway 192.168.NET.1, a host 192.168.NET.2.
# SECRET "pubkey:CERT:KEY:CA" (files): certificate authentication both ways instead of a PSK.
il_site() {
	local name=$1 net=$2 id=$3 secret=$4 d=$RUN/$1 lan=ilan$1$P
	il_client "$name" && il_ns "$lan" || return 1
	ip link add l0 netns "icl$name$P" type veth peer name e0 netns "$lan" || return 1
	ip -n "icl$name$P" addr add "192.168.$net.1/24" dev l0 && ip -n "icl$name$P" link set l0 up &&
		ip -n "$lan" addr add "192.168.$net.2/24" dev e0 && ip -n "$lan" link set e0 up &&
		ip -n "$lan" route add default via "192.168.$net.1" || return 1
	ip netns exec "icl$name$P" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	mkdir -p "$d"
	local auth=psk certs="" crt key ca secrets
	secrets=$(printf 'ike-1 {\n    id = %s\n    secret = "%s"\n  }' "$id" "$secret")
	if [[ "$secret" == pubkey:* ]]; then
		IFS=: read -r _ crt key ca <<<"$secret"
		mkdir -p "$d/x509" "$d/x509ca" "$d/ecdsa"
		cp "$crt" "$d/x509/$name.pem" && cp "$key" "$d/ecdsa/$name.key" && cp "$ca" "$d/x509ca/ca.pem" || return 1
		auth=pubkey certs="certs = $name.pem" secrets=""
	fi
	cat >"$d/swanctl.conf" <<EOC
connections {
  ra {
    version = 2
    remote_addrs = $PUB_IP
    proposals = ${IKE_PROPOSALS:-aes256gcm16-prfsha384-ecp384}
    dpd_delay = 0
    local {
      auth = $auth
      id = $id
      $certs
    }
    remote {
      auth = $auth
      id = vpn.vrfsec.test
    }
    children {
      net {
        local_ts = 192.168.$net.0/24
        remote_ts = 10.100.0.0/16
        esp_proposals = ${ESP_PROPOSALS:-aes256gcm16}
        start_action = none
      }
    }
  }
}
secrets {
  $secrets
}
EOC
	il_charon_run "$name"
}
sw() { local name=$1 c=$2; shift 2; swanctl "$c" "$@" --uri "unix://$RUN/$name/charon.vici"; }
il_initiate() { # il_initiate NAME: IKE_SA + CHILD_SA up
	sw "$1" --initiate --child net --ike ra >"$RUN/$1/initiate.out" 2>&1 || { tail -n 5 "$RUN/$1/initiate.out"; return 1; }
}
il_vip() { grep -o 'installing new virtual IP [0-9.]*' "$RUN/$1/charon.log" | tail -1 | awk '{print $5}'; }
# il_ping NAME COUNT INTERVAL: pings the far host from the client's namespace; prints the summary
il_ping() {
	ip netns exec "icl$1$P" ping -n -q -c "$2" -i "$3" -W 1 "$FAR_HOST" 2>&1 | grep 'packets transmitted'
}

# ---- captures and tshark -------------------------------------------------------------------
# il_cap NAME NS IFACE: tcpdump into $RUN/NAME.pcap; its PID in CAP_NAME
il_cap() {
	ip netns exec "$2" tcpdump -i "$3" -n -U --immediate-mode -Z root -w "$RUN/$1.pcap" >"$RUN/$1.tcpdump" 2>&1 &
	eval "CAP_$1=$!"
	IL_PIDS+=($!)
	il_wait 50 grep -q 'listening on' "$RUN/$1.tcpdump"
}
il_cap_stop() { sleep 0.3; eval "il_stop_pid \$CAP_$1"; }
# il_charon_keys LOG: charon's CHILD SAs from its chd = 4 log, one line each:
# "SPI_in SPI_out KEY_initiator KEY_responder" (SPIs as charon logs them, "<in>_i <out>_o"; keys
# in lower-case hex, salt included). Worker threads log concurrently, so the key being read is
# kept per thread ("02[CHD]"); a single client's log is the same with one thread.
il_charon_keys() {
	awk '
	function hexline(s,   n, f, i, out) {
		sub(/.*\[CHD\] +[0-9]+: /, "", s); n = split(s, f, " "); out = ""
		for (i = 1; i <= n && i <= 16; i++) if (f[i] ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) out = out f[i]; else break
		return out
	}
	{ t = ""; if (match($0, /[0-9]+\[[A-Z]+\]/)) t = substr($0, RSTART, RLENGTH); sub(/\[.*/, "", t) }
	/encryption (initiator|responder) key => / {
		who = ($0 ~ /initiator key/) ? "i" : "r"
		for (f = 1; f <= NF; f++) if ($f == "=>") need[t, who] = $(f + 1) * 2
		k[t, who] = ""; cur[t] = who; next
	}
	cur[t] != "" && /\[CHD\] +[0-9]+: / {
		w = cur[t]; k[t, w] = k[t, w] hexline($0); if (length(k[t, w]) >= need[t, w]) cur[t] = ""; next
	}
	/established with SPIs/ {
		match($0, /SPIs [0-9a-f]+_i [0-9a-f]+_o/); split(substr($0, RSTART + 5, RLENGTH - 5), s, " ")
		sub(/_i/, "", s[1]); sub(/_o/, "", s[2]); print s[1], s[2], tolower(k[t, "i"]), tolower(k[t, "r"])
	}' "$1"
}
# ESP keys from a client's chd = 4 log as tshark esp_sa entries, one per line.
# IL_ESP_RESPONDER=1: the client responded to the CHILD SA (keys swapped).
il_esp_uat() { # il_esp_uat NAME CLIENT_OUTER_ADDR
	# client-initiated CHILD SAs (IKE_AUTH, swanctl --rekey): the client sends with the initiator
	# key; SAs the agent rekeyed have the roles swapped and do not decrypt here
	il_charon_keys "$RUN/$1/charon.log" | awk -v me="$2" -v card="$PUB_IP" -v resp="${IL_ESP_RESPONDER:-0}" '{
		ko = resp ? $4 : $3; ki = resp ? $3 : $4
		printf "\"IPv4\",\"%s\",\"%s\",\"0x%s\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"\"\n", me, card, $2, ko
		printf "\"IPv4\",\"%s\",\"%s\",\"0x%s\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"\"\n", card, me, $1, ki
	}'
}
# il_tshark_esp PCAP NAME CLIENT_OUTER_ADDR [tshark args...]: tshark with the client's SA keys
il_tshark_esp() {
	local pcap=$1 name=$2 me=$3 l
	shift 3
	local o=()
	while IFS= read -r l; do o+=(-o "uat:esp_sa:$l"); done < <(il_esp_uat "$name" "$me")
	tshark -r "$pcap" -o esp.enable_encryption_decode:TRUE "${o[@]}" "$@" 2>/dev/null
}

# ---- results -------------------------------------------------------------------------------
IL_PASS=0 IL_FAIL=0
il_pass() { IL_PASS=$((IL_PASS + 1)); echo "PASS: $*"; }
il_fail() {
	IL_FAIL=$((IL_FAIL + 1)); IL_FAILED=1
	echo "FAIL: $*"
	[ -f "$RUN/vrfsecd.log" ] && { echo "--- vrfsecd log (last 12 lines)"; tail -n 12 "$RUN/vrfsecd.log"; }
	return 1
}
