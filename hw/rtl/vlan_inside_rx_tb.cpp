// SPDX-License-Identifier: Apache-2.0
// Testbench of vlan_inside_rx against hw/hls/vrf_fwd.c (its tail call vrf_forward recorded by a
// stub, see vlan_inside_rx_tb.mk): VRFs with VLANs set up with the real table code (one moved to
// another VLAN), tagged frames on mapped and unmapped VLANs with PCP/DEI bits, IPv4 / IPv6 / other
// inner ethertypes, untagged and short frames; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vvlan_inside_rx.h"
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
uint32_t tbref_unused_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
				uint32_t ip_off, uint32_t ip_len);
uint32_t tbref_unused_mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p,
				const struct vrfsec_nh *nh, uint32_t ip_off, uint32_t ip_len,
				uint8_t ttl, uint8_t dscp);
}

#define N_CASES 5000
#define TAIL_RET 0x5a5au
#define STG_VRF_FORWARD 8

static const unsigned LATS[3] = { 1, 2, 5 };
static const uint16_t VRFS[] = { 0, 3, 17, 512, 1023 };
static const uint16_t VLANS[] = { 1, 100, 2047, 4094, 7 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))

static struct vrfsec_tables *T;
static Vvlan_inside_rx *m;

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

// vrf_forward itself (linked from the same object) is never run here.
uint32_t tbref_unused_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
				uint32_t ip_off, uint32_t ip_len)
{
	(void)t, (void)p, (void)sa, (void)ip_off, (void)ip_len;
	printf("vlan_inside_rx: unexpected esp_encap call\n");
	exit(1);
}

uint32_t tbref_unused_mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p,
				const struct vrfsec_nh *nh, uint32_t ip_off, uint32_t ip_len,
				uint8_t ttl, uint8_t dscp)
{
	(void)t, (void)p, (void)nh, (void)ip_off, (void)ip_len, (void)ttl, (void)dscp;
	printf("vlan_inside_rx: unexpected mpls_push call\n");
	exit(1);
}

static uint32_t rnd(uint32_t n)
{
	return tb_rand() % n;
}

static void die(const char *what)
{
	printf("vlan_inside_rx: %s failed\n", what);
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
		vp.vlan = VLANS[v];
		if (vrfsec_vrf_set(T, VRFS[v], &vp))
			die("vrf_set");
	}
	// VRF 1023 moves from VLAN 7 to VLAN 8: 7 is unmapped again
	memset(&vp, 0, sizeof(vp));
	vp.vlan = 8;
	if (vrfsec_vrf_set(T, 1023, &vp) || T->vlan_vrf[7] != 0)
		die("vrf_set move");
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

static void gen(struct vrfsec_pkt *p)
{
	static const uint16_t MAPPED[] = { 1, 100, 2047, 4094, 8 };
	unsigned off = rnd(3) ? 128 : 100 + rnd(61);
	unsigned r = rnd(10);
	uint16_t vlan = r < 6 ? MAPPED[rnd(5)] : r < 8 ? (uint16_t)rnd(4096) : r == 8 ? 7 : 0;
	uint8_t *f;

	tb_rand_bytes((uint8_t *)p, sizeof(*p));
	p->off = (uint16_t)off;
	f = p->buf + off;
	f[12] = 0x81, f[13] = 0x00;
	if (rnd(12) == 0)
		f[12] = rnd(2) ? 0x08 : (uint8_t)tb_rand(), f[13] = (uint8_t)tb_rand();
	f[14] = (uint8_t)((tb_rand() & 0xf0) | vlan >> 8);
	f[15] = (uint8_t)vlan;
	r = rnd(8);
	f[16] = r < 4 ? 0x08 : r < 7 ? 0x86 : (uint8_t)tb_rand();
	f[17] = r < 4 ? 0x00 : r < 7 ? 0xdd : (uint8_t)tb_rand();
	p->len = (uint16_t)(rnd(10) ? 18 + rnd(1500) : rnd(20));
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
	uint32_t st = vlan_inside_rx(T, &pc);
	if ((st == TAIL_RET) != rec.called)
		die("stub bookkeeping");
	if (rec.called)
		seen_tail++;
	else
		seen_reason[pc.reason]++;
	memcpy(c_cnt, T->cnt, sizeof(c_cnt));
	memcpy(c_vc, T->vrf_cnt, sizeof(c_vc));
	tb_rand_bytes((uint8_t *)&a, sizeof(a)); // vlan_inside_rx takes no arguments
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
			printf("case %u lat %u: c %s vrf %u ip_off %u | rtl res %d stage %d vrf %u "
			       "ip_off %u port %d reason %d\n",
			       id, LATS[li], rec.called ? "tail" : "exit", rec.vrf, rec.ip_off, r.res,
			       r.tail_stage, r.tail.vrf, r.tail.ip_off, r.exit_port, r.exit_reason);
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
	m = new Vvlan_inside_rx;
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
	if (ro_hash() != h0) {
		printf("vlan_inside_rx: tables outside the counters changed\n");
		failed++;
	}
	static const unsigned WANT[] = { VRFSEC_CNT_MALFORMED, VRFSEC_CNT_NON_IP,
					 VRFSEC_CNT_NO_VLAN };
	for (unsigned i = 0; i < sizeof(WANT) / sizeof(WANT[0]); i++)
		if (!seen_reason[WANT[i]]) {
			printf("vlan_inside_rx: exit reason %u never taken\n", WANT[i]);
			failed++;
		}
	if (!seen_tail) {
		printf("vlan_inside_rx: the tail call never taken\n");
		failed++;
	}
	printf("vlan_inside_rx: exits malformed %u non_ip %u no_vlan %u, tail vrf_forward %u\n",
	       seen_reason[VRFSEC_CNT_MALFORMED], seen_reason[VRFSEC_CNT_NON_IP],
	       seen_reason[VRFSEC_CNT_NO_VLAN], seen_tail);
	for (unsigned li = 0; li < 3; li++)
		printf("vlan_inside_rx: memory latency %u: cycles min/mean/max %llu/%.1f/%llu\n",
		       LATS[li], (unsigned long long)cyc_min[li], (double)cyc_sum[li] / n_runs[li],
		       (unsigned long long)cyc_max[li]);
	printf("vlan_inside_rx: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n",
	       passed, failed, (unsigned long long)cyc_min[0], (double)cyc_sum[0] / n_runs[0],
	       (unsigned long long)cyc_max[0]);
	m->final();
	delete m;
	free(T);
	return failed ? 1 : 0;
}
