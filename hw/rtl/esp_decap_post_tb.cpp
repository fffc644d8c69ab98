// SPDX-License-Identifier: Apache-2.0
// Testbench of esp_decap_post against hw/hls/esp_decap.c esp_decap_post (vrf_forward renamed to a
// recording stub; real replay.c). Each case is a real ESP frame for one of the inbound SAs of
// esp_decap_tb.h, prepared by the C esp_decap_rx and opened by the C GCM (as vrfsec_crypto_exec
// does), sometimes with a damaged ciphertext or tag (tag_ok = 0) or with the window moved in
// between (another packet took the number); then C post and RTL post run on identical copies.
// Tunnel (IPv4 / IPv6 inner, ECN combinations, bad next headers and versions, short payloads)
// and transport (outer IPv4 with options, IPv6), padding good, bad and over-long, dummy packets,
// traffic selectors hit and missed, windows moving by small steps and long jumps, ESN.
// Memory latencies 1, 2 and 5.
#include "Vesp_decap_post.h"
#include "verilated.h"
#include "esp_decap_tb.h"

#define N_CASES 4000

static const unsigned LATS[3] = { 1, 2, 5 };
static Vesp_decap_post *M;
static struct vrfsec_pkt *PC, *PR, *P0;
static uint8_t F[VRFSEC_MAX_FRAME + 400];
static unsigned passed, failed, skipped;
static unsigned outcomes[VRFSEC_CNT_MAX + 1];

// vrfsec_crypto_exec for an open (hw/hls/pipeline.c), with the key table of this testbench.
static void open_op(struct vrfsec_pkt *p)
{
	struct vrfsec_crypto_op *op = &p->op;
	uint8_t *data = p->buf + op->data_off;

	op->tag_ok = (uint8_t)vrfsec_gcm_open(&KEYS[op->sa], op->nonce, op->aad, op->aad_len, data,
					      data, op->data_len, p->buf + op->tag_off);
}

