// SPDX-License-Identifier: Apache-2.0
// Testbench of vrfsec_regs (generated from hw/abi/card.abi): walks the block chain as the driver
// does, reads every register over AXI-Lite against hw/abi/gen/vrfsec_abi.h and the C capacities,
// then random reads and writes (byte strobes, card-side writes, unmapped and unaligned addresses,
// random handshake delays) against a model of the whole BAR.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "Vvrfsec_regs.h"
#include "verilated.h"
#define _Static_assert static_assert
#include "../abi/gen/vrfsec_abi.h"
#include "vrf_fib.h"
#include "vrfsec_hls.h"
#include "tb_util.h"

#define WORDS (VRFSEC_ABI_BAR_SIZE / 4u)
#define CARD_CAPS_RTL 0x4u // ID.CAPS bit 2: rtl engine
#define ENGINE_RTL 2u      // CONTROL.ENGINE: rtl
#define N_NET_PORTS 3u
#define RESP_OKAY 0u
#define RESP_SLVERR 2u

enum kind { K_UNMAPPED, K_RESERVED, K_CONST, K_IN, K_RW };

struct word {
	enum kind kind;
	uint32_t val;   // K_CONST: the value; K_RW: the model's stored value
	uint32_t *port; // K_IN: the input; K_RW: the output
	const char *name;
};

static Vvrfsec_regs *top;
static struct word bar[WORDS];
static uint64_t cycle;
static uint32_t passed, failed;

static void fail(const char *what, uint32_t off, uint32_t got, uint32_t want)
{
	if (failed < 20)
		printf("vrfsec_regs: FAIL %s at 0x%03x (%s): got 0x%08x, want 0x%08x, cycle %llu\n", what, off,
		       bar[off / 4].name ? bar[off / 4].name : "-", got, want, (unsigned long long)cycle);
	failed++;
}

static void check(const char *what, uint32_t off, uint32_t got, uint32_t want)
{
	if (got == want)
		passed++;
	else
		fail(what, off, got, want);
}

static void define(uint32_t off, enum kind k, uint32_t val, uint32_t *port, const char *name)
{
	if (off % 4 || off >= VRFSEC_ABI_BAR_SIZE || bar[off / 4].kind != K_RESERVED) {
		printf("vrfsec_regs: testbench map error at 0x%x (%s)\n", off, name);
		exit(2);
	}
	bar[off / 4] = (struct word){ k, val, port, name };
}

struct block {
	uint32_t off, type, version, size;
	const char *name;
};

static const struct block blocks[] = {
	{ VRFSEC_ABI_ID_DEFAULT_OFFSET, VRFSEC_ABI_ID_TYPE, VRFSEC_ABI_ID_VERSION, VRFSEC_ABI_ID_SIZE,
	  "ID" },
	{ VRFSEC_ABI_CONTROL_DEFAULT_OFFSET, VRFSEC_ABI_CONTROL_TYPE, VRFSEC_ABI_CONTROL_VERSION,
	  VRFSEC_ABI_CONTROL_SIZE, "CONTROL" },
	{ VRFSEC_ABI_TABLES_DEFAULT_OFFSET, VRFSEC_ABI_TABLES_TYPE, VRFSEC_ABI_TABLES_VERSION,
	  VRFSEC_ABI_TABLES_SIZE, "TABLES" },
	{ VRFSEC_ABI_RINGS_DEFAULT_OFFSET, VRFSEC_ABI_RINGS_TYPE, VRFSEC_ABI_RINGS_VERSION,
	  VRFSEC_ABI_RINGS_SIZE, "RINGS" },
	{ VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET, VRFSEC_ABI_COUNTERS_TYPE, VRFSEC_ABI_COUNTERS_VERSION,
	  VRFSEC_ABI_COUNTERS_SIZE, "COUNTERS" },
	{ VRFSEC_ABI_PORTS_DEFAULT_OFFSET, VRFSEC_ABI_PORTS_TYPE, VRFSEC_ABI_PORTS_VERSION,
	  VRFSEC_ABI_PORTS_SIZE, "PORTS" },
};
#define N_BLOCKS (sizeof(blocks) / sizeof(blocks[0]))

