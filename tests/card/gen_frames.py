#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Frames for vrfsec-cardtest built by scapy (an independent ESP/MPLS implementation), and the
# decryption of card output with scapy. Run with Debian's /usr/bin/python3 (python3-scapy).
"""
gen_frames.py frames SPEC.json OUTDIR
    Write OUTDIR/{public,core,inside}-in.pcap from the flows in SPEC (written by vrfsec-cardtest):
    ESP and ESP-in-UDP (tunnel mode, AES-GCM, optional ESN, IPv4 or IPv6 outer), MPLS with VPN
    labels, 802.1Q, IKE, NAT-T keepalives. Frames go out in the order the flows list them.
gen_frames.py decrypt OUT.pcap SPI KEYHEX SALTHEX ORIG.pcap
    Decrypt every ESP frame of SPI in OUT.pcap with the key and check that the inner packet is
    one of ORIG.pcap's MPLS payloads after one router hop (TTL - 1). Prints a summary line.
gen_frames.py readme OUT.pcap
    The one MPLS frame of the README flow: VPN label 1001, 10.9.0.1 -> 10.1.0.5, ICMP echo.
"""
import json
import os
import sys

from scapy.all import (ICMP, IP, UDP, Dot1Q, Ether, ICMPv6EchoRequest, IPv6, Raw, rdpcap,
                       wrpcap)
from scapy.contrib.mpls import MPLS
from scapy.layers.ipsec import ESP, SecurityAssociation


def inner_packet(spec, flow_no, k):
    """The k-th inner packet of a flow: ICMP echo whose id and seq say which one it is."""
    size = spec.get("size", 48) + 13 * k
    payload = Raw(bytes((flow_no * 31 + k * 7 + i) & 0xFF for i in range(size)))
    if spec["af"] == 6:
        return IPv6(src=spec["src"], dst=spec["dst"], hlim=spec.get("ttl", 64),
                    tc=spec.get("tos", 0)) / ICMPv6EchoRequest(id=flow_no, seq=k) / payload
    return IP(src=spec["src"], dst=spec["dst"], ttl=spec.get("ttl", 64), tos=spec.get("tos", 0),
              id=flow_no * 256 + k) / ICMP(id=flow_no, seq=k) / payload


def security_association(sa):
    outer = IP if sa["af"] == 4 else IPv6
    nat_t = UDP(sport=sa["udp"][0], dport=sa["udp"][1]) if sa.get("udp") else None
    return SecurityAssociation(ESP, spi=sa["spi"], crypt_algo="AES-GCM",
                               crypt_key=bytes.fromhex(sa["key"] + sa["salt"]), auth_algo=None,
                               tunnel_header=outer(src=sa["src"], dst=sa["dst"]),
                               nat_t_header=nat_t, esn_en=sa.get("esn", False), esn=0)


def esp_frames(flow, flow_no, eth):
    sa = security_association(flow["sa"])
    out = []
    for k, seq in enumerate(flow["seqs"]):
        iv = (0x5EC0000000000000 + flow_no * 0x10000 + seq).to_bytes(8, "big")
        pkt = sa.encrypt(inner_packet(flow["inner"], flow_no, k), seq_num=seq, iv=iv)
        if flow["sa"].get("udp"):
            # scapy 2.5.0 freezes the UDP length at 8 while building the NAT-T header:
            # let it be computed again over the ESP payload; RFC 3948 wants checksum 0
            pkt[UDP].len = None
            pkt[UDP].chksum = 0
        raw = bytearray(bytes(eth / pkt))
        if flow.get("corrupt"):
            raw[-1] ^= 0x01  # last ICV byte
        out.append(bytes(raw))
    return out


