#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# gen_esp_scapy: generate full-packet ESP AES-GCM vectors with scapy (esp_gcm_scapy.txt).
"""Generate tests/vectors/data/esp_gcm_scapy.txt: full-packet ESP AES-GCM vectors made by scapy.

The packets are sealed by scapy's SecurityAssociation (an ESP implementation not written for
vrfsec), then re-checked three ways before they are written:
  1. scapy's own SecurityAssociation.decrypt gives back the inner packet;
  2. an independent parse of the bytes here plus python-cryptography's AESGCM (nonce salt||iv,
     AAD spi||seq or spi||seq_hi||seq_lo) gives back the payload, the trailer is 1,2,3..,
     pad length, next header, and the outer IPv4/IPv6 and UDP headers are what the case asked;
  3. tshark (if installed) decrypts the packet with a one-SA esp_sa table and must find the ICV
     good and the same decrypted bytes (tshark 4.0 has no ESN: for ESN cases it can only be
     checked that it reports the ICV bad while the deciphered bytes still match).

Run:  /usr/bin/python3 tests/vectors/gen/gen_esp_scapy.py [--no-tshark] [-o OUTPUT]
(needs Debian python3-scapy 2.5.0 and python3-cryptography). Output is deterministic: every case
draws its key, salt, SPI, IV and payload bytes from random.Random(seed) with a fixed seed.
"""
import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import scapy
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.utils import wrpcap

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "data", "esp_gcm_scapy.txt"))
SCAPY_VERSION = scapy.__version__
SOURCE = ("generated with scapy %s SecurityAssociation (Debian python3-scapy), "
          "tests/vectors/gen/gen_esp_scapy.py, seed %d")

# Addresses from the documentation ranges (RFC 5737, RFC 3849) and private inner space.
O4 = ("198.51.100.1", "203.0.113.9")
O6 = ("2001:db8:a::1", "2001:db8:b::9")
I4 = ("10.1.0.5", "10.2.0.7")
I6 = ("2001:db8:100::5", "2001:db8:200::7")

