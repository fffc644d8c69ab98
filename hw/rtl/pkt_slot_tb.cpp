// SPDX-License-Identifier: Apache-2.0
// Testbench of a packet slot with its access points (pkt_slot_rot: pkt_slot + pkt_port per port):
// random unaligned reads and writes with random byte enables on both ports at once, checked against
// a byte-array model of the buffer (reads past the buffer give 0, writes there are dropped; a read
// holds its data until the next read). TB_DW is the DATA_WIDTH it was built with, TB_NA and TB_NBP
// the access widths of ports a and b in bytes (pkt_slot_tb.mk: 128 with 16/16, 512 with 64/16, so
// both the full-width and the narrow access onto wide banks are covered).
#include <stdio.h>
#include <stdlib.h>

#include "Vpkt_slot_rot.h"
#include "verilated.h"
#include "tb_util.h"

#ifndef TB_DW
#define TB_DW 128
#endif
#ifndef TB_NA
#define TB_NA (TB_DW / 8)
#endif
#ifndef TB_NBP
#define TB_NBP 16
#endif
#define NB (TB_DW / 8)
#define NMAX (TB_NA > TB_NBP ? TB_NA : TB_NBP)
#define BUF_SIZE 2240
#define CYCLES 200000

static uint8_t model[BUF_SIZE];

struct port_op {
	int n; // access width in bytes
	int rd, wr;
	uint32_t addr;
	uint8_t wdata[NMAX];
	uint8_t wbe[NMAX];
};

static uint32_t rand_addr(int n)
{
	uint32_t r = tb_rand() % 16;

	if (r == 0)
		return tb_rand() % 4096;           // anywhere, also far past the buffer
	if (r == 1)
		return BUF_SIZE - n + tb_rand() % (2 * n); // around the end
	return tb_rand() % BUF_SIZE;
}

static void rand_op(struct port_op *o, int n)
{
	o->n = n;
	o->rd = tb_rand() % 3 != 0;
	o->wr = tb_rand() % 3 == 0;
	o->addr = rand_addr(n);
	tb_rand_bytes(o->wdata, n);
	uint32_t mode = tb_rand() % 4;
	for (int i = 0; i < n; i++)
		o->wbe[i] = mode == 0 ? 1 : mode == 1 ? (uint8_t)(tb_rand() & 1) : (uint8_t)(i < (int)(tb_rand() % (n + 1)));
}

static void set_port(uint32_t *wd, uint32_t *be_w, uint64_t *be64, const struct port_op *o)
{
	tb_put_le(wd, o->wdata, o->n);
	uint64_t be = 0;
	for (int i = 0; i < o->n; i++)
		be |= (uint64_t)o->wbe[i] << i;
	if (be_w)
		be_w[0] = (uint32_t)be, be_w[1] = (uint32_t)(be >> 32);
	if (be64)
		*be64 = be;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	Vpkt_slot_rot *m = new Vpkt_slot_rot;
	uint8_t exp_a[TB_NA], exp_b[TB_NBP], valid_a[TB_NA], valid_b[TB_NBP];
	int have_a = 0, have_b = 0;
	uint64_t passed = 0, failed = 0, bytes_checked = 0;

	memset(model, 0, sizeof(model));
	m->clk = 0;
	m->a_rd = m->a_wr = m->b_rd = m->b_wr = 0;
	m->eval();
	// Clear the banks first (block RAM has no reset), through both ports.
	for (uint32_t a = 0; a < BUF_SIZE; a += TB_NA) {
		struct port_op o;
		memset(&o, 0, sizeof(o));
		o.n = TB_NA;
		memset(o.wbe, 1, TB_NA);
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
		rand_op(&a, TB_NA);
		rand_op(&b, TB_NBP);
		// Never two writes of one byte in a cycle (either value may win).
		if (a.wr && b.wr)
			for (int i = 0; i < TB_NA; i++)
				for (int j = 0; j < TB_NBP; j++)
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
			for (int i = 0; i < TB_NA; i++) {
				uint32_t x = a.addr + i;
				exp_a[i] = x < BUF_SIZE ? model[x] : 0;
				valid_a[i] = !(b.wr && x >= b.addr && x < b.addr + TB_NBP && b.wbe[x - b.addr]);
			}
			have_a = 1;
		}
		if (b.rd) {
			for (int i = 0; i < TB_NBP; i++) {
				uint32_t x = b.addr + i;
				exp_b[i] = x < BUF_SIZE ? model[x] : 0;
				valid_b[i] = !(a.wr && x >= a.addr && x < a.addr + TB_NA && a.wbe[x - a.addr]);
			}
			have_b = 1;
		}
		if (a.wr)
			for (int i = 0; i < TB_NA; i++)
				if (a.wbe[i] && a.addr + i < BUF_SIZE)
					model[a.addr + i] = a.wdata[i];
		if (b.wr)
			for (int i = 0; i < TB_NBP; i++)
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
			int n = p ? TB_NBP : TB_NA;
			uint8_t got[NMAX];
			tb_get_le(p ? m->b_rdata.data() : m->a_rdata.data(), got, n);
			const uint8_t *e = p ? exp_b : exp_a, *v = p ? valid_b : valid_a;
			int bad = 0;
			for (int i = 0; i < n; i++)
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
	// Whole buffer read back through both ports, every offset alignment.
	for (int p = 0; p < 2; p++)
		for (uint32_t a = 0; a < BUF_SIZE; a += 7) {
			int n = p ? TB_NBP : TB_NA;
			m->a_rd = !p; m->a_wr = 0; m->b_rd = p; m->b_wr = 0;
			m->a_addr = a; m->b_addr = a;
			m->clk = 1; m->eval(); m->clk = 0; m->eval();
			uint8_t got[NMAX];
			tb_get_le(p ? m->b_rdata.data() : m->a_rdata.data(), got, n);
			int bad = 0;
			for (int i = 0; i < n; i++)
				if (got[i] != (a + i < BUF_SIZE ? model[a + i] : 0))
					bad = 1;
			if (bad)
				failed++;
			else
				passed++;
		}
	printf("pkt_slot (DATA_WIDTH %d, ports %d/%d bytes): %llu passed, %llu failed (%llu bytes checked in %d cycles)\n",
	       TB_DW, TB_NA, TB_NBP, (unsigned long long)passed, (unsigned long long)failed,
	       (unsigned long long)bytes_checked, CYCLES);
	delete m;
	return failed ? 1 : 0;
}
