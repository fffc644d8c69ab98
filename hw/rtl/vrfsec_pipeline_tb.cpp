// SPDX-License-Identifier: Apache-2.0
// Smoke test of vrfsec_pipeline: a few hundred packets of a tests/common/trafgen scenario (tables
// and keys programmed by the setup code) streamed through the RTL with random gaps, backpressure
// and memory latencies, against the C model vrfsec_pipeline() run on each packet in order: the same
// m_ bytes, tdest and tag per packet, the same exit record (all metadata), and at the end the same
// table memory. TB_DW / TB_LANES: the parameters it was built with (vrfsec_pipeline_tb.mk). The full
// cosimulation is sim/rtl's (make cosim).
#include <stdio.h>
#include <stdlib.h>

#include "Vvrfsec_pipeline.h"
#ifdef TB_DEBUG
#include "Vvrfsec_pipeline___024root.h"
#endif
#include "verilated.h"
#include "tb_stage.h"
extern "C" {
#include "gcm.h"
#include "pipeline.h"
#include "testbed.h"
#include "trafgen.h"
}

#ifndef TB_DW
#define TB_DW 128
#endif
#ifndef TB_LANES
#define TB_LANES 1
#endif
#define NB (TB_DW / 8)
#define NPKT 400

struct pend_rd {
	int busy;
	unsigned wait;
	uint64_t data;
};

static Vvrfsec_pipeline *m;
static uint8_t *mem; // the RTL's table memory
static struct pend_rd rd_rx, rd_po;
static uint64_t cyc;

static void mem_write(uint32_t ad, uint64_t d, uint8_t be)
{
	for (unsigned i = 0; i < 8; i++)
		if ((be >> i) & 1u)
			mem[ad + i] = (uint8_t)(d >> (8 * i));
}

static void mem_add(uint32_t ad, uint64_t v)
{
	uint64_t x;
	memcpy(&x, mem + ad, 8);
	x += v;
	memcpy(mem + ad, &x, 8);
}

static int addr_ok(uint32_t ad, const char *what)
{
	if (ad % 8 || ad + 8 > sizeof(struct vrfsec_tables)) {
		printf("vrfsec_pipeline: bad %s address %u at cycle %llu\n", what, ad,
		       (unsigned long long)cyc);
		return 0;
	}
	return 1;
}

// Memory ports for this cycle (outputs as evaluated): po writes, po adds, rx writes, rx adds,
// then the reads (data as of now, delivered after a random latency of 1..4 cycles).
static int mem_cycle(void)
{
	if (m->po_mw_req && addr_ok(m->po_mw_addr, "po write"))
		mem_write(m->po_mw_addr, m->po_mw_data, m->po_mw_be);
	if (m->po_st_req && addr_ok(m->po_st_addr, "po stat"))
		mem_add(m->po_st_addr, m->po_st_val);
	if (m->rx_mw_req && addr_ok(m->rx_mw_addr, "rx write"))
		mem_write(m->rx_mw_addr, m->rx_mw_data, m->rx_mw_be);
	if (m->rx_st_req && addr_ok(m->rx_st_addr, "rx stat"))
		mem_add(m->rx_st_addr, m->rx_st_val);
	struct {
		int req;
		uint32_t ad;
		struct pend_rd *p;
	} r[2] = { { m->rx_mr_req, m->rx_mr_addr, &rd_rx }, { m->po_mr_req, m->po_mr_addr, &rd_po } };
	for (int k = 0; k < 2; k++) {
		if (!r[k].req)
			continue;
		if (r[k].p->busy || !addr_ok(r[k].ad, "read")) {
			printf("vrfsec_pipeline: second read outstanding on a port\n");
			return -1;
		}
		r[k].p->busy = 1;
		r[k].p->wait = 1 + tb_rand() % 4;
		memcpy(&r[k].p->data, mem + r[k].ad, 8);
	}
	return 0;
}

static void mem_deliver(void)
{
	m->rx_mr_valid = 0;
	m->po_mr_valid = 0;
	if (rd_rx.busy && --rd_rx.wait == 0) {
		rd_rx.busy = 0;
		m->rx_mr_valid = 1;
		m->rx_mr_data = rd_rx.data;
	}
	if (rd_po.busy && --rd_po.wait == 0) {
		rd_po.busy = 0;
		m->po_mr_valid = 1;
		m->po_mr_data = rd_po.data;
	}
}

// s_tuser carries in_port in 3 bits: trafgen's out-of-range ports (> 7) go in as 7, which
// stage_rx drops as MALFORMED just like the original value; the record then says 7.
static uint8_t tuser_port(uint8_t port)
{
	return port > 7 ? 7 : port;
}