# One line per case:
# (seed, name, key bytes, mode, outer, inner, l4, payload len, udp ports, esn hi, seq lo)
#   outer: dict of outer header fields ('v': 4 or 6); in transport mode the inner header is kept
#   inner: dict of inner header fields ('v': 4 or 6)
CASES = [
    (4101, "tunnel IPv4-in-IPv4 ICMP empty echo", 16, "tunnel",
     dict(v=4, tos=0x00, ttl=64, id=0x0001, df=False), dict(v=4, ttl=64, id=0x1234), "icmp", 0,
     None, None, 1),
    (4102, "tunnel IPv4-in-IPv4 UDP 1-byte payload, DF, DSCP EF, TTL 255", 24, "tunnel",
     dict(v=4, tos=0xb8, ttl=255, id=0x5a5a, df=True), dict(v=4, ttl=33, id=0x0102, df=True),
     "udp", 1, None, None, 2),
    (4103, "tunnel IPv4-in-IPv4 TCP 100-byte payload, AES-256", 32, "tunnel",
     dict(v=4, tos=0x28, ttl=17, id=0xfffe, df=True), dict(v=4, ttl=128, id=0xbeef, df=True),
     "tcp", 100, None, None, 0x7fffffff),
    (4104, "tunnel IPv6-in-IPv4 UDP 3-byte payload", 16, "tunnel",
     dict(v=4, tos=0x48, ttl=200, id=0x0a0b, df=False), dict(v=6, hlim=64, tc=0, fl=0), "udp", 3,
     None, None, 5),
    (4105, "tunnel IPv6-in-IPv4 ICMPv6 echo 56 bytes, DF, AES-192", 24, "tunnel",
     dict(v=4, tos=0x00, ttl=64, id=0x4000, df=True), dict(v=6, hlim=255, tc=0x20, fl=0x12345),
     "icmp", 56, None, None, 77),
    (4106, "tunnel IPv4-in-IPv6 ICMP echo 57 bytes, traffic class and flow label", 32, "tunnel",
     dict(v=6, tc=0xb8, fl=0xabcde, hlim=64), dict(v=4, ttl=64, id=0x0042), "icmp", 57,
     None, None, 1000),
    (4107, "tunnel IPv4-in-IPv6 TCP 2-byte payload, hop limit 1", 16, "tunnel",
     dict(v=6, tc=0x00, fl=0x00000, hlim=1), dict(v=4, ttl=2, id=0x7777, df=True), "tcp", 2,
     None, None, 3),
    (4108, "tunnel IPv6-in-IPv6 UDP 1400-byte payload, AES-256", 32, "tunnel",
     dict(v=6, tc=0x28, fl=0xfffff, hlim=255), dict(v=6, hlim=64, tc=0, fl=0x00001), "udp", 1400,
     None, None, 0xfffffffe),
    (4109, "tunnel IPv6-in-IPv6 TCP 0-byte payload (bare ACK), AES-192", 24, "tunnel",
     dict(v=6, tc=0x01, fl=0x00100, hlim=17), dict(v=6, hlim=2, tc=0x00, fl=0), "tcp", 0,
     None, None, 9),
    (4110, "tunnel IPv4-in-IPv4 UDP 1400-byte payload", 16, "tunnel",
     dict(v=4, tos=0x20, ttl=64, id=0x8001, df=True), dict(v=4, ttl=64, id=0x0001, df=True),
     "udp", 1400, None, None, 123456),
    (4111, "NAT-T 4500/4500 tunnel IPv4-in-IPv4 over IPv4, ICMP 64 bytes", 16, "tunnel",
     dict(v=4, tos=0x00, ttl=64, id=0x1111, df=True), dict(v=4, ttl=64, id=0x2222), "icmp", 64,
     (4500, 4500), None, 1),
    (4112, "NAT-T 7501/8501 tunnel IPv6-in-IPv4 over IPv4, TCP 33 bytes, AES-256", 32, "tunnel",
     dict(v=4, tos=0x68, ttl=99, id=0x0000, df=False), dict(v=6, hlim=64, tc=0, fl=0), "tcp", 33,
     (7501, 8501), None, 42),
    (4113, "NAT-T 4500/4500 tunnel IPv4-in-IPv6 over IPv6, UDP 512 bytes, AES-192", 24, "tunnel",
     dict(v=6, tc=0x48, fl=0x54321, hlim=64), dict(v=4, ttl=64, id=0x3333, df=True), "udp", 512,
     (4500, 4500), None, 65536),
    (4114, "NAT-T 7501/8501 tunnel IPv6-in-IPv6 over IPv6, ICMPv6 echo 1 byte", 16, "tunnel",
     dict(v=6, tc=0x00, fl=0x00abc, hlim=128), dict(v=6, hlim=64, tc=0, fl=0x77777), "icmp", 1,
     (7501, 8501), None, 8),
    (4115, "transport IPv4 ICMP echo 20 bytes", 16, "transport",
     None, dict(v=4, ttl=64, id=0x4444, df=True, tos=0x10), "icmp", 20, None, None, 1),
    (4116, "transport IPv4 UDP 1 byte, AES-256", 32, "transport",
     None, dict(v=4, ttl=20, id=0x4445, df=False), "udp", 1, None, None, 2),
    (4117, "transport IPv6 TCP 99 bytes", 16, "transport",
     None, dict(v=6, hlim=64, tc=0x28, fl=0x0beef), "tcp", 99, None, None, 3),
    (4118, "transport IPv6 ICMPv6 echo 2 bytes, AES-192", 24, "transport",
     None, dict(v=6, hlim=255, tc=0, fl=0), "icmp", 2, None, None, 4),
    (4119, "NAT-T 4500/4500 transport IPv4 UDP 300 bytes", 16, "transport",
     None, dict(v=4, ttl=64, id=0x5555, df=True), "udp", 300, (4500, 4500), None, 5),
    (4120, "NAT-T 7501/8501 transport IPv6 TCP 1 byte, AES-256", 32, "transport",
     None, dict(v=6, hlim=64, tc=0, fl=0x10001), "tcp", 1, (7501, 8501), None, 6),
    (4121, "NAT-T 7501/8501 transport IPv4 ICMP 0 bytes, AES-192", 24, "transport",
     None, dict(v=4, ttl=64, id=0x5556), "icmp", 0, (7501, 8501), None, 7),
    (4122, "ESN tunnel IPv4-in-IPv4 UDP 10 bytes, seq 0x00000001_00000000", 16, "tunnel",
     dict(v=4, tos=0x00, ttl=64, id=0x0101, df=True), dict(v=4, ttl=64, id=0x0202), "udp", 10,
     None, 0x00000001, 0x00000000),
    (4123, "ESN tunnel IPv6-in-IPv6 ICMPv6 echo 100 bytes, AES-256", 32, "tunnel",
     dict(v=6, tc=0xb8, fl=0x00001, hlim=64), dict(v=6, hlim=64, tc=0, fl=0), "icmp", 100,
     None, 0x12345678, 0x9abcdef0),
    (4124, "ESN NAT-T 4500/4500 tunnel IPv4-in-IPv6, TCP 1400 bytes, AES-192", 24, "tunnel",
     dict(v=6, tc=0x20, fl=0xcafe1, hlim=32), dict(v=4, ttl=64, id=0x0303, df=True), "tcp", 1400,
     (4500, 4500), 0xfffffffe, 0xffffffff),
    (4125, "ESN NAT-T 7501/8501 tunnel IPv6-in-IPv4, UDP 7 bytes", 16, "tunnel",
     dict(v=4, tos=0xb8, ttl=64, id=0x0404, df=True), dict(v=6, hlim=64, tc=0, fl=0), "udp", 7,
     (7501, 8501), 0x00000002, 0x00000011),
    (4126, "ESN transport IPv4 TCP 3 bytes", 16, "transport",
     None, dict(v=4, ttl=64, id=0x0505, df=True), "tcp", 3, None, 0x80000000, 0x00000001),
    (4127, "ESN transport IPv6 UDP 1000 bytes, AES-256", 32, "transport",
     None, dict(v=6, hlim=64, tc=0, fl=0), "udp", 1000, None, 0x00000003, 0x00000400),
    (4128, "ESN NAT-T 4500/4500 transport IPv6 ICMPv6 echo 5 bytes, AES-192", 24, "transport",
     None, dict(v=6, hlim=64, tc=0, fl=0), "icmp", 5, (4500, 4500), 0x00000001, 0x00000002),
]


