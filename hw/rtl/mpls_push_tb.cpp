// SPDX-License-Identifier: Apache-2.0
// Testbench of mpls_push against hw/hls/mpls.c: MPLS next hops with 1..3 labels, uniform and pipe
// TTL (pipe TTL 0 = 255), random Ethernet templates, VRFs with and without a DSCP -> TC map, set up
// with the real table code, plus raw entries with 0 and 4 labels that only C-identity defines;
// random offsets, lengths, TTLs and DSCPs; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vmpls_push.h"
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
}

#define N_CASES 4000
#define N_NH 64
#define NH_RAW0 (N_NH + 1) // raw entries: 0 labels, 4 labels
#define NH_RAW4 (N_NH + 2)

static const unsigned LATS[3] = { 1, 2, 5 };
static const uint16_t VRFS[] = { 0, 1, 5, 300, 1023 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))

static struct vrfsec_tables *T;
static Vmpls_push *m;

// mpls.c's mpls_core_rx tail-calls vrf_forward; this testbench never runs it.
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl)
{
	(void)t, (void)p, (void)vrf, (void)ip_off, (void)label_ttl;
	printf("mpls_push: unexpected vrf_forward call\n");
	exit(1);
}

static uint32_t rnd(uint32_t n)
{
	return tb_rand() % n;
}

static void die(const char *what)
{
	printf("mpls_push: %s failed\n", what);
	exit(1);
}

