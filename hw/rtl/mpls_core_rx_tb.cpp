// SPDX-License-Identifier: Apache-2.0
// Testbench of mpls_core_rx against hw/hls/mpls.c (tail call vrf_forward recorded by a stub):
// VPN labels mapped to VRFs of both TTL models with the real table code, frames with every
// ethertype case, 0..8 explicit nulls, mapped / unmapped / reserved labels, missing S bits, top
// TTL 0..3, truncated stacks and empty payloads; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vmpls_core_rx.h"
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
}

#define N_CASES 6000
#define N_LABELS 40
#define TAIL_RET 0x5a5au
#define STG_VRF_FORWARD 8

static const unsigned LATS[3] = { 1, 2, 5 };
static const uint16_t VRFS[] = { 0, 1, 6, 64, 999, 1023 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))

static struct vrfsec_tables *T;
static Vmpls_core_rx *m;
static uint32_t labels[N_LABELS]; // the last quarter is unmapped again

static struct {
	int called;
	uint16_t vrf;
	uint32_t ip_off;
	uint8_t label_ttl;
} rec;

uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl)
{
	(void)t, (void)p;
	rec.called = 1;
	rec.vrf = vrf;
	rec.ip_off = ip_off;
	rec.label_ttl = label_ttl;
	return TAIL_RET;
}

static uint32_t rnd(uint32_t n)
{
	return tb_rand() % n;
}

static void die(const char *what)
{
	printf("mpls_core_rx: %s failed\n", what);
	exit(1);
}

static void setup(void)
{
	struct vrfsec_vrf_params vp;

	T = (struct vrfsec_tables *)calloc(1, sizeof(*T));
	if (!T)
		die("calloc");
	vrfsec_tables_init(T);
	for (unsigned v = 0; v < N_VRFS; v++) {
		memset(&vp, 0, sizeof(vp));
		vp.ttl_mode = (uint8_t)(v & 1);
		if (vrfsec_vrf_set(T, VRFS[v], &vp))
			die("vrf_set");
	}
	for (unsigned i = 0; i < N_LABELS; i++) {
		labels[i] = i < 4 ? 16 + i : i < 8 ? (1u << 20) - 1 - i : 16 + rnd((1u << 20) - 16);
		if (vrfsec_label_map(T, labels[i], VRFS[rnd(N_VRFS)]))
			die("label_map");
	}
	for (unsigned i = 3 * N_LABELS / 4; i < N_LABELS; i++)
		if (vrfsec_label_map(T, labels[i], 0xffff))
			die("label unmap");
}

static uint64_t ro_hash(void)
{
	const uint64_t *w = (const uint64_t *)T;
	size_t a = offsetof(struct vrfsec_tables, cnt) / 8, b = offsetof(struct vrfsec_tables, sa_cnt) / 8;
	size_t c = offsetof(struct vrfsec_tables, vrf_cnt) / 8;
	uint64_t h = 0;

	for (size_t i = 0; i < c; i++)
		if (i < a || i >= b)
			h = (h ^ w[i]) * 0x100000001b3ull + i;
	return h;
}

static void put_lse(uint8_t *q, uint32_t label, unsigned tc, unsigned s, unsigned ttl)
{
	uint32_t e = label << 12 | (tc & 7) << 9 | (s & 1) << 8 | (ttl & 255);

	q[0] = (uint8_t)(e >> 24);
	q[1] = (uint8_t)(e >> 16);
	q[2] = (uint8_t)(e >> 8);
	q[3] = (uint8_t)e;
}

