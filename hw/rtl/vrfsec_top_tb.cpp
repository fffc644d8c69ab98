// SPDX-License-Identifier: Apache-2.0
// Testbench of vrfsec_top: frames on all four ingress ports at once (public IKE, ARP and runts;
// core MPLS into a VRF, plain IP and unknown labels; inside VLAN into a VRF and unknown VLANs;
// host injects out of each port and into a VRF), random gaps and egress backpressure, with the
// pipeline's table memory served from a struct vrfsec_tables. Each frame is also run through the
// C model (vrfsec_pipeline) in the order the top's arbiter took it; every egress port must carry
// the C model's frames in that order, host frames with the punt metadata in m_host_tuser, and the
// tables (counters) must end up identical. Also: BAR reads over AXI-Lite, and frames offered
// while the data path is disabled (network ports discard them, the host port waits).
#include <stdio.h>
#include <stdlib.h>

#include <deque>
#include <vector>

#include "Vvrfsec_top.h"
#include "verilated.h"
extern "C" {
#define _Static_assert static_assert
#include "pipeline.h"
#include "stages.h"
#include "tables_setup.h"
}
#include "tb_util.h"

#ifndef TB_DATA_WIDTH
#define TB_DATA_WIDTH 128
#endif
#define KW (TB_DATA_WIDTH / 8)
#define N_FRAMES 1200
#define MAX_CYCLES 3000000ull
#define CTL_ADDR 0x54u // CONTROL.CONTROL at its default offset (checked against the ID walk below)

struct frame {
	std::vector<uint8_t> b;
	int in;            // PORT_*
	uint8_t out_port;  // host inject request
	uint32_t sa_out;
	uint16_t vrf;
	uint64_t tuser;    // expected m_host_tuser
};

static Vvrfsec_top *top;
static struct vrfsec_tables *tc, *tr; // C model's tables, RTL's table memory
static std::deque<frame> q_in[4], q_exp[4];
static size_t pos_in[4];
static std::vector<uint8_t> cur_out[4];
static uint64_t cycle;
static uint32_t passed, failed, n_sent[5], n_disc;
static unsigned mem_lat;

static void fail(const char *msg, int port)
{
	if (failed < 10)
		printf("vrfsec_top: FAIL %s (port %d, cycle %llu)\n", msg, port,
		       (unsigned long long)cycle);
	failed++;
}

// ---- frames ----
static void put16(std::vector<uint8_t> &b, uint16_t v)
{
	b.push_back((uint8_t)(v >> 8));
	b.push_back((uint8_t)v);
}

static void eth(std::vector<uint8_t> &b, uint16_t type)
{
	for (int i = 0; i < 12; i++)
		b.push_back((uint8_t)(0x02 + i));
	put16(b, type);
}

// IPv4 header with a correct checksum, then proto payload of n random bytes (UDP: header first).
static void ip4(std::vector<uint8_t> &b, uint32_t src, uint32_t dst, uint8_t proto, uint16_t dport,
		uint32_t n)
{
	size_t h = b.size();
	uint32_t tot = 20 + (proto == 17 ? 8 : 0) + n, sum = 0;

	put16(b, 0x4500);
	put16(b, (uint16_t)tot);
	put16(b, (uint16_t)tb_rand());
	put16(b, 0x0000);
	b.push_back(64);
	b.push_back(proto);
	put16(b, 0);
	put16(b, (uint16_t)(src >> 16));
	put16(b, (uint16_t)src);
	put16(b, (uint16_t)(dst >> 16));
	put16(b, (uint16_t)dst);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)b[h + i] << 8 | b[h + i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	b[h + 10] = (uint8_t)(~sum >> 8);
	b[h + 11] = (uint8_t)~sum;
	if (proto == 17) {
		put16(b, 1024 + tb_rand() % 1000);
		put16(b, dport);
		put16(b, (uint16_t)(8 + n));
		put16(b, 0);
	}
	for (uint32_t i = 0; i < n; i++)
		b.push_back((uint8_t)tb_rand());
}