# Inner destination ports without a Wireshark dissector: random payload bytes to DNS, SSH, BGP...
# make tshark throw "malformed" inside the ESP tree before it adds the ICV and trailer fields.
DPORTS = [9, 40000, 50000, 60000]


def inner_packet(rng, inner, l4, plen, src_dst):
    """Build the inner IP packet (scapy computes lengths and checksums)."""
    src, dst = src_dst
    payload = rng.randbytes(plen)
    if inner["v"] == 4:
        ip = IP(src=src, dst=dst, ttl=inner["ttl"], id=inner["id"], tos=inner.get("tos", 0),
                flags="DF" if inner.get("df") else 0)
    else:
        ip = IPv6(src=src, dst=dst, hlim=inner["hlim"], tc=inner["tc"], fl=inner["fl"])
    sport = rng.randrange(49152, 65536)
    if l4 == "icmp":
        ident, seq = rng.randrange(65536), rng.randrange(1, 65536)
        if inner["v"] == 4:
            pkt = ip / ICMP(type=8, code=0, id=ident, seq=seq) / payload
        else:
            pkt = ip / ICMPv6EchoRequest(id=ident, seq=seq, data=payload)
    elif l4 == "udp":
        pkt = ip / UDP(sport=sport, dport=rng.choice(DPORTS)) / payload
    else:
        pkt = ip / TCP(sport=sport, dport=rng.choice(DPORTS),
                       seq=rng.getrandbits(32), ack=rng.getrandbits(32),
                       flags="PA" if plen else "A", window=rng.randrange(1024, 65536)) / payload
    return bytes(pkt)


