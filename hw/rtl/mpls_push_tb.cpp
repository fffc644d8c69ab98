// SPDX-License-Identifier: Apache-2.0
// Testbench of mpls_push against hw/hls/mpls.c: MPLS next hops with 1..3 labels, uniform and pipe
// TTL (pipe TTL 0 = 255), random Ethernet templates, VRFs with and without a DSCP -> TC map, set up
// with the real table code, plus raw entries with 0 and 4 labels that only C-identity defines;
// random offsets, lengths, TTLs and DSCPs; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vmpls_push.h"
#include "verilated.h"
#include "tb_check.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
}

#define N_CASES 4000
#define N_NH 64
#define NH_RAW0 (N_NH + 1) // raw entries: 0 labels, 4 labels
#define NH_RAW4 (N_NH + 2)

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

static struct tb_bench B;
static unsigned seen_n[5];

static void run_case(const struct vrfsec_pkt *p, const struct tb_args *a, unsigned id)
{
	static struct vrfsec_pkt pc, pr;
	char tag[32];
	int ok = 1;

	snprintf(tag, sizeof(tag), "case %u", id);
	tb_case_begin(&B);
	pc = *p;
	mpls_push(T, &pc, &T->nh[a->nh], a->ip_off, a->ip_len, a->ttl, a->dscp);
	seen_n[T->nh[a->nh].n_labels]++;
	tb_case_c_done(&B, 0, pc.reason);
	for (unsigned li = 0; li < TB_NLAT && ok; li++) {
		struct tb_result r;

		tb_run_begin(&B);
		pr = *p;
		if (tb_stage_run(m, T, &pr, a, &r, TB_LATS[li], 0)) {
			ok = 0;
			break;
		}
		if (r.res == 0)
			pkt_exit(T, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (r.res != 0)
			printf("%s lat %u: result %d, C exits\n", tag, TB_LATS[li], r.res), ok = 0;
		if (memcmp(&pc, &pr, offsetof(struct vrfsec_pkt, buf)))
			printf("%s lat %u: metadata differs\n", tag, TB_LATS[li]), ok = 0;
		for (unsigned i = 0, shown = 0; i < VRFSEC_BUF_SIZE; i++)
			if (pc.buf[i] != pr.buf[i] && shown++ < 8)
				printf("%s lat %u: buf[%u] c %02x rtl %02x\n", tag, TB_LATS[li], i,
				       pc.buf[i], pr.buf[i]), ok = 0;
		ok &= tb_run_end(&B, li, r.cycles, tag);
		if (!ok)
			printf("  nh %u n %u ttl_mode %u pipe %u ip_off %u ip_len %u ttl %u dscp %u\n",
			       a->nh, T->nh[a->nh].n_labels, T->nh[a->nh].ttl_mode,
			       T->nh[a->nh].pipe_ttl, a->ip_off, a->ip_len, a->ttl, a->dscp);
	}
	tb_case_end(&B, ok);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct vrfsec_pkt p;
	struct tb_args a;

	setup();
	tb_bench_init(&B, "mpls_push", T);
	m = new Vmpls_push;
	tb_reset(m);
	uint64_t h0 = tb_ro_hash(T);
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
	if (tb_ro_hash(T) != h0)
		tb_fail(&B, "tables outside the counters changed");
	for (unsigned n = 0; n <= 4; n++)
		if (!seen_n[n]) {
			printf("mpls_push: no next hop with %u labels\n", n);
			B.failed++;
		}
	int rc = tb_report(&B);
	m->final();
	delete m;
	free(T);
	return rc;
}