static frame make_frame(int in)
{
	frame f;
	uint32_t n = tb_rand() % 200, k = tb_rand() % 8;

	f.in = in;
	f.out_port = VRFSEC_PORT_DROP;
	f.sa_out = VRFSEC_NONE;
	f.vrf = 0;
	switch (in) {
	case VRFSEC_PORT_PUBLIC:
		if (k < 5) { // IKE to the host
			eth(f.b, ETHERTYPE_IPV4);
			ip4(f.b, 0xc0a80001 + tb_rand() % 100, 0xc0a80101, 17, 500, n);
		} else if (k < 7) { // ARP: not IP, to the host
			eth(f.b, 0x0806);
			for (uint32_t i = 0; i < 28 + n; i++)
				f.b.push_back((uint8_t)tb_rand());
		} else { // a runt: dropped
			for (uint32_t i = 0, m = 1 + tb_rand() % 13; i < m; i++)
				f.b.push_back((uint8_t)tb_rand());
		}
		break;
	case VRFSEC_PORT_CORE:
		eth(f.b, k < 6 ? ETHERTYPE_MPLS : ETHERTYPE_IPV4);
		if (k < 6) { // label 100 (VRF 1), or an unmapped one
			uint32_t label = k < 5 ? 100 : 101;

			put16(f.b, (uint16_t)(label >> 4));
			put16(f.b, (uint16_t)((label & 15) << 12 | 0x100 | 64));
		}
		ip4(f.b, 0x0a090001, 0x0a010000 + tb_rand() % 65536, 6, 0, n);
		break;
	case VRFSEC_PORT_INSIDE:
		eth(f.b, ETHERTYPE_VLAN);
		put16(f.b, k < 6 ? 10 : 99); // VLAN 10 is VRF 1's
		put16(f.b, ETHERTYPE_IPV4);
		ip4(f.b, 0x0a010001, 0x0a020000 + tb_rand() % 65536, 6, 0, n);
		break;
	default:
		if (k < 6) { // out of a port, unchanged
			f.out_port = (uint8_t)(k % 3);
			eth(f.b, ETHERTYPE_IPV4);
			ip4(f.b, 0x0a000001, 0x0a000002, 17, 1234, n);
		} else { // forward the IP packet in VRF 1
			f.out_port = VRFSEC_PORT_HOST;
			f.vrf = 1;
			ip4(f.b, 0x0a000001, (k == 6 ? 0x0a010000 : 0x0a020000) + tb_rand() % 65536, 6,
			    0, n);
		}
	}
	return f;
}

static void setup_tables(struct vrfsec_tables *t)
{
	struct vrfsec_vrf_params vp;
	struct vrfsec_nh nh;
	uint8_t a1[4] = { 10, 1, 0, 0 }, a2[4] = { 10, 2, 0, 0 };

	vrfsec_tables_init(t);
	memset(&vp, 0, sizeof(vp));
	vp.vlan = 10;
	if (vrfsec_vrf_set(t, 1, &vp) || vrfsec_label_map(t, 100, 1))
		exit(2);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NH_VLAN;
	nh.vlan = 10;
	for (int i = 0; i < 12; i++)
		nh.eth[i] = (uint8_t)(0x40 + i);
	if (vrfsec_nh_set(t, 1, &nh))
		exit(2);
	nh.kind = VRFSEC_NH_MPLS;
	nh.n_labels = 1;
	nh.label[0] = 200;
	if (vrfsec_nh_set(t, 2, &nh))
		exit(2);
	if (vrfsec_route_add(t, 1, VRFSEC_AF_IPV4, a1, 16, 1) ||
	    vrfsec_route_add(t, 1, VRFSEC_AF_IPV4, a2, 16, 2))
		exit(2);
}

