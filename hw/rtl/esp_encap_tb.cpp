// SPDX-License-Identifier: Apache-2.0
// Testbench of esp_encap against hw/hls/esp_encap.c: outbound SAs compiled by sa_compile with
// random policies (tunnel / transport, IPv4 / IPv6 outer, UDP, ESN, DSCP / ECN copy, DF modes,
// extra padding, MTUs), inner IPv4 (with options) and IPv6 packets of every length 20 / 40 .. 1500
// and the largest frame, MTU edges, sequence numbers at and near 2^32 and 2^64 (exhaustion), IV
// and IPv4 id wrap, invalid SA indexes, at memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vesp_encap.h"
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "tables_setup.h"
}

#define N_SA 64
#define N_RANDOM 3000

static const unsigned LATS[3] = { 1, 2, 5 };

static struct vrfsec_tables *TC, *TR; // the C model's and the RTL's card memory
static Vesp_encap *M;
static uint32_t sa_idx[N_SA];
static struct vrfsec_sa_params sa_par[N_SA];
static uint32_t sa_in_idx, sa_gone_idx; // an inbound SA, a removed one
static uint32_t passed, failed;
static struct {
	uint64_t n, sum, min, max;
	uint64_t cn, csum, cmin, cmax; // sealed calls only
} cyc[3];
static unsigned lat_i;
static uint64_t n_reason[VRFSEC_CNT_MAX], n_sealed[2][2][2][2][2]; // mode, outer v6, udp, esn, inner v6

static uint32_t below(uint32_t n)
{
	return tb_rand() % n;
}