// Returns 0 pass, 1 fail, 2 not a post case (rx refused the frame), -1 broken run.
static int run_case(unsigned lat, struct cyc_stat *cs)
{
	const struct tb_sa *s = &SAS[rnd(n_sas)];
	struct frame_opts o;
	struct tb_args a;
	struct tb_result r;

	if (rnd(12) == 0)
		rand_replay(s);
	rand_opts(s, &o);
	if (o.inner_len > 1700)
		o.inner_len = 1700;
	uint64_t seq = rnd(2) ? pick_seq(s) : TC->sa[s->idx].seq + 1 + rnd(rnd(4) ? 3 : 9000);
	if (!s->prm.esn)
		seq &= 0xffffffffu;
	unsigned n = build_frame(s, seq, &o, F);
	load_pkt(P0, F, n);
	*PC = *P0;
	*PR = *P0;
	uint32_t st = esp_decap_rx(TC, PC), st2 = esp_decap_rx(TR, PR);
	if (st != VRFSEC_ST_CRYPTO || st2 != st)
		return st2 != st ? 1 : 2;
	if (rnd(15) == 0) // forged: ciphertext or tag changed on the way
		PC->buf[PC->op.data_off + rnd(PC->op.data_len + 16)] ^= (uint8_t)(1 << rnd(8));
	open_op(PC);
	*PR = *PC;
	if (rnd(12) == 0) {
		// another packet of the burst got there first: its number, or a later one
		uint32_t idx = s->idx;
		uint64_t q = PC->seq;

		if (rnd(2)) {
			BOTH(t->replay[idx][(q >> 5) & (VRFSEC_REPLAY_WORDS - 1)] |= 1u << (q & 31));
			BOTH(if (t->sa[idx].seq < q) t->sa[idx].seq = q);
		} else {
			uint64_t nq = TC->sa[idx].seq + rnd(6000);

			BOTH(t->sa[idx].seq = nq);
		}
	}
	tb_rand_bytes((uint8_t *)&a, sizeof(a)); // the stage takes no arguments
	rec.called = 0;
	uint32_t cst = esp_decap_post(TC, PC);
	if (tb_stage_run(M, TR, PR, &a, &r, lat, rnd(4)))
		return -1;
	if (r.res == 0)
		pkt_exit(TR, PR, r.exit_port, r.exit_reason);
	cyc_add(cs, r.cycles);
	outcomes[rec.called ? VRFSEC_CNT_MAX : PC->reason]++;
	int bad = 0, tb = cmp_tables();

	if (rec.called) {
		if (cst != TAIL_RET || r.res != 2 || r.tail_stage != 8 || r.tail.vrf != rec.vrf ||
		    r.tail.ip_off != rec.ip_off || r.tail.label_ttl != rec.label_ttl ||
		    r.tail.ip_len || r.tail.ttl || r.tail.dscp || r.tail.sa || r.tail.nh)
			bad = 1;
	} else if (cst != VRFSEC_ST_DONE || r.res != 0) {
		bad = 1;
	}
	if (!bad && cmp_meta(PC, PR))
		bad = 2;
	else if (!bad && memcmp(PC->buf, PR->buf, sizeof(PC->buf)))
		bad = 3;
	else if (!bad && tb)
		bad = 10 + tb;
	if (bad) {
		if (n_fail_print++ < 10) {
			printf("esp_decap_post: case failed (%d) lat %u sa %u mode %u len %u tag_ok %u: C "
			       "tail %d (vrf %u ip_off %u), RTL res %d stage %d (vrf %u ip_off %u) "
			       "reason %d\n",
			       bad, lat, s->idx, s->prm.mode, n, P0->op.tag_ok, rec.called, rec.vrf,
			       rec.ip_off, r.res, r.tail_stage, r.tail.vrf, r.tail.ip_off,
			       r.exit_reason);
			print_meta("C  ", PC);
			print_meta("RTL", PR);
			for (unsigned i = 0; i < VRFSEC_BUF_SIZE; i++)
				if (PC->buf[i] != PR->buf[i]) {
					printf("  first buffer difference at %u: C %02x RTL %02x\n", i,
					       PC->buf[i], PR->buf[i]);
					break;
				}
		}
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	M = new Vesp_decap_post;
	PC = (struct vrfsec_pkt *)malloc(sizeof(*PC));
	PR = (struct vrfsec_pkt *)malloc(sizeof(*PR));
	P0 = (struct vrfsec_pkt *)malloc(sizeof(*P0));
	setup_sas();
	tb_reset(M);
	struct cyc_stat all[3];

	memset(all, 0, sizeof(all));
	for (unsigned li = 0; li < 3; li++) {
		for (unsigned c = 0; c < N_CASES;) {
			int rc = run_case(LATS[li], &all[li]);

			if (rc < 0) {
				failed++;
				break;
			}
			if (rc == 2) {
				skipped++;
				continue;
			}
			rc ? failed++ : passed++;
			c++;
		}
		if (cmp_all_tables()) {
			printf("esp_decap_post: tables differ after latency %u\n", LATS[li]);
			failed++;
		}
		printf("esp_decap_post: latency %u: cycles min/mean/max %llu/%.1f/%llu\n", LATS[li],
		       (unsigned long long)all[li].min, (double)all[li].sum / all[li].n,
		       (unsigned long long)all[li].max);
	}
	printf("esp_decap_post: outcomes:");
	for (unsigned i = 0; i <= VRFSEC_CNT_MAX; i++)
		if (outcomes[i])
			printf(i == VRFSEC_CNT_MAX ? " vrf_forward=%u" : " r%u=%u",
			       i == VRFSEC_CNT_MAX ? outcomes[i] : i, outcomes[i]);
	printf(" (%u frames refused by rx, not post cases)\n", skipped);
	printf("esp_decap_post: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", passed,
	       failed, (unsigned long long)all[0].min, (double)all[0].sum / all[0].n,
	       (unsigned long long)all[0].max);
	delete M;
	return failed ? 1 : 0;
}