// The C model on frame f (when the top's arbiter took it); queues the expected egress frame.
static void model(frame &f)
{
	static struct vrfsec_pkt p;
	static struct vrfsec_gcm_key keys[1];

	memset(&p, 0, sizeof(p));
	p.off = VRFSEC_HEADROOM;
	p.len = (uint16_t)f.b.size();
	p.in_port = (uint8_t)f.in;
	p.out_port = f.in == VRFSEC_PORT_HOST ? f.out_port : (uint8_t)VRFSEC_PORT_DROP;
	p.sa_out = f.in == VRFSEC_PORT_HOST ? f.sa_out : VRFSEC_NONE;
	p.vrf = f.vrf;
	memcpy(p.buf + p.off, f.b.data(), f.b.size());
	vrfsec_pipeline(tc, keys, &p);
	n_sent[p.out_port < 4 ? p.out_port : 4]++;
	if (p.out_port >= 4 || p.len == 0)
		return;
	frame e;
	e.b.assign(p.buf + p.off, p.buf + p.off + p.len);
	e.in = f.in;
	e.tuser = (uint64_t)p.sa_in << 32 | (uint64_t)p.vrf << 16 | (uint64_t)p.reason << 8 |
		  p.in_port;
	q_exp[p.out_port].push_back(e);
}

// ---- table memory: one read outstanding per port; po writes, po adds, rx writes, rx adds,
// then reads ----
struct mport {
	int pending;
	unsigned wait;
	uint32_t addr;
};
static struct mport mrx, mpo;

static void mem_write(uint32_t ad, uint64_t d, uint32_t be)
{
	uint8_t *m = (uint8_t *)tr;

	if (ad % 8 || ad + 8 > sizeof(*tr)) {
		fail("bad table write address", -1);
		return;
	}
	for (unsigned i = 0; i < 8; i++)
		if (be >> i & 1)
			m[ad + i] = (uint8_t)(d >> (8 * i));
}

static void mem_add(uint32_t ad, uint64_t v)
{
	uint64_t x;

	if (ad % 8 || ad + 8 > sizeof(*tr)) {
		fail("bad table add address", -1);
		return;
	}
	memcpy(&x, (uint8_t *)tr + ad, 8);
	x += v;
	memcpy((uint8_t *)tr + ad, &x, 8);
}

static void mem_read_req(struct mport *p, int req, uint32_t ad)
{
	if (!req)
		return;
	if (p->pending || ad % 8 || ad + 8 > sizeof(*tr)) {
		fail("bad table read", -1);
		return;
	}
	p->pending = 1;
	p->wait = mem_lat;
	p->addr = ad;
}

// Before the edge: apply this cycle's memory operations in the stated order.
static void mem_cycle(void)
{
	if (top->po_mw_req)
		mem_write(top->po_mw_addr, top->po_mw_data, top->po_mw_be);
	if (top->po_st_req)
		mem_add(top->po_st_addr, top->po_st_val);
	if (top->rx_mw_req)
		mem_write(top->rx_mw_addr, top->rx_mw_data, top->rx_mw_be);
	if (top->rx_st_req)
		mem_add(top->rx_st_addr, top->rx_st_val);
	mem_read_req(&mrx, top->rx_mr_req, top->rx_mr_addr);
	mem_read_req(&mpo, top->po_mr_req, top->po_mr_addr);
}

// After the edge: answer the reads whose latency ran out.
static void mem_answer(void)
{
	struct mport *ps[2] = { &mrx, &mpo };

	top->rx_mr_valid = 0;
	top->po_mr_valid = 0;
	for (int i = 0; i < 2; i++) {
		struct mport *p = ps[i];
		uint64_t d;

		if (!p->pending || --p->wait)
			continue;
		memcpy(&d, (uint8_t *)tr + p->addr, 8);
		p->pending = 0;
		if (i == 0) {
			top->rx_mr_valid = 1;
			top->rx_mr_data = d;
		} else {
			top->po_mr_valid = 1;
			top->po_mr_data = d;
		}
	}
}

// ---- ports ----
static uint32_t *in_data(int p)
{
	switch (p) {
	case 0: return (uint32_t *)&top->s_pub_tdata;
	case 1: return (uint32_t *)&top->s_core_tdata;
	case 2: return (uint32_t *)&top->s_inside_tdata;
	default: return (uint32_t *)&top->s_host_tdata;
	}
}