static void gen(struct vrfsec_pkt *p)
{
	unsigned off = rnd(3) ? 128 : 100 + rnd(61);
	unsigned r = rnd(20), n = 0, nulls = rnd(4) ? rnd(3) : rnd(10);
	uint8_t *f;
	static const unsigned TTLS[] = { 0, 1, 2, 3, 255 };

	tb_rand_bytes((uint8_t *)p, sizeof(*p));
	p->off = (uint16_t)off;
	f = p->buf + off;
	f[12] = 0x88;
	f[13] = 0x47;
	if (r == 0)
		f[12] = 0x08, f[13] = 0x00;
	else if (r == 1)
		f[12] = 0x86, f[13] = 0xdd;
	else if (r == 2)
		f[12] = (uint8_t)tb_rand(), f[13] = (uint8_t)tb_rand();
	for (unsigned i = 0; i < nulls && n < 10; i++, n++)
		put_lse(f + 14 + 4 * n, rnd(2) ? 0 : 2, rnd(8), rnd(12) == 0, rnd(3) ? tb_rand() : TTLS[rnd(5)]);
	if (n < 10) {
		uint32_t l = rnd(10) ? labels[rnd(N_LABELS)] : rnd(16);

		put_lse(f + 14 + 4 * n, l, rnd(8), rnd(10) != 0, rnd(3) ? tb_rand() : TTLS[rnd(5)]);
		n++;
	}
	// a second label behind a VPN label without S, sometimes
	if (n < 10 && rnd(2))
		put_lse(f + 14 + 4 * n, labels[rnd(N_LABELS)], rnd(8), 1, tb_rand()), n++;
	unsigned len = 14 + 4 * n + (rnd(5) ? 20 + rnd(200) : rnd(2));
	if (rnd(12) == 0)
		len = rnd(14 + 4 * n + 1);
	p->len = (uint16_t)len;
}

static uint64_t cyc_min[3] = { ~0ull, ~0ull, ~0ull }, cyc_max[3], cyc_sum[3];
static unsigned n_runs[3], passed, failed, seen_reason[VRFSEC_CNT_MAX], seen_tail;
static uint64_t snap_cnt[VRFSEC_CNT_MAX], c_cnt[VRFSEC_CNT_MAX];
static struct vrfsec_vrf_counters snap_vc[VRFSEC_MAX_VRF], c_vc[VRFSEC_MAX_VRF];

