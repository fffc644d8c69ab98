// SPDX-License-Identifier: Apache-2.0
// What the testbenches of the two receive stages that end in a tail call to vrf_forward
// (mpls_core_rx, vlan_inside_rx) share: the recording stub that stands in for vrf_forward in the
// C build, and one case: the C function once, the RTL module per memory latency, the same exit or
// the same tail call with the same arguments, the same packet and counters.
#ifndef VRFSEC_RTL_TB_TO_VRF_H
#define VRFSEC_RTL_TB_TO_VRF_H

#include "tb_check.h"

#define TB_TAIL_RET 0x5a5au // what the stub returns; no real status has this value
#define TB_STG_VRF_FORWARD 8

extern "C" uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
				      uint32_t ip_off, uint8_t label_ttl);

static struct {
	int called;
	uint16_t vrf;
	uint32_t ip_off;
	uint8_t label_ttl;
} tb_rec;

extern "C" uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
				      uint32_t ip_off, uint8_t label_ttl)
{
	(void)t, (void)p;
	tb_rec.called = 1;
	tb_rec.vrf = vrf;
	tb_rec.ip_off = ip_off;
	tb_rec.label_ttl = label_ttl;
	return TB_TAIL_RET;
}

// One case of stage cfn (the C function) against module m, packet p, bookkeeping in b.
template <class V>
static void tb_to_vrf_case(struct tb_bench *b, V *m,
			   uint32_t (*cfn)(struct vrfsec_tables *, struct vrfsec_pkt *),
			   const struct vrfsec_pkt *p, unsigned id)
{
	static struct vrfsec_pkt pc, pr;
	struct vrfsec_tables *t = b->t;
	struct tb_args a;
	char tag[32];
	int ok = 1;

	snprintf(tag, sizeof(tag), "case %u", id);
	tb_case_begin(b);
	pc = *p;
	tb_rec.called = 0;
	uint32_t st = cfn(t, &pc);
	if ((st == TB_TAIL_RET) != tb_rec.called) {
		printf("%s: stub bookkeeping broken\n", b->name);
		exit(1);
	}
	tb_case_c_done(b, tb_rec.called, pc.reason);
	tb_rand_bytes((uint8_t *)&a, sizeof(a)); // the stage takes no arguments
	for (unsigned li = 0; li < TB_NLAT && ok; li++) {
		struct tb_result r;

		tb_run_begin(b);
		pr = *p;
		if (tb_stage_run(m, t, &pr, &a, &r, TB_LATS[li], 0)) {
			ok = 0;
			break;
		}
		if (r.res == 0)
			pkt_exit(t, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (tb_rec.called ? r.res != 2 || r.tail_stage != TB_STG_VRF_FORWARD ||
					    r.tail.vrf != tb_rec.vrf || r.tail.ip_off != tb_rec.ip_off ||
					    r.tail.label_ttl != tb_rec.label_ttl
				  : r.res != 0) {
			printf("%s lat %u: c %s vrf %u ip_off %u lttl %u | rtl res %d stage %d vrf %u "
			       "ip_off %u lttl %u port %d reason %d\n",
			       tag, TB_LATS[li], tb_rec.called ? "tail" : "exit", tb_rec.vrf,
			       tb_rec.ip_off, tb_rec.label_ttl, r.res, r.tail_stage, r.tail.vrf,
			       r.tail.ip_off, r.tail.label_ttl, r.exit_port, r.exit_reason);
			ok = 0;
		}
		if (memcmp(&pc, &pr, sizeof(pc)))
			printf("%s lat %u: packet differs\n", tag, TB_LATS[li]), ok = 0;
		ok &= tb_run_end(b, li, r.cycles, tag);
	}
	tb_case_end(b, ok);
}

#endif
