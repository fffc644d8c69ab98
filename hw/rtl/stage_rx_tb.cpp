// SPDX-License-Identifier: Apache-2.0
// Testbench of stage_rx against vrfsec_stage_rx of hw/hls/pipeline.c (its tail calls esp_decap_rx,
// mpls_core_rx, vlan_inside_rx, esp_encap and vrf_forward recorded by stubs): every in_port, the
// frame bounds at and around their edges, every host-inject form (seal into a valid outbound,
// inbound, never-compiled or out-of-range SA; forward in a VRF below / at / above the limit; leave
// on every out_port) with IPv4 / IPv6 / other headers whose lengths hit each check, and random
// metadata; memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vstage_rx.h"
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "pipeline.h"
#include "tables_setup.h"
uint32_t tbref_esp_decap_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);
uint32_t tbref_mpls_core_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);
uint32_t tbref_vlan_inside_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);
uint32_t tbref_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
			 uint32_t ip_off, uint32_t ip_len);
uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl);
uint32_t tbref_esp_decap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p);
uint32_t tbref_esp_encap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p);
}

#define N_CASES 12000
#define TAIL_RET 0x5a5au
#define STG_ESP_DECAP_RX 2
#define STG_ESP_ENCAP 4
#define STG_MPLS_CORE_RX 6
#define STG_VLAN_INSIDE_RX 7
#define STG_VRF_FORWARD 8

static const unsigned LATS[3] = { 1, 2, 5 };
static struct vrfsec_tables *TC, *TR;
static Vstage_rx *M;
static uint32_t passed, failed;
static struct {
	uint64_t n, sum, min, max;
} cyc[3];
static unsigned lat_i;
static uint64_t n_tail[16], n_reason[VRFSEC_CNT_MAX], n_encap_vrf[2];

// What the C tail call recorded (args in the ARGS-bus form).
static struct {
	int stage;
	struct tb_args a;
} rec;

uint32_t tbref_esp_decap_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	(void)t;
	(void)p;
	rec.stage = STG_ESP_DECAP_RX;
	return TAIL_RET;
}

uint32_t tbref_mpls_core_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	(void)t;
	(void)p;
	rec.stage = STG_MPLS_CORE_RX;
	return TAIL_RET;
}

uint32_t tbref_vlan_inside_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	(void)t;
	(void)p;
	rec.stage = STG_VLAN_INSIDE_RX;
	return TAIL_RET;
}

uint32_t tbref_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
			 uint32_t ip_off, uint32_t ip_len)
{
	(void)t;
	(void)p;
	rec.stage = STG_ESP_ENCAP;
	rec.a.sa = sa;
	rec.a.ip_off = (uint16_t)ip_off;
	rec.a.ip_len = (uint16_t)ip_len;
	if (ip_off > 0xffffu || ip_len > 0xffffu)
		rec.stage = -1; // does not fit the ARGS bus
	return TAIL_RET;
}

uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf,
			   uint32_t ip_off, uint8_t label_ttl)
{
	(void)t;
	(void)p;
	rec.stage = STG_VRF_FORWARD;
	rec.a.vrf = vrf;
	rec.a.ip_off = (uint16_t)ip_off;
	rec.a.label_ttl = label_ttl;
	if (ip_off > 0xffffu)
		rec.stage = -1;
	return TAIL_RET;
}

// vrfsec_stage_post calls these; this testbench never runs it.
uint32_t tbref_esp_decap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	(void)t;
	(void)p;
	abort();
}

uint32_t tbref_esp_encap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	(void)t;
	(void)p;
	abort();
}

static uint32_t below(uint32_t n)
{
	return tb_rand() % n;
}

// SAs: outbound ones (valid, vrf set), an inbound one (valid too: inject_encap takes its vrf),
// a removed one; plus indexes never compiled and out of range.
static const uint32_t SA_OUT[] = { 0, 1, 4242, VRFSEC_MAX_SA - 1 };
static const uint32_t SA_IN = 9, SA_GONE = 10;
static const uint32_t SA_BAD[] = { 2, 77777, VRFSEC_MAX_SA, VRFSEC_MAX_SA + 1, 0x80000000u,
				   0xfffffffeu };

