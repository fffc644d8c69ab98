// SPDX-License-Identifier: Apache-2.0
// Testbench support for the header stages (hw/rtl/PIPELINE.md, "Stage interface"): packs a
// struct vrfsec_pkt into the metadata bus and back, serves the slot header port from the packet's
// buffer and the table-memory port from a struct vrfsec_tables, and runs one stage call to done.
// Works with any Verilated stage module V that has the standard port list.
#ifndef VRFSEC_RTL_TB_STAGE_H
#define VRFSEC_RTL_TB_STAGE_H

#include <stdint.h>
#include <string.h>

extern "C" {
// The C headers pin layouts with the C11 keyword; C++ spells it static_assert.
#define _Static_assert static_assert
#include "stages.h"
#include "vrfsec_tables.h"
}
#include "tb_util.h"

// Stage call arguments (the ARGS bus of stage_if.vh).
struct tb_args {
	uint16_t vrf, ip_off, ip_len;
	uint8_t label_ttl, ttl, dscp;
	uint32_t sa, nh;
};

// What a stage call ended with.
struct tb_result {
	int res;          // 0 exit, 1 crypto, 2 tail
	int tail_stage;   // STG_* when res == 2
	struct tb_args tail;
	int exit_port;
	int exit_reason;
	uint64_t cycles;  // start to done
};

// Bit-field access on Verilator wide words (32-bit words, word 0 = bits 31:0).
static inline void tb_set_bits(uint32_t *w, unsigned lsb, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++) {
		unsigned b = lsb + i;
		uint32_t m = 1u << (b % 32);

		if ((v >> i) & 1u)
			w[b / 32] |= m;
		else
			w[b / 32] &= ~m;
	}
}

static inline uint64_t tb_get_bits(const uint32_t *w, unsigned lsb, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++) {
		unsigned b = lsb + i;

		v |= (uint64_t)((w[b / 32] >> (b % 32)) & 1u) << i;
	}
	return v;
}

static inline void tb_meta_pack(uint32_t *w, const struct vrfsec_pkt *p)
{
	memset(w, 0, 68);
	tb_set_bits(w, 0, 16, p->off);
	tb_set_bits(w, 16, 16, p->len);
	tb_set_bits(w, 32, 8, p->in_port);
	tb_set_bits(w, 40, 8, p->out_port);
	tb_set_bits(w, 48, 8, p->stage);
	tb_set_bits(w, 56, 8, p->reason);
	tb_set_bits(w, 64, 16, p->vrf);
	tb_set_bits(w, 80, 16, p->l3_off);
	tb_set_bits(w, 96, 32, p->sa_in);
	tb_set_bits(w, 128, 32, p->sa_out);
	tb_set_bits(w, 160, 64, p->seq);
	tb_set_bits(w, 224, 32, p->op.sa);
	tb_set_bits(w, 256, 8, p->op.encrypt);
	tb_set_bits(w, 264, 8, p->op.aad_len);
	tb_set_bits(w, 272, 8, p->op.tag_ok);
	for (unsigned i = 0; i < 12; i++)
		tb_set_bits(w, 280 + 8 * i, 8, p->op.nonce[i]);
	for (unsigned i = 0; i < 12; i++)
		tb_set_bits(w, 376 + 8 * i, 8, p->op.aad[i]);
	tb_set_bits(w, 472, 16, p->op.data_off);
	tb_set_bits(w, 488, 16, p->op.data_len);
	tb_set_bits(w, 504, 16, p->op.tag_off);
}