def outer_header(outer, addrs):
    if outer["v"] == 4:
        return IP(src=addrs[0], dst=addrs[1], tos=outer["tos"], ttl=outer["ttl"], id=outer["id"],
                  flags="DF" if outer["df"] else 0)
    return IPv6(src=addrs[0], dst=addrs[1], tc=outer["tc"], fl=outer["fl"], hlim=outer["hlim"])


def seal_with_scapy(c, inner_bytes):
    """Seal the inner packet with scapy; return the bytes on the wire and the SA."""
    sa = SecurityAssociation(
        ESP, spi=c["spi"], crypt_algo="AES-GCM", crypt_key=c["key"] + c["salt"],
        tunnel_header=outer_header(c["outer"], O4 if c["outer"]["v"] == 4 else O6)
        if c["mode"] == "tunnel" else None,
        nat_t_header=UDP(sport=c["udp"][0], dport=c["udp"][1]) if c["udp"] else None,
        esn_en=c["esn"], esn=c["seq"] >> 32, seq_num=c["seq"] & 0xffffffff)
    pkt = IP(inner_bytes) if inner_bytes[0] >> 4 == 4 else IPv6(inner_bytes)
    # seq_num=None: scapy's encrypt uses 'seq_num or self.seq_num', so a low word of 0 must
    # come from the SA; the SA was created with the low 32 bits.
    out = sa.encrypt(pkt, seq_num=None, iv=c["iv"])
    if c["udp"]:
        # scapy 2.5.0 rebuilds the IPv4 header with the UDP header alone, freezing udp.len at 8;
        # let it be recomputed. RFC 3948 section 2.1: the checksum SHOULD be transmitted as 0.
        out[UDP].len = None
        out[UDP].chksum = 0
    return bytes(out), sa


def esp_offset(b, udp):
    """Independent parse: offset of the ESP header, the IP header length, the UDP offset."""
    if b[0] >> 4 == 4:
        hl = (b[0] & 15) * 4
        proto = b[9]
    else:
        hl = 40
        proto = b[6]
    if udp:
        assert proto == 17, "outer protocol is not UDP"
        return hl + 8, hl
    assert proto == 50, "outer protocol is not ESP"
    return hl, hl


