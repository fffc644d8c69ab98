// SPDX-License-Identifier: Apache-2.0
// Shared by the esp_decap_rx and esp_decap_post testbenches: inbound SAs compiled with the real
// setup code into two identical card tables (one for the C stage, one for the RTL), real ESP
// frames sealed with hw/hls/gcm.c (IPv4 / IPv6 outer, with or without UDP, ESN or not, crafted
// trailers), mutations, and the comparison of packets and tables.
#ifndef VRFSEC_RTL_ESP_DECAP_TB_H
#define VRFSEC_RTL_ESP_DECAP_TB_H

#include <stdio.h>
#include <stdlib.h>

#include "tb_stage.h"
extern "C" {
#include "gcm.h"
#include "sa_hash.h"
#include "tables_setup.h"
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
}

#define TAIL_RET 0x5a5au
#define N_SA 48

// What the C tail call recorded.
static struct {
	int called;
	uint16_t vrf;
	uint32_t ip_off;
	uint8_t label_ttl;
} rec;

uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl)
{
	(void)t;
	(void)p;
	rec.called = 1;
	rec.vrf = vrf;
	rec.ip_off = ip_off;
	rec.label_ttl = label_ttl;
	return TAIL_RET;
}

static struct vrfsec_tables *TC, *TR; // C side, RTL side
static struct vrfsec_gcm_key *KEYS;   // by SA index

struct tb_sa {
	uint32_t idx;
	struct vrfsec_sa_params prm;
};
static struct tb_sa SAS[N_SA];
static unsigned n_sas;

static uint32_t rnd(uint32_t n)
{
	return n ? tb_rand() % n : 0;
}

static uint64_t rnd64(void)
{
	return (uint64_t)tb_rand() << 32 | tb_rand();
}