// Unpacks into p (the buffer is left alone).
static inline void tb_meta_unpack(struct vrfsec_pkt *p, const uint32_t *w)
{
	p->off = (uint16_t)tb_get_bits(w, 0, 16);
	p->len = (uint16_t)tb_get_bits(w, 16, 16);
	p->in_port = (uint8_t)tb_get_bits(w, 32, 8);
	p->out_port = (uint8_t)tb_get_bits(w, 40, 8);
	p->stage = (uint8_t)tb_get_bits(w, 48, 8);
	p->reason = (uint8_t)tb_get_bits(w, 56, 8);
	p->vrf = (uint16_t)tb_get_bits(w, 64, 16);
	p->l3_off = (uint16_t)tb_get_bits(w, 80, 16);
	p->sa_in = (uint32_t)tb_get_bits(w, 96, 32);
	p->sa_out = (uint32_t)tb_get_bits(w, 128, 32);
	p->seq = tb_get_bits(w, 160, 64);
	p->op.sa = (uint32_t)tb_get_bits(w, 224, 32);
	p->op.encrypt = (uint8_t)tb_get_bits(w, 256, 8);
	p->op.aad_len = (uint8_t)tb_get_bits(w, 264, 8);
	p->op.tag_ok = (uint8_t)tb_get_bits(w, 272, 8);
	for (unsigned i = 0; i < 12; i++)
		p->op.nonce[i] = (uint8_t)tb_get_bits(w, 280 + 8 * i, 8);
	for (unsigned i = 0; i < 12; i++)
		p->op.aad[i] = (uint8_t)tb_get_bits(w, 376 + 8 * i, 8);
	p->op.data_off = (uint16_t)tb_get_bits(w, 472, 16);
	p->op.data_len = (uint16_t)tb_get_bits(w, 488, 16);
	p->op.tag_off = (uint16_t)tb_get_bits(w, 504, 16);
}

static inline void tb_args_pack(uint32_t *w, const struct tb_args *a)
{
	memset(w, 0, 20);
	tb_set_bits(w, 0, 16, a->vrf);
	tb_set_bits(w, 16, 16, a->ip_off);
	tb_set_bits(w, 32, 16, a->ip_len);
	tb_set_bits(w, 48, 8, a->label_ttl);
	tb_set_bits(w, 56, 8, a->ttl);
	tb_set_bits(w, 64, 8, a->dscp);
	tb_set_bits(w, 72, 32, a->sa);
	tb_set_bits(w, 104, 32, a->nh);
}

static inline void tb_args_unpack(struct tb_args *a, const uint32_t *w)
{
	a->vrf = (uint16_t)tb_get_bits(w, 0, 16);
	a->ip_off = (uint16_t)tb_get_bits(w, 16, 16);
	a->ip_len = (uint16_t)tb_get_bits(w, 32, 16);
	a->label_ttl = (uint8_t)tb_get_bits(w, 48, 8);
	a->ttl = (uint8_t)tb_get_bits(w, 56, 8);
	a->dscp = (uint8_t)tb_get_bits(w, 64, 8);
	a->sa = (uint32_t)tb_get_bits(w, 72, 32);
	a->nh = (uint32_t)tb_get_bits(w, 104, 32);
}

// Random seq and crypto-operation fields: a stage must neither depend on them nor lose them.
static inline void tb_rand_seq_op(struct vrfsec_pkt *p)
{
	p->seq = ((uint64_t)tb_rand() << 32) | tb_rand();
	p->op.sa = tb_rand();
	p->op.encrypt = (uint8_t)tb_rand();
	p->op.aad_len = (uint8_t)tb_rand();
	p->op.tag_ok = (uint8_t)tb_rand();
	tb_rand_bytes(p->op.nonce, 12);
	tb_rand_bytes(p->op.aad, 12);
	p->op.data_off = (uint16_t)tb_rand();
	p->op.data_len = (uint16_t)tb_rand();
	p->op.tag_off = (uint16_t)tb_rand();
}

// Four cycles of reset with start low; the clock is left low.
template <class V> static void tb_reset(V *m)
{
	m->rst = 1;
	m->start = 0;
	for (int i = 0; i < 4; i++) {
		m->clk = 0;
		m->eval();
		m->clk = 1;
		m->eval();
	}
	m->rst = 0;
	m->clk = 0;
	m->eval();
}

