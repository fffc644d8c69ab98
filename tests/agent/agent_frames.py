#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Frames for tests/agent/agent_test.sh, sent and checked with scapy on the simulated card's TAP
# ports: "nd PUB" (ARP and IPv6 neighbour solicitation for the public address, answers
# checked; IKE on 500 and 4500 and a NAT-T keepalive), "esp PUB CORE KEY_IN KEY_OUT" (ESP-in-UDP from a client through the card to the
# core with the VPN's labels, and an MPLS reply from the core back into the tunnel, decrypted),
# "esp-dropped PUB CORE KEY_IN" (after the session is cleared nothing reaches the core).
import sys, time
import warnings
warnings.filterwarnings("ignore")
from scapy.all import (Ether, ARP, IP, IPv6, UDP, ICMP, Raw, AsyncSniffer, sendp, conf,
                       bind_layers, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptDstLLAddr)
from scapy.layers.ipsec import SecurityAssociation, ESP
from scapy.contrib.mpls import MPLS

conf.verb = 0
PUB_MAC, CORE_MAC = "02:56:52:46:00:01", "02:56:52:46:00:02"
GW_MAC, GW_IP = "02:99:00:00:00:01", "203.0.113.254"
PUB_IP, PUB_IP6 = "203.0.113.1", "2001:db8:ff::1"
PEER, PEER_PORT, VIP = "198.51.100.7", 40001, "10.1.0.1"
FARPE_MAC, HQ = "02:50:52:54:52:01", "10.100.5.5"
fails = []


def check(what, ok, detail=""):
    print("%s: %s %s" % (what, "PASS" if ok else "FAIL", detail))
    if not ok:
        fails.append(what)


def sniff_start(iface, flt):
    s = AsyncSniffer(iface=iface, filter=flt, store=True)
    s.start()
    time.sleep(0.3)
    return s


def nd(pub):
    s = sniff_start(pub, "arp or icmp6")
    sendp(Ether(dst="ff:ff:ff:ff:ff:ff", src=GW_MAC) /
          ARP(op=1, hwsrc=GW_MAC, psrc=GW_IP, pdst=PUB_IP), iface=pub)
    sendp(Ether(dst="33:33:ff:00:00:01", src=GW_MAC) /
          IPv6(src="fe80::99", dst="ff02::1:ff00:1", hlim=255) /
          ICMPv6ND_NS(tgt=PUB_IP6) / ICMPv6NDOptSrcLLAddr(lladdr=GW_MAC), iface=pub)
    time.sleep(1.0)
    got = s.stop()
    arp = [p for p in got if ARP in p and p[ARP].op == 2]
    check("arp reply for " + PUB_IP, len(arp) == 1 and arp[0][ARP].hwsrc == PUB_MAC and
          arp[0][ARP].psrc == PUB_IP and arp[0][Ether].dst == GW_MAC,
          arp[0].summary() if arp else "(none)")
    na = [p for p in got if ICMPv6ND_NA in p]
    check("neighbour advertisement for " + PUB_IP6, len(na) == 1 and na[0][ICMPv6ND_NA].tgt == PUB_IP6
          and ICMPv6NDOptDstLLAddr in na[0] and na[0][ICMPv6NDOptDstLLAddr].lladdr == PUB_MAC
          and na[0][ICMPv6ND_NA].S == 1, na[0].summary() if na else "(none)")


def ike(pub):
    """IKE_SA_INIT-shaped datagrams on UDP 500 and (with the non-ESP marker) on 4500, and a
    NAT-T keepalive: the agent counts them (the IKE hook has nothing attached yet)."""
    hdr = bytes(range(16)) + bytes([33, 0x20, 34, 0x08]) + bytes(4) + (28).to_bytes(4, "big")
    base = Ether(dst=PUB_MAC, src=GW_MAC) / IP(src=PEER, dst=PUB_IP)
    sendp(base / UDP(sport=500, dport=500) / Raw(hdr), iface=pub)
    sendp(base / UDP(sport=PEER_PORT, dport=4500) / Raw(bytes(4) + hdr), iface=pub)
    sendp(base / UDP(sport=PEER_PORT, dport=4500) / Raw(b"\xff"), iface=pub)
    time.sleep(0.5)
    check("IKE datagrams and a keepalive sent", True)


