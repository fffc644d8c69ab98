#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Self-test of vrfsec-farpe: two customers with the same addresses behind one far PE. A labelled
# echo request sent on the core link reaches only the customer whose label it carries, and the
# reply comes back on the core link with that customer's return label. Needs root (namespaces).
set -eu
D=$(cd "$(dirname "$0")/../.." && pwd)
FARPE=${FARPE:-$D/build/bin/vrfsec-farpe}
RUN=$(mktemp -d -t vrfsec-farpe.XXXXXX)
P=$$
CORE=fpc$P
A=fpA$P
B=fpB$P
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	sleep 0.2
	for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "fpcore$P" 2>/dev/null || true
	ip netns del "fpa$P" 2>/dev/null || true
	ip netns del "fpb$P" 2>/dev/null || true
	if [ "${ok:-0}" = 1 ] && [ -z "${KEEP_RUN:-}" ]; then rm -rf "$RUN"; else echo "kept $RUN"; fi
}
trap cleanup EXIT
ip netns add "fpcore$P"
ip netns add "fpa$P"
ip netns add "fpb$P"
# core link: veth, the far PE on one end in namespace fpcore, the "card" (scapy) on the other
ip -n "fpcore$P" link add "$CORE" type veth peer name "${CORE}c"
ip -n "fpcore$P" link set "$CORE" address 02:fa:00:00:00:01 up
ip -n "fpcore$P" link set "${CORE}c" address 02:ca:4d:00:00:01 up
ip netns exec "fpcore$P" "$FARPE" --core "$CORE" --card-mac 02:ca:4d:00:00:01 \
	--vpn "100:1100:$A" --vpn "200:1200:$B" >"$RUN/farpe.log" 2>&1 &
pids="$!"
for i in $(seq 50); do
	ip -n "fpcore$P" link show "$B" >/dev/null 2>&1 && break
	sleep 0.1
done
ip -n "fpcore$P" link set "$A" netns "fpa$P"
ip -n "fpcore$P" link set "$B" netns "fpb$P"
for ns in a b; do
	dev=$A
	[ $ns = b ] && dev=$B
	ip -n "fp$ns$P" link set lo up
	ip -n "fp$ns$P" link set "$dev" up
	ip -n "fp$ns$P" addr add 10.9.0.1/24 dev "$dev"
	ip -n "fp$ns$P" route add default via 10.9.0.254
done
rc=0
ip netns exec "fpcore$P" /usr/bin/python3 - "${CORE}c" <<'PY' >"$RUN/scapy.log" 2>&1 || rc=$?
import sys, time
from scapy.all import Ether, IP, ICMP, Raw, AsyncSniffer, sendp, conf
from scapy.contrib.mpls import MPLS
conf.verb = 0
dev = sys.argv[1]
sn = AsyncSniffer(iface=dev, filter="mpls")
sn.start()
time.sleep(0.5)
for label, payload in ((100, b"customer-A"), (200, b"customer-B"), (300, b"nobody")):
    f = (Ether(dst="02:fa:00:00:00:01", src="02:ca:4d:00:00:01") /
         MPLS(label=16000, s=0, ttl=64) / MPLS(label=label, s=1, ttl=64) /
         IP(src="10.8.0.5", dst="10.9.0.1") / ICMP(id=label, seq=1) / Raw(payload))
    sendp(f, iface=dev)
    time.sleep(0.3)
time.sleep(0.7)
got = {}
for p in sn.stop():
    if MPLS in p and p[Ether].src == "02:fa:00:00:00:01" and ICMP in p and p[ICMP].type == 0:
        got[p[ICMP].id] = (p[MPLS].label, bytes(p[Raw].load))
print("replies", got)
ok = got.get(100) == (1100, b"customer-A") and got.get(200) == (1200, b"customer-B") and 300 not in got
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
kill "$pids"
wait "$pids" 2>/dev/null || true
pids=""
cat "$RUN/scapy.log"
[ "$rc" = 0 ] || exit 1
grep "^farpe" "$RUN/farpe.log"
grep -q "label_in=100 .*to_customer=1 " "$RUN/farpe.log"
grep -q "label_in=200 .*to_customer=1 " "$RUN/farpe.log"
grep -q "unknown_label=1 " "$RUN/farpe.log"
ok=1
echo "farpe: 2 customers, same addresses, each label delivered only to its own namespace, replies relabelled"