// The BAR as the ABI header describes it, with the RTL's choice of source for each ro register.
static void build_map(void)
{
	static const char *hdr_names[4] = { "hdr.type", "hdr.version", "hdr.next", "hdr.size" };
	uint32_t b, r;

	for (uint32_t i = 0; i < WORDS; i++)
		bar[i] = (struct word){ K_UNMAPPED, 0, NULL, NULL };
	for (b = 0; b < N_BLOCKS; b++) {
		const struct block *k = &blocks[b];
		uint32_t hv[4] = { k->type, k->version, b + 1 < N_BLOCKS ? blocks[b + 1].off : 0,
				   k->size };

		for (uint32_t o = 0; o < k->size; o += 4)
			bar[(k->off + o) / 4].kind = K_RESERVED;
		for (r = 0; r < 4; r++)
			define(k->off + r * 4, K_CONST, hv[r], NULL, hdr_names[r]);
	}
	b = VRFSEC_ABI_ID_DEFAULT_OFFSET;
	define(b + VRFSEC_ABI_ID_MAGIC, K_CONST, VRFSEC_ABI_MAGIC, NULL, "ID.MAGIC");
	define(b + VRFSEC_ABI_ID_ABI_VERSION, K_CONST, VRFSEC_ABI_VERSION, NULL, "ID.ABI_VERSION");
	define(b + VRFSEC_ABI_ID_CARD_KIND, K_CONST, VRFSEC_ABI_CARD_FPGA, NULL, "ID.CARD_KIND");
	define(b + VRFSEC_ABI_ID_FW_VERSION, K_IN, 0, &top->id_fw_version, "ID.FW_VERSION");
	define(b + VRFSEC_ABI_ID_CAPS, K_CONST, CARD_CAPS_RTL, NULL, "ID.CAPS");
	define(b + VRFSEC_ABI_ID_PORTS, K_CONST, N_NET_PORTS, NULL, "ID.PORTS");
	b = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET;
	define(b + VRFSEC_ABI_CONTROL_STATUS, K_IN, 0, &top->control_status, "CONTROL.STATUS");
	define(b + VRFSEC_ABI_CONTROL_CONTROL, K_RW, 0, &top->control_control, "CONTROL.CONTROL");
	define(b + VRFSEC_ABI_CONTROL_HEARTBEAT, K_IN, 0, &top->control_heartbeat,
	       "CONTROL.HEARTBEAT");
	define(b + VRFSEC_ABI_CONTROL_ENGINE, K_CONST, ENGINE_RTL, NULL, "CONTROL.ENGINE");
	define(b + VRFSEC_ABI_CONTROL_HOST_MEM_SIZE, K_IN, 0, &top->control_host_mem_size,
	       "CONTROL.HOST_MEM_SIZE");
	b = VRFSEC_ABI_TABLES_DEFAULT_OFFSET;
	define(b + VRFSEC_ABI_TABLES_MAX_SA, K_CONST, VRFSEC_MAX_SA, NULL, "TABLES.MAX_SA");
	define(b + VRFSEC_ABI_TABLES_MAX_VRF, K_CONST, VRFSEC_MAX_VRF, NULL, "TABLES.MAX_VRF");
	define(b + VRFSEC_ABI_TABLES_MAX_NH, K_CONST, VRFSEC_MAX_NH, NULL, "TABLES.MAX_NH");
	define(b + VRFSEC_ABI_TABLES_FIB_NODES, K_CONST, VRFSEC_FIB_NODES, NULL, "TABLES.FIB_NODES");
	define(b + VRFSEC_ABI_TABLES_FIB_ROUTES, K_CONST, VRFSEC_FIB_ROUTES, NULL,
	       "TABLES.FIB_ROUTES");
	define(b + VRFSEC_ABI_TABLES_REPLAY_MAX, K_CONST, VRFSEC_REPLAY_MAX, NULL,
	       "TABLES.REPLAY_MAX");
	define(b + VRFSEC_ABI_TABLES_LABEL_SPACE, K_CONST, VRFSEC_LABEL_SPACE, NULL,
	       "TABLES.LABEL_SPACE");
	define(b + VRFSEC_ABI_TABLES_MAX_FRAME, K_CONST, VRFSEC_MAX_FRAME, NULL, "TABLES.MAX_FRAME");

	// Rings: the host writes base, size, irq and its own index (head of a host -> card ring,
	// tail of a card -> host ring); the card's index is an input.
	struct ring {
		const char *name;
		uint32_t desc_size;
		bool h2c;
		uint32_t *base_lo, *base_hi, *log2_size, *head, *tail, *irq;
	} rings[VRFSEC_ABI_RING_COUNT] = {
		{ "CMD", sizeof(struct vrfsec_abi_cmd_desc), true, &top->ring_cmd_base_lo,
		  &top->ring_cmd_base_hi, &top->ring_cmd_log2_size, &top->ring_cmd_head,
		  &top->ring_cmd_tail, &top->ring_cmd_irq },
		{ "CPL", sizeof(struct vrfsec_abi_cpl_desc), false, &top->ring_cpl_base_lo,
		  &top->ring_cpl_base_hi, &top->ring_cpl_log2_size, &top->ring_cpl_head,
		  &top->ring_cpl_tail, &top->ring_cpl_irq },
		{ "EVENT", sizeof(struct vrfsec_abi_event_desc), false, &top->ring_event_base_lo,
		  &top->ring_event_base_hi, &top->ring_event_log2_size, &top->ring_event_head,
		  &top->ring_event_tail, &top->ring_event_irq },
		{ "PUNT_BUF", sizeof(struct vrfsec_abi_buf_desc), true, &top->ring_punt_buf_base_lo,
		  &top->ring_punt_buf_base_hi, &top->ring_punt_buf_log2_size, &top->ring_punt_buf_head,
		  &top->ring_punt_buf_tail, &top->ring_punt_buf_irq },
		{ "PUNT", sizeof(struct vrfsec_abi_punt_desc), false, &top->ring_punt_base_lo,
		  &top->ring_punt_base_hi, &top->ring_punt_log2_size, &top->ring_punt_head,
		  &top->ring_punt_tail, &top->ring_punt_irq },
		{ "INJECT", sizeof(struct vrfsec_abi_inject_desc), true, &top->ring_inject_base_lo,
		  &top->ring_inject_base_hi, &top->ring_inject_log2_size, &top->ring_inject_head,
		  &top->ring_inject_tail, &top->ring_inject_irq },
	};
	static_assert(VRFSEC_ABI_RING_CMD == 0 && VRFSEC_ABI_RING_CPL == 1 &&
			      VRFSEC_ABI_RING_EVENT == 2 && VRFSEC_ABI_RING_PUNT_BUF == 3 &&
			      VRFSEC_ABI_RING_PUNT == 4 && VRFSEC_ABI_RING_INJECT == 5,
		      "ring order of the table above");
	for (r = 0; r < VRFSEC_ABI_RING_COUNT; r++) {
		const struct ring *g = &rings[r];
		uint32_t o = VRFSEC_ABI_RINGS_DEFAULT_OFFSET + VRFSEC_ABI_RINGS_RING0 +
			     r * VRFSEC_ABI_RING_STRIDE;

#define RR(f) (o + (uint32_t)offsetof(struct vrfsec_abi_ring_regs, f))
		define(RR(base_lo), K_RW, 0, g->base_lo, "ring.base_lo");
		define(RR(base_hi), K_RW, 0, g->base_hi, "ring.base_hi");
		define(RR(log2_size), K_RW, 0, g->log2_size, "ring.log2_size");
		define(RR(desc_size), K_CONST, g->desc_size, NULL, "ring.desc_size");
		define(RR(head), g->h2c ? K_RW : K_IN, 0, g->head, "ring.head");
		define(RR(tail), g->h2c ? K_IN : K_RW, 0, g->tail, "ring.tail");
		define(RR(irq), K_RW, 0, g->irq, "ring.irq");
		define(RR(rsvd), K_CONST, 0, NULL, "ring.rsvd");
#undef RR
	}
	b = VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET;
	define(b + VRFSEC_ABI_COUNTERS_N_GLOBAL, K_CONST, VRFSEC_CNT_MAX, NULL, "COUNTERS.N_GLOBAL");
	define(b + VRFSEC_ABI_COUNTERS_N_VRF, K_CONST, VRFSEC_MAX_VRF, NULL, "COUNTERS.N_VRF");
	define(b + VRFSEC_ABI_COUNTERS_N_SA, K_CONST, VRFSEC_MAX_SA, NULL, "COUNTERS.N_SA");
	b = VRFSEC_ABI_PORTS_DEFAULT_OFFSET;
	define(b + VRFSEC_ABI_PORTS_NATT_PORT, K_IN, 0, &top->ports_natt_port, "PORTS.NATT_PORT");
	define(b + VRFSEC_ABI_PORTS_IKE_PORT, K_IN, 0, &top->ports_ike_port, "PORTS.IKE_PORT");
	define(b + VRFSEC_ABI_PORTS_CORE_MTU, K_IN, 0, &top->ports_core_mtu, "PORTS.CORE_MTU");
	define(b + VRFSEC_ABI_PORTS_INSIDE_MTU, K_IN, 0, &top->ports_inside_mtu,
	       "PORTS.INSIDE_MTU");
}

