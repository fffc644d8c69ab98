#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The README's card flow as a user types it: vrfsec-sim, vrfsec-card, tshark decrypting the capture.
# Usage: tests/card/readme_flow.sh [BINDIR]   (BINDIR defaults to build/bin)
set -eu
cd "$(dirname "$0")/../.."
BIN=${1:-build/bin}
# the README says "demo"; here a unique name, so parallel runs do not meet (vrfsec-cardtest
# passes one of its own, so its check for leftover shared memory covers this card too)
N=${VRFSEC_SIM_NAME:-readme-$$}
D=$(mktemp -d)
SIM=

# Stop the simulator we started, by PID (TERM, then KILL after 5 s), and leave nothing behind.
cleanup() {
	if [ -n "$SIM" ] && kill -0 "$SIM" 2>/dev/null; then
		kill -TERM "$SIM" 2>/dev/null || true
		i=0
		while kill -0 "$SIM" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$SIM" 2>/dev/null || true
		wait "$SIM" 2>/dev/null || true
	fi
	rm -f "/dev/shm/vrfsec-$N.bar" "/dev/shm/vrfsec-$N.mem"
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() {
	echo "readme-flow: FAIL: $*"
	exit 1
}

# ---- the README snippet, with $N for "demo" -------------------------------------------------
/usr/bin/python3 tests/card/gen_frames.py readme "$D/core-in.pcap"
"$BIN/vrfsec-sim" --name "$N" --engine cpu --port "core=pcap:$D/core-in.pcap," \
	--port "public=pcap:,$D/public-out.pcap" --exit-when-done >"$D/sim.log" 2>&1 &
SIM=$!
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$D/sa1.key"
C="$BIN/vrfsec-card sim:$N"
i=0
until $C info >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the simulator did not come up: $(tail -n 3 "$D/sim.log")"
	sleep 0.05
done
$C vrf set 1
$C label add 1001 vrf 1
$C sa add 1 dir out spi 0x1001 src 203.0.113.1 dst 198.51.100.7 key-file "$D/sa1.key" \
	salt 0a0b0c0d vrf 1
$C nh set 1 kind sa sa 1
$C route add vrf 1 10.1.0.0/16 nh 1
$C enable
# ---- end of snippet -------------------------------------------------------------------------

# --exit-when-done: the card stops once it read the input; the capture is then complete. A
# watchdog stops a card that never finishes, and says so.
# (short sleeps: killing the watchdog leaves no long sleep behind)
(i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
 touch "$D/timeout"; kill -TERM "$SIM") 2>/dev/null &
WD=$!
rc=0
wait "$SIM" || rc=$?
SIM=
kill "$WD" 2>/dev/null || true
wait "$WD" 2>/dev/null || true
[ ! -e "$D/timeout" ] || fail "the simulator did not finish within 10 s"
[ "$rc" -eq 0 ] || fail "vrfsec-sim exited with status $rc: $(tail -n 3 "$D/sim.log")"

# tshark's ESP SA table: any addresses, the SPI, AES-GCM, key followed by salt, no auth
ALG="AES-GCM with 16 octet ICV [RFC4106]"
UAT="\"IPv4\",\"*\",\"*\",\"0x00001001\",\"$ALG\",\"0x$(cat "$D/sa1.key")0a0b0c0d\",\"NULL\",\"\""
out=$(tshark -r "$D/public-out.pcap" -o esp.enable_encryption_decode:TRUE -o "uat:esp_sa:$UAT" \
	-Y 'esp.spi == 0x1001 && icmp' -T fields -e ip.src -e ip.dst -e icmp.checksum.status \
	-e data.data -E occurrence=a -E separator='|' 2>/dev/null)
echo "tshark: $out"
# the outer pair, then the decrypted inner pair; checksum good; the payload the frame carried
hello=$(printf 'hello through vrfsec' | od -An -tx1 | tr -d ' \n')
case "$out" in
"203.0.113.1,10.9.0.1|198.51.100.7,10.1.0.5|1|$hello") ;;
*) fail "tshark did not decrypt the card's ESP to the packet sent" ;;
esac
# and without the key tshark sees only ESP: the decryption above was real
plain=$(tshark -r "$D/public-out.pcap" -Y icmp -T fields -e frame.number 2>/dev/null | wc -l)
[ "$plain" -eq 0 ] || fail "ICMP visible without the key"
echo "readme-flow: tshark decrypted the card's ESP (SPI 0x1001) to 10.9.0.1 -> 10.1.0.5" \
	"with the SA's key"
