// SPDX-License-Identifier: Apache-2.0
// Testbench of esp_encap_post against hw/hls/esp_encap.c: engine verdicts (tag_ok 0, 1, other
// values), VRFs below, at and above VRFSEC_MAX_VRF, every frame length, random metadata and
// buffer; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vesp_encap_post.h"
#include "verilated.h"
#include "tb_stage.h"

#define N_CASES 6000

static const unsigned LATS[3] = { 1, 2, 5 };
static struct vrfsec_tables *TC, *TR;
static Vesp_encap_post *M;
static uint32_t passed, failed;
static struct {
	uint64_t n, sum, min, max;
} cyc[3];
static uint64_t n_reason[VRFSEC_CNT_MAX];

static uint32_t below(uint32_t n)
{
	return tb_rand() % n;
}

static void random_pkt(struct vrfsec_pkt *p, uint32_t n)
{
	static const uint16_t VRFS[] = { 0, 1, 500, VRFSEC_MAX_VRF - 1, VRFSEC_MAX_VRF,
					 VRFSEC_MAX_VRF + 1, 0xfffe, 0xffff };

	memset(p, 0, sizeof(*p));
	tb_rand_bytes(p->buf, VRFSEC_BUF_SIZE);
	p->off = (uint16_t)tb_rand();
	p->len = n < 2049 ? (uint16_t)n : (uint16_t)tb_rand();
	p->in_port = (uint8_t)tb_rand();
	p->out_port = (uint8_t)tb_rand();
	p->stage = below(2) ? VRFSEC_STAGE_ENCRYPT : (uint8_t)tb_rand();
	p->reason = (uint8_t)tb_rand();
	p->vrf = below(2) ? VRFS[below(8)] : (uint16_t)tb_rand();
	p->l3_off = (uint16_t)tb_rand();
	p->sa_in = tb_rand();
	p->sa_out = tb_rand();
	p->seq = ((uint64_t)tb_rand() << 32) | tb_rand();
	p->op.sa = tb_rand();
	p->op.encrypt = (uint8_t)tb_rand();
	p->op.aad_len = (uint8_t)tb_rand();
	p->op.tag_ok = below(3) == 0 ? 0 : below(2) ? 1 : (uint8_t)tb_rand();
	tb_rand_bytes(p->op.nonce, 12);
	tb_rand_bytes(p->op.aad, 12);
	p->op.data_off = (uint16_t)tb_rand();
	p->op.data_len = (uint16_t)tb_rand();
	p->op.tag_off = (uint16_t)tb_rand();
}

int main(int argc, char **argv)
{
	static struct vrfsec_pkt p, pc, pr;

	Verilated::commandArgs(argc, argv);
	M = new Vesp_encap_post;
	TC = (struct vrfsec_tables *)calloc(1, sizeof(*TC));
	TR = (struct vrfsec_tables *)calloc(1, sizeof(*TR));
	if (!TC || !TR) {
		printf("esp_encap_post_tb: out of memory\n");
		return 1;
	}
	tb_reset(M);
	for (unsigned l = 0; l < 3; l++)
		for (uint32_t n = 0; n < N_CASES; n++) {
			struct tb_args a;
			struct tb_result r;
			int bad = 0;

			random_pkt(&p, n);
			pc = p;
			pr = p;
			tb_rand_bytes((uint8_t *)&a, sizeof(a));
			uint32_t rc = esp_encap_post(TC, &pc);
			if (tb_stage_run(M, TR, &pr, &a, &r, LATS[l], 0) != 0) {
				bad = 1;
			} else {
				if (r.res == 0)
					pkt_exit(TR, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
				if (rc != VRFSEC_ST_DONE || r.res != 0) {
					printf("  result C %u RTL %d\n", rc, r.res);
					bad = 1;
				}
				if (memcmp(&pc, &pr, sizeof(pc))) {
					printf("  packet differs\n");
					bad = 1;
				}
				if (memcmp(TC->cnt, TR->cnt, sizeof(TC->cnt)) ||
				    memcmp(TC->vrf_cnt, TR->vrf_cnt, sizeof(TC->vrf_cnt))) {
					printf("  counters differ\n");
					memcpy(TR->cnt, TC->cnt, sizeof(TC->cnt));
					memcpy(TR->vrf_cnt, TC->vrf_cnt, sizeof(TC->vrf_cnt));
					bad = 1;
				}
				n_reason[pc.reason]++;
				cyc[l].n++;
				cyc[l].sum += r.cycles;
				if (cyc[l].n == 1 || r.cycles < cyc[l].min)
					cyc[l].min = r.cycles;
				if (r.cycles > cyc[l].max)
					cyc[l].max = r.cycles;
			}
			if (bad) {
				if (failed < 20)
					printf("esp_encap_post_tb: FAIL: tag_ok %u vrf %u len %u lat %u\n",
					       p.op.tag_ok, p.vrf, p.len, LATS[l]);
				failed++;
			} else {
				passed++;
			}
		}
	if (memcmp(TC, TR, sizeof(*TC))) {
		printf("esp_encap_post_tb: FAIL: tables differ outside the compared parts\n");
		failed++;
	}
	printf("esp_encap_post: exits tx_public %llu, malformed %llu\n",
	       (unsigned long long)n_reason[VRFSEC_CNT_TX_PUBLIC],
	       (unsigned long long)n_reason[VRFSEC_CNT_MALFORMED]);
	for (unsigned l = 0; l < 3; l++)
		printf("esp_encap_post: latency %u: cycles min/mean/max %llu/%.1f/%llu\n", LATS[l],
		       (unsigned long long)cyc[l].min, (double)cyc[l].sum / cyc[l].n,
		       (unsigned long long)cyc[l].max);
	printf("esp_encap_post: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", passed,
	       failed, (unsigned long long)cyc[0].min, (double)cyc[0].sum / cyc[0].n,
	       (unsigned long long)cyc[0].max);
	M->final();
	delete M;
	return failed ? 1 : 0;
}