static void run_case(const struct vrfsec_pkt *p, unsigned id)
{
	static struct vrfsec_pkt pc, pr;
	struct tb_args a;
	int ok = 1;

	memcpy(snap_cnt, T->cnt, sizeof(snap_cnt));
	memcpy(snap_vc, T->vrf_cnt, sizeof(snap_vc));
	pc = *p;
	rec.called = 0;
	uint32_t st = mpls_core_rx(T, &pc);
	if ((st == TAIL_RET) != rec.called)
		die("stub bookkeeping");
	if (rec.called)
		seen_tail++;
	else
		seen_reason[pc.reason]++;
	memcpy(c_cnt, T->cnt, sizeof(c_cnt));
	memcpy(c_vc, T->vrf_cnt, sizeof(c_vc));
	tb_rand_bytes((uint8_t *)&a, sizeof(a)); // mpls_core_rx takes no arguments
	for (unsigned li = 0; li < 3 && ok; li++) {
		struct tb_result r;

		memcpy(T->cnt, snap_cnt, sizeof(snap_cnt));
		memcpy(T->vrf_cnt, snap_vc, sizeof(snap_vc));
		pr = *p;
		if (tb_stage_run(m, T, &pr, &a, &r, LATS[li], 0)) {
			ok = 0;
			break;
		}
		if (r.res == 0)
			pkt_exit(T, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (rec.called ? r.res != 2 || r.tail_stage != STG_VRF_FORWARD || r.tail.vrf != rec.vrf ||
				       r.tail.ip_off != rec.ip_off || r.tail.label_ttl != rec.label_ttl
			       : r.res != 0) {
			printf("case %u lat %u: c %s vrf %u ip_off %u lttl %u | rtl res %d stage %d vrf %u "
			       "ip_off %u lttl %u port %d reason %d\n",
			       id, LATS[li], rec.called ? "tail" : "exit", rec.vrf, rec.ip_off,
			       rec.label_ttl, r.res, r.tail_stage, r.tail.vrf, r.tail.ip_off,
			       r.tail.label_ttl, r.exit_port, r.exit_reason);
			ok = 0;
		}
		if (memcmp(&pc, &pr, sizeof(pc)))
			printf("case %u lat %u: packet differs\n", id, LATS[li]), ok = 0;
		if (memcmp(c_cnt, T->cnt, sizeof(c_cnt)) || memcmp(c_vc, T->vrf_cnt, sizeof(c_vc)))
			printf("case %u lat %u: counters differ\n", id, LATS[li]), ok = 0;
		cyc_sum[li] += r.cycles;
		cyc_min[li] = r.cycles < cyc_min[li] ? r.cycles : cyc_min[li];
		cyc_max[li] = r.cycles > cyc_max[li] ? r.cycles : cyc_max[li];
		n_runs[li]++;
	}
	memcpy(T->cnt, c_cnt, sizeof(c_cnt));
	memcpy(T->vrf_cnt, c_vc, sizeof(c_vc));
	if (ok)
		passed++;
	else if (++failed > 20)
		die("too many cases");
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct vrfsec_pkt p;

	setup();
	m = new Vmpls_core_rx;
	m->rst = 1;
	for (int i = 0; i < 4; i++) {
		m->clk = 0;
		m->eval();
		m->clk = 1;
		m->eval();
	}
	m->rst = 0;
	uint64_t h0 = ro_hash();
	for (unsigned i = 0; i < N_CASES; i++) {
		gen(&p);
		run_case(&p, i);
	}
	// crafted: 8 explicit nulls (the walk gives up), 7 nulls then a VPN label
	for (unsigned k = 7; k <= 8; k++) {
		gen(&p);
		uint8_t *f = p.buf + p.off;
		f[12] = 0x88, f[13] = 0x47;
		for (unsigned i = 0; i < k; i++)
			put_lse(f + 14 + 4 * i, 0, 0, 0, 64);
		put_lse(f + 14 + 4 * k, labels[0], 0, 1, 64);
		p.len = (uint16_t)(14 + 4 * (k + 1) + 40);
		run_case(&p, 100000 + k);
	}
	if (ro_hash() != h0) {
		printf("mpls_core_rx: tables outside the counters changed\n");
		failed++;
	}
	static const unsigned WANT[] = { VRFSEC_CNT_MALFORMED, VRFSEC_CNT_LOCAL, VRFSEC_CNT_NON_IP,
					 VRFSEC_CNT_NO_LABEL, VRFSEC_CNT_TTL_EXPIRED };
	for (unsigned i = 0; i < sizeof(WANT) / sizeof(WANT[0]); i++)
		if (!seen_reason[WANT[i]]) {
			printf("mpls_core_rx: exit reason %u never taken\n", WANT[i]);
			failed++;
		}
	if (!seen_tail) {
		printf("mpls_core_rx: the tail call never taken\n");
		failed++;
	}
	printf("mpls_core_rx: exits malformed %u local %u non_ip %u no_label %u ttl %u, tail "
	       "vrf_forward %u\n",
	       seen_reason[VRFSEC_CNT_MALFORMED], seen_reason[VRFSEC_CNT_LOCAL],
	       seen_reason[VRFSEC_CNT_NON_IP], seen_reason[VRFSEC_CNT_NO_LABEL],
	       seen_reason[VRFSEC_CNT_TTL_EXPIRED], seen_tail);
	for (unsigned li = 0; li < 3; li++)
		printf("mpls_core_rx: memory latency %u: cycles min/mean/max %llu/%.1f/%llu\n",
		       LATS[li], (unsigned long long)cyc_min[li], (double)cyc_sum[li] / n_runs[li],
		       (unsigned long long)cyc_max[li]);
	printf("mpls_core_rx: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n",
	       passed, failed, (unsigned long long)cyc_min[0], (double)cyc_sum[0] / n_runs[0],
	       (unsigned long long)cyc_max[0]);
	m->final();
	delete m;
	free(T);
	return failed ? 1 : 0;
}