static void edge(void)
{
	m->clk = 1;
	m->eval();
	cyc++;
	m->clk = 0;
	m->eval();
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct trafgen_scenario sc;
	static struct trafgen_pkt tp;
	struct trafgen_config cfg;
	struct testbed tb;
	struct vrfsec_pkt *in = (struct vrfsec_pkt *)calloc(NPKT, sizeof(*in));
	struct vrfsec_pkt *want = (struct vrfsec_pkt *)calloc(NPKT, sizeof(*want));
	struct vrfsec_gcm_key *keys =
		(struct vrfsec_gcm_key *)calloc(VRFSEC_MAX_SA, sizeof(struct vrfsec_gcm_key));
	uint64_t passed = 0, failed = 0, in_bytes = 0;

	trafgen_config_default(&cfg);
	if (trafgen_scenario_init(&sc, 0x5eed0000 + TB_DW + TB_LANES, &cfg) ||
	    testbed_open(&tb, VRFSEC_ENGINE_CMODEL) || trafgen_program(&sc, &tb)) {
		printf("vrfsec_pipeline: scenario setup failed\n");
		return 1;
	}
	mem = (uint8_t *)malloc(sizeof(struct vrfsec_tables));
	memcpy(mem, tb.t, sizeof(struct vrfsec_tables));

	m = new Vvrfsec_pipeline;
	m->rst = 1;
	m->clk = 0;
	m->eval();
	for (int i = 0; i < 4; i++)
		edge();
	m->rst = 0;
	// Keys: the same SAs into the C key array and, through the key port, every lane.
	for (uint32_t c = 0; c < sc.n_clients; c++) {
		const struct trafgen_client *cl = &sc.client[c];
		for (int d = 0; d < 2; d++) {
			uint32_t sa = d ? cl->sa_out : cl->sa_in;
			const uint8_t *key = d ? cl->key_out : cl->key_in;
			uint8_t kb[32] = { 0 };
			if (sa >= VRFSEC_MAX_SA)
				continue;
			vrfsec_gcm_key_setup(&keys[sa], key, cl->key_len);
			memcpy(kb, key, cl->key_len);
			m->key_valid = 1;
			m->key_sa = sa;
			m->key_len_code = (cl->key_len - 16) / 8;
			tb_put_le(m->key_data.data(), kb, 32);
			for (int guard = 0; guard < 1000; guard++) {
				m->eval();
				int rdy = m->key_ready;
				edge();
				if (rdy)
					break;
			}
			m->key_valid = 0;
		}
	}
	// The packets and what C makes of them, in order, on tb.t.
	for (uint32_t k = 0; k < NPKT; k++) {
		trafgen_burst_begin(&sc);
		trafgen_next(&sc, &tp);
		memset(&in[k], 0, sizeof(in[k]));
		trafgen_load(&tp, &in[k]);
		want[k] = in[k];
		vrfsec_pipeline(tb.t, keys, &want[k]);
		in_bytes += in[k].len;
	}

	// Stream them through the RTL.
	uint32_t ik = 0, ib = 0, ok_k = 0;
	static uint8_t got[VRFSEC_BUF_SIZE];
	uint32_t got_len = 0, got_beats = 0;
	int got_dest = -1, got_tag = -1, bad_stream = 0;
	uint64_t c0 = cyc;
	// TB_FULL_RATE=1: no input gaps and no backpressure (to see the overlap of the units).
	int full_rate = getenv("TB_FULL_RATE") != NULL;
	uint64_t max_cyc = getenv("TB_MAX_CYCLES") ? strtoull(getenv("TB_MAX_CYCLES"), NULL, 0) : 2000000u;
	while (ok_k < NPKT && cyc - c0 < max_cyc) {
#ifdef TB_DEBUG
		if ((cyc - c0) % 2000 == 0) {
			printf("cyc %llu ik %u ok %u s_tready %d idle %d m_tvalid %d x_valid %d st:",
			       (unsigned long long)(cyc - c0), ik, ok_k, m->s_tready, m->idle, m->m_tvalid,
			       m->x_valid);
			for (int q = 0; q < 8; q++)
				printf(" %d", m->rootp->vrfsec_pipeline__DOT__st[q]);
			printf("\n");
		}
#endif
		// Inputs.
		uint8_t beat[NB];
		memset(beat, 0, NB);
		int sv = ik < NPKT && (full_rate || tb_rand() % 8 != 0);
		uint32_t n = 0;
		if (ik < NPKT) {
			const struct vrfsec_pkt *p = &in[ik];
			n = p->len - ib * NB < NB ? p->len - ib * NB : NB;
			memcpy(beat, p->buf + p->off + ib * NB, n);
			uint32_t tu[3] = { 0, 0, 0 };
			tb_set_bits(tu, 0, 16, ik);
			tb_set_bits(tu, 16, 3, tuser_port(p->in_port));
			tb_set_bits(tu, 19, 3, p->out_port);
			tb_set_bits(tu, 22, 32, p->sa_out);
			tb_set_bits(tu, 54, 16, p->vrf);
			memcpy(m->s_tuser.data(), tu, sizeof(tu));
		}
		m->s_tvalid = sv;
		tb_put_le(m->s_tdata.data(), beat, NB);
		uint64_t keep = n >= 64 ? ~0ull : (1ull << n) - 1;
#if TB_DW == 512
		m->s_tkeep = keep;
#else
		m->s_tkeep = (uint16_t)keep;
#endif
		m->s_tlast = ik < NPKT && (ib + 1) * NB >= in[ik < NPKT ? ik : 0].len;
		m->m_tready = full_rate || tb_rand() % 10 != 0;
		m->x_ready = full_rate || tb_rand() % 4 != 0;
		m->eval();
		// Outputs of this cycle.
		if (m->s_tvalid && m->s_tready) {
			if (m->s_tlast) {
				ik++;
				ib = 0;
			} else {
				ib++;
			}
		}
		if (m->m_tvalid && m->m_tready) {
			uint8_t b[NB];
			uint64_t kp = m->m_tkeep;
			tb_get_le(m->m_tdata.data(), b, NB);
			for (int i = 0; i < NB; i++)
				if ((kp >> i) & 1u && got_len < sizeof(got))
					got[got_len++] = b[i];
			if (got_beats && (got_dest != m->m_tdest || got_tag != m->m_tuser))
				bad_stream = 1;
			got_dest = m->m_tdest;
			got_tag = m->m_tuser;
			got_beats++;
		}
		if (m->x_valid && m->x_ready) {
			struct vrfsec_pkt p;
			uint32_t xw[17];
			const struct vrfsec_pkt *w = &want[ok_k];
			memcpy(xw, m->x_meta.data(), sizeof(xw));
			memset(&p, 0, sizeof(p));
			tb_meta_unpack(&p, xw);
			struct vrfsec_pkt wm = *w;
			memset(wm.buf, 0, sizeof(wm.buf));
			wm.op.pad0 = 0;
			wm.op.pad1 = 0;
			wm.in_port = tuser_port(wm.in_port);
			int ok = m->x_tag == ok_k && memcmp(&p, &wm, sizeof(p)) == 0 && !bad_stream;
			if (w->out_port != VRFSEC_PORT_DROP && w->len) {
				ok = ok && got_len == w->len && got_dest == w->out_port &&
				     got_tag == (int)ok_k && memcmp(got, w->buf + w->off, w->len) == 0;
			} else {
				ok = ok && got_beats == 0;
			}
			if (ok) {
				passed++;
			} else {
				if (failed < 8) {
					printf("vrfsec_pipeline: packet %u (tag %u) in_port %u: out %u/%u "
					       "reason %u/%u len %u/%u stage %u/%u beats %u (rtl/C)",
					       ok_k, m->x_tag, in[ok_k].in_port, p.out_port, w->out_port,
					       p.reason, w->reason, p.len, w->len, p.stage, w->stage,
					       got_beats);
					const uint8_t *a = (const uint8_t *)&p, *b = (const uint8_t *)&wm;
					for (size_t q = 0; q < offsetof(struct vrfsec_pkt, buf); q++)
						if (a[q] != b[q]) {
							printf(" meta byte %zu: %02x/%02x", q, a[q], b[q]);
							break;
						}
					for (uint32_t q = 0; q < got_len && q < w->len; q++)
						if (got[q] != w->buf[w->off + q]) {
							printf(" frame byte %u: %02x/%02x", q, got[q], w->buf[w->off + q]);
							break;
						}
					printf("\n");
				}
				failed++;
			}
			ok_k++;
			got_len = 0;
			got_beats = 0;
			bad_stream = 0;
		}
		if (mem_cycle())
			break;
		edge();
		mem_deliver();
	}
	uint64_t cycles = cyc - c0;
	if (ok_k < NPKT) {
		printf("vrfsec_pipeline: stuck after %u records\n", ok_k);
		failed += NPKT - ok_k;
	}
	// Table memory: the RTL's against C's.
	if (memcmp(mem, tb.t, sizeof(struct vrfsec_tables)) != 0) {
		size_t i = 0;
		while (mem[i] == ((uint8_t *)tb.t)[i])
			i++;
		printf("vrfsec_pipeline: table memory differs, first at byte %zu\n", i);
		failed++;
	}
	printf("vrfsec_pipeline (DATA_WIDTH %d, LANES %d): %llu passed, %llu failed (%llu cycles, "
	       "%.2f input bytes/cycle)\n",
	       TB_DW, TB_LANES, (unsigned long long)passed, (unsigned long long)failed,
	       (unsigned long long)cycles, (double)in_bytes / (double)cycles);
	delete m;
	return failed ? 1 : 0;
}