static void setup(void)
{
	struct vrfsec_vrf_params vp;
	struct vrfsec_nh nh;

	T = (struct vrfsec_tables *)calloc(1, sizeof(*T));
	if (!T)
		die("calloc");
	vrfsec_tables_init(T);
	for (unsigned v = 0; v < N_VRFS; v++) {
		memset(&vp, 0, sizeof(vp));
		vp.ttl_mode = (uint8_t)rnd(2);
		vp.tc_map_set = (uint8_t)(v & 1);
		tb_rand_bytes(vp.tc_map, 64);
		if (vrfsec_vrf_set(T, VRFS[v], &vp))
			die("vrf_set");
	}
	for (uint32_t i = 1; i <= N_NH + 2; i++) {
		memset(&nh, 0, sizeof(nh));
		nh.kind = VRFSEC_NH_MPLS;
		nh.n_labels = (uint8_t)(1 + i % 3);
		nh.ttl_mode = (uint8_t)(i / 3 % 2);
		nh.pipe_ttl = (uint8_t)(i % 5 == 0 ? 0 : tb_rand());
		nh.mtu = (uint16_t)tb_rand();
		for (int k = 0; k < 3; k++)
			nh.label[k] = rnd(4) ? tb_rand() & 0xfffff : rnd(16);
		tb_rand_bytes(nh.eth, 14);
		tb_rand_bytes(nh.pad, 2);
		if (vrfsec_nh_set(T, i, &nh))
			die("nh_set");
	}
	T->nh[NH_RAW0].n_labels = 0; // setup refuses these; the C code still defines the bytes
	T->nh[NH_RAW4].n_labels = 4;
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

static uint64_t cyc_min[3] = { ~0ull, ~0ull, ~0ull }, cyc_max[3], cyc_sum[3];
static unsigned n_runs[3], passed, failed, seen_n[5];
static uint64_t snap_cnt[VRFSEC_CNT_MAX], c_cnt[VRFSEC_CNT_MAX];
static struct vrfsec_vrf_counters snap_vc[VRFSEC_MAX_VRF], c_vc[VRFSEC_MAX_VRF];

static void run_case(const struct vrfsec_pkt *p, const struct tb_args *a, unsigned id)
{
	static struct vrfsec_pkt pc, pr;
	int ok = 1;

	memcpy(snap_cnt, T->cnt, sizeof(snap_cnt));
	memcpy(snap_vc, T->vrf_cnt, sizeof(snap_vc));
	pc = *p;
	mpls_push(T, &pc, &T->nh[a->nh], a->ip_off, a->ip_len, a->ttl, a->dscp);
	seen_n[T->nh[a->nh].n_labels]++;
	memcpy(c_cnt, T->cnt, sizeof(c_cnt));
	memcpy(c_vc, T->vrf_cnt, sizeof(c_vc));
	for (unsigned li = 0; li < 3 && ok; li++) {
		struct tb_result r;

		memcpy(T->cnt, snap_cnt, sizeof(snap_cnt));
		memcpy(T->vrf_cnt, snap_vc, sizeof(snap_vc));
		pr = *p;
		if (tb_stage_run(m, T, &pr, a, &r, LATS[li], 0)) {
			ok = 0;
			break;
		}
		if (r.res == 0)
			pkt_exit(T, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (r.res != 0)
			printf("case %u lat %u: result %d, C exits\n", id, LATS[li], r.res), ok = 0;
		if (memcmp(&pc, &pr, offsetof(struct vrfsec_pkt, buf)))
			printf("case %u lat %u: metadata differs\n", id, LATS[li]), ok = 0;
		for (unsigned i = 0, shown = 0; i < VRFSEC_BUF_SIZE; i++)
			if (pc.buf[i] != pr.buf[i] && shown++ < 8)
				printf("case %u lat %u: buf[%u] c %02x rtl %02x\n", id, LATS[li], i,
				       pc.buf[i], pr.buf[i]), ok = 0;
		if (memcmp(c_cnt, T->cnt, sizeof(c_cnt)) || memcmp(c_vc, T->vrf_cnt, sizeof(c_vc)))
			printf("case %u lat %u: counters differ\n", id, LATS[li]), ok = 0;
		if (!ok)
			printf("  nh %u n %u ttl_mode %u pipe %u ip_off %u ip_len %u ttl %u dscp %u\n",
			       a->nh, T->nh[a->nh].n_labels, T->nh[a->nh].ttl_mode,
			       T->nh[a->nh].pipe_ttl, a->ip_off, a->ip_len, a->ttl, a->dscp);
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
	struct tb_args a;

	setup();
	m = new Vmpls_push;
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
		// as vrf_forward calls it: ip_off behind an L2 header at off >= 100, ip_len to the end
		unsigned off = rnd(2) ? 128 : 100 + rnd(61), k = rnd(4) ? 14 + 4 * rnd(4) : rnd(60);
		unsigned ip_len = 20 + rnd(VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - off - k - 20 + 1);

		tb_rand_bytes((uint8_t *)&p, sizeof(p));
		p.off = (uint16_t)off;
		p.len = (uint16_t)(k + ip_len + (rnd(4) ? 0 : rnd(20)));
		p.vrf = VRFS[rnd(N_VRFS)];
		tb_rand_bytes((uint8_t *)&a, sizeof(a));
		a.nh = i < 200 ? NH_RAW0 + i % 2 : 1 + rnd(N_NH);
		a.ip_off = (uint16_t)(off + k);
		a.ip_len = (uint16_t)ip_len;
		a.ttl = (uint8_t)(rnd(4) ? tb_rand() : rnd(3));
		run_case(&p, &a, i);
	}
	if (ro_hash() != h0) {
		printf("mpls_push: tables outside the counters changed\n");
		failed++;
	}
	for (unsigned n = 0; n <= 4; n++)
		if (!seen_n[n]) {
			printf("mpls_push: no next hop with %u labels\n", n);
			failed++;
		}
	for (unsigned li = 0; li < 3; li++)
		printf("mpls_push: memory latency %u: cycles min/mean/max %llu/%.1f/%llu\n", LATS[li],
		       (unsigned long long)cyc_min[li], (double)cyc_sum[li] / n_runs[li],
		       (unsigned long long)cyc_max[li]);
	printf("mpls_push: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n",
	       passed, failed, (unsigned long long)cyc_min[0], (double)cyc_sum[0] / n_runs[0],
	       (unsigned long long)cyc_max[0]);
	m->final();
	delete m;
	free(T);
	return failed ? 1 : 0;
}