static void setup(void)
{
	struct vrfsec_sa_params p;

	TC = (struct vrfsec_tables *)calloc(1, sizeof(*TC));
	TR = (struct vrfsec_tables *)calloc(1, sizeof(*TR));
	if (!TC || !TR) {
		printf("stage_rx_tb: out of memory\n");
		exit(1);
	}
	vrfsec_tables_init(TC);
	for (unsigned k = 0; k < 6; k++) {
		memset(&p, 0, sizeof(p));
		p.dir = k == 4 ? VRFSEC_SA_DIR_IN : VRFSEC_SA_DIR_OUT;
		p.outer_af = k & 1 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
		p.mode = (uint8_t)(k >> 1 & 1);
		p.spi = 0x100 + k;
		p.vrf = (uint16_t)(k == 0 ? 0 : k == 1 ? VRFSEC_MAX_VRF - 1 : 17 * k);
		tb_rand_bytes(p.salt, 4);
		tb_rand_bytes(p.src, 16);
		tb_rand_bytes(p.dst, 16);
		uint32_t idx = k < 4 ? SA_OUT[k] : k == 4 ? SA_IN : SA_GONE;
		if (vrfsec_sa_compile(TC, idx, &p) != 0) {
			printf("stage_rx_tb: sa_compile failed\n");
			exit(1);
		}
	}
	vrfsec_sa_remove(TC, SA_GONE);
	memcpy(TR, TC, sizeof(*TC));
}

// The IP header at off for a host inject: kinds that reach each check of inject_encap.
static void ip_header(struct vrfsec_pkt *p)
{
	uint8_t *ip = p->buf + p->off;
	uint32_t len = p->len, v;

	switch (below(12)) {
	case 0: // good IPv4
	case 1:
		ip[0] = (uint8_t)(0x40 | (5 + below(11)));
		v = (ip[0] & 15u) * 4u + below(len + 1);
		break;
	case 2: // IPv4 total length around the frame length / header length / 20
		ip[0] = (uint8_t)(0x40 | below(16));
		v = below(3) == 0 ? len + below(3) - 1 : below(3) ? (ip[0] & 15u) * 4u + below(3) - 1 :
								      19u + below(3);
		break;
	case 3: // random IPv4 length
		ip[0] = (uint8_t)(0x40 | below(16));
		v = below(65536);
		break;
	case 4: // good IPv6
	case 5:
		ip[0] = (uint8_t)(0x60 | below(16));
		v = len >= 40 ? below(len - 40 + 1) : below(100);
		break;
	case 6: // IPv6 length around the frame length
		ip[0] = (uint8_t)(0x60 | below(16));
		v = len >= 40 ? len - 40 + below(3) : below(65536);
		if (below(2))
			v -= 2;
		break;
	case 7: // random IPv6 length
		ip[0] = (uint8_t)(0x60 | below(16));
		v = below(65536);
		break;
	default: // other versions
		ip[0] = (uint8_t)tb_rand();
		v = below(65536);
	}
	v &= 0xffffu;
	if ((ip[0] >> 4) == 6) {
		ip[4] = (uint8_t)(v >> 8);
		ip[5] = (uint8_t)v;
	} else {
		ip[2] = (uint8_t)(v >> 8);
		ip[3] = (uint8_t)v;
	}
}