def ipv4_csum(h):
    s = 0
    for i in range(0, len(h), 2):
        s += h[i] << 8 | h[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def check_independent(c, inner, out):
    """Parse and open `out` without scapy; return (pad_len, next_header, checks list)."""
    checks = []
    esp, hl = esp_offset(out, c["udp"])
    v4 = out[0] >> 4 == 4
    if v4:
        assert struct.unpack("!H", out[2:4])[0] == len(out), "outer total length"
        assert ipv4_csum(out[:hl]) == 0, "outer IPv4 checksum"
        checks += ["outer_ipv4_len", "outer_ipv4_csum"]
    else:
        assert struct.unpack("!H", out[4:6])[0] == len(out) - 40, "outer payload length"
        checks.append("outer_ipv6_plen")
    if c["udp"]:
        sport, dport, ulen, ucs = struct.unpack("!HHHH", out[hl:hl + 8])
        assert (sport, dport) == c["udp"], "UDP ports"
        assert ulen == len(out) - hl, "UDP length"
        assert ucs == 0, "UDP checksum not zero"
        assert out[esp:esp + 4] != b"\0\0\0\0", "non-ESP marker"
        checks += ["udp_ports", "udp_len", "udp_csum_zero"]
    spi, seq_lo = struct.unpack("!II", out[esp:esp + 8])
    assert spi == c["spi"] and seq_lo == c["seq"] & 0xffffffff, "SPI/seq on the wire"
    assert out[esp + 8:esp + 16] == c["iv"], "IV on the wire"
    checks += ["spi", "seq_lo", "iv_field"]
    if c["esn"]:
        aad = struct.pack("!III", spi, c["seq"] >> 32, seq_lo)
    else:
        aad = struct.pack("!II", spi, seq_lo)
    body = out[esp + 16:]
    pt = AESGCM(c["key"]).decrypt(c["salt"] + c["iv"], body, aad)
    checks.append("aesgcm_decrypt_icv_ok")
    pad_len, nh = pt[-2], pt[-1]
    payload = pt[:-2 - pad_len]
    assert pt[len(payload):-2] == bytes(range(1, pad_len + 1)), "padding not 1,2,3..."
    assert (len(payload) + 2 + pad_len) % 4 == 0 and pad_len < 4, "padding not minimal"
    checks += ["pad_monotonic", "pad_minimal"]
    ihl = (inner[0] & 15) * 4 if inner[0] >> 4 == 4 else 40
    if c["mode"] == "tunnel":
        assert payload == inner, "tunnel payload is not the inner packet"
        assert nh == (4 if inner[0] >> 4 == 4 else 41), "next header"
        hdr = out[:hl]
        o = c["outer"]
        if v4:
            assert hdr[1] == o["tos"] and struct.unpack("!H", hdr[4:6])[0] == o["id"], "tos/id"
            assert struct.unpack("!H", hdr[6:8])[0] == (0x4000 if o["df"] else 0), "flags"
            assert hdr[8] == o["ttl"] and hdr[0] == 0x45, "ttl"
        else:
            w = struct.unpack("!I", hdr[:4])[0]
            assert w == (6 << 28 | o["tc"] << 20 | o["fl"]) and hdr[7] == o["hlim"], "tc/fl/hlim"
        checks += ["inner_matches_input", "outer_template_fields"]
    else:
        assert payload == inner[ihl:], "transport payload"
        if v4:
            assert nh == inner[9], "next header"
            h = bytearray(out[:hl])
            h[2:4], h[9], h[10:12] = inner[2:4], inner[9], inner[10:12]
            assert bytes(h) == inner[:ihl], "transport header differs beyond len/proto/csum"
        else:
            assert nh == inner[6], "next header"
            h = bytearray(out[:40])
            h[4:6], h[6] = inner[4:6], inner[6]
            assert bytes(h) == inner[:40], "transport header differs beyond plen/nh"
        checks += ["payload_matches_input", "transport_header_kept"]
    checks.append("next_header")
    return pad_len, nh, checks


def check_scapy_decrypt(c, sa, inner, out):
    """Decrypt a copy with scapy's SA (UDP header removed first: scapy binds only port 4500)."""
    b = bytearray(out)
    if c["udp"]:
        hl = (b[0] & 15) * 4 if b[0] >> 4 == 4 else 40
        del b[hl:hl + 8]
        if b[0] >> 4 == 4:
            b[9] = 50
            b[2:4] = struct.pack("!H", len(b))
            b[10:12] = b"\0\0"
            b[10:12] = struct.pack("!H", ipv4_csum(bytes(b[:hl])))
        else:
            b[6] = 50
            b[4:6] = struct.pack("!H", len(b) - 40)
    pkt = IP(bytes(b)) if b[0] >> 4 == 4 else IPv6(bytes(b))
    assert pkt.haslayer(ESP)
    dec = sa.decrypt(pkt.copy())
    assert bytes(dec) == inner, "scapy decrypt does not give back the inner packet"
    return "scapy_decrypt"


def run_tshark(c, pcap, keymat):
    """One tshark pass with a one-SA esp_sa table; the ESP fields of the first packet."""
    proto = "IPv4" if c["out_bytes"][0] >> 4 == 4 else "IPv6"
    sa = '"%s","*","*","0x%08x","AES-GCM with 16 octet ICV [RFC4106]","0x%s","NULL",""' % (
        proto, c["spi"], keymat.hex())
    cmd = ["tshark", "-n", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE", "-o", "uat:esp_sa:" + sa]
    if c["udp"] and 4500 not in c["udp"]:
        cmd += ["-d", "udp.port==%d,udpencap" % c["udp"][1]]
    cmd += ["-T", "fields", "-E", "separator=|", "-e", "esp.spi", "-e", "esp.icv_good",
            "-e", "esp.icv_bad", "-e", "esp.pad_len", "-e", "esp.protocol",
            "-e", "esp.decrypted_data"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    line = r.stdout.strip().splitlines()[0] if r.stdout.strip() else ""
    f = line.split("|")
    return (f if len(f) >= 6 and f[0] else None), r.stderr


def check_tshark(c, out, inner, payload_nh, tmpdir):
    """Decrypt with tshark; return (ok, short text for `verified`)."""
    pcap = os.path.join(tmpdir, "c%d.pcap" % c["seed"])
    l3 = IP(out) if out[0] >> 4 == 4 else IPv6(out)
    wrpcap(pcap, [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / l3])
    f, err = run_tshark(c, pcap, c["key"] + c["salt"])
    if f is None:
        return False, "tshark 4.0 did not dissect ESP (%s)" % (err.strip()[:80] or "no output")
    # control: with one key bit flipped tshark must report the ICV bad
    wrong = bytes([c["key"][0] ^ 1]) + c["key"][1:] + c["salt"]
    fw, _ = run_tshark(c, pcap, wrong)
    control_ok = fw is not None and fw[2] in ("1", "True") and fw[1] not in ("1", "True")
    good = f[1] in ("1", "True")
    bad = f[2] in ("1", "True")
    pad_len, nh = payload_nh
    trailer_ok = (f[3] != "" and int(f[3], 0) == pad_len and f[4] != ""
                  and int(f[4], 0) == nh)
    decrypted = bytes.fromhex(f[5].split(",")[0].replace(":", "")) if f[5] else b""
    want = inner if c["mode"] == "tunnel" else inner[(inner[0] & 15) * 4 if inner[0] >> 4 == 4
                                                        else 40:]
    data_ok = decrypted.startswith(want) if decrypted else False
    port = ("" if not c["udp"] else
            " (UDP %s)" % ("port 4500 default udpencap" if 4500 in c["udp"] else
                           "-d udp.port==%d,udpencap" % c["udp"][1]))
    if c["esn"]:
        # tshark 4.0's esp_sa table has no ESN fields: its AAD lacks seq_hi, so the ICV fails.
        ok = bad and not good and trailer_ok and data_ok
        return ok, ("tshark 4.0.17 ESP decrypt%s: deciphered bytes and pad/next-header match; ICV "
                    "reported bad as expected (tshark 4.0 has no ESN, AAD without seq_hi)%s"
                    % (port, "" if ok else " MISMATCH"))
    ok = good and not bad and trailer_ok and data_ok and control_ok
    return ok, ("tshark 4.0.17 independent ESP decrypt%s: ICV %s, pad/next-header %s, decrypted "
                "data %s%s" % (port, "correct" if good and not bad else "NOT correct",
                               "match" if trailer_ok else "DIFFER",
                               "matches input" if data_ok else "DIFFERS",
                               ", ICV bad with a wrong key" if control_ok
                               else ", wrong-key control FAILED"))


def alg_text(c):
    inner_v = "IPv4" if c["inner_bytes"][0] >> 4 == 4 else "IPv6"
    outer_v = "IPv4" if c["out_bytes"][0] >> 4 == 4 else "IPv6"
    s = "AES-%d-GCM-16 (RFC 4106), %s mode, " % (len(c["key"]) * 8, c["mode"])
    if c["mode"] == "tunnel":
        s += "%s outer / %s inner" % (outer_v, inner_v)
    else:
        s += inner_v
    if c["udp"]:
        s += ", UDP encapsulation (RFC 3948) %d/%d" % c["udp"]
    if c["esn"]:
        s += ", ESN"
    return s


def build_case(spec):
    seed, name, keylen, mode, outer, inner, l4, plen, udp, esn_hi, seq_lo = spec
    rng = random.Random(seed)
    c = dict(seed=seed, name=name, mode=mode, outer=outer, udp=udp, esn=esn_hi is not None,
             key=rng.randbytes(keylen), salt=rng.randbytes(4), spi=rng.randrange(0x100, 1 << 32),
             iv=rng.randbytes(8))
    c["seq"] = ((esn_hi or 0) << 32) | seq_lo
    addrs = I4 if inner["v"] == 4 else I6
    if mode == "transport":
        # transport mode: the packet's own addresses are the SA's endpoints
        addrs = O4 if inner["v"] == 4 else O6
    c["inner_bytes"] = inner_packet(rng, inner, l4, plen, addrs)
    c["out_bytes"], sa = seal_with_scapy(c, c["inner_bytes"])
    pad_len, nh, checks = check_independent(c, c["inner_bytes"], c["out_bytes"])
    checks.insert(0, check_scapy_decrypt(c, sa, c["inner_bytes"], c["out_bytes"]))
    c["pad_len"], c["nh"], c["checks"] = pad_len, nh, checks
    return c


def fmt_case(c, tshark_note):
    out, inner = c["out_bytes"], c["inner_bytes"]
    hl = (out[0] & 15) * 4 if out[0] >> 4 == 4 else 40
    seq = "%016x" % c["seq"] if c["esn"] else "%08x" % c["seq"]
    if c["esn"]:
        aad = struct.pack("!III", c["spi"], c["seq"] >> 32, c["seq"] & 0xffffffff)
    else:
        aad = struct.pack("!II", c["spi"], c["seq"])
    lines = [
        ("name", "scapy %s" % c["name"]),
        ("source", SOURCE % (SCAPY_VERSION, c["seed"])),
        ("alg", alg_text(c)),
        ("key", c["key"].hex()),
        ("salt", c["salt"].hex()),
        ("keymat_rfc4106", (c["key"] + c["salt"]).hex()),
        ("spi", "%08x" % c["spi"]),
        ("seq", seq),
        ("esn", "1" if c["esn"] else "0"),
        ("iv", c["iv"].hex()),
        ("nonce", (c["salt"] + c["iv"]).hex()),
        ("aad", aad.hex()),
        ("mode", c["mode"]),
        ("next_header", str(c["nh"])),
        ("pad_len", str(c["pad_len"])),
    ]
    if c["udp"]:
        lines += [("udp_sport", str(c["udp"][0])), ("udp_dport", str(c["udp"][1]))]
    lines += [
        ("inner_packet", inner.hex()),
        ("outer_header", out[:hl].hex()),
        ("icv", out[-16:].hex()),
        ("output_packet", out.hex()),
        ("verified", "yes (%s: %s; %s)" % (
            "scapy SecurityAssociation.decrypt gives back inner_packet"
            + (" (UDP header removed first)" if c["udp"] else "")
            + "; independent parse + python cryptography AESGCM decrypt with nonce salt||iv "
            "and AAD " + ("spi||seq_hi||seq_lo" if c["esn"] else "spi||seq"),
            "checks: " + ",".join(c["checks"]), tshark_note)),
    ]
    return "\n".join("%s = %s" % kv for kv in lines) + "\n"


HEADER = """\
# SPDX-License-Identifier: Apache-2.0
# Full-packet ESP AES-GCM (RFC 4303, RFC 4106) vectors generated with scapy %(ver)s
# (Debian python3-scapy), an ESP implementation not written for vrfsec, to cover what the
# public files do not: AES-128/192/256-GCM; tunnel mode IPv4-in-IPv4, IPv6-in-IPv4,
# IPv4-in-IPv6, IPv6-in-IPv6; transport mode IPv4 and IPv6; UDP encapsulation (RFC 3948,
# NAT-T) on ports 4500/4500 and 7501/8501 over IPv4 and IPv6, with a zero UDP checksum;
# ESN with non-zero high 32 bits; inner ICMP/UDP/TCP with 0..1400 payload bytes so that
# pad_len 0, 1, 2 and 3 all occur; outer headers with DF, TOS, TTL, IPv6 traffic class and
# flow label.
#
# Regenerate (deterministic, same bytes every run; fixed seed per case):
#   /usr/bin/python3 tests/vectors/gen/gen_esp_scapy.py
# Every packet is sealed by scapy's SecurityAssociation(ESP, crypt_algo='AES-GCM',
# crypt_key=key||salt, tunnel_header=..., nat_t_header=UDP(...), esn_en, esn=seq_hi) with an
# explicit IV; then decrypted by scapy, and independently by python cryptography's AESGCM
# after parsing the bytes, and by tshark (see `verified`).
# scapy 2.5.0 fix-ups made before the bytes are taken: in NAT-T packets the UDP length is
# recomputed (scapy leaves it at 8 on IPv4) and the UDP checksum is zero (RFC 3948 2.1).
# scapy pads AES-GCM to 4 bytes (block size 1, lcm with 4): the minimum 0..3 bytes 1,2,3.
#
# Keys: as esp_gcm.txt. seq is hex, 64 bits when esn = 1 (only its low 32 bits are on the
# wire; the high ones enter the AAD). outer_header is the outer IPv4/IPv6 header at the
# start of output_packet (in transport mode: the packet's own header after sealing). The
# IPv4 ID, DF, TOS and TTL of outer_header are those of the SA template. udp_sport/udp_dport
# present = UDP encapsulation. nonce, aad, icv and keymat_rfc4106 are informative.
# esn, pad_len, next_header, udp_sport, udp_dport are decimal.
# Cases with ports 7501/8501: the opening side is the receiver of output_packet, so it must
# accept ESP-in-UDP on udp_dport (8501), not only on 4500 (RFC 3948 section 2: the ports are
# those of the IKE traffic, which need not be 4500).
# Cases: %(n)d. pad_len histogram: %(hist)s.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=DEFAULT_OUT)
    ap.add_argument("--no-tshark", action="store_true", help="skip the tshark cross-check")
    args = ap.parse_args()
    use_tshark = not args.no_tshark and shutil.which("tshark") is not None
    if not use_tshark:
        print("warning: tshark cross-check skipped", file=sys.stderr)

    cases = [build_case(s) for s in CASES]
    hist = {p: sum(1 for c in cases if c["pad_len"] == p) for p in range(4)}
    assert all(hist[p] for p in range(4)), "pad_len 0..3 must all occur: %r" % hist
    assert len({c["seed"] for c in cases}) == len(cases)
    failed = []
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            if use_tshark:
                ok, note = check_tshark(c, c["out_bytes"], c["inner_bytes"],
                                        (c["pad_len"], c["nh"]), tmp)
                if not ok:
                    failed.append(c["name"])
            else:
                note = "tshark not run"
            notes.append(note)
    text = HEADER % dict(ver=SCAPY_VERSION, n=len(cases),
                         hist=", ".join("%d: %d" % (p, hist[p]) for p in range(4)))
    text += "".join("\n" + fmt_case(c, n) for c, n in zip(cases, notes))
    with open(args.output, "w") as f:
        f.write(text)
    print("%d cases written to %s (pad_len histogram %r)" % (len(cases), args.output, hist))
    if failed:
        print("tshark disagreed on: %s" % "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
