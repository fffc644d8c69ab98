/* SPDX-License-Identifier: Apache-2.0 */
/* ESP vector cases: payload-level (RFC 4106 draft cases) and full packets, sealed and opened. */
#include <string.h>

#include "esp_case.h"
#include "vectors.h"

static const uint8_t MAC_PEER[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_CARD[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t IP_A[4] = { 192, 0, 2, 1 };
static const uint8_t IP_B[4] = { 192, 0, 2, 2 };

int vec_is_esp(const struct vec_case *c)
{
	return vec_get(c, "spi") && (vec_get(c, "esp_packet") || vec_get(c, "output_packet")) &&
	       vec_get(c, "key") && vec_get(c, "alg") && strstr(vec_get(c, "alg"), "GCM");
}

/* A hex field that must fit buf exactly or up to cap bytes; -1 on error. */
static long hexf(const struct vec_case *c, const char *k, uint8_t *buf, size_t cap)
{
	const char *v = vec_get(c, k);

	return v ? hex_decode(v, buf, cap) : -1;
}

static uint64_t be(const uint8_t *b, long n)
{
	uint64_t v = 0;
	long i;

	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static uint32_t min_pad(uint32_t payload_len)
{
	return (4u - ((payload_len + 2u) & 3u)) & 3u;
}

static void sa_common(struct vrfsec_sa_params *p, uint32_t spi, int esn, const uint8_t *salt)
{
	p->spi = spi;
	p->esn = (uint8_t)esn;
	p->vrf = VRF_ID;
	memcpy(p->salt, salt, 4);
	p->mtu = 1900;
}

static int decode(const struct vec_case *c, struct esp_case *ec, struct vec_result *r)
{
	uint8_t b[EC_MAX], salt[4], iv[8], hdr[64], spi_b[4], seq_b[8];
	long key_n, seq_n, hdr_n;
	uint64_t seq, nh, pad_len;
	int ok = 0, esn, full = vec_get(c, "output_packet") != NULL;
	uint32_t spi;

	memset(ec, 0, sizeof(*ec));
	key_n = hexf(c, "key", ec->key, sizeof(ec->key));
	if ((key_n != 16 && key_n != 24 && key_n != 32) || hexf(c, "salt", salt, 4) != 4 ||
	    hexf(c, "iv", iv, 8) != 8 || hexf(c, "spi", spi_b, 4) != 4) {
		vr_fail(r, "key/salt/iv/spi missing or malformed");
		return -1;
	}
	ec->key_len = (uint32_t)key_n;
	spi = (uint32_t)be(spi_b, 4);
	seq_n = hexf(c, "seq", seq_b, 8);
	if (seq_n < 1) {
		vr_fail(r, "seq missing");
		return -1;
	}
	seq = be(seq_b, seq_n);
	esn = (int)vec_u64(c, "esn", 0, &ok);
	sa_common(&ec->in, spi, esn, salt);
	sa_common(&ec->out, spi, esn, salt);
	ec->in.dir = VRFSEC_SA_DIR_IN;
	ec->out.dir = VRFSEC_SA_DIR_OUT;
	ec->in.seq = seq - 1; /* highest seen: the vector's packet is the next one */
	ec->out.seq = seq - 1;
	ec->out.iv = be(iv, 8);
	memcpy(ec->out.smac, MAC_CARD, 6);
	memcpy(ec->out.dmac, MAC_PEER, 6);
	ec->out.df_mode = VRFSEC_DF_CLEAR;
	if (ok < 0) {
		vr_fail(r, "esn malformed");
		return -1;
	}

	if (!full) {
		/* Payload level: carry the payload in transport mode behind a made-up IPv4 header. */
		uint8_t pt[EC_MAX];
		long pt_n = hexf(c, "plaintext", pt, sizeof(pt));
		long esp_n;
		uint32_t pl;

		nh = vec_u64(c, "next_header", 256, &ok);
		pad_len = vec_u64(c, "pad_len", 256, &ok);
		if (pt_n < 2 || nh > 255 || pad_len > 255 || ok < 0 || (long)pad_len + 2 > pt_n) {
			vr_fail(r, "plaintext/next_header/pad_len malformed");
			return -1;
		}
		pl = (uint32_t)(pt_n - 2 - (long)pad_len);
		if (pt[pt_n - 1] != nh || pt[pt_n - 2] != pad_len) {
			vr_fail(r, "plaintext trailer disagrees with pad_len/next_header");
			return -1;
		}
		if (pad_len < min_pad(pl) || ((pad_len - min_pad(pl)) & 3u) != 0) {
			vr_fail(r, "pad_len %u cannot be produced (min %u, extra must be 4k)",
				(unsigned)pad_len, min_pad(pl));
			return -1;
		}
		ec->out.pad_extra = (uint8_t)(pad_len - min_pad(pl));
		ec->transport = 1;
		ec->in.mode = ec->out.mode = VRFSEC_MODE_TRANSPORT;
		ec->in.outer_af = ec->out.outer_af = VRFSEC_AF_IPV4;
		memcpy(ec->out.src, IP_A, 4);
		memcpy(ec->out.dst, IP_B, 4);
		memcpy(ec->in.dst, IP_B, 4);
		memcpy(ec->in.src, IP_A, 4);
		/* host-injected packet: IPv4 header + payload, protocol = next header */
		memset(b, 0, 20);
		b[0] = 0x45;
		b[2] = (uint8_t)((20 + pl) >> 8);
		b[3] = (uint8_t)(20 + pl);
		b[8] = 64;
		b[9] = (uint8_t)nh;
		memcpy(b + 12, IP_A, 4);
		memcpy(b + 16, IP_B, 4);
		ipv4_fix_csum(b);
		memcpy(b + 20, pt, pl);
		memcpy(ec->seal_in, b, 20 + pl);
		ec->seal_in_len = 20 + pl;
		esp_n = hexf(c, "esp_packet", ec->seal_out, sizeof(ec->seal_out) - 64);
		if (esp_n < 34) {
			vr_fail(r, "esp_packet malformed");
			return -1;
		}
		ec->seal_out_len = (uint32_t)esp_n;
		ec->cmp_off = 14 + 20;
		/* open: Ethernet + IPv4 (ESP) + esp_packet; expect the injected packet back */
		eth_hdr(ec->open_in, MAC_CARD, MAC_PEER, 0x0800);
		memcpy(ec->open_in + 14, b, 20);
		ec->open_in[14 + 2] = (uint8_t)((20 + esp_n) >> 8);
		ec->open_in[14 + 3] = (uint8_t)(20 + esp_n);
		ec->open_in[14 + 9] = 50;
		ipv4_fix_csum(ec->open_in + 14);
		memcpy(ec->open_in + 34, ec->seal_out, (size_t)esp_n);
		ec->open_in_len = 34 + (uint32_t)esp_n;
		ec->esp_off = 34;
		ec->esp_len = (uint32_t)esp_n;
		memcpy(ec->open_out, b, 20 + pl);
		ec->open_out_len = 20 + pl;
		ip_ttl_dec(ec->open_out);
		ec->plain_off = 20;
		ec->plain_len = pl < 16 ? pl : 16;
		return 0;
	}

	/* Full packets */
	{
		const char *mode = vec_get(c, "mode");
		long in_n = hexf(c, "inner_packet", ec->seal_in, sizeof(ec->seal_in) - 64);
		long out_n = hexf(c, "output_packet", b, sizeof(b) - 64);
		uint64_t sport = vec_u64(c, "udp_sport", 0, &ok);
		uint64_t dport = vec_u64(c, "udp_dport", 0, &ok);
		uint32_t l4;
		int v6;

		ec->transport = mode && strcmp(mode, "transport") == 0;
		if (in_n < 20 || out_n < 20 + 34 || ok < 0) {
			vr_fail(r, "inner_packet/output_packet malformed");
			return -1;
		}
		ec->seal_in_len = (uint32_t)in_n;
		v6 = (b[0] >> 4) == 6;
		ec->in.mode = ec->out.mode = ec->transport ? VRFSEC_MODE_TRANSPORT : VRFSEC_MODE_TUNNEL;
		ec->in.outer_af = ec->out.outer_af = v6 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
		if (sport || dport) {
			ec->in.udp = ec->out.udp = 1;
			ec->in.udp_sport = ec->out.udp_sport = (uint16_t)sport;
			ec->in.udp_dport = ec->out.udp_dport = (uint16_t)dport;
		}
		hdr_n = hexf(c, "outer_header", hdr, sizeof(hdr));
		if (hdr_n < 0 && !ec->transport) {
			vr_fail(r, "outer_header missing");
			return -1;
		}
		if (hdr_n < 0) {
			memcpy(hdr, b, v6 ? 40 : 20);
			hdr_n = v6 ? 40 : 20;
		}
		/* The template is the outer header as given: every field but lengths and checksum. */
		if (!v6) {
			ec->out.tos = hdr[1];
			ec->out.ipv4_id = (uint16_t)(hdr[4] << 8 | hdr[5]);
			ec->out.df_mode = (hdr[6] & 0x40) ? VRFSEC_DF_SET : VRFSEC_DF_CLEAR;
			ec->out.ttl = hdr[8];
			memcpy(ec->out.src, hdr + 12, 4);
			memcpy(ec->out.dst, hdr + 16, 4);
			l4 = 20;
		} else {
			ec->out.tos = (uint8_t)((hdr[0] & 15) << 4 | hdr[1] >> 4);
			ec->out.flow_label = (uint32_t)(hdr[1] & 15) << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
			ec->out.ttl = hdr[7];
			memcpy(ec->out.src, hdr + 8, 16);
			memcpy(ec->out.dst, hdr + 24, 16);
			l4 = 40;
		}
		memcpy(ec->in.dst, ec->out.dst, 16);
		memcpy(ec->in.src, ec->out.src, 16);
		if (ec->transport)
			l4 = (uint32_t)hdr_n;
		/* pad_len: every full-packet case uses the minimum, which the seal produces and the
		 * byte comparison of the output checks */
		memcpy(ec->seal_out, b, (size_t)out_n);
		ec->seal_out_len = (uint32_t)out_n;
		ec->cmp_off = 14;
		eth_hdr(ec->open_in, MAC_CARD, MAC_PEER, v6 ? 0x86dd : 0x0800);
		memcpy(ec->open_in + 14, b, (size_t)out_n);
		ec->open_in_len = 14 + (uint32_t)out_n;
		ec->esp_off = 14 + l4 + (ec->in.udp ? 8 : 0);
		ec->esp_len = 14 + (uint32_t)out_n - ec->esp_off;
		memcpy(ec->open_out, ec->seal_in, (size_t)in_n);
		ec->open_out_len = (uint32_t)in_n;
		ip_ttl_dec(ec->open_out);
		ec->plain_off = ec->transport ? l4 : 20;
		ec->plain_len = 16;
		if (ec->plain_off + ec->plain_len > ec->open_out_len)
			ec->plain_len = ec->open_out_len - ec->plain_off;
		return 0;
	}
}

int esp_case_reset_in(const struct esp_case *ec, struct testbed *tb, uint64_t seq_top)
{
	struct vrfsec_sa_params p = ec->in;

	vrfsec_engine_sa_del(tb->e, SA_IN);
	p.seq = seq_top;
	return vrfsec_engine_sa_add(tb->e, SA_IN, &p, ec->key, ec->key_len);
}

int esp_case_reset_out(const struct esp_case *ec, struct testbed *tb, uint64_t next_seq)
{
	struct vrfsec_sa_params p = ec->out;

	vrfsec_engine_sa_del(tb->e, SA_OUT);
	p.seq = next_seq - 1;
	p.iv = next_seq * 0x9e3779b97f4a7c15ull; /* any IV; unique per sequence number */
	return vrfsec_engine_sa_add(tb->e, SA_OUT, &p, ec->key, ec->key_len);
}

int esp_case_program(const struct esp_case *ec, struct testbed *tb)
{
	struct vrfsec_vrf_params vp = { 0 };
	struct vrfsec_nh nh = { 0 };
	static const uint8_t zero[16];
	int rc;

	vp.vlan = VLAN_ID;
	rc = vrfsec_vrf_set(tb->t, VRF_ID, &vp);
	/* the card takes ESP-in-UDP on its one NAT-T port: the port the case's packets go to */
	tb->t->port.natt_port = ec->in.udp ? ec->in.udp_dport : 4500;
	nh.kind = VRFSEC_NH_VLAN;
	nh.vlan = VLAN_ID;
	memcpy(nh.eth, MAC_PEER, 6);
	memcpy(nh.eth + 6, MAC_CARD, 6);
	rc = rc ? rc : vrfsec_nh_set(tb->t, NH_OUT, &nh);
	vrfsec_fib_del(&tb->t->fib, VRF_ID, VRFSEC_AF_IPV4, zero, 0);
	vrfsec_fib_del(&tb->t->fib, VRF_ID, VRFSEC_AF_IPV6, zero, 0);
	rc = rc ? rc : vrfsec_fib_add(&tb->t->fib, VRF_ID, VRFSEC_AF_IPV4, zero, 0, NH_OUT);
	rc = rc ? rc : vrfsec_fib_add(&tb->t->fib, VRF_ID, VRFSEC_AF_IPV6, zero, 0, NH_OUT);
	rc = rc ? rc : esp_case_reset_in(ec, tb, ec->in.seq);
	vrfsec_engine_sa_del(tb->e, SA_OUT);
	rc = rc ? rc : vrfsec_engine_sa_add(tb->e, SA_OUT, &ec->out, ec->key, ec->key_len);
	return rc;
}

static int seal(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		struct vec_result *r)
{
	pkt_load(p, VRFSEC_PORT_HOST, ec->seal_in, ec->seal_in_len);
	p->sa_out = SA_OUT;
	r->checks++;
	if (testbed_run1(tb, p) != VRFSEC_PORT_PUBLIC) {
		vr_fail(r, "%s seal: out_port %u reason %s", vrfsec_engine_name(tb->kind),
			p->out_port, vrfsec_counter_name(p->reason));
		return -1;
	}
	r->checks++;
	if (p->len != ec->cmp_off + ec->seal_out_len ||
	    memcmp(pkt_data(p) + ec->cmp_off, ec->seal_out, ec->seal_out_len) != 0) {
		vr_fail(r, "%s seal: output differs from the vector (len %u, want %u)",
			vrfsec_engine_name(tb->kind), p->len, ec->cmp_off + ec->seal_out_len);
		return -1;
	}
	return 0;
}

static int open_ok(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		   struct vec_result *r)
{
	pkt_load(p, VRFSEC_PORT_PUBLIC, ec->open_in, ec->open_in_len);
	r->checks++;
	if (testbed_run1(tb, p) != VRFSEC_PORT_INSIDE) {
		vr_fail(r, "%s open: out_port %u reason %s", vrfsec_engine_name(tb->kind),
			p->out_port, vrfsec_counter_name(p->reason));
		return -1;
	}
	r->checks++;
	if (p->len != 18 + ec->open_out_len ||
	    memcmp(pkt_data(p) + 18, ec->open_out, ec->open_out_len) != 0) {
		vr_fail(r, "%s open: decrypted packet differs from the vector",
			vrfsec_engine_name(tb->kind));
		return -1;
	}
	return 0;
}

void vec_run_esp(const struct vec_case *c, struct testbed tb[2], struct vec_result *r)
{
	static struct esp_case ec;
	static struct vrfsec_pkt p[2];
	int k;

	if (decode(c, &ec, r) < 0)
		return;
	for (k = 0; k < 2; k++) {
		if (esp_case_program(&ec, &tb[k]) != 0) {
			vr_fail(r, "SA install refused");
			return;
		}
		if (seal(&ec, &tb[k], &p[k], r) < 0 || open_ok(&ec, &tb[k], &p[k], r) < 0)
			return;
	}
	for (k = 0; k < 2; k++) {
		esp_negative(&ec, &tb[k], r);
		if (r->verdict == 0)
			return;
	}
}
