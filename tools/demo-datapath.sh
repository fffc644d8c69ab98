#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make demo-datapath: customer traffic through both directions of the pipeline (vrfsec-demo, no
# IKE), pcaps, and tshark's view. make check runs it (step "demo: pcaps decoded by tshark").
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-build/demo}
ENGINE=${ENGINE:-cpu}
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT"/esp_sa.uat

build/bin/vrfsec-demo -e "$ENGINE" -o "$OUT"

# tshark gets every SA's key (AES key + salt) through its esp_sa table.
set --
while IFS= read -r l; do
	set -- "$@" -o "uat:esp_sa:$l"
done <"$OUT/esp_sa.uat"
ts() { tshark -o esp.enable_encryption_decode:TRUE "$@" 2>/dev/null; }

echo
echo "== public port ($OUT/public.pcap): ESP and ESP-in-UDP, decrypted by tshark with the SA keys"
ts -r "$OUT/public.pcap" "$@" -T fields -E header=y -e frame.number -e ip.src -e ip.dst \
	-e udp.dstport -e esp.spi -e esp.sequence -e esp.pad_len -e icmp.type \
	-E occurrence=a -E separator='|' -c 10 | column -t -s '|'
echo
echo "== core port ($OUT/core.pcap): MPLS label stacks (transport 16 + VPN label per VRF)"
tshark -r "$OUT/core.pcap" -T fields -E header=y -e frame.number -e eth.dst -e mpls.label \
	-e mpls.exp -e mpls.bottom -e mpls.ttl -e ip.src -e ip.dst -e ip.ttl -e icmp.type \
	-E separator='|' -c 8 2>/dev/null | column -t -s '|'

# The decode must agree with what the card did: every ESP frame on the public side decrypts to an
# ICMP packet with a correct checksum, and every core frame carries a VPN label of 1001..1003
# except the one the demo sends with an unknown label (4999) on purpose.
esp=$(ts -r "$OUT/public.pcap" "$@" -Y esp -T fields -e frame.number | wc -l)
good=$(ts -r "$OUT/public.pcap" "$@" -Y 'esp && icmp.checksum.status == 1' -T fields \
	-e frame.number | wc -l)
core=$(tshark -r "$OUT/core.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
vpn=$(tshark -r "$OUT/core.pcap" -Y 'mpls.bottom == 1 && ((mpls.label >= 1001 && mpls.label <= 1003) || mpls.label == 4999)' \
	-T fields -e frame.number 2>/dev/null | wc -l)
echo
echo "tshark: $good of $esp ESP frames decrypted to valid ICMP; $vpn of $core core frames carry a VPN label"
[ "$esp" -gt 0 ] && [ "$good" -eq "$esp" ] && [ "$core" -gt 0 ] && [ "$vpn" -eq "$core" ]
echo "demo: PASS (pcaps and keys in $OUT)"
