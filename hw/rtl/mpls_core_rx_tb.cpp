// SPDX-License-Identifier: Apache-2.0
// Testbench of mpls_core_rx against hw/hls/mpls.c (tail call vrf_forward recorded by a stub):
// VPN labels mapped to VRFs of both TTL models with the real table code, frames with every
// ethertype case, 0..8 explicit nulls, mapped / unmapped / reserved labels, missing S bits, top
// TTL 0..3, truncated stacks and empty payloads; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vmpls_core_rx.h"
#include "verilated.h"
#include "tb_to_vrf.h"
extern "C" {
#include "tables_setup.h"
}

#define N_CASES 6000
#define N_LABELS 40

static const uint16_t VRFS[] = { 0, 1, 6, 64, 999, 1023 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))

static struct vrfsec_tables *T;
static Vmpls_core_rx *m;
static uint32_t labels[N_LABELS]; // the last quarter is unmapped again
static struct tb_bench B;

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

static void run_case(const struct vrfsec_pkt *p, unsigned id)
{
	tb_to_vrf_case(&B, m, mpls_core_rx, p, id);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct vrfsec_pkt p;

	setup();
	tb_bench_init(&B, "mpls_core_rx", T);
	m = new Vmpls_core_rx;
	tb_reset(m);
	uint64_t h0 = tb_ro_hash(T);
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
	if (tb_ro_hash(T) != h0)
		tb_fail(&B, "tables outside the counters changed");
	static const unsigned WANT[] = { VRFSEC_CNT_MALFORMED, VRFSEC_CNT_LOCAL, VRFSEC_CNT_NON_IP,
					 VRFSEC_CNT_NO_LABEL, VRFSEC_CNT_TTL_EXPIRED };
	tb_require_seen(&B, WANT, sizeof(WANT) / sizeof(WANT[0]), 1);
	printf("mpls_core_rx: exits malformed %u local %u non_ip %u no_label %u ttl %u, tail "
	       "vrf_forward %u\n",
	       B.seen_reason[VRFSEC_CNT_MALFORMED], B.seen_reason[VRFSEC_CNT_LOCAL],
	       B.seen_reason[VRFSEC_CNT_NON_IP], B.seen_reason[VRFSEC_CNT_NO_LABEL],
	       B.seen_reason[VRFSEC_CNT_TTL_EXPIRED], B.seen_tail);
	int rc = tb_report(&B);
	m->final();
	delete m;
	free(T);
	return rc;
}