static void make_sa(struct vrfsec_sa_params *p, uint32_t k)
{
	memset(p, 0, sizeof(*p));
	p->dir = VRFSEC_SA_DIR_OUT;
	p->mode = (uint8_t)below(2);
	p->esn = (uint8_t)below(2);
	p->udp = (uint8_t)below(2);
	p->spi = 0x1000u + k * 7919u + below(1000);
	p->vrf = (uint16_t)below(VRFSEC_MAX_VRF);
	p->outer_af = below(2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
	p->ttl = below(2) ? 0 : (uint8_t)(1 + below(255));
	p->tos = (uint8_t)tb_rand();
	p->dscp_copy = (uint8_t)below(2);
	p->ecn_copy = (uint8_t)below(2);
	p->df_mode = (uint8_t)below(3);
	p->pad_extra = below(3) ? 0 : (uint8_t)(4 * below(64));
	tb_rand_bytes(p->salt, 4);
	tb_rand_bytes(p->src, 16);
	tb_rand_bytes(p->dst, 16);
	p->flow_label = tb_rand() & 0xfffffu;
	p->ipv4_id = (uint16_t)tb_rand();
	p->udp_sport = (uint16_t)(1 + below(65535));
	p->udp_dport = below(2) ? 4500 : (uint16_t)(1 + below(65535));
	switch (below(4)) {
	case 0: p->mtu = 0; break;
	case 1: p->mtu = (uint16_t)(VRFSEC_MAX_FRAME - 14); break;
	default: p->mtu = (uint16_t)(576 + below(VRFSEC_MAX_FRAME - 14 - 576 + 1));
	}
	p->seq = p->esn ? ((uint64_t)below(4) << 32) | below(1u << 20) : below(1u << 20);
	p->iv = ((uint64_t)tb_rand() << 32) | tb_rand();
	tb_rand_bytes(p->smac, 6);
	tb_rand_bytes(p->dmac, 6);
}

static void setup(void)
{
	TC = (struct vrfsec_tables *)calloc(1, sizeof(*TC));
	TR = (struct vrfsec_tables *)calloc(1, sizeof(*TR));
	if (!TC || !TR) {
		printf("esp_encap_tb: out of memory\n");
		exit(1);
	}
	vrfsec_tables_init(TC);
	for (uint32_t k = 0; k < N_SA; k++) {
		uint32_t idx;
		int dup;

		do {
			idx = k == 0 ? 0 : k == 1 ? VRFSEC_MAX_SA - 1 : below(VRFSEC_MAX_SA);
			dup = 0;
			for (uint32_t j = 0; j < k; j++)
				dup |= sa_idx[j] == idx;
		} while (dup);
		sa_idx[k] = idx;
		make_sa(&sa_par[k], k);
		// the first SAs cover every mode / outer / UDP combination
		if (k < 16) {
			sa_par[k].mode = k & 1;
			sa_par[k].outer_af = k & 2 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
			sa_par[k].udp = (k >> 2) & 1;
			sa_par[k].esn = (k >> 3) & 1;
			if (!sa_par[k].esn)
				sa_par[k].seq &= 0xffffffffu;
		}
		if (vrfsec_sa_compile(TC, idx, &sa_par[k]) != 0) {
			printf("esp_encap_tb: sa_compile failed\n");
			exit(1);
		}
	}
	struct vrfsec_sa_params in;
	make_sa(&in, 99);
	in.dir = VRFSEC_SA_DIR_IN;
	sa_in_idx = 77;
	sa_gone_idx = 78;
	if (vrfsec_sa_compile(TC, sa_in_idx, &in) != 0) {
		printf("esp_encap_tb: sa_compile (in) failed\n");
		exit(1);
	}
	make_sa(&in, 98);
	if (vrfsec_sa_compile(TC, sa_gone_idx, &in) != 0 || vrfsec_sa_remove(TC, sa_gone_idx) != 0) {
		printf("esp_encap_tb: sa_compile (gone) failed\n");
		exit(1);
	}
	memcpy(TR, TC, sizeof(*TC));
}

// Inner packet kinds: 0 IPv4 (ihl 5), 1 IPv4 with options, 2 IPv6, 3 IPv4 with ihl < 5 (host
// inject lets it through), 4 other version (treated as IPv6 by esp_encap).
static uint32_t inner_hlen(int kind, uint32_t ihl)
{
	return kind == 2 || kind == 4 ? 40 : 4 * ihl;
}

// Builds a frame with the IP packet at ip_off; returns nothing, fills p.
static void build(struct vrfsec_pkt *p, int kind, uint32_t ihl, uint32_t ip_len, uint32_t off,
		  uint32_t ip_off, uint32_t trailing)
{
	uint8_t *ip = p->buf + ip_off;

	memset(p, 0, sizeof(*p));
	tb_rand_bytes(p->buf, VRFSEC_BUF_SIZE);
	p->off = (uint16_t)off;
	p->len = (uint16_t)(ip_off - off + ip_len + trailing);
	p->in_port = (uint8_t)below(5);
	p->out_port = (uint8_t)below(6);
	p->stage = (uint8_t)below(3);
	p->reason = (uint8_t)below(VRFSEC_CNT_MAX);
	p->vrf = below(4) ? (uint16_t)below(VRFSEC_MAX_VRF) : (uint16_t)tb_rand();
	p->l3_off = (uint16_t)tb_rand();
	p->sa_in = tb_rand();
	p->sa_out = below(2) ? VRFSEC_NONE : tb_rand();
	tb_rand_seq_op(p);
	if (kind == 2 || kind == 4) {
		ip[0] = (uint8_t)((kind == 2 ? 0x60 : (below(2) ? 0x00 : 0x50)) | below(16));
		ip[4] = (uint8_t)((ip_len - 40) >> 8);
		ip[5] = (uint8_t)(ip_len - 40);
		ip[7] = (uint8_t)(1 + below(255));
	} else {
		ip[0] = (uint8_t)(0x40 | ihl);
		ip[2] = (uint8_t)(ip_len >> 8);
		ip[3] = (uint8_t)ip_len;
		ip[6] = (uint8_t)(below(2) ? 0x40 : 0x00) | (uint8_t)(below(4) ? 0 : below(32));
		ip[8] = (uint8_t)(1 + below(255));
	}
}

static int cmp_tables(uint32_t sa)
{
	int bad = 0;

	if (sa < VRFSEC_MAX_SA) {
		if (memcmp(&TC->sa[sa], &TR->sa[sa], sizeof(TC->sa[sa]))) {
			printf("  SA %u state differs: seq C %llx RTL %llx, iv C %llx RTL %llx, id C %x RTL %x\n",
			       sa, (unsigned long long)TC->sa[sa].seq, (unsigned long long)TR->sa[sa].seq,
			       (unsigned long long)TC->sa[sa].iv, (unsigned long long)TR->sa[sa].iv,
			       TC->sa[sa].ipv4_id, TR->sa[sa].ipv4_id);
			bad = 1;
		}
		if (memcmp(&TC->sa_cnt[sa], &TR->sa_cnt[sa], sizeof(TC->sa_cnt[sa]))) {
			printf("  sa_cnt[%u] differs\n", sa);
			bad = 1;
		}
	}
	if (memcmp(TC->cnt, TR->cnt, sizeof(TC->cnt))) {
		printf("  counters differ\n");
		bad = 1;
	}
	if (memcmp(TC->vrf_cnt, TR->vrf_cnt, sizeof(TC->vrf_cnt))) {
		printf("  vrf counters differ\n");
		bad = 1;
	}
	if (bad) {
		if (sa < VRFSEC_MAX_SA) {
			TR->sa[sa] = TC->sa[sa];
			TR->sa_cnt[sa] = TC->sa_cnt[sa];
		}
		memcpy(TR->cnt, TC->cnt, sizeof(TC->cnt));
		memcpy(TR->vrf_cnt, TC->vrf_cnt, sizeof(TC->vrf_cnt));
	}
	return bad;
}

static void dump_diff(const struct vrfsec_pkt *a, const struct vrfsec_pkt *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	unsigned shown = 0;

	for (size_t i = 0; i < sizeof(*a) && shown < 12; i++)
		if (x[i] != y[i]) {
			long bo = (long)i - (long)offsetof(struct vrfsec_pkt, buf);
			printf("  byte %zu (buf %ld): C %02x RTL %02x\n", i, bo, x[i], y[i]);
			shown++;
		}
}

// Runs one call on both sides and compares everything.
static void run(const char *what, struct vrfsec_pkt *p, uint32_t sa, uint32_t ip_off,
		uint32_t ip_len)
{
	static struct vrfsec_pkt pc, pr;
	struct tb_args a;
	struct tb_result r;
	int bad = 0;

	pc = *p;
	pr = *p;
	memset(&a, 0, sizeof(a));
	a.sa = sa;
	a.ip_off = (uint16_t)ip_off;
	a.ip_len = (uint16_t)ip_len;
	a.vrf = (uint16_t)tb_rand();
	a.nh = tb_rand();
	uint32_t rc = esp_encap(TC, &pc, sa, ip_off, ip_len);
	if (tb_stage_run(M, TR, &pr, &a, &r, LATS[lat_i], 0) != 0) {
		bad = 1;
	} else {
		if (r.res == 0)
			pkt_exit(TR, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if ((rc == VRFSEC_ST_CRYPTO) != (r.res == 1) || r.res == 2) {
			printf("  result C %u RTL %d\n", rc, r.res);
			bad = 1;
		}
		if (memcmp(&pc, &pr, sizeof(pc))) {
			printf("  packet differs (C out %u reason %u, RTL out %u reason %u)\n",
			       pc.out_port, pc.reason, pr.out_port, pr.reason);
			dump_diff(&pc, &pr);
			bad = 1;
		}
		if (cmp_tables(sa))
			bad = 1;
		if (r.res == 1) {
			const struct vrfsec_sa *s = &TC->sa[sa];
			n_sealed[s->mode][s->outer_af == VRFSEC_AF_IPV6][!!(s->flags & VRFSEC_SAF_UDP)]
				[!!(s->flags & VRFSEC_SAF_ESN)][(p->buf[ip_off] >> 4) != 4]++;
		} else {
			n_reason[pc.reason]++;
		}
		cyc[lat_i].n++;
		cyc[lat_i].sum += r.cycles;
		if (cyc[lat_i].n == 1 || r.cycles < cyc[lat_i].min)
			cyc[lat_i].min = r.cycles;
		if (r.cycles > cyc[lat_i].max)
			cyc[lat_i].max = r.cycles;
		if (r.res == 1) {
			cyc[lat_i].cn++;
			cyc[lat_i].csum += r.cycles;
			if (cyc[lat_i].cn == 1 || r.cycles < cyc[lat_i].cmin)
				cyc[lat_i].cmin = r.cycles;
			if (r.cycles > cyc[lat_i].cmax)
				cyc[lat_i].cmax = r.cycles;
		}
	}
	if (bad) {
		if (failed < 20)
			printf("esp_encap_tb: FAIL %s: sa %u ip_off %u ip_len %u lat %u\n", what, sa,
			       ip_off, ip_len, LATS[lat_i]);
		failed++;
	} else {
		passed++;
	}
}

// One packet of the given kind and length into SA k (index into sa_idx), at a random position.
static void one(const char *what, uint32_t k, int kind, uint32_t ihl, uint32_t ip_len)
{
	static struct vrfsec_pkt p;
	uint32_t hdr = below(3) ? 14 : 14 + 4 * below(4); // Ethernet, + VLAN / labels
	if (hdr + ip_len > VRFSEC_MAX_FRAME)
		hdr = 14;
	uint32_t room = VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - hdr - ip_len;
	uint32_t off = VRFSEC_HEADROOM + (below(2) ? 0 : below(room - VRFSEC_HEADROOM + 1));
	uint32_t trailing = below(3) ? 0 : below(VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - off - hdr -
						  ip_len + 1);
	if (trailing > 64)
		trailing = below(64);

	build(&p, kind, ihl, ip_len, off, off + hdr, trailing);
	run(what, &p, sa_idx[k], off + hdr, ip_len);
}

// outer_len of esp_encap.c for SA k and an inner packet (the testbench's own arithmetic).
static uint32_t outer_len(uint32_t k, uint32_t hlen, uint32_t ip_len)
{
	const struct vrfsec_sa_params *s = &sa_par[k];
	uint32_t pl = s->mode ? ip_len - hlen : ip_len;
	uint32_t ct = pl + ((4 - ((pl + 2) & 3)) & 3) + s->pad_extra + 2;
	uint32_t esp = (s->udp ? 8 : 0) + 16 + ct + 16;

	return (s->mode ? hlen : s->outer_af == VRFSEC_AF_IPV4 ? 20 : 40) + esp;
}

static int pick_kind(uint32_t *ihl)
{
	int kind = (int)below(10);

	*ihl = 5;
	if (kind < 4)
		return 0;
	if (kind < 6) {
		*ihl = 6 + below(10);
		return 1;
	}
	if (kind < 9)
		return 2;
	*ihl = below(5);
	return below(2) ? 3 : 4;
}

static void set_seq(uint32_t k, uint64_t seq)
{
	TC->sa[sa_idx[k]].seq = seq;
	TR->sa[sa_idx[k]].seq = seq;
}

static void suite(void)
{
	uint32_t ihl;
	char what[64];

	// every inner length: IPv4 20..1500, IPv6 40..1500, through SAs in turn
	for (uint32_t len = 20; len <= 1500; len++)
		one("ipv4 length sweep", len % N_SA, 0, 5, len);
	for (uint32_t len = 40; len <= 1500; len++)
		one("ipv6 length sweep", len % N_SA, 2, 5, len);
	// the largest frame: 2034 bytes of IP behind Ethernet
	for (uint32_t k = 0; k < N_SA; k++) {
		one("largest frame v4", k, 0, 5, VRFSEC_MAX_FRAME - 14);
		one("largest frame v6", k, 2, 5, VRFSEC_MAX_FRAME - 14);
	}
	// MTU edges: the largest inner packet that fits and one byte more, for every SA
	for (uint32_t k = 0; k < N_SA; k++) {
		uint32_t mtu = sa_par[k].mtu ? sa_par[k].mtu : 1500;

		for (int kind = 0; kind < 3; kind += 2) {
			uint32_t hlen = kind == 2 ? 40 : 20, best = 0;

			for (uint32_t len = hlen; len <= VRFSEC_MAX_FRAME - 14; len++)
				if (outer_len(k, hlen, len) <= mtu)
					best = len;
			for (uint32_t d = 0; d < 4; d++)
				if (best + d >= hlen && best + d <= VRFSEC_MAX_FRAME - 14 && best + d >= 20)
					one("mtu edge", k, kind, 5, best + d);
		}
	}
	// sequence numbers: last one before 2^32, 2^32 itself (ESN), the end of the ESN space
	for (uint32_t k = 0; k < N_SA; k++) {
		static const uint64_t SEQS[] = { 0xfffffffdull, 0xfffffffeull, 0xffffffffull,
						 0x1fffffffeull, 0xfffffffffffffffdull,
						 0xfffffffffffffffeull, 0xffffffffffffffffull };
		uint64_t saved = TC->sa[sa_idx[k]].seq;

		for (unsigned s = 0; s < sizeof(SEQS) / sizeof(SEQS[0]); s++) {
			set_seq(k, SEQS[s]);
			int kind = pick_kind(&ihl);
			uint32_t hl = inner_hlen(kind, ihl);
			one("seq edge", k, kind, ihl, (hl > 20 ? hl : 20) + below(200));
			one("seq edge (again)", k, kind, ihl, (hl > 20 ? hl : 20) + below(200));
		}
		set_seq(k, saved);
		// IV and IPv4 id wrap
		TC->sa[sa_idx[k]].iv = TR->sa[sa_idx[k]].iv = ~0ull;
		TC->sa[sa_idx[k]].ipv4_id = TR->sa[sa_idx[k]].ipv4_id = 0xffff;
		one("iv / id wrap", k, 0, 5, 100);
		one("iv / id wrap (again)", k, 2, 5, 100);
	}
	// packets ending at the end of the frame area: with enough extra padding the trailer and
	// ICV no longer fit in the buffer (mtu_exceeded although the MTU would allow it)
	for (uint32_t k = 0; k < N_SA; k++) {
		static struct vrfsec_pkt p;
		uint32_t len = 100 + below(400), end = VRFSEC_HEADROOM + VRFSEC_MAX_FRAME;

		build(&p, 0, 5, len, end - len - 14, end - len, 0);
		run("end of buffer", &p, sa_idx[k], end - len, len);
		build(&p, 2, 5, len, end - len - 14 - 8, end - len - 8, 8);
		run("end of buffer - 8", &p, sa_idx[k], end - len - 8, len);
	}
	// invalid SAs: out of range, never compiled, inbound, removed
	{
		static const uint32_t BAD[] = { VRFSEC_MAX_SA, VRFSEC_MAX_SA + 1, 0x7fffffffu,
						0xffffffffu, 5, 1000 };
		static struct vrfsec_pkt p;
		for (unsigned b = 0; b < sizeof(BAD) / sizeof(BAD[0]) + 2; b++) {
			uint32_t sa = b < 6 ? BAD[b] : b == 6 ? sa_in_idx : sa_gone_idx;
			int used = 0;
			for (uint32_t k = 0; k < N_SA; k++)
				used |= sa_idx[k] == sa;
			if (used)
				continue;
			build(&p, 0, 5, 60, 128, 142, 0);
			snprintf(what, sizeof(what), "invalid SA %u", sa);
			run(what, &p, sa, 142, 60);
		}
	}
	// random
	for (uint32_t n = 0; n < N_RANDOM; n++) {
		uint32_t k = below(N_SA);
		int kind = pick_kind(&ihl);
		uint32_t hl = inner_hlen(kind, ihl), min = hl > 20 ? hl : 20;
		uint32_t len = below(4) ? min + below(1501 - min) :
					  min + below(VRFSEC_MAX_FRAME - 14 - 16 - min + 1);

		uint64_t saved = TC->sa[sa_idx[k]].seq;
		int edge = !below(20);

		if (edge)
			set_seq(k, below(2) ? 0xffffffffull - below(3) : ~0ull - below(3));
		one("random", k, kind, ihl, len);
		if (edge)
			set_seq(k, saved);
	}
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	M = new Vesp_encap;
	setup();
	tb_reset(M);
	for (lat_i = 0; lat_i < 3; lat_i++)
		suite();
	// nothing outside the compared parts of the tables may have changed
	if (memcmp(TC, TR, sizeof(*TC))) {
		printf("esp_encap_tb: FAIL: tables differ outside the compared parts\n");
		failed++;
	}
	uint64_t combos = 0, least = ~0ull;
	for (unsigned c = 0; c < 32; c++) {
		uint64_t v = n_sealed[c >> 4][(c >> 3) & 1][(c >> 2) & 1][(c >> 1) & 1][c & 1];
		combos += v != 0;
		least = v < least ? v : least;
	}
	printf("esp_encap: sealed %llu of 32 mode/outer/udp/esn/inner combinations (fewest %llu); exits "
	       "no_sa %llu, mtu_exceeded %llu, seq_exhausted %llu\n", (unsigned long long)combos,
	       (unsigned long long)least, (unsigned long long)n_reason[VRFSEC_CNT_NO_SA],
	       (unsigned long long)n_reason[VRFSEC_CNT_MTU_EXCEEDED],
	       (unsigned long long)n_reason[VRFSEC_CNT_SEQ_EXHAUSTED]);
	for (unsigned l = 0; l < 3; l++)
		printf("esp_encap: latency %u: cycles min/mean/max %llu/%.1f/%llu (sealed: %llu/%.1f/%llu)\n",
		       LATS[l], (unsigned long long)cyc[l].min, (double)cyc[l].sum / cyc[l].n,
		       (unsigned long long)cyc[l].max, (unsigned long long)cyc[l].cmin,
		       (double)cyc[l].csum / cyc[l].cn, (unsigned long long)cyc[l].cmax);
	printf("esp_encap: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", passed,
	       failed, (unsigned long long)cyc[0].min, (double)cyc[0].sum / cyc[0].n,
	       (unsigned long long)cyc[0].max);
	M->final();
	delete M;
	return failed ? 1 : 0;
}