static void drive_ingress(bool offer)
{
	uint8_t *v[4] = { &top->s_pub_tvalid, &top->s_core_tvalid, &top->s_inside_tvalid,
			  &top->s_host_tvalid };

	for (int p = 0; p < 4; p++) {
		*v[p] = offer && !q_in[p].empty() && (pos_in[p] > 0 || tb_rand() % 4 != 0);
		if (q_in[p].empty())
			continue;
		frame &f = q_in[p].front();
		uint8_t beat[KW] = { 0 };
		size_t n = f.b.size() - pos_in[p] < KW ? f.b.size() - pos_in[p] : KW;
		uint64_t keep = n == 64 ? ~0ull : (1ull << n) - 1;
		bool last = pos_in[p] + n == f.b.size();

		memcpy(beat, &f.b[pos_in[p]], n);
		tb_put_le(in_data(p), beat, KW);
		switch (p) {
		case 0: top->s_pub_tkeep = keep; top->s_pub_tlast = last; break;
		case 1: top->s_core_tkeep = keep; top->s_core_tlast = last; break;
		case 2: top->s_inside_tkeep = keep; top->s_inside_tlast = last; break;
		default:
			top->s_host_tkeep = keep;
			top->s_host_tlast = last;
			top->s_host_tuser = (uint64_t)f.vrf << 35 | (uint64_t)f.sa_out << 3 | f.out_port;
		}
	}
}

// After eval, before the edge: frames the top takes (the C model runs in this order).
static void take_ingress(void)
{
	uint8_t v[4] = { top->s_pub_tvalid, top->s_core_tvalid, top->s_inside_tvalid,
			 top->s_host_tvalid };
	uint8_t r[4] = { top->s_pub_tready, top->s_core_tready, top->s_inside_tready,
			 top->s_host_tready };
	bool enabled = top->control_control & 1;

	for (int p = 0; p < 4; p++) {
		if (!v[p] || !r[p])
			continue;
		frame &f = q_in[p].front();
		size_t n = f.b.size() - pos_in[p] < KW ? f.b.size() - pos_in[p] : KW;
		static bool disc[4];

		if (pos_in[p] == 0) {
			disc[p] = !enabled;
			if (disc[p] && p == VRFSEC_PORT_HOST)
				fail("host frame taken while disabled", p);
			if (!disc[p])
				model(f);
		}
		pos_in[p] += n;
		if (pos_in[p] == f.b.size()) {
			n_disc += disc[p];
			q_in[p].pop_front();
			pos_in[p] = 0;
		}
	}
}

static void take_egress(void)
{
	struct {
		uint8_t v, r, l;
		const uint32_t *d;
		uint64_t k;
	} o[4] = {
		{ top->m_pub_tvalid, top->m_pub_tready, top->m_pub_tlast,
		  (const uint32_t *)&top->m_pub_tdata, top->m_pub_tkeep },
		{ top->m_core_tvalid, top->m_core_tready, top->m_core_tlast,
		  (const uint32_t *)&top->m_core_tdata, top->m_core_tkeep },
		{ top->m_inside_tvalid, top->m_inside_tready, top->m_inside_tlast,
		  (const uint32_t *)&top->m_inside_tdata, top->m_inside_tkeep },
		{ top->m_host_tvalid, top->m_host_tready, top->m_host_tlast,
		  (const uint32_t *)&top->m_host_tdata, top->m_host_tkeep },
	};

	for (int p = 0; p < 4; p++) {
		if (!o[p].v || !o[p].r)
			continue;
		uint8_t beat[KW];

		tb_get_le(o[p].d, beat, KW);
		for (int k = 0; k < KW; k++)
			if (o[p].k >> k & 1)
				cur_out[p].push_back(beat[k]);
		if (!o[p].l)
			continue;
		if (q_exp[p].empty()) {
			fail("frame the C model did not send", p);
		} else {
			frame &e = q_exp[p].front();
			bool ok = e.b == cur_out[p];

			if (!ok)
				fail("frame bytes differ", p);
			if (p == VRFSEC_PORT_HOST && top->m_host_tuser != e.tuser) {
				printf("vrfsec_top: m_host_tuser 0x%016llx, C model 0x%016llx\n",
				       (unsigned long long)top->m_host_tuser,
				       (unsigned long long)e.tuser);
				fail("punt metadata differs", p);
				ok = false;
			}
			passed += ok;
			q_exp[p].pop_front();
		}
		cur_out[p].clear();
	}
}