// Runs stage module m for one call: packet p (metadata and buffer; both updated in place), tables
// t (updated in place through the memory port), args a. mem_lat: read latency in cycles (>= 1).
// lk_busy_cycles: how many cycles to hold lk_busy high after each new lk_req (tests the wait).
// Returns 0, or -1 when the stage did not finish within max_cycles or broke a port rule (printed).
template <class V>
static int tb_stage_run(V *m, struct vrfsec_tables *t, struct vrfsec_pkt *p,
			const struct tb_args *a, struct tb_result *r, unsigned mem_lat,
			unsigned lk_busy_cycles, uint64_t max_cycles = 200000)
{
	uint8_t *mem = (uint8_t *)t;
	unsigned rd_wait = 0;       // cycles left until the pending read answers
	uint32_t rd_addr = 0;
	int rd_pending = 0;
	unsigned lk_left = 0;
	int lk_prev = 0;
	uint64_t cyc = 0;

	memset(r, 0, sizeof(*r));
	tb_meta_pack(m->meta_in.data(), p);
	tb_args_pack(m->args.data(), a);
	m->start = 1;
	m->mr_valid = 0;
	m->lk_busy = 0;
	for (;;) {
		// Cycle cyc: outputs as registered at the last edge are visible now.
		m->clk = 0;
		m->eval();
		if (m->done && cyc > 0) {
			uint32_t mo[17];

			memcpy(mo, m->meta_out.data(), sizeof(mo));
			tb_meta_unpack(p, mo);
			r->res = m->result;
			r->tail_stage = m->tail_stage;
			tb_args_unpack(&r->tail, m->tail_args.data());
			r->exit_port = m->exit_port;
			r->exit_reason = m->exit_reason;
			r->cycles = cyc;
			m->clk = 1;
			m->eval();
			m->clk = 0;
			m->eval();
			return 0;
		}
		if (cyc >= max_cycles) {
			printf("tb_stage: no done after %llu cycles\n", (unsigned long long)cyc);
			return -1;
		}
		// Slot header port: writes land at this edge; read data shows in the next cycle.
		uint8_t rdata[16] = {0};
		int hp_rd = m->hp_rd, hp_wr = m->hp_wr;
		uint32_t hp_addr = m->hp_addr;
		if (hp_wr) {
			uint32_t wd[4];

			memcpy(wd, m->hp_wdata.data(), sizeof(wd));
			for (unsigned i = 0; i < 16; i++)
				if ((m->hp_wbe >> i) & 1u && hp_addr + i < VRFSEC_BUF_SIZE)
					p->buf[hp_addr + i] = (uint8_t)(wd[i / 4] >> (8 * (i % 4)));
		}
		if (hp_rd)
			for (unsigned i = 0; i < 16; i++)
				rdata[i] = hp_addr + i < VRFSEC_BUF_SIZE ? p->buf[hp_addr + i] : 0;
		// Table memory: write, then add, then read (a read sees this cycle's writes).
		if (m->mw_req) {
			uint32_t ad = m->mw_addr;
			uint64_t d = m->mw_data;

			if (ad % 8 || ad + 8 > sizeof(*t)) {
				printf("tb_stage: bad write address %u\n", ad);
				return -1;
			}
			for (unsigned i = 0; i < 8; i++)
				if ((m->mw_be >> i) & 1u)
					mem[ad + i] = (uint8_t)(d >> (8 * i));
		}
		if (m->st_req) {
			uint32_t ad = m->st_addr;
			uint64_t v;

			if (ad % 8 || ad + 8 > sizeof(*t)) {
				printf("tb_stage: bad stat address %u\n", ad);
				return -1;
			}
			memcpy(&v, mem + ad, 8);
			v += (uint64_t)m->st_val;
			memcpy(mem + ad, &v, 8);
		}
		if (m->mr_req) {
			if (rd_pending) {
				printf("tb_stage: second read while one is pending\n");
				return -1;
			}
			rd_addr = m->mr_addr;
			if (rd_addr % 8 || rd_addr + 8 > sizeof(*t)) {
				printf("tb_stage: bad read address %u\n", rd_addr);
				return -1;
			}
			rd_pending = 1;
			rd_wait = mem_lat;
		}
		int lk_req = m->lk_req;
		if (lk_req && !lk_prev)
			lk_left = lk_busy_cycles;
		lk_prev = lk_req;
		// Edge.
		m->clk = 1;
		m->eval();
		m->start = 0;
		cyc++;
		// Inputs for the next cycle.
		{
			uint32_t rw[4];

			tb_put_le(rw, rdata, 16);
			memcpy(m->hp_rdata.data(), rw, sizeof(rw));
		}
		m->mr_valid = 0;
		if (rd_pending && --rd_wait == 0) {
			uint64_t d;

			memcpy(&d, mem + rd_addr, 8);
			m->mr_data = d;
			m->mr_valid = 1;
			rd_pending = 0;
		}
		m->lk_busy = lk_req && lk_left > 0;
		if (lk_left)
			lk_left--;
	}
}

#endif