static void random_pkt(struct vrfsec_pkt *p)
{
	static const uint8_t PORTS[] = { 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 200, 255 };
	static const uint8_t OUTS[] = { 0, 1, 2, 3, 3, 4, 5, 6, 255 };
	static const uint16_t VRFS[] = { 0, 1, 99, VRFSEC_MAX_VRF - 1, VRFSEC_MAX_VRF,
					 VRFSEC_MAX_VRF + 1, 0x7fff, 0xffff };

	memset(p, 0, sizeof(*p));
	tb_rand_bytes(p->buf, VRFSEC_BUF_SIZE);
	p->in_port = PORTS[below(sizeof(PORTS))];
	p->out_port = below(4) ? OUTS[below(sizeof(OUTS))] : (uint8_t)tb_rand();
	switch (below(12)) {
	case 0: // bounds at and around the edges
		p->off = (uint16_t)(VRFSEC_HEADROOM - 2 + below(5));
		p->len = (uint16_t)(VRFSEC_MAX_FRAME - 2 + below(5));
		break;
	case 1: // frame ends at the end of the frame area, or one byte after
		p->len = (uint16_t)below(VRFSEC_MAX_FRAME + 1);
		p->off = (uint16_t)(VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - p->len + below(3) - 1);
		break;
	case 2: // anything
		p->off = (uint16_t)tb_rand();
		p->len = (uint16_t)tb_rand();
		break;
	case 3: // short frames
		p->off = (uint16_t)(VRFSEC_HEADROOM + below(64));
		p->len = (uint16_t)below(64);
		break;
	default:
		p->off = (uint16_t)(VRFSEC_HEADROOM + below(256));
		p->len = (uint16_t)below(VRFSEC_MAX_FRAME - 255);
	}
	p->stage = (uint8_t)tb_rand();
	p->reason = (uint8_t)tb_rand();
	p->vrf = below(3) ? VRFS[below(sizeof(VRFS) / sizeof(VRFS[0]))] : (uint16_t)tb_rand();
	p->l3_off = (uint16_t)tb_rand();
	p->sa_in = tb_rand();
	switch (below(8)) {
	case 0:
	case 6:
		p->sa_out = VRFSEC_NONE;
		break;
	case 1:
	case 2:
		p->sa_out = SA_OUT[below(4)];
		break;
	case 3:
		p->sa_out = below(2) ? SA_IN : SA_GONE;
		break;
	case 4:
		p->sa_out = SA_BAD[below(sizeof(SA_BAD) / sizeof(SA_BAD[0]))];
		break;
	default:
		p->sa_out = tb_rand();
	}
	tb_rand_seq_op(p);
	if ((uint32_t)p->off + 16 <= VRFSEC_BUF_SIZE)
		ip_header(p);
}

static int cmp_tables(void)
{
	int bad = 0;

	if (memcmp(TC->cnt, TR->cnt, sizeof(TC->cnt))) {
		printf("  counters differ\n");
		bad = 1;
	}
	if (memcmp(TC->vrf_cnt, TR->vrf_cnt, sizeof(TC->vrf_cnt))) {
		printf("  vrf counters differ\n");
		bad = 1;
	}
	if (bad) {
		memcpy(TR->cnt, TC->cnt, sizeof(TC->cnt));
		memcpy(TR->vrf_cnt, TC->vrf_cnt, sizeof(TC->vrf_cnt));
	}
	return bad;
}