static void tick(bool offer)
{
	top->clk = 0;
	drive_ingress(offer);
	top->m_pub_tready = tb_rand() % 4 != 0;
	top->m_core_tready = tb_rand() % 4 != 0;
	top->m_inside_tready = tb_rand() % 4 != 0;
	top->m_host_tready = tb_rand() % 4 != 0;
	top->eval();
	take_ingress();
	take_egress();
	mem_cycle();
	top->clk = 1;
	top->eval();
	cycle++;
	mem_answer();
}

// ---- AXI-Lite (one transaction, no overlap with frames' timing needs) ----
static uint32_t bar_read(uint32_t addr)
{
	top->s_axil_arvalid = 1;
	top->s_axil_araddr = addr;
	top->s_axil_rready = 1;
	do
		tick(false);
	while (!top->s_axil_rvalid);
	top->s_axil_arvalid = 0;
	uint32_t d = top->s_axil_rdata;
	tick(false);
	return d;
}

static void bar_write(uint32_t addr, uint32_t data)
{
	top->s_axil_awvalid = 1;
	top->s_axil_awaddr = addr;
	top->s_axil_wvalid = 1;
	top->s_axil_wdata = data;
	top->s_axil_wstrb = 0xf;
	top->s_axil_bready = 1;
	do
		tick(false);
	while (!top->s_axil_bvalid);
	top->s_axil_awvalid = 0;
	top->s_axil_wvalid = 0;
	tick(false);
}

static bool all_out(void)
{
	for (int p = 0; p < 4; p++)
		if (!q_in[p].empty() || !q_exp[p].empty())
			return false;
	return true;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	top = new Vvrfsec_top;
	tc = (struct vrfsec_tables *)calloc(1, sizeof(*tc));
	tr = (struct vrfsec_tables *)calloc(1, sizeof(*tr));
	if (!tc || !tr)
		return 2;
	setup_tables(tc);
	setup_tables(tr);
	for (int i = 0; i < N_FRAMES; i++) {
		int in = tb_rand() % 4;

		q_in[in].push_back(make_frame(in));
	}

	top->rst = 1;
	for (int i = 0; i < 4; i++)
		tick(false);
	top->rst = 0;
	tick(false);
	if (bar_read(0x10) != 0x56524653u)
		fail("ID.MAGIC over AXI-Lite", -1);
	if (bar_read(0x40 + 0x0) != 2u || bar_read(0x40 + 0x1c) != 2u)
		fail("CONTROL block / ENGINE rtl", -1);

	// Disabled: network frames that start are discarded, the host port waits.
	mem_lat = 1;
	for (int i = 0; i < 300; i++)
		tick(true);
	bar_write(CTL_ADDR, 1);
	if ((top->control_control & 1) == 0)
		fail("CONTROL enable", -1);

	uint64_t t0 = cycle;
	while (!all_out() && cycle < MAX_CYCLES) {
		mem_lat = 1 + (cycle / 20000) % 5; // 1 .. 5 cycles, changing over the run
		tick(true);
	}
	uint64_t run = cycle - t0;
	for (int i = 0; i < 200 && !top->idle; i++)
		tick(false);
	if (!all_out())
		fail("frames still outstanding at the end", -1);
	if (!top->idle)
		fail("pipeline not idle at the end", -1);
	if (memcmp(tc, tr, sizeof(*tc)) != 0) {
		const uint8_t *a = (const uint8_t *)tc, *b = (const uint8_t *)tr;
		size_t i = 0;

		while (a[i] == b[i])
			i++;
		printf("vrfsec_top: tables differ first at byte %zu (C 0x%02x, RTL 0x%02x)\n", i, a[i],
		       b[i]);
		fail("tables differ", -1);
	}
	if (bar_read(0x50) & 2u)
		fail("STATUS fault bit set", -1);

	printf("vrfsec_top: width %d, %u frames offered, %u discarded while disabled; C model sent "
	       "public %u core %u inside %u host %u, dropped %u\n",
	       TB_DATA_WIDTH, N_FRAMES, n_disc, n_sent[0], n_sent[1], n_sent[2], n_sent[3], n_sent[4]);
	printf("vrfsec_top: %u passed, %u failed (%llu cycles for the enabled run)\n", passed, failed,
	       (unsigned long long)run);
	delete top;
	free(tc);
	free(tr);
	return failed ? 1 : 0;
}
