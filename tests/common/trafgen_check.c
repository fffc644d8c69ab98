/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator, checks: a card's output against the prediction; ESP output is taken apart
 * field by field and opened with OpenSSL, so the card's crypto is checked by a third party. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trafgen_impl.h"

static int fail(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Full sequence number of an outbound ESN packet: the candidate nearest to the last one seen
 * (outputs of a burst are sealed in two rounds, so they are not strictly in order). */
static uint64_t out_seq(const struct trafgen_client *d, uint32_t lo)
{
	uint64_t top = d->out_top, best = lo, best_d = UINT64_MAX;
	int64_t k;

	if (!d->out.esn)
		return lo;
	for (k = -1; k <= 1; k++) {
		int64_t hi = (int64_t)(top >> 32) + k;
		uint64_t s, dist;

		if (hi < 0)
			continue;
		s = (uint64_t)hi << 32 | lo;
		dist = s > top ? s - top : top - s;
		if (dist < best_d) {
			best_d = dist;
			best = s;
		}
	}
	return best;
}

static uint8_t inner_tos(const uint8_t *ip)
{
	return tg_ip_af(ip) == VRFSEC_AF_IPV4 ? ip[1] : (uint8_t)((ip[0] & 15u) << 4 | ip[1] >> 4);
}

/* The outer header of a tunnel-mode packet as the SA's policy says it must be. */
static int check_tunnel_hdr(const struct trafgen_client *d, const uint8_t *inner,
			    const uint8_t *h, uint32_t ip_len, uint8_t proto, char *why, size_t n)
{
	const struct vrfsec_sa_params *sa = &d->out;
	uint8_t it = inner_tos(inner);
	uint8_t tos = (uint8_t)(((sa->dscp_copy ? it : sa->tos) & 0xfcu) |
				((sa->ecn_copy ? it : sa->tos) & 3u));
	uint8_t ttl = sa->ttl ? sa->ttl : 64u;

	if (sa->outer_af == VRFSEC_AF_IPV4) {
		int inner_df = tg_ip_af(inner) == VRFSEC_AF_IPV4 ? (tg_rd16(inner + 6) & 0x4000u) != 0 : 1;
		int df = sa->df_mode == VRFSEC_DF_SET || (sa->df_mode == VRFSEC_DF_COPY && inner_df);

		if (h[0] != 0x45 || h[1] != tos || tg_rd16(h + 2) != ip_len ||
		    tg_rd16(h + 6) != (df ? 0x4000u : 0u) || h[8] != ttl || h[9] != proto)
			return fail(why, n, "outer IPv4 header fields (tos %02x/%02x frag %04x ttl %u)",
				    h[1], tos, tg_rd16(h + 6), h[8]);
		if (inet_csum(h, 20) != 0)
			return fail(why, n, "outer IPv4 checksum");
		if (memcmp(h + 12, sa->src, 4) || memcmp(h + 16, sa->dst, 4))
			return fail(why, n, "outer IPv4 addresses");
	} else {
		if (tg_rd32(h) != (0x60000000u | (uint32_t)tos << 20 | sa->flow_label) ||
		    tg_rd16(h + 4) != ip_len - 40u || h[6] != proto || h[7] != ttl)
			return fail(why, n, "outer IPv6 header fields");
		if (memcmp(h + 8, sa->src, 16) || memcmp(h + 24, sa->dst, 16))
			return fail(why, n, "outer IPv6 addresses");
	}
	return 0;
}

/* Transport mode: the packet's own header, with protocol and length changed. */
static int check_transport_hdr(const uint8_t *inner, const uint8_t *h, uint32_t ip_len,
			       uint8_t proto, char *why, size_t n)
{
	uint32_t hl = tg_ip_hlen(inner), i;

	for (i = 0; i < hl; i++) {
		int skip = tg_ip_af(inner) == VRFSEC_AF_IPV4 ? (i == 2 || i == 3 || i == 9 || i == 10 || i == 11) :
							       (i == 4 || i == 5 || i == 6);

		if (!skip && h[i] != inner[i])
			return fail(why, n, "transport header byte %u changed", i);
	}
	if (tg_ip_af(inner) == VRFSEC_AF_IPV4) {
		if (tg_rd16(h + 2) != ip_len || h[9] != proto || inet_csum(h, hl) != 0)
			return fail(why, n, "transport IPv4 length/protocol/checksum");
	} else if (tg_rd16(h + 4) != ip_len - 40u || h[6] != proto) {
		return fail(why, n, "transport IPv6 length/next header");
	}
	return 0;
}

static int verify_esp(struct trafgen_client *d, const uint8_t *inner, uint32_t ilen,
		      const uint8_t *f, uint32_t len, char *why, size_t n)
{
	const struct vrfsec_sa_params *sa = &d->out;
	uint8_t af = d->transport ? tg_ip_af(inner) : sa->outer_af;
	uint8_t proto = sa->udp ? 17u : 50u, pt[VRFSEC_MAX_FRAME], nonce[12], aad[12], nh;
	uint32_t ihl = tg_ip_hlen(inner), hl = d->transport ? ihl : af == VRFSEC_AF_IPV4 ? 20u : 40u;
	uint32_t o = 14u + hl, ct_len, pad_len, pl_len, aad_len, i, want_pad;
	const uint8_t *pl = d->transport ? inner + ihl : inner;
	uint64_t seq;

	if (len < 14u + hl + (sa->udp ? 8u : 0u) + 32u + 2u)
		return fail(why, n, "ESP frame too short (%u)", len);
	if (memcmp(f, sa->dmac, 6) || memcmp(f + 6, sa->smac, 6) ||
	    tg_rd16(f + 12) != (af == VRFSEC_AF_IPV4 ? 0x0800u : 0x86ddu))
		return fail(why, n, "Ethernet header");
	if (d->transport ? check_transport_hdr(inner, f + 14, len - 14u, proto, why, n) :
			   check_tunnel_hdr(d, inner, f + 14, len - 14u, proto, why, n))
		return -1;
	if (sa->udp) {
		if (tg_rd16(f + o) != sa->udp_sport || tg_rd16(f + o + 2) != sa->udp_dport ||
		    tg_rd16(f + o + 4) != len - o || tg_rd16(f + o + 6) != 0)
			return fail(why, n, "UDP header (RFC 3948)");
		o += 8;
	}
	if (tg_rd32(f + o) != sa->spi)
		return fail(why, n, "SPI %08x, SA has %08x", tg_rd32(f + o), sa->spi);
	seq = out_seq(d, tg_rd32(f + o + 4));
	ct_len = len - o - 16u - VRFSEC_ICV_LEN;
	if (ct_len % 4u)
		return fail(why, n, "ciphertext length %u not a multiple of 4 (RFC 4303 2.4)", ct_len);
	memcpy(nonce, sa->salt, 4);
	memcpy(nonce + 4, f + o + 8, 8);
	tg_wr32(aad, sa->spi);
	if (sa->esn) {
		tg_wr32(aad + 4, (uint32_t)(seq >> 32));
		tg_wr32(aad + 8, (uint32_t)seq);
		aad_len = 12;
	} else {
		tg_wr32(aad + 4, (uint32_t)seq);
		aad_len = 8;
	}
	if (!tg_gcm_open(d->key_out, d->key_len, nonce, aad, aad_len, f + o + 16, pt, ct_len,
			 f + o + 16 + ct_len))
		return fail(why, n, "ESP does not open with OpenSSL (seq %llu)",
			    (unsigned long long)seq);
	if (seq > d->out_top)
		d->out_top = seq;
	pad_len = pt[ct_len - 2u];
	nh = pt[ct_len - 1u];
	pl_len = d->transport ? ilen - ihl : ilen;
	want_pad = ((4u - ((pl_len + 2u) & 3u)) & 3u) + sa->pad_extra;
	if (pad_len != want_pad || ct_len != pl_len + pad_len + 2u)
		return fail(why, n, "pad length %u (want %u), ciphertext %u", pad_len, want_pad, ct_len);
	for (i = 0; i < pad_len; i++)
		if (pt[pl_len + i] != (uint8_t)(i + 1u))
			return fail(why, n, "padding byte %u", i);
	if (nh != (d->transport ? (tg_ip_af(inner) == VRFSEC_AF_IPV4 ? inner[9] : inner[6]) :
				  (tg_ip_af(inner) == VRFSEC_AF_IPV4 ? 4u : 41u)))
		return fail(why, n, "next header %u", nh);
	for (i = 0; i < pl_len; i++)
		if (pt[i] != pl[i])
			return fail(why, n, "decrypted payload differs at byte %u of %u", i, pl_len);
	return 1;
}

int trafgen_verify(struct trafgen_scenario *sc, const struct trafgen_pkt *tp,
		   const struct vrfsec_pkt *out, char *why, size_t why_len)
{
	const uint8_t *f = out->buf + out->off;
	uint32_t i;

	if (!tp->exact)
		return 0;
	if ((uint32_t)out->off + out->len > sizeof(out->buf) || out->len > VRFSEC_MAX_FRAME)
		return fail(why, why_len, "frame outside the buffer (off %u len %u)", out->off,
			    out->len);
	if (out->out_port != tp->exp_port || out->reason != tp->exp_reason)
		return fail(why, why_len, "exit port %u reason %s, predicted port %u reason %s",
			    out->out_port, vrfsec_counter_name(out->reason), tp->exp_port,
			    vrfsec_counter_name(tp->exp_reason));
	if (tp->out_kind == TG_OUT_FRAME) {
		if (out->len != tp->exp_len)
			return fail(why, why_len, "frame length %u, predicted %u", out->len,
				    tp->exp_len);
		for (i = 0; i < tp->exp_len; i++)
			if (f[i] != tp->exp[i])
				return fail(why, why_len, "frame byte %u is %02x, predicted %02x", i,
					    f[i], tp->exp[i]);
	}
	if (tp->out_kind == TG_OUT_ESP)
		return verify_esp(&sc->client[tp->dst_client], tp->exp, tp->exp_len, f, out->len, why,
				  why_len);
	return 1;
}