static void run(const struct vrfsec_pkt *p)
{
	static struct vrfsec_pkt pc, pr;
	struct tb_args a;
	struct tb_result r;
	int bad = 0;

	pc = *p;
	pr = *p;
	memset(&rec, 0, sizeof(rec));
	// the stage takes no args: garbage on the bus must not matter
	a.vrf = (uint16_t)tb_rand();
	a.ip_off = (uint16_t)tb_rand();
	a.ip_len = (uint16_t)tb_rand();
	a.label_ttl = (uint8_t)tb_rand();
	a.ttl = (uint8_t)tb_rand();
	a.dscp = (uint8_t)tb_rand();
	a.sa = tb_rand();
	a.nh = tb_rand();
	uint32_t rc = vrfsec_stage_rx(TC, &pc);
	if (tb_stage_run(M, TR, &pr, &a, &r, LATS[lat_i], 3) != 0) {
		bad = 1;
	} else {
		if (r.res == 0)
			pkt_exit(TR, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (rc == TAIL_RET) {
			if (r.res != 2 || r.tail_stage != rec.stage ||
			    memcmp(&r.tail, &rec.a, sizeof(rec.a))) {
				printf("  tail: C stage %d sa %u ip_off %u ip_len %u vrf %u; RTL res %d "
				       "stage %d sa %u ip_off %u ip_len %u vrf %u\n", rec.stage, rec.a.sa,
				       rec.a.ip_off, rec.a.ip_len, rec.a.vrf, r.res, r.tail_stage,
				       r.tail.sa, r.tail.ip_off, r.tail.ip_len, r.tail.vrf);
				bad = 1;
			}
			n_tail[rec.stage & 15]++;
			if (rec.stage == STG_ESP_ENCAP)
				n_encap_vrf[pc.vrf != 0xffff]++;
		} else {
			if (r.res != 0) {
				printf("  result: C exit, RTL %d\n", r.res);
				bad = 1;
			}
			n_reason[pc.reason]++;
		}
		if (memcmp(&pc, &pr, sizeof(pc))) {
			printf("  packet differs (C out %u reason %u vrf %u, RTL out %u reason %u vrf %u)\n",
			       pc.out_port, pc.reason, pc.vrf, pr.out_port, pr.reason, pr.vrf);
			bad = 1;
		}
		if (cmp_tables())
			bad = 1;
		cyc[lat_i].n++;
		cyc[lat_i].sum += r.cycles;
		if (cyc[lat_i].n == 1 || r.cycles < cyc[lat_i].min)
			cyc[lat_i].min = r.cycles;
		if (r.cycles > cyc[lat_i].max)
			cyc[lat_i].max = r.cycles;
	}
	if (bad) {
		if (failed < 20)
			printf("stage_rx_tb: FAIL: in_port %u out_port %u off %u len %u sa_out %x vrf %u "
			       "lat %u\n", p->in_port, p->out_port, p->off, p->len, p->sa_out, p->vrf,
			       LATS[lat_i]);
		failed++;
	} else {
		passed++;
	}
}

int main(int argc, char **argv)
{
	static struct vrfsec_pkt p;

	Verilated::commandArgs(argc, argv);
	M = new Vstage_rx;
	setup();
	tb_reset(M);
	for (lat_i = 0; lat_i < 3; lat_i++) {
		// every in_port x out_port x inject SA x VRF with a good frame and good header
		for (unsigned ip = 0; ip < 6; ip++)
			for (unsigned op = 0; op < 6; op++)
				for (unsigned s = 0; s < 8; s++)
					for (unsigned v = 0; v < 4; v++) {
						random_pkt(&p);
						p.in_port = (uint8_t)(ip == 5 ? 255 : ip);
						p.out_port = (uint8_t)(op == 5 ? 200 : op);
						p.sa_out = s < 4 ? SA_OUT[s] : s == 4 ? SA_IN :
							   s == 5 ? SA_GONE : s == 6 ? VRFSEC_NONE :
							   VRFSEC_MAX_SA;
						p.vrf = (uint16_t)(v == 0 ? 5 : v == 1 ? 1023 :
								   v == 2 ? 1024 : 0xffff);
						p.off = 128 + 14;
						p.len = 200;
						p.buf[p.off] = (uint8_t)(v & 1 ? 0x60 : 0x45);
						p.buf[p.off + 2] = 0;
						p.buf[p.off + 3] = 150;
						p.buf[p.off + 4] = 0;
						p.buf[p.off + 5] = 150;
						run(&p);
					}
		for (unsigned n = 0; n < N_CASES; n++) {
			random_pkt(&p);
			run(&p);
		}
	}
	if (memcmp(TC, TR, sizeof(*TC))) {
		printf("stage_rx_tb: FAIL: tables differ outside the compared parts\n");
		failed++;
	}
	printf("stage_rx: tails esp_decap_rx %llu, mpls_core_rx %llu, vlan_inside_rx %llu, esp_encap "
	       "%llu (%llu with the SA's vrf), vrf_forward %llu; exits malformed %llu, tx_public %llu, tx_core %llu, "
	       "tx_inside %llu\n", (unsigned long long)n_tail[STG_ESP_DECAP_RX],
	       (unsigned long long)n_tail[STG_MPLS_CORE_RX],
	       (unsigned long long)n_tail[STG_VLAN_INSIDE_RX], (unsigned long long)n_tail[STG_ESP_ENCAP],
	       (unsigned long long)n_encap_vrf[1],
	       (unsigned long long)n_tail[STG_VRF_FORWARD],
	       (unsigned long long)n_reason[VRFSEC_CNT_MALFORMED],
	       (unsigned long long)n_reason[VRFSEC_CNT_TX_PUBLIC],
	       (unsigned long long)n_reason[VRFSEC_CNT_TX_CORE],
	       (unsigned long long)n_reason[VRFSEC_CNT_TX_INSIDE]);
	for (unsigned l = 0; l < 3; l++)
		printf("stage_rx: latency %u: cycles min/mean/max %llu/%.1f/%llu\n", LATS[l],
		       (unsigned long long)cyc[l].min, (double)cyc[l].sum / cyc[l].n,
		       (unsigned long long)cyc[l].max);
	printf("stage_rx: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", passed, failed,
	       (unsigned long long)cyc[0].min, (double)cyc[0].sum / cyc[0].n,
	       (unsigned long long)cyc[0].max);
	M->final();
	delete M;
	return failed ? 1 : 0;
}