static uint32_t merge(uint32_t old, uint32_t d, uint32_t be)
{
	for (uint32_t i = 0; i < 4; i++)
		if (be >> i & 1)
			old = (old & ~(0xffu << 8 * i)) | (d & 0xffu << 8 * i);
	return old;
}

static bool mapped(uint32_t addr)
{
	return addr % 4 == 0 && bar[addr / 4].kind != K_UNMAPPED;
}

static uint32_t model_read(uint32_t addr)
{
	const struct word *w = &bar[addr / 4];

	if (!mapped(addr))
		return 0;
	switch (w->kind) {
	case K_CONST:
	case K_RW: return w->val;
	case K_IN: return *w->port;
	default: return 0;
	}
}

// Card-side write drawn for this cycle (applied at the edge, before a host write).
static bool card_busy;
static uint32_t card_word, card_data, card_be;

static void card_pick(void)
{
	card_busy = tb_rand() % 8 == 0;
	if (!card_busy) {
		top->card_we = 0;
		return;
	}
	// Mostly rw registers, sometimes anything (ignored unless rw).
	do
		card_word = tb_rand() % WORDS;
	while (tb_rand() % 4 && bar[card_word].kind != K_RW);
	card_data = tb_rand();
	card_be = tb_rand() % 16;
	top->card_we = 1;
	top->card_addr = card_word;
	top->card_wdata = card_data;
	top->card_wstrb = card_be;
}

