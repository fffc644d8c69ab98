#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make demo: vrfsec as a VPN aggregator with real peers. Starts the simulated card (vrfsec-sim,
# cpu engine, ports on TAPs), vrfsecd, the far PE (vrfsec-farpe) with one namespace per customer,
# and two strongSwan clients of two customers (red, green) whose VRFs use the same address pool;
# shows `vrfsec show sessions`, pings each customer's far host (the same address in both),
# decodes the labelled packets on the core port with tshark, and stops everything it started.
# Needs root (network namespaces). KEEP_RUN=1 keeps the run directory (logs, pcaps).
#
# The data-path-only demo (vrfsec-demo, no IKE) is tools/demo-datapath.sh (make demo-datapath).
# Until make check's step "demo: pcaps decoded by tshark" calls that script directly, a call with
# OUT set (as that step makes it) is handed to it.
set -u
if [ -n "${OUT:-}" ] || [ "${1:-}" = datapath ]; then
	exec "$(dirname "$0")/demo-datapath.sh"
fi
. "$(cd "$(dirname "$0")/.." && pwd)/tests/interop/lib.sh"
il_init demo
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)"; exit 1; }
step() { printf '\n== %s\n' "$*"; }
die() { echo "demo: FAIL: $*"; IL_FAILED=1; exit 1; }

step "card (vrfsec-sim, cpu engine, TAPs), far PE with customers red (label 2001) and green (2002)"
il_card red:2001:1001 green:2002:1002 || die "card / far PE"
il_agent_conf "$RUN/vrfsecd.conf" <<EOC
  { name = "red-users"; vrf = "red"; match = [ "email:*@red.example" ];
    auth = { psk = ( { id = "email:*@red.example"; secret = "red-demo-psk-0123456789"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.0.0/24" ]; split = [ "10.100.0.0/16" ];
    esp_proposals = [ "aes256gcm16-noesn" ]; },
  { name = "green-users"; vrf = "green"; match = [ "email:*@green.example" ];
    auth = { psk = ( { id = "email:*@green.example"; secret = "green-demo-psk-9876543210"; } ); };
    local_id = "fqdn:vpn.vrfsec.test";
    pools = [ "10.1.0.0/24" ]; split = [ "10.100.0.0/16" ];
    esp_proposals = [ "aes256gcm16-noesn" ]; }
EOC
il_agent "$RUN/vrfsecd.conf" || die "vrfsecd"
echo "vrfsecd: public $PUB_IP, vrfs red (vpn label 1001) and green (1002), both with pool 10.1.0.0/24"
V show vrf
il_cap core "$CNS" "$CORE" || die "core capture"

step "strongSwan clients: alice@red.example and bob@green.example (charon + swanctl, vips = 0.0.0.0)"
il_client alice && il_charon alice alice@red.example red-demo-psk-0123456789 || die "client alice"
il_client bob && il_charon bob bob@green.example green-demo-psk-9876543210 || die "client bob"
il_initiate alice || die "alice could not connect"
il_initiate bob || die "bob could not connect"
echo "alice: virtual IP $(il_vip alice); bob: virtual IP $(il_vip bob)"

step "vrfsec show sessions"
V show sessions
step "vrfsec show routes"
V show routes

step "pings to the far host $FAR_HOST (the same address in both customers' namespaces)"
pa=$(ip netns exec "iclalice$P" ping -n -c 3 -i 0.2 -W 1 -p a1a1 "$FAR_HOST" | grep 'packets transmitted')
pb=$(ip netns exec "iclbob$P" ping -n -c 3 -i 0.2 -W 1 -p b0b0 "$FAR_HOST" | grep 'packets transmitted')
echo "alice (red):   $pa"
echo "bob (green):   $pb"
il_cap_stop core

step "core port: tshark decode of the labelled packets (to the far PE: transport 16 + VPN label)"
tshark -r "$RUN/core.pcap" -Y icmp -T fields -E header=y -E separator='|' -e frame.number -e eth.src \
	-e eth.dst -e mpls.label -e mpls.bottom -e ip.src -e ip.dst -e icmp.type -e data.data 2>/dev/null |
	awk -F'|' -v OFS='|' 'NR > 1 { $9 = substr($9, 17, 4) } { print }' | column -t -s '|'
red=$(tshark -r "$RUN/core.pcap" -Y "eth.dst == $FARPE_MAC && icmp && data.data contains a1:a1:a1:a1" -T fields -e mpls.label 2>/dev/null | sort -u)
green=$(tshark -r "$RUN/core.pcap" -Y "eth.dst == $FARPE_MAC && icmp && data.data contains b0:b0:b0:b0" -T fields -e mpls.label 2>/dev/null | sort -u)
echo
echo "alice's packets (payload a1a1) leave with labels $red; bob's (b0b0) with $green"

il_stop_pid "$FARPE"
step "far PE counters per customer label"
grep '^farpe' "$RUN/farpe.log"
[[ "$pa" == *" 3 received"* ]] && [[ "$pb" == *" 3 received"* ]] && [ "$red" = "16,2001" ] &&
	[ "$green" = "16,2002" ] || die "pings or labels"
echo
echo "demo: PASS: two customers, one pool range, each in its own VRF and label ($(il_elapsed)); stopping everything"
