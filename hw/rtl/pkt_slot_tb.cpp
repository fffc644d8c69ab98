// SPDX-License-Identifier: Apache-2.0
// Testbench of pkt_slot: random unaligned reads and writes with random byte enables on both ports
// at once, checked against a byte-array model of the buffer (reads past the buffer give 0, writes
// there are dropped; a read holds its data until the next read). TB_DW is the DATA_WIDTH it was
// built with (pkt_slot_tb.mk builds 128 and 512).
#include <stdio.h>
#include <stdlib.h>

#include "Vpkt_slot.h"
#include "verilated.h"
#include "tb_util.h"

#ifndef TB_DW
#define TB_DW 128
#endif
#define NB (TB_DW / 8)
#define BUF_SIZE 2240
#define CYCLES 200000

static uint8_t model[BUF_SIZE];

struct port_op {
	int rd, wr;
	uint32_t addr;
	uint8_t wdata[NB];
	uint8_t wbe[NB];
};

static uint32_t rand_addr(void)
{
	uint32_t r = tb_rand() % 16;

	if (r == 0)
		return tb_rand() % 4096;           // anywhere, also far past the buffer
	if (r == 1)
		return BUF_SIZE - NB + tb_rand() % (2 * NB); // around the end
	return tb_rand() % BUF_SIZE;
}

static void rand_op(struct port_op *o)
{
	o->rd = tb_rand() % 3 != 0;
	o->wr = tb_rand() % 3 == 0;
	o->addr = rand_addr();
	tb_rand_bytes(o->wdata, NB);
	uint32_t mode = tb_rand() % 4;
	for (int i = 0; i < NB; i++)
		o->wbe[i] = mode == 0 ? 1 : mode == 1 ? (uint8_t)(tb_rand() & 1) : (uint8_t)(i < (int)(tb_rand() % (NB + 1)));
}

static void set_port(uint32_t *wd, uint32_t *be_w, uint64_t *be64, const struct port_op *o)
{
	tb_put_le(wd, o->wdata, NB);
	uint64_t be = 0;
	for (int i = 0; i < NB; i++)
		be |= (uint64_t)o->wbe[i] << i;
	if (be_w)
		be_w[0] = (uint32_t)be, be_w[1] = (uint32_t)(be >> 32);
	if (be64)
		*be64 = be;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	Vpkt_slot *m = new Vpkt_slot;
	uint8_t exp_a[NB], exp_b[NB], valid_a[NB], valid_b[NB];
	int have_a = 0, have_b = 0;
	uint64_t passed = 0, failed = 0, bytes_checked = 0;

	memset(model, 0, sizeof(model));
	m->clk = 0;
	m->a_rd = m->a_wr = m->b_rd = m->b_wr = 0;
	m->eval();
	// Clear the banks first (block RAM has no reset), through both ports.
	for (uint32_t a = 0; a < BUF_SIZE; a += NB) {
		struct port_op o;
		memset(&o, 0, sizeof(o));
		memset(o.wbe, 1, NB);
		o.addr = a;
		uint64_t be;
		set_port(m->a_wdata.data(), NULL, &be, &o);
		m->a_wbe = be;
		m->a_wr = 1;
		m->a_addr = a;
		m->clk = 1;
		m->eval();
		m->clk = 0;
		m->eval();
	}
	m->a_wr = 0;
	for (uint64_t cyc = 0; cyc < CYCLES; cyc++) {
		struct port_op a, b;
		rand_op(&a);
		rand_op(&b);
		// Never two writes of one byte in a cycle (either value may win).
		if (a.wr && b.wr)
			for (int i = 0; i < NB; i++)
				for (int j = 0; j < NB; j++)
					if (a.wbe[i] && b.wbe[j] && a.addr + i == b.addr + j)
						a.wbe[i] = 0;
		uint64_t be;
		set_port(m->a_wdata.data(), NULL, &be, &a);
		m->a_wbe = be;
		set_port(m->b_wdata.data(), NULL, &be, &b);
		m->b_wbe = be;
		m->a_rd = a.rd; m->a_wr = a.wr; m->a_addr = a.addr;
		m->b_rd = b.rd; m->b_wr = b.wr; m->b_addr = b.addr;
		// Expected read data: the model before this edge; bytes the other port writes now are
		// undefined.
		if (a.rd) {
			for (int i = 0; i < NB; i++) {
				uint32_t x = a.addr + i;
				exp_a[i] = x < BUF_SIZE ? model[x] : 0;
				valid_a[i] = !(b.wr && x >= b.addr && x < b.addr + NB && b.wbe[x - b.addr]);
			}
			have_a = 1;
		}
		if (b.rd) {
			for (int i = 0; i < NB; i++) {
				uint32_t x = b.addr + i;
				exp_b[i] = x < BUF_SIZE ? model[x] : 0;
				valid_b[i] = !(a.wr && x >= a.addr && x < a.addr + NB && a.wbe[x - a.addr]);
			}
			have_b = 1;
		}
		if (a.wr)
			for (int i = 0; i < NB; i++)
				if (a.wbe[i] && a.addr + i < BUF_SIZE)
					model[a.addr + i] = a.wdata[i];
		if (b.wr)
			for (int i = 0; i < NB; i++)
				if (b.wbe[i] && b.addr + i < BUF_SIZE)
					model[b.addr + i] = b.wdata[i];
		m->clk = 1;
		m->eval();
		m->clk = 0;
		m->eval();
		// Check both read ports (also in cycles without a read: data must hold).
		for (int p = 0; p < 2; p++) {
			if (!(p ? have_b : have_a))
				continue;
			uint8_t got[NB];
			tb_get_le(p ? m->b_rdata.data() : m->a_rdata.data(), got, NB);
			const uint8_t *e = p ? exp_b : exp_a, *v = p ? valid_b : valid_a;
			int bad = 0;
			for (int i = 0; i < NB; i++)
				if (v[i] && got[i] != e[i])
					bad = 1;
				else if (v[i])
					bytes_checked++;
			if (bad) {
				if (failed < 5)
					printf("pkt_slot: cycle %llu port %c mismatch\n",
					       (unsigned long long)cyc, p ? 'b' : 'a');
				failed++;
			} else {
				passed++;
			}
		}
	}
	// Whole buffer read back through port a, every offset alignment.
	for (uint32_t a = 0; a < BUF_SIZE; a += 7) {
		m->a_rd = 1; m->a_wr = 0; m->b_rd = 0; m->b_wr = 0; m->a_addr = a;
		m->clk = 1; m->eval(); m->clk = 0; m->eval();
		uint8_t got[NB];
		tb_get_le(m->a_rdata.data(), got, NB);
		for (int i = 0; i < NB; i++)
			if (got[i] != (a + i < BUF_SIZE ? model[a + i] : 0)) {
				failed++;
				break;
			}
	}
	printf("pkt_slot (DATA_WIDTH %d): %llu passed, %llu failed (%llu bytes checked in %d cycles)\n",
	       TB_DW, (unsigned long long)passed, (unsigned long long)failed,
	       (unsigned long long)bytes_checked, CYCLES);
	delete m;
	return failed ? 1 : 0;
}