// One clock: host_word >= 0 is a host write the RTL takes at this edge.
static void tick(int host_word, uint32_t host_data, uint32_t host_be)
{
	top->clk = 0;
	top->eval();
	top->clk = 1;
	top->eval();
	cycle++;
	if (top->rst) { // reset wins over both writers
		for (uint32_t i = 0; i < WORDS; i++)
			if (bar[i].kind == K_RW)
				bar[i].val = 0;
	} else if (card_busy && bar[card_word].kind == K_RW)
		bar[card_word].val = merge(bar[card_word].val, card_data, card_be);
	if (!top->rst && host_word >= 0 && bar[host_word].kind == K_RW)
		bar[host_word].val = merge(bar[host_word].val, host_data, host_be);
	for (uint32_t i = 0; i < WORDS; i++)
		if (bar[i].kind == K_RW && *bar[i].port != bar[i].val)
			fail("rw output", i * 4, *bar[i].port, bar[i].val);
	card_pick();
}

static void settle(void)
{
	top->clk = 0;
	top->eval();
}

static uint32_t axil_read(uint32_t addr, uint32_t *resp)
{
	uint32_t delay = tb_rand() % 3, want = 0, want_resp = 0, t = 0;
	bool taken = false;

	while (!taken) {
		top->s_axil_arvalid = t >= delay;
		top->s_axil_araddr = addr;
		settle();
		taken = top->s_axil_arvalid && top->s_axil_arready;
		if (taken) { // the value before this edge's writes
			want = model_read(addr);
			want_resp = mapped(addr) ? RESP_OKAY : RESP_SLVERR;
		}
		tick(-1, 0, 0);
		t++;
	}
	top->s_axil_arvalid = 0;
	for (uint32_t wait = tb_rand() % 3; wait; wait--) {
		top->s_axil_rready = 0;
		tick(-1, 0, 0);
	}
	top->s_axil_rready = 1;
	settle();
	if (!top->s_axil_rvalid)
		fail("rvalid", addr, 0, 1);
	uint32_t got = top->s_axil_rdata;
	*resp = top->s_axil_rresp;
	check("read data", addr, got, want);
	check("read resp", addr, *resp, want_resp);
	tick(-1, 0, 0);
	top->s_axil_rready = 0;
	return got;
}

static uint32_t axil_write(uint32_t addr, uint32_t data, uint32_t be)
{
	uint32_t aw_delay = tb_rand() % 3, w_delay = tb_rand() % 3, t = 0;
	bool aw_done = false, w_done = false;

	while (!aw_done || !w_done) {
		top->s_axil_awvalid = !aw_done && t >= aw_delay;
		top->s_axil_awaddr = addr;
		top->s_axil_wvalid = !w_done && t >= w_delay;
		top->s_axil_wdata = data;
		top->s_axil_wstrb = be;
		settle();
		bool aw = top->s_axil_awvalid && top->s_axil_awready;
		bool w = top->s_axil_wvalid && top->s_axil_wready;
		if (aw != w)
			fail("AW and W taken apart", addr, aw, w);
		tick(aw && w && mapped(addr) ? (int)(addr / 4) : -1, data, be);
		aw_done |= aw;
		w_done |= w;
		t++;
	}
	top->s_axil_awvalid = 0;
	top->s_axil_wvalid = 0;
	for (uint32_t wait = tb_rand() % 3; wait; wait--) {
		top->s_axil_bready = 0;
		tick(-1, 0, 0);
	}
	top->s_axil_bready = 1;
	settle();
	if (!top->s_axil_bvalid)
		fail("bvalid", addr, 0, 1);
	uint32_t resp = top->s_axil_bresp;
	check("write resp", addr, resp, mapped(addr) ? RESP_OKAY : RESP_SLVERR);
	tick(-1, 0, 0);
	top->s_axil_bready = 0;
	return resp;
}