static void wr16b(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32b(uint8_t *p, uint32_t v)
{
	wr16b(p, v >> 16);
	wr16b(p + 2, v);
}

static void ip4_csum(uint8_t *ip, unsigned hlen)
{
	uint32_t s = 0;

	ip[10] = ip[11] = 0;
	for (unsigned i = 0; i < hlen; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	wr16b(ip + 10, ~s & 0xffff);
}

// Same change on both tables (state the stage reads: replay windows, port configuration).
#define BOTH(stmt)                                   \
	do {                                         \
		struct vrfsec_tables *t = TC;        \
		stmt;                                \
		t = TR;                              \
		stmt;                                \
	} while (0)

static uint32_t add_sa(const struct vrfsec_sa_params *prm)
{
	uint32_t idx;
	uint8_t key[16];

	do
		idx = rnd(VRFSEC_MAX_SA);
	while (TC->sa[idx].valid);
	if (vrfsec_sa_compile(TC, idx, prm) || vrfsec_sa_compile(TR, idx, prm)) {
		printf("sa_compile failed\n");
		exit(1);
	}
	tb_rand_bytes(key, 16);
	vrfsec_gcm_key_setup(&KEYS[idx], key, 16);
	SAS[n_sas].idx = idx;
	SAS[n_sas].prm = *prm;
	n_sas++;
	return idx;
}

static void rand_ts(struct vrfsec_sa_params *p)
{
	p->n_ts = (uint8_t)rnd(5);
	for (unsigned i = 0; i < p->n_ts; i++) {
		struct vrfsec_ts *ts = &p->ts[i];

		ts->af = rnd(2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
		ts->plen = (uint8_t)rnd(ts->af == VRFSEC_AF_IPV4 ? 33 : 129);
		tb_rand_bytes(ts->addr, 16);
	}
}

// Inbound SAs of every kind; some share an SPI (different destinations), some crowd one bucket.
static void setup_sas(void)
{
	static const uint16_t wins[] = { 0, 32, 64, 100, 1024, 4095, 4096 };
	struct vrfsec_sa_params p;

	TC = (struct vrfsec_tables *)calloc(1, sizeof(*TC));
	TR = (struct vrfsec_tables *)calloc(1, sizeof(*TR));
	KEYS = (struct vrfsec_gcm_key *)calloc(VRFSEC_MAX_SA, sizeof(*KEYS));
	if (!TC || !TR || !KEYS) {
		printf("out of memory\n");
		exit(1);
	}
	vrfsec_tables_init(TC);
	vrfsec_tables_init(TR);
	for (unsigned i = 0; i < 32; i++) {
		memset(&p, 0, sizeof(p));
		p.dir = VRFSEC_SA_DIR_IN;
		p.mode = i & 1 ? VRFSEC_MODE_TRANSPORT : VRFSEC_MODE_TUNNEL;
		p.esn = (i >> 1) & 1;
		p.udp = (i >> 2) & 1;
		p.outer_af = (i >> 3) & 1 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
		if (p.udp) {
			p.udp_sport = 4500;
			p.udp_dport = 4500;
		}
		do
			p.spi = tb_rand();
		while (p.spi == 0);
		p.vrf = (uint16_t)rnd(VRFSEC_MAX_VRF);
		p.win = wins[rnd(7)];
		p.no_replay = rnd(8) == 0;
		tb_rand_bytes(p.salt, 4);
		tb_rand_bytes(p.src, 16);
		tb_rand_bytes(p.dst, 16);
		if (i >= 16 && i < 24) {
			// same SPI as an earlier SA: same first dst bytes, different rest (IPv6), or the
			// same dst of the other family
			const struct tb_sa *o = &SAS[i - 16];

			p.spi = o->prm.spi;
			p.outer_af = o->prm.outer_af;
			memcpy(p.dst, o->prm.dst, 16);
			if (p.outer_af == VRFSEC_AF_IPV6)
				p.dst[8 + rnd(8)] ^= (uint8_t)(1 + rnd(255));
			else if (rnd(2))
				p.dst[rnd(4)] ^= (uint8_t)(1 + rnd(255));
			else
				p.outer_af = VRFSEC_AF_IPV6;
			if (vrfsec_spi_lookup(TC, p.spi, p.outer_af, p.dst) != VRFSEC_NONE)
				p.dst[15] ^= 0x55;
		}
		rand_ts(&p);
		add_sa(&p);
	}
	// Crowd the first-choice bucket of one SPI so that later SAs land in the second bucket.
	{
		uint32_t spi0 = SAS[0].prm.spi, b = spi_bucket(spi0, 0);
		unsigned n = 0;

		while (n < 10 && n_sas < N_SA) {
			uint32_t s = tb_rand();

			if (s == 0 || spi_bucket(s, 0) != b)
				continue;
			p = SAS[n % 16].prm;
			p.spi = s;
			rand_ts(&p);
			add_sa(&p);
			n++;
		}
	}
}

// A frame to the public port for SA s, sequence number seq (the low half goes on the wire).
struct frame_opts {
	unsigned inner_len;   // bytes before the padding
	int inner_kind;       // 0 IPv4, 1 IPv6, 2 random bytes
	uint8_t nh;           // next header in the trailer
	unsigned pad_len;     // pad length field
	int bad_pad;          // 1: one padding byte wrong
	unsigned opt_words;   // IPv4 outer options (0..10 words)
	uint8_t outer_tc;     // outer TOS / traffic class
	uint8_t inner_tc;
	int src_pick;         // inner source: 0 random, 1 inside a selector, 2 just outside one
	int pad_field;        // >= 0: pad length byte claims this instead of pad_len
};

static void inner_src(const struct tb_sa *s, int v6, int pick, uint8_t *src)
{
	unsigned alen = v6 ? 16 : 4;

	tb_rand_bytes(src, alen);
	if (pick == 0 || s->prm.n_ts == 0)
		return;
	const struct vrfsec_ts *ts = &s->prm.ts[rnd(s->prm.n_ts)];
	unsigned plen = ts->plen < 8 * alen ? ts->plen : 8 * alen;

	for (unsigned b = 0; b < plen; b++) {
		uint8_t m = (uint8_t)(0x80 >> (b % 8));

		src[b / 8] = (uint8_t)((src[b / 8] & ~m) | (ts->addr[b / 8] & m));
	}
	if (pick == 2 && plen > 0) {
		unsigned b = plen - 1 - rnd(plen < 3 ? plen : 3);

		src[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
	}
}

static unsigned build_frame(const struct tb_sa *s, uint64_t seq, const struct frame_opts *o,
			    uint8_t *f)
{
	const struct vrfsec_sa_params *prm = &s->prm;
	uint8_t pt[VRFSEC_MAX_FRAME + 300], aad[12], nonce[12], tag[16];
	unsigned n = 0, l3, l4, esp, ilen = o->inner_len;
	int v6 = prm->outer_af == VRFSEC_AF_IPV6;

	// plaintext: inner || padding || pad length || next header
	tb_rand_bytes(pt, ilen);
	if (o->inner_kind == 0 && ilen >= 20) {
		pt[0] = 0x45;
		pt[1] = o->inner_tc;
		wr16b(pt + 2, ilen);
		pt[6] = 0;
		pt[8] = 64;
		pt[9] = 17;
		inner_src(s, 0, o->src_pick, pt + 12);
		ip4_csum(pt, 20);
	} else if (o->inner_kind == 1 && ilen >= 40) {
		pt[0] = (uint8_t)(0x60 | o->inner_tc >> 4);
		pt[1] = (uint8_t)(o->inner_tc << 4 | (pt[1] & 15));
		wr16b(pt + 4, ilen - 40);
		pt[6] = 17;
		inner_src(s, 1, o->src_pick, pt + 8);
	}
	for (unsigned i = 0; i < o->pad_len; i++)
		pt[ilen + i] = (uint8_t)(i + 1);
	if (o->bad_pad && o->pad_len)
		pt[ilen + rnd(o->pad_len)] ^= (uint8_t)(1 + rnd(255));
	pt[ilen + o->pad_len] = (uint8_t)(o->pad_field >= 0 ? o->pad_field : (int)o->pad_len);
	pt[ilen + o->pad_len + 1] = o->nh;
	unsigned ptlen = ilen + o->pad_len + 2;

	// Ethernet
	tb_rand_bytes(f, 12);
	wr16b(f + 12, v6 ? 0x86dd : 0x0800);
	l3 = 14;
	unsigned hlen = v6 ? 40 : 20 + 4 * o->opt_words;
	l4 = l3 + hlen;
	esp = l4 + (prm->udp ? 8 : 0);
	unsigned esp_len = 16 + ptlen + 16;
	unsigned ip_len = hlen + (esp - l4) + esp_len;
	uint8_t *ip = f + l3;
	tb_rand_bytes(ip, hlen);
	if (v6) {
		ip[0] = (uint8_t)(0x60 | o->outer_tc >> 4);
		ip[1] = (uint8_t)(o->outer_tc << 4 | (ip[1] & 15));
		wr16b(ip + 4, ip_len - 40);
		ip[6] = prm->udp ? 17 : 50;
		memcpy(ip + 24, prm->dst, 16);
	} else {
		ip[0] = (uint8_t)(0x40 | hlen / 4);
		ip[1] = o->outer_tc;
		wr16b(ip + 2, ip_len);
		ip[6] = rnd(2) ? 0x40 : 0;
		ip[7] = 0;
		ip[9] = prm->udp ? 17 : 50;
		memcpy(ip + 16, prm->dst, 4);
		ip4_csum(ip, hlen);
	}
	if (prm->udp) {
		wr16b(f + l4, 4500);
		wr16b(f + l4 + 2, 4500);
		wr16b(f + l4 + 4, 8 + esp_len);
		wr16b(f + l4 + 6, 0);
	}
	wr32b(f + esp, prm->spi);
	wr32b(f + esp + 4, (uint32_t)seq);
	tb_rand_bytes(f + esp + 8, 8);
	memcpy(nonce, prm->salt, 4);
	memcpy(nonce + 4, f + esp + 8, 8);
	memcpy(aad, f + esp, 4);
	unsigned aad_len = 8;
	if (prm->esn) {
		wr32b(aad + 4, (uint32_t)(seq >> 32));
		wr32b(aad + 8, (uint32_t)seq);
		aad_len = 12;
	} else {
		wr32b(aad + 4, (uint32_t)seq);
	}
	vrfsec_gcm_seal(&KEYS[s->idx], nonce, aad, aad_len, pt, f + esp + 16, ptlen, tag);
	memcpy(f + esp + 16 + ptlen, tag, 16);
	n = l3 + ip_len;
	return n;
}

// Random frame options for SA s within the frame size limit.
static void rand_opts(const struct tb_sa *s, struct frame_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->opt_words = rnd(3) == 0 ? rnd(11) : 0;
	o->outer_tc = (uint8_t)tb_rand();
	o->inner_tc = (uint8_t)tb_rand();
	if (s->prm.mode == VRFSEC_MODE_TUNNEL) {
		o->inner_kind = (int)rnd(2);
		o->nh = o->inner_kind ? 41 : 4;
	} else {
		o->inner_kind = 2;
		o->nh = rnd(2) ? 17 : (uint8_t)tb_rand();
	}
	unsigned r = rnd(10);
	o->inner_len = r < 5 ? 40 + rnd(200) : r < 8 ? rnd(60) : rnd(1800);
	o->pad_len = rnd(4) ? (4 - (o->inner_len + 2) % 4) % 4 + 4 * rnd(4) : rnd(256);
	o->src_pick = (int)rnd(3);
	o->pad_field = -1;
	if (rnd(20) == 0)
		o->bad_pad = 1;
	if (rnd(30) == 0)
		o->pad_field = (int)(o->pad_len + 1 + rnd(o->inner_len + 4));
	if (o->pad_field > 255)
		o->pad_field = 255;
	if (rnd(25) == 0)
		o->nh = 59;
	if (rnd(25) == 0)
		o->nh = (uint8_t)tb_rand();
	if (rnd(25) == 0)
		o->inner_kind = (int)rnd(3);
}

// A packet as vrfsec_stage_rx hands it on: frame at a random legal offset, garbage elsewhere.
static void load_pkt(struct vrfsec_pkt *p, const uint8_t *f, unsigned len)
{
	tb_rand_bytes((uint8_t *)p, sizeof(*p));
	unsigned room = VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - len;

	p->off = (uint16_t)(VRFSEC_HEADROOM + (rnd(2) ? 0 : rnd(room - VRFSEC_HEADROOM + 1)));
	p->len = (uint16_t)len;
	memcpy(p->buf + p->off, f, len);
	p->in_port = VRFSEC_PORT_PUBLIC;
	p->stage = VRFSEC_STAGE_NONE;
	p->vrf = 0xffff;
	p->sa_in = VRFSEC_NONE;
	p->sa_out = VRFSEC_NONE;
	p->op.data_len = 0;
}

// A replay state for SA s on both tables: highest number and a random bitmap.
static void rand_replay(const struct tb_sa *s)
{
	uint32_t idx = s->idx;
	uint64_t hi;
	unsigned r = rnd(9);
	uint32_t w = TC->sa[idx].win ? TC->sa[idx].win : VRFSEC_REPLAY_DEFAULT;

	if (r == 0)
		hi = 0;
	else if (r == 1)
		hi = rnd(5000);
	else if (r == 2 && s->prm.esn)
		hi = ((uint64_t)rnd(4) << 32) + (uint32_t)(0u - rnd(5000));
	else if (r == 3 && s->prm.esn)
		hi = ((uint64_t)(1 + rnd(4)) << 32) + rnd(5000);
	else if (r == 4 && s->prm.esn)
		hi = rnd64();
	else if (r == 5)
		hi = ((uint64_t)rnd(3) << 32) + w - 2 + rnd(3); // tl around w - 1
	else
		hi = tb_rand();
	if (!s->prm.esn)
		hi &= 0xffffffffu;
	BOTH(t->sa[idx].seq = hi);
	int fill = (int)rnd(3);
	for (unsigned i = 0; i < VRFSEC_REPLAY_WORDS; i++) {
		uint32_t w = fill == 0 ? 0 : fill == 1 ? tb_rand() : tb_rand() | tb_rand();

		BOTH(t->replay[idx][i] = w);
	}
}

// A sequence number near the window of SA s (or anywhere).
static uint64_t pick_seq(const struct tb_sa *s)
{
	const struct vrfsec_sa *sa = &TC->sa[s->idx];
	uint32_t w = sa->win ? sa->win : VRFSEC_REPLAY_DEFAULT;
	uint64_t seq;
	unsigned r = rnd(6);

	if (r == 0)
		seq = rnd64();
	else if (r == 1)
		seq = sa->seq + rnd(40);
	else if (r == 2)
		seq = sa->seq - w + rnd(5) - 2;
	else
		seq = sa->seq - rnd(w + 40);
	if (!s->prm.esn)
		seq &= 0xffffffffu;
	return seq;
}

// ---- comparison ----
static unsigned n_fail_print;

static int cmp_meta(const struct vrfsec_pkt *a, const struct vrfsec_pkt *b)
{
	struct vrfsec_pkt x = *a, y = *b;

	memset(x.buf, 0, sizeof(x.buf));
	memset(y.buf, 0, sizeof(y.buf));
	x.op.pad0 = y.op.pad0 = 0;
	x.op.pad1 = y.op.pad1 = 0;
	return memcmp(&x, &y, sizeof(x));
}

static void print_meta(const char *who, const struct vrfsec_pkt *p)
{
	printf("  %s: off %u len %u out %u stage %u reason %u vrf %u l3 %u sa_in %u seq %llx "
	       "op sa %u enc %u aad_len %u tag_ok %u data %u+%u tag %u\n",
	       who, p->off, p->len, p->out_port, p->stage, p->reason, p->vrf, p->l3_off,
	       p->sa_in, (unsigned long long)p->seq, p->op.sa, p->op.encrypt, p->op.aad_len,
	       p->op.tag_ok, p->op.data_off, p->op.data_len, p->op.tag_off);
}

// The table parts a stage of this pair can touch, and everything it reads.
static int cmp_tables(void)
{
	if (memcmp(TC->cnt, TR->cnt, sizeof(TC->cnt)))
		return 1;
	if (memcmp(TC->vrf_cnt, TR->vrf_cnt, sizeof(TC->vrf_cnt)))
		return 2;
	for (unsigned i = 0; i < n_sas; i++) {
		uint32_t idx = SAS[i].idx;

		if (memcmp(&TC->sa[idx], &TR->sa[idx], sizeof(TC->sa[idx])))
			return 3;
		if (memcmp(TC->replay[idx], TR->replay[idx], sizeof(TC->replay[idx])))
			return 4;
		if (memcmp(&TC->sa_cnt[idx], &TR->sa_cnt[idx], sizeof(TC->sa_cnt[idx])))
			return 5;
	}
	if (memcmp(&TC->port, &TR->port, sizeof(TC->port)))
		return 6;
	return 0;
}

// Whole tables, once per run.
static int cmp_all_tables(void)
{
	return memcmp(TC, TR, sizeof(*TC)) != 0;
}

struct cyc_stat {
	uint64_t n, sum, min, max;
};

static void cyc_add(struct cyc_stat *c, uint64_t v)
{
	if (c->n == 0 || v < c->min)
		c->min = v;
	if (v > c->max)
		c->max = v;
	c->sum += v;
	c->n++;
}

#endif
