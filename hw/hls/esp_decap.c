/* SPDX-License-Identifier: Apache-2.0 */
/* ESP inbound (RFC 4303, RFC 4106, RFC 3948): public port parse, SA lookup, replay, trailer. */
#include "bytes.h"
#include "replay.h"
#include "stages.h"
#include "tables_setup.h"

/* SPI, sequence number, IV, at least pad length and next header, ICV */
#define ESP_MIN_LEN (VRFSEC_ESP_HDR_LEN + VRFSEC_IV_LEN + 2u + VRFSEC_ICV_LEN)

/* Bytes that must not survive a drop after decryption: whatever the engine left in the
 * data region (plaintext of a forged or refused packet) is cleared. */
static void wipe(struct vrfsec_pkt *p)
{
	uint32_t i;

	for (i = 0; i < VRFSEC_MAX_FRAME; i++) {
		if (i >= p->op.data_len)
			break;
		p->buf[p->op.data_off + i] = 0;
	}
}

static uint32_t drop_sa(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t reason)
{
	t->sa_cnt[p->sa_in].drops++;
	return pkt_exit(t, p, VRFSEC_PORT_DROP, reason);
}

/* UDP on the public port: IKE, NAT-T keepalive, non-ESP marker, or ESP-in-UDP.
 * Returns 0 with *esp_off set for ESP, else the exit status. */
static uint32_t udp_demux(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t l4,
			  uint32_t l4_len, uint32_t *esp_off, uint32_t *esp_len, uint32_t *done)
{
	const uint8_t *u = p->buf + l4;
	uint32_t ulen, dport, n;

	*done = 1;
	if (l4_len < 8u)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	ulen = rd16(u + 4);
	dport = rd16(u + 2);
	if (ulen < 8u || ulen > l4_len)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (dport == t->port.ike_port)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_IKE);
	if (dport != t->port.natt_port)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_LOCAL);
	n = ulen - 8u;
	if (n == 1u && u[8] == 0xffu)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NATT_KEEPALIVE);
	if (n >= 4u && rd32(u + 8) == 0)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_IKE);
	*done = 0;
	*esp_off = l4 + 8u;
	*esp_len = n;
	return 0;
}

uint32_t esp_decap_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	uint32_t l3 = p->off + ETH_HLEN;
	uint32_t end = p->off + p->len;
	uint32_t avail, hlen, ip_len, proto, l4, l4_len, esp_off, esp_len, done;
	uint32_t idx, rc, seq_lo;
	uint16_t et;
	uint8_t af;
	const uint8_t *dst;
	struct vrfsec_sa *sa;
	struct vrfsec_crypto_op *op = &p->op;

	if (p->len < ETH_HLEN)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	et = rd16(p->buf + p->off + 12);
	avail = end - l3;
	if (et == ETHERTYPE_IPV4) {
		const uint8_t *ip = p->buf + l3;

		if (avail < 20u || (ip[0] >> 4) != 4u)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		hlen = (ip[0] & 15u) * 4u;
		ip_len = rd16(ip + 2);
		if (hlen < 20u || ip_len < hlen || ip_len > avail ||
		    csum_fold(csum_ip4(ip, hlen)) != 0)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		if ((rd16(ip + 6) & 0x3fffu) != 0)
			return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_FRAGMENT);
		proto = ip[9];
		af = VRFSEC_AF_IPV4;
		dst = ip + 16;
	} else if (et == ETHERTYPE_IPV6) {
		const uint8_t *ip = p->buf + l3;

		if (avail < 40u || (ip[0] >> 4) != 6u)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		hlen = 40u;
		ip_len = 40u + rd16(ip + 4);
		if (ip_len > avail)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		proto = ip[6];
		if (proto == 44u)
			return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_FRAGMENT);
		af = VRFSEC_AF_IPV6;
		dst = ip + 24;
	} else {
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NON_IP);
	}

	l4 = l3 + hlen;
	l4_len = ip_len - hlen;
	if (proto == IPPROTO_UDP) {
		rc = udp_demux(t, p, l4, l4_len, &esp_off, &esp_len, &done);
		if (done)
			return rc;
	} else if (proto == IPPROTO_ESP) {
		esp_off = l4;
		esp_len = l4_len;
	} else {
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_LOCAL);
	}
	if (esp_len < ESP_MIN_LEN || rd32(p->buf + esp_off) == 0)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);

	idx = vrfsec_spi_lookup(t, rd32(p->buf + esp_off), af, dst);
	if (idx == VRFSEC_NONE)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_SA);
	sa = &t->sa[idx];
	p->sa_in = idx;
	p->vrf = sa->vrf;
	seq_lo = rd32(p->buf + esp_off + 4u);
	p->seq = replay_infer(sa, seq_lo);
	rc = replay_check(t, idx, p->seq);
	if (rc != 0)
		return drop_sa(t, p, rc);

	op->sa = idx;
	op->encrypt = 0;
	op->tag_ok = 0;
	wr32(op->nonce, rd32(sa->salt));
	wr32(op->aad, rd32(p->buf + esp_off));
	st64le(op->nonce + 4, ld64le(p->buf + esp_off + 8u));
	if (sa->flags & VRFSEC_SAF_ESN) {
		wr32(op->aad + 4, (uint32_t)(p->seq >> 32));
		wr32(op->aad + 8, seq_lo);
		op->aad_len = 12;
	} else {
		wr32(op->aad + 4, seq_lo);
		op->aad_len = 8;
	}
	op->data_off = (uint16_t)(esp_off + VRFSEC_ESP_HDR_LEN + VRFSEC_IV_LEN);
	op->data_len = (uint16_t)(esp_len - VRFSEC_ESP_HDR_LEN - VRFSEC_IV_LEN - VRFSEC_ICV_LEN);
	op->tag_off = (uint16_t)(op->data_off + op->data_len);
	p->l3_off = (uint16_t)l3;
	p->stage = VRFSEC_STAGE_DECRYPT;
	return VRFSEC_ST_CRYPTO;
}