static void set_inputs(void)
{
	for (uint32_t i = 0; i < WORDS; i++)
		if (bar[i].kind == K_IN)
			*bar[i].port = tb_rand();
}

static uint32_t random_addr(void)
{
	uint32_t a;

	switch (tb_rand() % 8) {
	case 0: return tb_rand() % VRFSEC_ABI_BAR_SIZE; // anything, often unaligned
	case 1: return 4 * (tb_rand() % WORDS);          // often unmapped
	default:
		do // a register, mostly rw
			a = tb_rand() % WORDS;
		while (bar[a].kind == K_UNMAPPED || (tb_rand() % 2 && bar[a].kind != K_RW));
		return 4 * a;
	}
}

int main(int argc, char **argv)
{
	uint32_t resp, n_rw = 0, n_slverr = 0, n_ops = 20000;

	Verilated::commandArgs(argc, argv);
	top = new Vvrfsec_regs;
	build_map();
	set_inputs();
	top->rst = 1;
	tick(-1, 0, 0);
	tick(-1, 0, 0);
	top->rst = 0;
	tick(-1, 0, 0);

	// The driver's walk (driver/blocks.c): ID first with the magic, then next until 0.
	uint32_t off = 0, nb = 0;
	check("ID type at 0", 0, axil_read(0, &resp), VRFSEC_ABI_BLOCK_ID);
	check("magic", VRFSEC_ABI_ID_MAGIC, axil_read(VRFSEC_ABI_ID_MAGIC, &resp), VRFSEC_ABI_MAGIC);
	for (;;) {
		if (nb >= N_BLOCKS) {
			fail("chain longer than the ABI's blocks", off, nb, N_BLOCKS);
			break;
		}
		const struct block *k = &blocks[nb++];
		check("block offset", off, off, k->off);
		check("block type", off, axil_read(off, &resp), k->type);
		check("block version", off, axil_read(off + 4, &resp), k->version);
		check("block size", off, axil_read(off + 12, &resp), k->size);
		off = axil_read(off + 8, &resp);
		if (off == 0)
			break;
	}
	check("blocks in the chain", 0, nb, N_BLOCKS);

	// Every word of the BAR once, after reset (rw registers read their reset value 0).
	for (uint32_t a = 0; a < VRFSEC_ABI_BAR_SIZE; a += 4) {
		axil_read(a, &resp);
		n_slverr += resp == RESP_SLVERR;
	}
	// Every rw register written (random strobes) and read back.
	for (uint32_t i = 0; i < WORDS; i++)
		if (bar[i].kind == K_RW) {
			axil_write(4 * i, tb_rand(), 1 + tb_rand() % 15);
			axil_read(4 * i, &resp);
			n_rw++;
		}
	// Random traffic.
	for (uint32_t i = 0; i < n_ops; i++) {
		uint32_t a = random_addr();

		if (tb_rand() % 16 == 0)
			set_inputs();
		if (tb_rand() % 2)
			n_slverr += axil_write(a, tb_rand(), tb_rand() % 16) == RESP_SLVERR;
		else {
			axil_read(a, &resp);
			n_slverr += resp == RESP_SLVERR;
		}
		for (uint32_t idle = tb_rand() % 2; idle; idle--)
			tick(-1, 0, 0);
	}
	// Reset returns every rw register to 0, also against a card write in the same cycle.
	top->rst = 1;
	tick(-1, 0, 0);
	top->rst = 0;
	for (uint32_t i = 0; i < WORDS; i++)
		if (bar[i].kind == K_RW)
			check("reset value", 4 * i, *bar[i].port, 0);

	printf("vrfsec_regs: %u blocks walked, %u rw registers, %u SLVERR answers, %llu cycles\n", nb,
	       n_rw, n_slverr, (unsigned long long)cycle);
	printf("vrfsec_regs: %u passed, %u failed\n", passed, failed);
	delete top;
	return failed ? 1 : 0;
}