def sa(key_hex, spi, src, dst, sport, dport):
    k = bytes.fromhex(key_hex)
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=k,
                               tunnel_header=IP(src=src, dst=dst),
                               nat_t_header=UDP(sport=sport, dport=dport))


def client_esp(key_in, seq, payload):
    e = sa(key_in, 0x1000, PEER, PUB_IP, PEER_PORT, 4500).encrypt(
        IP(src=VIP, dst=HQ, ttl=64) / ICMP(type=8, id=77, seq=seq) / Raw(payload), seq_num=seq)
    e[UDP].len = None
    e[UDP].chksum = None
    return Ether(dst=PUB_MAC, src=GW_MAC) / e


def esp(pub, core, key_in, key_out):
    bind_layers(UDP, ESP, dport=PEER_PORT)
    cs = sniff_start(core, "mpls")
    ps = sniff_start(pub, "udp")
    sendp(client_esp(key_in, 1, b"agent-test-up"), iface=pub)
    time.sleep(0.5)
    sendp(Ether(dst=CORE_MAC, src=FARPE_MAC) / MPLS(label=1001, s=1, ttl=64) /
          IP(src=HQ, dst=VIP, ttl=64) / ICMP(type=0, id=77, seq=1) / Raw(b"agent-test-down"),
          iface=core)
    time.sleep(1.0)
    up = [p for p in cs.stop() if MPLS in p and p[Ether].src == CORE_MAC]
    ok = False
    if up:
        p = up[0]
        labels = []
        m = p[MPLS]
        while isinstance(m, MPLS):
            labels.append(m.label)
            m = m.payload
        inner = IP(bytes(m)) if not isinstance(m, IP) else m
        ok = (labels == [16, 2001] and p[Ether].dst == FARPE_MAC and inner.src == VIP and
              inner.dst == HQ and ICMP in inner and bytes(inner[Raw].load) == b"agent-test-up")
        detail = "labels %s -> %s, %s -> %s" % (labels, p[Ether].dst, inner.src, inner.dst)
    else:
        detail = "(no MPLS frame on the core port)"
    check("client ESP decrypted by the card, sent to the core with the VPN labels", ok, detail)
    down = [p for p in ps.stop() if UDP in p and p[UDP].sport == 4500 and p[IP].src == PUB_IP]
    ok = False
    detail = "(no ESP-in-UDP on the public port)"
    if down:
        p = down[0]
        out = sa(key_out, 0x2000, PUB_IP, PEER, 4500, PEER_PORT)
        d = out.decrypt(IP(bytes(p[IP])))
        ok = (p[Ether].dst == GW_MAC and p[UDP].dport == PEER_PORT and p[ESP].spi == 0x2000 and
              d[IP].src == HQ and d[IP].dst == VIP and bytes(d[Raw].load) == b"agent-test-down")
        detail = "spi 0x%x to %s:%u via %s, inner %s -> %s" % (
            p[ESP].spi, p[IP].dst, p[UDP].dport, p[Ether].dst, d[IP].src, d[IP].dst)
    check("core reply encrypted into the tunnel towards the NAT mapping (decrypted)", ok, detail)


def esp_dropped(pub, core, key_in):
    cs = sniff_start(core, "mpls")
    sendp(client_esp(key_in, 2, b"after-clear"), iface=pub)
    time.sleep(0.8)
    up = [p for p in cs.stop() if MPLS in p and p[Ether].src == CORE_MAC]
    check("after clear session, the client's ESP no longer reaches the core", not up)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "nd":
        nd(sys.argv[2])
        ike(sys.argv[2])
    elif cmd == "esp":
        esp(*sys.argv[2:6])
    elif cmd == "esp-dropped":
        esp_dropped(*sys.argv[2:5])
    sys.exit(1 if fails else 0)