/* Transport mode: move the outer IP header up to the decrypted payload and make it carry the
 * protocol from the ESP trailer again. Returns the new IP offset. */
static uint32_t transport_rebuild(struct vrfsec_pkt *p, uint32_t payload_off, uint32_t payload_len,
				  uint8_t next_header)
{
	uint8_t *old = p->buf + p->l3_off;
	uint32_t hlen = (old[0] >> 4) == 4u ? (old[0] & 15u) * 4u : 40u;
	uint32_t ip_off = payload_off - hlen;
	uint8_t *ip = p->buf + ip_off;

	copy_hdr_back(ip, old, hlen);
	if ((ip[0] >> 4) == 4u) {
		wr16(ip + 2, (uint16_t)(hlen + payload_len));
		ip[9] = next_header;
		wr16(ip + 10, 0);
		wr16(ip + 10, csum_fold(csum_ip4(ip, hlen)));
	} else {
		wr16(ip + 4, (uint16_t)payload_len);
		ip[6] = next_header;
	}
	return ip_off;
}

/* RFC 6040 normal-mode decapsulation: congestion marked on the outer header survives into an
 * ECN-capable inner packet; over a Not-ECT inner packet it cannot, and the packet is dropped.
 * Returns 0, or 1 to drop. */
static uint32_t ecn_decap(const uint8_t *outer, uint8_t *ip)
{
	uint32_t outer_ecn = (outer[0] >> 4) == 4u ? outer[1] & 3u : (outer[1] >> 4) & 3u;
	uint32_t inner_ecn;

	if (outer_ecn != 3u)
		return 0;
	if ((ip[0] >> 4) == 4u) {
		uint16_t old_w = rd16(ip);

		inner_ecn = ip[1] & 3u;
		if (inner_ecn == 0)
			return 1;
		ip[1] |= 3u;
		wr16(ip + 10, csum_update(rd16(ip + 10), old_w, rd16(ip)));
	} else {
		inner_ecn = (ip[1] >> 4) & 3u;
		if (inner_ecn == 0)
			return 1;
		ip[1] |= 0x30u;
	}
	return 0;
}

static int inner_src_allowed(const struct vrfsec_sa *sa, const uint8_t *ip)
{
	uint32_t i;
	uint8_t af = (ip[0] >> 4) == 4u ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
	const uint8_t *src = af == VRFSEC_AF_IPV4 ? ip + 12 : ip + 8;

	if (sa->ts[0].af == 0)
		return 1; /* no selectors: any source */
	for (i = 0; i < VRFSEC_MAX_TS; i++) {
		if (sa->ts[i].af == af &&
		    prefix_match(src, sa->ts[i].addr, sa->ts[i].plen, af == VRFSEC_AF_IPV4 ? 4u : 16u))
			return 1;
	}
	return 0;
}

uint32_t esp_decap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	struct vrfsec_sa *sa = &t->sa[p->sa_in];
	uint32_t rc, pad_len, next_header, payload_off, payload_len, ip_off, i;
	const uint8_t *ip;

	if (!p->op.tag_ok) {
		wipe(p);
		return drop_sa(t, p, VRFSEC_CNT_ICV_FAIL);
	}
	rc = replay_update(t, p->sa_in, p->seq);
	if (rc != 0) {
		wipe(p);
		return drop_sa(t, p, rc);
	}
	pad_len = p->buf[p->op.tag_off - 2u];
	next_header = p->buf[p->op.tag_off - 1u];
	if (pad_len + 2u > p->op.data_len) {
		wipe(p);
		return drop_sa(t, p, VRFSEC_CNT_BAD_PAD);
	}
	payload_off = p->op.data_off;
	payload_len = p->op.data_len - pad_len - 2u;
	for (i = 0; i < 255u; i++) {
		if (i >= pad_len)
			break;
		if (p->buf[payload_off + payload_len + i] != (uint8_t)(i + 1u)) {
			wipe(p);
			return drop_sa(t, p, VRFSEC_CNT_BAD_PAD);
		}
	}
	if (next_header == IPPROTO_NONE) {
		wipe(p);
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_ESP_DUMMY);
	}
	if (sa->mode == VRFSEC_MODE_TUNNEL) {
		ip = p->buf + payload_off;
		if (!((next_header == IPPROTO_IPIP && payload_len >= 20u && (ip[0] >> 4) == 4u) ||
		      (next_header == IPPROTO_IPV6 && payload_len >= 40u && (ip[0] >> 4) == 6u))) {
			wipe(p);
			return drop_sa(t, p, VRFSEC_CNT_BAD_NEXT_HDR);
		}
		ip_off = payload_off;
		if (ecn_decap(p->buf + p->l3_off, p->buf + ip_off)) {
			wipe(p);
			return drop_sa(t, p, VRFSEC_CNT_ECN_DROP);
		}
	} else {
		ip_off = transport_rebuild(p, payload_off, payload_len, (uint8_t)next_header);
		payload_len += payload_off - ip_off;
	}
	ip = p->buf + ip_off;
	if (!inner_src_allowed(sa, ip)) {
		wipe(p);
		return drop_sa(t, p, VRFSEC_CNT_INNER_SRC);
	}
	p->len = (uint16_t)(ip_off + payload_len - p->off);
	t->cnt[VRFSEC_CNT_DECRYPT_OK]++;
	t->sa_cnt[p->sa_in].packets++;
	t->sa_cnt[p->sa_in].bytes += payload_len;
	return vrf_forward(t, p, sa->vrf, ip_off, 0);
}
