#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# vrfsecd with real peers: strongSwan 5.9.8 clients (charon + swanctl, kernel-libipsec) in network
# namespaces, the simulated card (vrfsec-sim --engine cpu, ports on TAPs), vrfsecd with its IKE,
# and the far PE (vrfsec-farpe) popping the card's label stacks into per-customer namespaces.
# Scenarios (all by default, or those named as arguments):
#   a  remote access with PSK: virtual IP from the VRF's pool, ping to the far host of the VRF
#   b  two customers in two VRFs with the same pool range and far addresses, isolated
#   c  a client behind NAT (nft masquerade) through NAT-T
#   d  CHILD_SA and IKE_SA rekeys (client-initiated and the card's soft lifetime) under a ping
#      flood: zero loss
#   e  DPD: a killed client's session and routes go within the configured DPD time
#   f  site to site with PSK: a charon site gateway with a LAN behind it; the LAN's prefix is
#      reverse-injected into the VRF towards the SA; LAN host <-> far host both ways
#   f2 site to site with vrfsecd as the initiator: a profile with initiate = true (added by a
#      reload) brings the tunnel up to a charon responder; pings both ways; the responder deletes
#      the IKE SA and vrfsecd initiates again after its retry time
#   g  a NAT client whose mapping moves mid-ping (new NAT address, port range and MAC, conntrack
#      flushed): the session and its SAs follow in place (no rekey, same SPIs, sequence numbers
#      continue) after the client's next authenticated IKE request (its DPD)
#   h  remote access with certificates: charon-cmd --profile ikev2-pub (RSA client certificate,
#      DN identity matched by a DN wildcard) against the agent's ECDSA certificate (profile
#      credentials); virtual IP from red's pool, ping to the far host
#   i  site to site with certificates both ways (global.credentials, auth = "pubkey"), as f
# Certificates (h, i) are made at test time with strongSwan's pki: one ECDSA root, the agent's
# ECDSA certificate, the client's RSA one, the site gateway's ECDSA one.
# Each scenario checks the core capture with tshark (label stacks per customer) and decrypts the
# public capture with the client's keys (charon logs them at chd = 4). One PASS/FAIL line per
# check group, a summary line last; exit 0 when all pass. Needs root. KEEP_RUN=1 keeps files.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
SCEN=${*:-a b c d e f f2 g h i}
il_init interop
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root"; exit 1; }
for b in vrfsecd vrfsec vrfsec-sim vrfsec-farpe; do
	[ -x "$BIN/$b" ] || { echo "FAIL: $BIN/$b not built (make)"; exit 1; }
done

PSK_RED=red-users-psk-0123456789
PSK_GREEN=green-users-psk-9876543210
PSK_REKEY=rekey-users-psk-5555555555
PSK_DPD=dpd-users-psk-7777777777
PSK_SITE=site1-red-psk-3141592653589