def frames_for(flow, flow_no, macs):
    card, peer = macs
    eth = Ether(dst=card, src=peer)
    kind = flow["kind"]
    if kind == "esp":
        return esp_frames(flow, flow_no, eth)
    n = flow.get("count", 1)
    if kind == "mpls":
        out = []
        for k in range(n):
            stack = None
            for i, label in enumerate(flow["labels"]):
                m = MPLS(label=label, s=1 if i == len(flow["labels"]) - 1 else 0,
                         ttl=flow.get("ttl", 64), cos=0)
                stack = m if stack is None else stack / m
            out.append(bytes(Ether(dst=card, src=peer, type=0x8847) / stack /
                             inner_packet(flow["inner"], flow_no, k)))
        return out
    if kind == "vlan":
        return [bytes(eth / Dot1Q(vlan=flow["vlan"]) / inner_packet(flow["inner"], flow_no, k))
                for k in range(n)]
    if kind == "ike":
        # IKE_SA_INIT header (RFC 7296 3.1): SPIi, SPIr 0, next payload SA, version 2.0
        ike = bytes.fromhex("1122334455667788" "0000000000000000" "21202208" "00000000"
                            "0000001c")
        return [bytes(eth / IP(src=flow["src"], dst=flow["dst"]) / UDP(sport=500, dport=500) /
                      Raw(ike))]
    if kind == "keepalive":
        return [bytes(eth / IP(src=flow["src"], dst=flow["dst"]) / UDP(sport=4500, dport=4500) /
                      Raw(b"\xff"))]
    raise SystemExit("gen_frames: unknown flow kind %r" % kind)


def cmd_frames(spec_path, outdir):
    with open(spec_path) as f:
        spec = json.load(f)
    macs = (spec["card_mac"], spec["peer_mac"])
    ports = {"public": [], "core": [], "inside": []}
    for no, flow in enumerate(spec["flows"]):
        ports[flow["port"]].extend(frames_for(flow, no + 1, macs))
    for name, frames in ports.items():
        wrpcap(os.path.join(outdir, name + "-in.pcap"), [Ether(f) for f in frames],
               linktype=1)
    print("gen_frames: %d public, %d core, %d inside frames" %
          (len(ports["public"]), len(ports["core"]), len(ports["inside"])))


def hop(pkt):
    """An IPv4 packet as a router passes it on: TTL - 1, checksum recomputed."""
    p = pkt.copy()
    p.ttl -= 1
    del p.chksum
    return bytes(p.__class__(bytes(p)))


def cmd_decrypt(out_pcap, spi, key, salt, orig_pcap):
    spi = int(spi, 0)
    originals = set()
    for f in rdpcap(orig_pcap):
        if f.haslayer(MPLS) and f.haslayer(IP):
            originals.add(hop(f[IP]))
    done = 0
    for f in rdpcap(out_pcap):
        if not f.haslayer(ESP) or f[ESP].spi != spi:
            continue
        outer = f[IP]
        sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM",
                                 crypt_key=bytes.fromhex(key + salt), auth_algo=None,
                                 tunnel_header=IP(src=outer.src, dst=outer.dst))
        inner = sa.decrypt(outer)  # raises when the ICV does not verify
        if bytes(inner) not in originals:
            raise SystemExit("gen_frames: SPI 0x%x seq %d decrypts to a packet that was never "
                             "sent: %s" % (spi, f[ESP].seq, inner.summary()))
        done += 1
    if done == 0:
        raise SystemExit("gen_frames: no ESP frame with SPI 0x%x in %s" % (spi, out_pcap))
    print("scapy decrypted %d card frames of SPI 0x%x: each the packet sent, one hop on" %
          (done, spi))


def cmd_readme(out_pcap):
    frame = (Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02", type=0x8847) /
             MPLS(label=1001, s=1, ttl=64) / IP(src="10.9.0.1", dst="10.1.0.5") / ICMP() /
             Raw(b"hello through vrfsec"))
    wrpcap(out_pcap, [frame], linktype=1)


def main(argv):
    if len(argv) == 4 and argv[1] == "frames":
        cmd_frames(argv[2], argv[3])
    elif len(argv) == 7 and argv[1] == "decrypt":
        cmd_decrypt(*argv[2:])
    elif len(argv) == 3 and argv[1] == "readme":
        cmd_readme(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
