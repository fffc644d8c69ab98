// SPDX-License-Identifier: Apache-2.0
// Testbench of vlan_inside_rx against hw/hls/vrf_fwd.c (its tail call vrf_forward recorded by a
// stub, see vlan_inside_rx_tb.mk): VRFs with VLANs set up with the real table code (one moved to
// another VLAN), tagged frames on mapped and unmapped VLANs with PCP/DEI bits, IPv4 / IPv6 / other
// inner ethertypes, untagged and short frames; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vvlan_inside_rx.h"
#include "verilated.h"
#include "tb_to_vrf.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_unused_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
				uint32_t ip_off, uint32_t ip_len);
uint32_t tbref_unused_mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p,
				const struct vrfsec_nh *nh, uint32_t ip_off, uint32_t ip_len,
				uint8_t ttl, uint8_t dscp);
}

#define N_CASES 5000

static const uint16_t VRFS[] = { 0, 3, 17, 512, 1023 };
static const uint16_t VLANS[] = { 1, 100, 2047, 4094, 7 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))

static struct vrfsec_tables *T;
static Vvlan_inside_rx *m;

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

static struct tb_bench B;

static void run_case(const struct vrfsec_pkt *p, unsigned id)
{
	tb_to_vrf_case(&B, m, vlan_inside_rx, p, id);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct vrfsec_pkt p;

	setup();
	tb_bench_init(&B, "vlan_inside_rx", T);
	m = new Vvlan_inside_rx;
	tb_reset(m);
	uint64_t h0 = tb_ro_hash(T);
	for (unsigned i = 0; i < N_CASES; i++) {
		gen(&p);
		run_case(&p, i);
	}
	if (tb_ro_hash(T) != h0)
		tb_fail(&B, "tables outside the counters changed");
	static const unsigned WANT[] = { VRFSEC_CNT_MALFORMED, VRFSEC_CNT_NON_IP,
					 VRFSEC_CNT_NO_VLAN };
	tb_require_seen(&B, WANT, sizeof(WANT) / sizeof(WANT[0]), 1);
	printf("vlan_inside_rx: exits malformed %u non_ip %u no_vlan %u, tail vrf_forward %u\n",
	       B.seen_reason[VRFSEC_CNT_MALFORMED], B.seen_reason[VRFSEC_CNT_NON_IP],
	       B.seen_reason[VRFSEC_CNT_NO_VLAN], B.seen_tail);
	int rc = tb_report(&B);
	m->final();
	delete m;
	free(T);
	return rc;
}