# ---- certificates (scenarios h, i) with pki ----------------------------------------------------
PKI=$RUN/pki
CERT_PROFILES=
IL_GLOBAL_EXTRA=
if [[ " $SCEN " == *" h "* || " $SCEN " == *" i "* ]]; then
	command -v pki >/dev/null && command -v charon-cmd >/dev/null ||
		{ echo "FAIL: strongSwan pki / charon-cmd not installed (make deps)"; exit 1; }
	mkdir -p "$PKI"
	pk() { pki "$@" 2>>"$PKI/pki.err"; }
	issue() { # KEY DN SAN > cert.pem
		pk --pub --in "$1" | pk --issue --cacert "$PKI/ca.pem" --cakey "$PKI/ca.key" --dn "$2" \
			--san "$3" --lifetime 30 --outform pem
	}
	t=$EPOCHREALTIME
	pk --gen --type ecdsa --size 256 --outform pem >"$PKI/ca.key" &&
		pk --self --ca --lifetime 30 --in "$PKI/ca.key" --dn "C=CH, O=vrfsec interop, CN=vrfsec interop CA" \
			--outform pem >"$PKI/ca.pem" &&
		pk --gen --type ecdsa --size 256 --outform pem >"$PKI/agent.key" &&
		issue "$PKI/agent.key" "C=CH, O=vrfsec interop, CN=vpn.vrfsec.test" vpn.vrfsec.test >"$PKI/agent.pem" &&
		pk --gen --type rsa --size 2048 --outform pem >"$PKI/hana.key" &&
		issue "$PKI/hana.key" "C=CH, O=vrfsec interop, OU=red, CN=hana.red.example" hana.red.example >"$PKI/hana.pem" &&
		pk --gen --type ecdsa --size 256 --outform pem >"$PKI/site2.key" &&
		issue "$PKI/site2.key" "C=CH, O=vrfsec interop, CN=site2.red.example" site2.red.example >"$PKI/site2.pem" ||
		{ echo "FAIL: pki: $(tail -n 2 "$PKI/pki.err")"; exit 1; }
	echo "certificates: root, agent (ECDSA), hana (RSA), site2 (ECDSA) made with pki in $(il_elapsed "$t")"
	IL_GLOBAL_EXTRA="  credentials = { cert = \"$PKI/agent.pem\"; key = \"$PKI/agent.key\"; ca = \"$PKI/ca.pem\"; };"
	CERT_PROFILES=",
  { name = \"red-cert-users\"; vrf = \"red\"; match = [ \"dn:C=CH, O=vrfsec interop, OU=red, CN=*\" ];
    auth = { cert = \"$PKI/agent.pem\"; key = \"$PKI/agent.key\"; ca = \"$PKI/ca.pem\"; send_cert = \"always\"; };
    local_id = \"fqdn:vpn.vrfsec.test\";
    pools = [ \"10.1.3.0/24\" ]; split = [ \"10.100.0.0/16\" ];
    esp_proposals = [ \"aes256gcm16-noesn\", \"aes128gcm16-noesn\" ]; },
  { name = \"red-site2\"; vrf = \"red\"; match = [ \"fqdn:site2.red.example\" ];
    auth = \"pubkey\";
    local_id = \"fqdn:vpn.vrfsec.test\";
    local_ts = [ \"10.100.0.0/16\" ]; remote_ts = [ \"192.168.51.0/24\" ];
    esp_proposals = [ \"aes256gcm16-noesn\" ]; }"
fi

# ---- shared setup: card, far PE with customers red (2001/1001), green (2002/1002), agent
il_card red:2001:1001 green:2002:1002 || { echo "FAIL: card / far PE setup"; exit 1; }
PSK_SITE3=site3-red-psk-2718281828459
PROFILES=$(cat <<EOC
  { name = "red-users"; vrf = "red"; match = [ "email:*@red.example" ];
    auth = { psk = ( { id = "email:*@red.example"; secret = "$PSK_RED"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.0.0/24" ]; split = [ "10.100.0.0/16" ];
    ike_proposals = [ "aes256gcm16-prfsha384-ecp384", "aes128gcm16-prfsha256-curve25519" ];
    esp_proposals = [ "aes256gcm16-noesn", "aes128gcm16-noesn" ];
    dpd = { interval = 30; timeout = 150; }; },
  { name = "green-users"; vrf = "green"; match = [ "email:*@green.example" ];
    auth = { psk = ( { id = "email:*@green.example"; secret = "$PSK_GREEN"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.0.0/24" ]; split = [ "10.100.0.0/16" ];
    esp_proposals = [ "aes256gcm16-noesn" ]; },
  { name = "red-rekey"; vrf = "red"; match = [ "email:*@rekey.red.example" ];
    auth = { psk = ( { id = "%any"; secret = "$PSK_REKEY"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.1.0/24" ]; split = [ "10.100.0.0/16" ];
    esp_proposals = [ "aes256gcm16-noesn" ];
    # the card's soft lifetime asks for a CHILD rekey after 3 s
    lifetime = { soft = { time = 3; }; hard = { time = 600; }; ike = 3600; }; },
  { name = "red-dpd"; vrf = "red"; match = [ "email:*@dpd.red.example" ];
    auth = { psk = ( { id = "%any"; secret = "$PSK_DPD"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.2.0/24" ]; split = [ "10.100.0.0/16" ];
    esp_proposals = [ "aes256gcm16-noesn" ];
    dpd = { interval = 2; timeout = 3; }; },
  { name = "red-site1"; vrf = "red"; match = [ "fqdn:site1.red.example" ];
    auth = { psk = ( { id = "fqdn:site1.red.example"; secret = "$PSK_SITE"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    # the VRF's far side towards the site, the site's LAN reverse-injected into red
    local_ts = [ "10.100.0.0/16" ]; remote_ts = [ "192.168.50.0/24" ];
    esp_proposals = [ "aes256gcm16-noesn" ]; }$CERT_PROFILES
EOC
)
il_agent_conf "$RUN/vrfsecd.conf" <<<"$PROFILES"
il_agent "$RUN/vrfsecd.conf" || { echo "FAIL: vrfsecd did not start"; exit 1; }
echo "setup: card sim:$CARD, vrfsecd, far PE (red, green) up in $(il_elapsed)"

# core frames of a client's virtual IP: "bottom-label" per frame, towards the far PE and back
core_labels() { # core_labels VIP DIRECTION(to|from) [extra filter]
	local f
	if [ "$2" = to ]; then f="eth.dst == $FARPE_MAC && ip.src == $1 && icmp"; else f="eth.src == $FARPE_MAC && ip.dst == $1 && icmp"; fi
	f="$f${3:+ && $3}"
	tshark -r "$RUN/core.pcap" -Y "$f" -T fields -e mpls.label 2>/dev/null | sort | uniq -c |
		awk '{printf "%s%s x%s", (NR > 1 ? "; " : ""), $2, $1}'
}
# the core frames of VIP towards the far PE all carry "16,LABEL", and the replies LABEL_BACK
check_core() { # check_core WHAT VIP 16,2001 1001 [extra filter]
	local to from
	to=$(core_labels "$2" to "${5:-}")
	from=$(core_labels "$2" from "${5:-}")
	[[ "$to" =~ ^$3\ x[0-9]+$ ]] && [[ "$from" =~ ^$4\ x[0-9]+$ ]] ||
		{ il_fail "$1: core labels of $2: to far PE [$to], back [$from]; want $3 / $4"; return 1; }
	echo "  core: $2${5:+ ($5)} -> far PE labels $to; replies labelled $from"
}
# public ESP of a client decrypts (first CHILD SA) to ICMP between VIP and the far host
check_public() { # check_public WHAT NAME OUTER VIP
	local n
	n=$(il_tshark_esp "$RUN/public.pcap" "$2" "$3" -Y "ip.src == $4 && ip.dst == $FAR_HOST && icmp.type == 8" \
		-T fields -e frame.number | wc -l)
	[ "$n" -gt 0 ] || { il_fail "$1: no ESP of $2 decrypted to ICMP $4 -> $FAR_HOST"; return 1; }
	echo "  public: $n ESP-in-UDP frames of $2 decrypted by tshark to ICMP $4 -> $FAR_HOST"
}
session_of() { # session_of IDENTITY: "vrf vip peer:port spi_in/spi_out"
	V show sessions --json | J "' '.join('%s %s %s:%s %s/%s' % (s['vrf'], s['virtual_ips'][0], s['peer'], s['peer_port'], s['children'][0]['spi_in'], s['children'][0]['spi_out']) for s in d if s['identity'] == '$1' and s['children'])"
}

# ---- a: remote access, PSK ---------------------------------------------------------------------
scen_a() {
	local t=$EPOCHREALTIME vip s ping
	ensure_client alice alice@red.example "$PSK_RED" || { il_fail "a: alice could not bring up IKE/CHILD SA"; return; }
	vip=$(il_vip alice)
	s=$(session_of email:alice@red.example)
	V show sessions
	[[ "$vip" == 10.1.0.* ]] && [[ "$s" == "red $vip 203.0.113."* ]] ||
		{ il_fail "a: virtual IP '$vip' / session '$s'"; return; }
	ping=$(il_ping alice 5 0.2)
	echo "  alice: vip $vip, session [$s], ping $ping"
	[[ "$ping" == *" 5 received"* ]] || { il_fail "a: ping from alice: $ping"; return; }
	grep -q "$PSK_RED" "$RUN/vrfsecd.log" && { il_fail "a: the PSK is in the agent log"; return; }
	check_core a "$vip" "16,2001" 1001 || return
	check_public a alice 203.0.113.11 "$vip" || return
	il_pass "a: remote access PSK: alice@red.example got $vip from red's pool, 5/5 pings to $FAR_HOST via labels 16/2001 ($(il_elapsed "$t"))"
}

ensure_client() { # ensure_client NAME ID PSK: namespace, charon, SA up (once)
	[ -f "$RUN/$1/up" ] && return 0
	il_client "$1" && il_charon "$1" "$2" "$3" && il_initiate "$1" && touch "$RUN/$1/up"
}
# far_payloads CUSTOMER: the distinct 2-byte ICMP echo patterns seen in a far namespace capture
far_payloads() {
	tshark -r "$RUN/far$1.pcap" -Y 'icmp.type == 8' -T fields -e data.data 2>/dev/null |
		cut -c17-20 | sort -u | tr '\n' ' '
}

# ---- b: two customers, two VRFs, the same inner addresses ---------------------------------------
scen_b() {
	local t=$EPOCHREALTIME va vb pa pb
	ensure_client alice alice@red.example "$PSK_RED" && ensure_client bob bob@green.example "$PSK_GREEN" ||
		{ il_fail "b: clients"; return; }
	va=$(il_vip alice)
	vb=$(il_vip bob)
	V show sessions
	[ "$(session_of email:bob@green.example | cut -d' ' -f1)" = green ] || { il_fail "b: bob is not in green"; return; }
	[ "$va" = "$vb" ] || echo "  (note: the two virtual IPs differ: $va / $vb)"
	il_cap farred "ifarred$P" "ifred$P" && il_cap fargreen "ifargreen$P" "ifgreen$P" || { il_fail "b: far captures"; return; }
	# the payload pattern tells the customers apart where the addresses are the same
	pa=$(ip netns exec "iclalice$P" ping -n -q -c 10 -i 0.05 -W 1 -p a1a1 "$FAR_HOST" | grep 'packets transmitted')
	pb=$(ip netns exec "iclbob$P" ping -n -q -c 7 -i 0.05 -W 1 -p b0b0 "$FAR_HOST" | grep 'packets transmitted')
	il_cap_stop farred; il_cap_stop fargreen
	echo "  alice (red, $va): $pa"
	echo "  bob (green, $vb): $pb"
	[[ "$pa" == *" 10 received"* ]] && [[ "$pb" == *" 7 received"* ]] || { il_fail "b: pings"; return; }
	[ "$(far_payloads red)" = "a1a1 " ] && [ "$(far_payloads green)" = "b0b0 " ] ||
		{ il_fail "b: far captures: red saw [$(far_payloads red)], green saw [$(far_payloads green)]"; return; }
	echo "  far captures: red's namespace saw only pattern a1a1 (alice), green's only b0b0 (bob)"
	check_core b "$va" "16,2001" 1001 "data.data contains a1:a1:a1:a1" &&
		check_core b "$vb" "16,2002" 1002 "data.data contains b0:b0:b0:b0" || return
	check_public b alice 203.0.113.11 "$va" && check_public b bob 203.0.113.12 "$vb" || return
	B_GREEN=7
	il_pass "b: red and green with the same pool ($va / $vb) and far host: each customer's packets only in its own VRF and namespace ($(il_elapsed "$t"))"
}

# ---- c: a client behind NAT -----------------------------------------------------------------------
scen_c() {
	local t=$EPOCHREALTIME vip s ping nat
	il_nat_client carol 77 && il_charon carol carol@red.example "$PSK_RED" || { il_fail "c: NAT client setup"; return; }
	nat=203.0.113.$((IL_NEXT_PUB - 1))
	il_initiate carol || { il_fail "c: carol could not bring up IKE/CHILD SA through the NAT"; return; }
	vip=$(il_vip carol)
	s=$(session_of email:carol@red.example)
	ping=$(il_ping carol 5 0.2)
	echo "  carol (192.168.77.2 behind $nat): vip $vip, session [$s], ping $ping"
	[[ "$s" == "red $vip $nat:"* ]] || { il_fail "c: session does not show the NAT's address: $s"; return; }
	V show sessions --json | J "[s['nat_t'] for s in d if s['identity'] == 'email:carol@red.example']" | grep -qx '\[True\]' ||
		{ il_fail "c: session not marked NAT-T"; return; }
	grep -q 'local host is behind NAT' "$RUN/carol/charon.log" || { il_fail "c: charon did not detect the NAT"; return; }
	[[ "$ping" == *" 5 received"* ]] || { il_fail "c: ping through NAT: $ping"; return; }
	check_core c "$vip" "16,2001" 1001 && check_public c carol "$nat" "$vip" || return
	il_pass "c: client behind NAT (192.168.77.2 -> $nat) through NAT-T: $vip, 5/5 pings ($(il_elapsed "$t"))"
}

# ---- d: rekeys under a ping flood -------------------------------------------------------------------
scen_d() {
	local t=$EPOCHREALTIME vip ping n0 n1 rk0 rk1 pid
	ensure_client dave dave@rekey.red.example "$PSK_REKEY" || { il_fail "d: client"; return; }
	vip=$(il_vip dave)
	n0=$(grep -c 'CHILD_SA net{[0-9]*} established' "$RUN/dave/charon.log")
	rk0=$(V show counters --json | J 'd["agent"]["sessions_rekeys"]')
	ip netns exec "icldave$P" ping -n -q -c 800 -i 0.01 -W 2 "$FAR_HOST" >"$RUN/dave/flood.txt" 2>&1 &
	pid=$!
	IL_PIDS+=("$pid")
	sleep 1.5
	sw dave --rekey --child net >"$RUN/dave/rekey1.out" 2>&1 || { il_fail "d: swanctl --rekey --child"; return; }
	sleep 1.5
	sw dave --rekey --ike ra >"$RUN/dave/rekey2.out" 2>&1 || { il_fail "d: swanctl --rekey --ike"; return; }
	sleep 1.5
	sw dave --rekey --child net >"$RUN/dave/rekey3.out" 2>&1 || { il_fail "d: CHILD rekey over the new IKE SA"; return; }
	wait "$pid"
	ping=$(grep 'packets transmitted' "$RUN/dave/flood.txt")
	n1=$(grep -c 'CHILD_SA net{[0-9]*} established' "$RUN/dave/charon.log")
	rk1=$(V show counters --json | J 'd["agent"]["sessions_rekeys"]')
	echo "  dave ($vip): $ping; CHILD SAs established at the client $n0 -> $n1; agent rekeys $rk0 -> $rk1"
	grep -E 'rekeyed|IKE SA rekeyed' "$RUN/vrfsecd.log" | grep -E "session [0-9]+: (IKE SA rekeyed|child)" | tail -n 6 | sed 's/^/    /'
	[[ "$ping" == *" 800 received"* ]] || { il_fail "d: packets lost during rekeys: $ping"; return; }
	grep -q "IKE SA rekeyed" "$RUN/vrfsecd.log" || { il_fail "d: no IKE SA rekey seen by the agent"; return; }
	[ $((rk1 - rk0)) -ge 3 ] || { il_fail "d: want >= 3 make-before-break CHILD rekeys (2 by the client, 1+ by the card's soft lifetime), got $((rk1 - rk0))"; return; }
	grep -q "parsed CREATE_CHILD_SA request .*REKEY_SA" "$RUN/dave/charon.log" ||
		{ il_fail "d: the agent never initiated a CHILD rekey (soft lifetime)"; return; }
	check_core d "$vip" "16,2001" 1001 && check_public d dave 203.0.113.$((IL_NEXT_PUB - 1)) "$vip" || return
	il_pass "d: $((rk1 - rk0)) CHILD rekeys (client and card soft lifetime) and an IKE rekey under ping -i 0.01: 800/800 received ($(il_elapsed "$t"))"
}

# ---- e: DPD ---------------------------------------------------------------------------------------
scen_e() {
	local t=$EPOCHREALTIME vip ping t0 left routes dt
	ensure_client erin erin@dpd.red.example "$PSK_DPD" || { il_fail "e: client"; return; }
	vip=$(il_vip erin)
	ping=$(il_ping erin 3 0.2)
	[[ "$ping" == *" 3 received"* ]] || { il_fail "e: ping before the kill: $ping"; return; }
	V show routes --json | J "[r['prefix'] for r in d if r['kind'] == 'tunnel']" | grep -q "'$vip/32'" ||
		{ il_fail "e: no route for $vip"; return; }
	check_core e "$vip" "16,2001" 1001 || return
	kill -9 "$CHARON_erin"
	t0=$EPOCHREALTIME
	# interval 2 s (the card's idle report) + timeout 3 s, plus a second of scheduling
	left=1
	for _ in $(seq 80); do
		left=$(V show sessions --json | J "len([s for s in d if s['identity'] == 'email:erin@dpd.red.example'])")
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	dt=$(il_elapsed "$t0")
	routes=$(V show routes --json | J "[r['prefix'] for r in d if r['prefix'] == '$vip/32']")
	echo "  erin ($vip) killed: session gone after $dt, routes for $vip: $routes"
	grep "dead (no answer to DPD" "$RUN/vrfsecd.log" | tail -n 1 | sed 's/^/    /'
	[ "$left" = 0 ] && [ "$routes" = "[]" ] || { il_fail "e: session or route still there $dt after the kill"; return; }
	awk -v d="${dt% s}" 'BEGIN { exit !(d <= 6.5) }' || { il_fail "e: DPD took $dt (interval 2 s + timeout 3 s)"; return; }
	il_pass "e: DPD removed the killed client's session and route in $dt (dpd interval 2 s, timeout 3 s) ($(il_elapsed "$t"))"
}

# ---- f: site to site, PSK -------------------------------------------------------------------------
scen_f() {
	local t=$EPOCHREALTIME gw s routes p1 p2 lan=192.168.50.2
	il_site site1 50 site1.red.example "$PSK_SITE" || { il_fail "f: site gateway setup"; return; }
	gw=203.0.113.$((IL_NEXT_PUB - 1))
	il_initiate site1 || { il_fail "f: the site gateway could not bring up IKE/CHILD SA"; return; }
	s=$(V show sessions --json | J "' '.join('%s %s:%s %s' % (s['vrf'], s['peer'], s['peer_port'], ','.join(c['routes'][0] for c in s['children'])) for s in d if s['identity'] == 'fqdn:site1.red.example')")
	routes=$(V show routes --json | J "' '.join('%s:%s:%s' % (r['vrf'], r['prefix'], r['kind']) for r in d if r['prefix'].startswith('192.168.50.'))")
	V show routes
	echo "  site1 (gateway $gw, LAN 192.168.50.0/24): session [$s], routes [$routes]"
	[[ "$s" == "red $gw:"*" 192.168.50.0/24" ]] || { il_fail "f: session '$s'"; return; }
	[ "$routes" = "red:192.168.50.0/24:tunnel" ] || { il_fail "f: the site's LAN is not routed into red towards the SA: [$routes]"; return; }
	p1=$(ip netns exec "ilansite1$P" ping -n -q -c 5 -i 0.2 -W 1 "$FAR_HOST" 2>&1 | grep 'packets transmitted')
	p2=$(ip netns exec "ifarred$P" ping -n -q -c 3 -i 0.2 -W 1 "$lan" 2>&1 | grep 'packets transmitted')
	echo "  LAN host $lan -> far host $FAR_HOST: $p1"
	echo "  far host $FAR_HOST -> LAN host $lan: $p2"
	[[ "$p1" == *" 5 received"* ]] && [[ "$p2" == *" 3 received"* ]] || { il_fail "f: pings between the site LAN and the far host"; return; }
	check_core f "$lan" "16,2001" 1001 && check_public f site1 "$gw" "$lan" || return
	il_pass "f: site to site PSK: site1's LAN 192.168.50.0/24 in red towards the SA, $lan <-> $FAR_HOST 5/5 and 3/3 via labels 16/2001 and 1001 ($(il_elapsed "$t"))"
}

# ---- f2: site to site, vrfsecd initiates -------------------------------------------------------------
SITE3_GW=203.0.113.60
scen_f2() {
	local t=$EPOCHREALTIME s s2 routes p1 p2 lan=192.168.52.2 next=$IL_NEXT_PUB t1 dt
	# the responder's address is in the agent's profile: a fixed one
	IL_NEXT_PUB=60
	il_site site3 52 site3.red.example "$PSK_SITE3" || { IL_NEXT_PUB=$next; il_fail "f2: site gateway setup"; return; }
	IL_NEXT_PUB=$next
	il_agent_conf "$RUN/vrfsecd.conf" <<EOC
$PROFILES,
  { name = "red-site3"; vrf = "red"; match = [ "fqdn:site3.red.example" ];
    auth = { psk = ( { id = "fqdn:site3.red.example"; secret = "$PSK_SITE3"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    local_ts = [ "10.100.0.0/16" ]; remote_ts = [ "192.168.52.0/24" ];
    ike_proposals = [ "aes256gcm16-prfsha384-ecp384" ]; esp_proposals = [ "aes256gcm16-noesn" ];
    initiate = true; remote = "$SITE3_GW"; retry = 2; }
EOC
	V reload >"$RUN/reload.out" 2>&1 || { il_fail "f2: reload: $(cat "$RUN/reload.out")"; return; }
	sess3() { V show sessions --json | J "' '.join('%s %s:%s %s %s' % (s['vrf'], s['peer'], s['peer_port'], ','.join(c['routes'][0] for c in s['children']), s['children'][0]['spi_in']) for s in d if s['identity'] == 'fqdn:site3.red.example' and s['children'])"; }
	has3() { [ -n "$(sess3)" ]; }
	no3() { [ -z "$(sess3)" ]; }
	il_wait 80 has3 || true
	s=$(sess3)
	routes=$(V show routes --json | J "' '.join('%s:%s:%s' % (r['vrf'], r['prefix'], r['kind']) for r in d if r['prefix'].startswith('192.168.52.'))")
	grep "profile red-site3" "$RUN/vrfsecd.log" | head -n 2 | sed 's/^/    /'
	echo "  site3 (responder $SITE3_GW, LAN 192.168.52.0/24): session [$s], routes [$routes]"
	[[ "$s" == "red $SITE3_GW:"*" 192.168.52.0/24 "* ]] || { il_fail "f2: vrfsecd did not bring up the tunnel: '$s'"; return; }
	[ "$routes" = "red:192.168.52.0/24:tunnel" ] || { il_fail "f2: the site's LAN is not routed into red: [$routes]"; return; }
	grep -q "IKE_SA ra\[[0-9]*\] established" "$RUN/site3/charon.log" && grep -q "$PUB_IP is initiating an IKE_SA" "$RUN/site3/charon.log" ||
		{ il_fail "f2: charon did not respond to vrfsecd's IKE_SA_INIT"; return; }
	p1=$(ip netns exec "ilansite3$P" ping -n -q -c 5 -i 0.2 -W 1 "$FAR_HOST" 2>&1 | grep 'packets transmitted')
	p2=$(ip netns exec "ifarred$P" ping -n -q -c 3 -i 0.2 -W 1 "$lan" 2>&1 | grep 'packets transmitted')
	echo "  LAN host $lan -> far host $FAR_HOST: $p1"
	echo "  far host $FAR_HOST -> LAN host $lan: $p2"
	[[ "$p1" == *" 5 received"* ]] && [[ "$p2" == *" 3 received"* ]] || { il_fail "f2: pings between the site LAN and the far host"; return; }
	check_core f2 "$lan" "16,2001" 1001 || return
	IL_ESP_RESPONDER=1 check_public f2 site3 "$SITE3_GW" "$lan" || return
	# the responder deletes the IKE SA: vrfsecd initiates again after retry = 2 s
	t1=$EPOCHREALTIME
	sw site3 --terminate --ike ra >"$RUN/site3/terminate.out" 2>&1 || { il_fail "f2: swanctl --terminate"; return; }
	il_wait 30 no3 || true
	il_wait 80 has3 || true
	s2=$(sess3)
	dt=$(il_elapsed "$t1")
	echo "  after the responder's delete: session [$s2] again after $dt"
	[[ "$s2" == "red $SITE3_GW:"*" 192.168.52.0/24 "* ]] && [ "${s2##* }" != "${s##* }" ] ||
		{ il_fail "f2: vrfsecd did not initiate again after the delete: '$s2'"; return; }
	p1=$(ip netns exec "ilansite3$P" ping -n -q -c 3 -i 0.2 -W 1 "$FAR_HOST" 2>&1 | grep 'packets transmitted')
	[[ "$p1" == *" 3 received"* ]] || { il_fail "f2: ping over the new tunnel: $p1"; return; }
	il_pass "f2: site to site, vrfsecd the initiator: up after a reload added the profile, $lan <-> $FAR_HOST 5/5 and 3/3 via labels 16/2001 and 1001; initiated again $dt after the responder's delete, 3/3 ($(il_elapsed "$t"))"
}

# ---- g: the NAT mapping of a client moves ---------------------------------------------------------
scen_g() {
	local t=$EPOCHREALTIME vip s0 s1 nat1 nat2 ping pid sid mv0 mv1 rk1 spi sent recv lost seq
	local natmac=02:4e:41:54:00:78
	il_nat_client gina 78 && IL_DPD=1s il_charon gina gina@red.example "$PSK_RED" ||
		{ il_fail "g: NAT client setup"; return; }
	nat1=203.0.113.$((IL_NEXT_PUB - 1))
	il_initiate gina || { il_fail "g: gina could not bring up IKE/CHILD SA through the NAT"; return; }
	vip=$(il_vip gina)
	s0=$(session_of email:gina@red.example)
	[[ "$s0" == "red $vip $nat1:"* ]] || { il_fail "g: session before the move: $s0"; return; }
	sid=$(V show sessions --json | J "[s['id'] for s in d if s['identity'] == 'email:gina@red.example'][0]")
	mv0=$(V show counters --json | J 'd["agent"]["sessions_peer_moves"]')
	ip netns exec "iclgina$P" ping -n -q -c 12 -i 0.5 -W 1 "$FAR_HOST" >"$RUN/gina/ping.txt" 2>&1 &
	pid=$!
	IL_PIDS+=("$pid")
	sleep 1.5
	nat2=$(il_nat_move gina "$natmac" 40000-40999) || { il_fail "g: moving the NAT mapping"; return; }
	echo "  $(il_elapsed "$t"): NAT moved $nat1 -> $nat2 (ports 40000-40999, MAC $natmac), conntrack flushed"
	wait "$pid"
	ping=$(grep 'packets transmitted' "$RUN/gina/ping.txt")
	s1=$(session_of email:gina@red.example)
	mv1=$(V show counters --json | J 'd["agent"]["sessions_peer_moves"]')
	rk1=$(grep -c "session $sid: child .* rekeyed" "$RUN/vrfsecd.log")
	echo "  gina ($vip): $ping"
	echo "  session $sid before [$s0], after [$s1]; agent peer moves $mv0 -> $mv1, rekeys of session $sid: $rk1"
	grep "peer moved" "$RUN/vrfsecd.log" | tail -n 1 | sed 's/^/    /'
	V show sessions --json | J "[(s['peer'], s['peer_port']) for s in d if s['identity'] == 'email:gina@red.example']" | sed 's/^/  show sessions --json: peer, peer_port = /'
	sent=$(echo "$ping" | awk '{print $1}')
	recv=$(echo "$ping" | awk '{print $4}')
	lost=$((sent - recv))
	# the client's next DPD request (dpd_delay 1 s), from the new mapping, moves the session:
	# up to about a second of replies lost
	[ "$lost" -le 3 ] || { il_fail "g: $lost of $sent pings lost"; return; }
	[[ "$s1" =~ ^red\ $vip\ $nat2:4[0-9]{4}\  ]] || { il_fail "g: session after the move: $s1 (want $nat2:40000-40999)"; return; }
	[ "${s0##* }" = "${s1##* }" ] || { il_fail "g: SPIs changed (${s0##* } -> ${s1##* }): rekeyed instead of moved"; return; }
	[ "$rk1" = 0 ] && [ "$mv1" = $((mv0 + 1)) ] || { il_fail "g: want one move and no rekey"; return; }
	grep -q "peer moved $nat1:[0-9]* -> $nat2:[0-9]* (new next-hop MAC)" "$RUN/vrfsecd.log" ||
		{ il_fail "g: the move did not change the next-hop MAC"; return; }
	# the outbound SA went on with its sequence numbers at the new address (no new SA, no reset)
	spi=${s1##* }; spi=${spi#*/}
	seq=$(tshark -r "$RUN/public.pcap" -Y "esp.spi == $spi" -T fields -e ip.dst -e esp.sequence 2>/dev/null |
		awk -v a="$nat1" -v b="$nat2" '$1 == a { if ($2 > ma) ma = $2 } $1 == b { if (!mb || $2 < mb) mb = $2; n++ }
			END { printf "%d %d %d", ma, mb, n }')
	read -r seq_a seq_b n_b <<<"$seq"
	echo "  card -> gina ESP spi $spi: last sequence number to $nat1 $seq_a, first to $nat2 $seq_b ($n_b frames there)"
	[ "$n_b" -gt 0 ] && [ "$seq_b" -gt "$seq_a" ] && [ $((seq_b - seq_a)) -le $((lost + 2)) ] ||
		{ il_fail "g: outbound sequence numbers did not continue at the new address"; return; }
	n_b=$(il_tshark_esp "$RUN/public.pcap" gina "$nat2" -Y "ip.dst == $nat2 && icmp.type == 0" -T fields -e frame.number | wc -l)
	echo "  public: $n_b replies to $nat2 decrypted by tshark with the keys of the original CHILD SA"
	[ "$n_b" -gt 0 ] || { il_fail "g: no ESP to the new mapping decrypted"; return; }
	check_core g "$vip" "16,2001" 1001 || return
	il_pass "g: NAT mapping moved $nat1 -> $nat2 mid-ping: SAs followed in place (same SPIs, sequence numbers continue, new MAC), $recv/$sent pings ($(il_elapsed "$t"))"
}

# ---- h: remote access with certificates (charon-cmd ikev2-pub) -----------------------------------
scen_h() {
	local t=$EPOCHREALTIME vip s ping d=$RUN/hana ns dn="C=CH, O=vrfsec interop, OU=red, CN=hana.red.example"
	il_client hana || { il_fail "h: client namespace"; return; }
	ns=iclhana$P
	mkdir -p "$d"
	sed "s#@RUN@#$d#g" "$IL_DIR/strongswan.conf.in" >"$d/strongswan.conf"
	ip netns exec "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" setsid sh -c 'mount -t tmpfs tmpfs /run && exec "$@"' charon-cmd \
		charon-cmd --host "$PUB_IP" --identity "$dn" --remote-identity vpn.vrfsec.test \
		--cert "$PKI/ca.pem" --cert "$PKI/hana.pem" --rsa "$PKI/hana.key" --profile ikev2-pub \
		--remote-ts 10.100.0.0/16 --ike-proposal aes256gcm16-prfsha384-ecp384 --esp-proposal aes256gcm16 \
		</dev/null >"$d/charon-cmd.stdout" 2>&1 &
	IL_PIDS+=($!)
	il_wait 100 grep -q 'installing new virtual IP' "$d/charon.log" ||
		{ il_fail "h: charon-cmd got no virtual IP: $(grep -E 'fail|error|AUTH' "$d/charon.log" | tail -n 3)"; return; }
	vip=$(il_vip hana)
	# the agent's identity text: the DN from the certificate, normalised (lower case, no blanks)
	s=$(session_of "dn:c=ch,o=vrfsec interop,ou=red,cn=hana.red.example")
	V show sessions
	[[ "$vip" == 10.1.3.* ]] && [[ "$s" == "red $vip 203.0.113."* ]] ||
		{ il_fail "h: virtual IP '$vip' / session '$s'"; return; }
	grep -q "authentication of 'vpn.vrfsec.test' with ECDSA" "$d/charon.log" ||
		{ il_fail "h: charon-cmd did not verify the agent's ECDSA signature"; return; }
	ping=$(il_ping hana 5 0.2)
	echo "  hana ($dn, RSA certificate): vip $vip, session [$s], ping $ping"
	[[ "$ping" == *" 5 received"* ]] || { il_fail "h: ping from hana: $ping"; return; }
	# no key material of ours or hers in the agent's log
	for k in agent hana; do
		grep -v -- '-----' "$PKI/$k.key" | head -n 2 | while read -r l; do grep -qF "$l" "$RUN/vrfsecd.log" && echo leak; done | grep -q leak &&
			{ il_fail "h: $k.key material in the agent log"; return; }
	done
	check_core h "$vip" "16,2001" 1001 || return
	check_public h hana 203.0.113.$((IL_NEXT_PUB - 1)) "$vip" || return
	il_pass "h: remote access with certificates: charon-cmd ikev2-pub (RSA, DN $dn) got $vip from red's pool, 5/5 pings via labels 16/2001 ($(il_elapsed "$t"))"
}

# ---- i: site to site with certificates --------------------------------------------------------------
scen_i() {
	local t=$EPOCHREALTIME gw s routes p1 p2 lan=192.168.51.2
	il_site site2 51 site2.red.example "pubkey:$PKI/site2.pem:$PKI/site2.key:$PKI/ca.pem" ||
		{ il_fail "i: site gateway setup"; return; }
	gw=203.0.113.$((IL_NEXT_PUB - 1))
	il_initiate site2 || { il_fail "i: the site gateway could not bring up IKE/CHILD SA"; return; }
	s=$(V show sessions --json | J "' '.join('%s %s:%s %s' % (s['vrf'], s['peer'], s['peer_port'], ','.join(c['routes'][0] for c in s['children'])) for s in d if s['identity'] == 'fqdn:site2.red.example')")
	routes=$(V show routes --json | J "' '.join('%s:%s:%s' % (r['vrf'], r['prefix'], r['kind']) for r in d if r['prefix'].startswith('192.168.51.'))")
	echo "  site2 (gateway $gw, LAN 192.168.51.0/24): session [$s], routes [$routes]"
	[[ "$s" == "red $gw:"*" 192.168.51.0/24" ]] || { il_fail "i: session '$s'"; return; }
	[ "$routes" = "red:192.168.51.0/24:tunnel" ] || { il_fail "i: the site's LAN is not routed into red: [$routes]"; return; }
	grep -q "authentication of 'vpn.vrfsec.test' with ECDSA" "$RUN/site2/charon.log" &&
		grep -q "authentication of 'site2.red.example' (myself) with ECDSA" "$RUN/site2/charon.log" ||
		{ il_fail "i: not ECDSA certificate authentication both ways"; return; }
	p1=$(ip netns exec "ilansite2$P" ping -n -q -c 5 -i 0.2 -W 1 "$FAR_HOST" 2>&1 | grep 'packets transmitted')
	p2=$(ip netns exec "ifarred$P" ping -n -q -c 3 -i 0.2 -W 1 "$lan" 2>&1 | grep 'packets transmitted')
	echo "  LAN host $lan -> far host $FAR_HOST: $p1"
	echo "  far host $FAR_HOST -> LAN host $lan: $p2"
	[[ "$p1" == *" 5 received"* ]] && [[ "$p2" == *" 3 received"* ]] || { il_fail "i: pings between the site LAN and the far host"; return; }
	check_core i "$lan" "16,2001" 1001 && check_public i site2 "$gw" "$lan" || return
	il_pass "i: site to site with certificates (ECDSA both ways): site2's LAN 192.168.51.0/24 in red, $lan <-> $FAR_HOST 5/5 and 3/3 via labels 16/2001 and 1001 ($(il_elapsed "$t"))"
}

for s in $SCEN; do
	il_cap core "$CNS" "$CORE" && il_cap public "$CNS" "$PUB" || { il_fail "$s: captures"; continue; }
	"scen_$s"
	il_cap_stop core; il_cap_stop public
done
# the far PE's counters per label: green carried exactly bob's pings, nothing unknown
if [ -n "${B_GREEN:-}" ]; then
	il_stop_pid "$FARPE"
	grep '^farpe' "$RUN/farpe.log" | sed 's/^/  /'
	if grep -q "label_in=2002 label_out=1002 .* to_customer=$B_GREEN from_customer=$B_GREEN " "$RUN/farpe.log" &&
		grep -q "unknown_label=0 " "$RUN/farpe.log"; then
		il_pass "b: far PE counters: green's label 2002 carried exactly bob's $B_GREEN pings each way, no unknown labels"
	else
		il_fail "b: far PE counters"
	fi
fi
echo "interop: $IL_PASS passed, $IL_FAIL failed ($(il_elapsed))"
[ "$IL_FAIL" = 0 ]
