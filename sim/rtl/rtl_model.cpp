// SPDX-License-Identifier: Apache-2.0
// Pin driver of the Verilated vrfsec_pipeline builds behind rtl_model.h: one clock cycle at a time
// it drives s_ from the input queue, collects m_ beats and exit records, installs keys, and serves
// the two table-memory ports from the struct vrfsec_tables image. Kept to pin handling; the
// harnesses are C (sim/rtl/*.c).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <deque>
#include <vector>

#include "verilated.h"
#include "verilated_fst_c.h"

// the parameter sets built into this program (mk/rtl-sim.mk RTLSIM_WIDTHS)
#if !defined(RTLSIM_W128) && !defined(RTLSIM_W512)
#error "no Verilated model: define RTLSIM_W128 and/or RTLSIM_W512"
#endif
#ifdef RTLSIM_W128
#include "Vpipe128.h"
#endif
#ifdef RTLSIM_W512
#include "Vpipe512.h"
#endif

#include "rtl_model.h"

namespace {

struct InPkt {
	std::vector<uint8_t> bytes; // len bytes (zeros past avail)
	uint32_t tuser[3];          // 70 bits
};

// Data the memory returns in a later cycle.
struct MemPort {
	int pending = 0;
	unsigned wait = 0;
	uint64_t data = 0;
};

// What the model exposes, independent of the data width.
struct Pins {
	virtual ~Pins() {}
	virtual void eval(uint64_t time) = 0;
	virtual void final_() = 0;
	virtual void trace_open(const char *path) = 0;
	virtual bool trace_ok() = 0;
	virtual void trace_close() = 0;
	virtual void trace_on(int on) = 0;
	virtual unsigned width() = 0;
	virtual unsigned lanes() = 0;
	// per-cycle access
	virtual void set_clk(int v) = 0;
	virtual void set_rst(int v) = 0;
	virtual void set_s(int valid, const uint8_t *data, unsigned nbytes, int last,
			   const uint32_t *tuser) = 0;
	virtual int s_tready() = 0;
	virtual int s_tvalid() = 0;
	virtual void set_m_tready(int v) = 0;
	virtual int m_fire() = 0;
	virtual void m_beat(uint8_t *data, uint64_t *keep, int *last, uint8_t *dest,
			    uint16_t *tag) = 0;
	virtual void set_x_ready(int v) = 0;
	virtual int x_fire() = 0;
	virtual void x_rec(uint32_t *meta, uint16_t *tag) = 0;
	virtual void set_key(int valid, uint32_t sa, const uint8_t *key32, unsigned code) = 0;
	virtual int key_fire() = 0;
	virtual int idle() = 0;
	// memory ports: 0 = rx, 1 = po
	virtual int mr_req(int p, uint32_t *addr) = 0;
	virtual int mw_req(int p, uint32_t *addr, uint64_t *data, uint8_t *be) = 0;
	virtual int st_req(int p, uint32_t *addr, uint64_t *val) = 0;
	virtual void set_mr(int p, int valid, uint64_t data) = 0;
};

template <class V, unsigned W, unsigned L> struct PinsT : Pins {
	VerilatedContext ctx;
	V *m;
	VerilatedFstC *tfp = nullptr;
	int tracing = 0;

	explicit PinsT(bool trace)
	{
		if (trace)
			ctx.traceEverOn(true);
		m = new V(&ctx, "pipe");
	}
	~PinsT() override
	{
		trace_close();
		delete m;
	}
	void eval(uint64_t time) override
	{
		m->eval();
		if (tfp && tracing)
			tfp->dump(time);
	}
	void final_() override { m->final(); }
	void trace_open(const char *path) override
	{
		tfp = new VerilatedFstC;
		m->trace(tfp, 99);
		tfp->open(path);
		tracing = 1;
	}
	bool trace_ok() override { return tfp && tfp->isOpen(); }
	void trace_close() override
	{
		if (tfp) {
			tfp->close();
			delete tfp;
			tfp = nullptr;
		}
	}
	void trace_on(int on) override { tracing = on; }
	unsigned width() override { return W; }
	unsigned lanes() override { return L; }
	void set_clk(int v) override { m->clk = v; }
	void set_rst(int v) override { m->rst = v; }
	void set_s(int valid, const uint8_t *data, unsigned nbytes, int last,
		   const uint32_t *tuser) override
	{
		uint32_t *w = m->s_tdata.data();

		m->s_tvalid = valid;
		memset(w, 0, W / 8);
		if (valid) {
			// byte k at [8k+7:8k]: little-endian words on a little-endian host
			if (nbytes)
				memcpy(w, data, nbytes);
			m->s_tkeep = nbytes >= 64 ? ~0ull : (1ull << nbytes) - 1u;
			m->s_tlast = last;
			memcpy(m->s_tuser.data(), tuser, 12);
		} else {
			m->s_tkeep = 0;
			m->s_tlast = 0;
		}
	}
	int s_tready() override { return m->s_tready; }
	int s_tvalid() override { return m->s_tvalid; }
	void set_m_tready(int v) override { m->m_tready = v; }
	int m_fire() override { return m->m_tvalid && m->m_tready; }
	void m_beat(uint8_t *data, uint64_t *keep, int *last, uint8_t *dest, uint16_t *tag) override
	{
		memcpy(data, m->m_tdata.data(), W / 8);
		*keep = (uint64_t)m->m_tkeep;
		*last = m->m_tlast;
		*dest = m->m_tdest;
		*tag = m->m_tuser;
	}
	void set_x_ready(int v) override { m->x_ready = v; }
	int x_fire() override { return m->x_valid && m->x_ready; }
	void x_rec(uint32_t *meta, uint16_t *tag) override
	{
		memcpy(meta, m->x_meta.data(), RTL_META_WORDS * 4);
		*tag = m->x_tag;
	}
	void set_key(int valid, uint32_t sa, const uint8_t *key32, unsigned code) override
	{
		m->key_valid = valid;
		m->key_sa = sa;
		memcpy(m->key_data.data(), key32, 32);
		m->key_len_code = code;
	}
	int key_fire() override { return m->key_valid && m->key_ready; }
	int idle() override { return m->idle; }
	int mr_req(int p, uint32_t *addr) override
	{
		*addr = p ? m->po_mr_addr : m->rx_mr_addr;
		return p ? m->po_mr_req : m->rx_mr_req;
	}
	int mw_req(int p, uint32_t *addr, uint64_t *data, uint8_t *be) override
	{
		*addr = p ? m->po_mw_addr : m->rx_mw_addr;
		*data = p ? m->po_mw_data : m->rx_mw_data;
		*be = p ? m->po_mw_be : m->rx_mw_be;
		return p ? m->po_mw_req : m->rx_mw_req;
	}
	int st_req(int p, uint32_t *addr, uint64_t *val) override
	{
		*addr = p ? m->po_st_addr : m->rx_st_addr;
		*val = p ? m->po_st_val : m->rx_st_val;
		return p ? m->po_st_req : m->rx_st_req;
	}
	void set_mr(int p, int valid, uint64_t data) override
	{
		if (p) {
			m->po_mr_valid = valid;
			m->po_mr_data = data;
		} else {
			m->rx_mr_valid = valid;
			m->rx_mr_data = data;
		}
	}
};

} // namespace

struct rtl_model {
	Pins *p;
	uint8_t *mem;
	unsigned lat = 2;
	uint64_t cyc = 0;
	// input side
	std::deque<InPkt> in;
	size_t in_pos = 0;
	std::deque<uint64_t> in_first, in_last; // per packet accepted, in order
	uint64_t beats_in = 0, beats_out = 0;
	// output side
	rtl_out cur;  // frame being received
	int cur_open = 0;
	std::deque<rtl_out *> frames; // complete frames waiting for their exit record
	std::deque<rtl_out *> done;
	// key install
	int key_busy = 0;
	// back-pressure
	unsigned bp_pct = 0;
	uint64_t bp_rng = 0;
	MemPort port[2];
	rtl_errors err{};
	bool said_addr = false, said_read = false, said_stray = false;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool addr_ok(rtl_model *m, uint32_t a, const char *what)
{
	if (a % 8 == 0 && (uint64_t)a + 8 <= sizeof(struct vrfsec_tables))
		return true;
	m->err.bad_addr++;
	if (!m->said_addr) {
		fprintf(stderr, "rtl_model: cycle %llu: bad %s address 0x%x\n",
			(unsigned long long)m->cyc, what, a);
		m->said_addr = true;
	}
	return false;
}

// Writes, adds, then reads of one cycle: po writes, po adds, rx writes, rx adds, reads.
static void serve_memory(rtl_model *m)
{
	uint32_t a;
	uint64_t d;
	uint8_t be;

	for (int k = 1; k >= 0; k--) {
		if (m->p->mw_req(k, &a, &d, &be) && addr_ok(m, a, "write"))
			for (unsigned i = 0; i < 8; i++)
				if ((be >> i) & 1u)
					m->mem[a + i] = (uint8_t)(d >> (8 * i));
		if (m->p->st_req(k, &a, &d) && addr_ok(m, a, "stat")) {
			uint64_t v;

			memcpy(&v, m->mem + a, 8);
			v += d;
			memcpy(m->mem + a, &v, 8);
		}
	}
	for (int k = 0; k < 2; k++) {
		if (!m->p->mr_req(k, &a))
			continue;
		if (m->port[k].pending) {
			m->err.second_read++;
			if (!m->said_read) {
				fprintf(stderr, "rtl_model: cycle %llu: %s read while one is pending\n",
					(unsigned long long)m->cyc, k ? "po" : "rx");
				m->said_read = true;
			}
			continue;
		}
		d = 0;
		if (addr_ok(m, a, "read"))
			memcpy(&d, m->mem + a, 8);
		m->port[k].pending = 1;
		m->port[k].wait = m->lat;
		m->port[k].data = d;
	}
}

static void take_beat(rtl_model *m)
{
	uint8_t data[64];
	uint64_t keep;
	int last;
	uint8_t dest;
	uint16_t tag;
	unsigned n = 0, bytes = m->p->width() / 8;

	m->p->m_beat(data, &keep, &last, &dest, &tag);
	m->beats_out++;
	if (!m->cur_open) {
		memset(&m->cur, 0, offsetof(rtl_out, frame));
		m->cur.has_frame = 1;
		m->cur.frame_tag = tag;
		m->cur.port = dest;
		m->cur.t_out_first = m->cyc;
		m->cur_open = 1;
	}
	while (n < bytes && ((keep >> n) & 1u))
		n++;
	if ((n < 64 && (keep >> n) != 0) || (!last && n != bytes))
		m->cur.bad_keep = 1;
	for (unsigned i = 0; i < n; i++, m->cur.len++)
		if (m->cur.len < RTL_FRAME_MAX)
			m->cur.frame[m->cur.len] = data[i];
	if (last) {
		m->cur.t_out_last = m->cyc;
		m->frames.push_back(new rtl_out(m->cur));
		m->cur_open = 0;
	}
}

static void take_record(rtl_model *m)
{
	rtl_out *o;
	uint32_t meta[RTL_META_WORDS];
	uint16_t tag;

	m->p->x_rec(meta, &tag);
	if (!m->frames.empty() && m->frames.front()->frame_tag == tag) {
		o = m->frames.front();
		m->frames.pop_front();
	} else {
		o = new rtl_out;
		memset(o, 0, offsetof(rtl_out, frame));
		o->t_out_first = o->t_out_last = m->cyc;
	}
	// a frame whose record never came
	while (!m->frames.empty() && m->frames.size() > 64) {
		m->err.stray_frame++;
		if (!m->said_stray) {
			fprintf(stderr, "rtl_model: frames without exit records\n");
			m->said_stray = true;
		}
		delete m->frames.front();
		m->frames.pop_front();
	}
	o->tag = tag;
	memcpy(o->meta, meta, sizeof(meta));
	if (!m->in_first.empty()) {
		o->t_in_first = m->in_first.front();
		o->t_in_last = m->in_last.front();
		m->in_first.pop_front();
		m->in_last.pop_front();
	}
	m->done.push_back(o);
}

static void cycle(rtl_model *m)
{
	Pins *p = m->p;
	unsigned bytes = p->width() / 8;
	int s_valid = !m->in.empty() && !m->key_busy;
	int key_taken;

	// inputs of this cycle
	if (s_valid) {
		InPkt &k = m->in.front();
		unsigned n = (unsigned)(k.bytes.size() - m->in_pos);

		if (n > bytes)
			n = bytes;
		p->set_s(1, k.bytes.data() + m->in_pos, n, m->in_pos + n >= k.bytes.size(), k.tuser);
	} else {
		p->set_s(0, nullptr, 0, 0, nullptr);
	}
	p->set_m_tready(m->bp_pct == 0 || splitmix(&m->bp_rng) % 100u >= m->bp_pct);
	p->set_x_ready(1);
	p->set_clk(0);
	p->eval(2 * m->cyc);
	// what happens at this edge
	if (s_valid && p->s_tready()) {
		InPkt &k = m->in.front();

		if (m->in_pos == 0)
			m->in_first.push_back(m->cyc);
		m->in_pos += bytes;
		m->beats_in++;
		if (m->in_pos >= k.bytes.size()) {
			m->in_last.push_back(m->cyc);
			m->in.pop_front();
			m->in_pos = 0;
		}
	}
	if (p->m_fire())
		take_beat(m);
	if (p->x_fire())
		take_record(m);
	// key_valid && key_ready before the edge: the pipeline takes the key at this edge, so
	// key_valid stays up through it and drops only afterwards (dropping it before the edge, as
	// for a combinational handshake, would install nothing)
	key_taken = m->key_busy && p->key_fire();
	serve_memory(m);
	p->set_clk(1);
	p->eval(2 * m->cyc + 1);
	m->cyc++;
	if (key_taken) {
		m->key_busy = 0;
		p->set_key(0, 0, (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
				    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 0);
	}
	// read data due in the next cycle
	for (int k = 0; k < 2; k++) {
		MemPort &mp = m->port[k];

		if (mp.pending && --mp.wait == 0) {
			p->set_mr(k, 1, mp.data);
			mp.pending = 0;
		} else {
			p->set_mr(k, 0, 0);
		}
	}
}

extern "C" {

static const unsigned pset_w[] = {
#ifdef RTLSIM_W128
	128u,
#endif
#ifdef RTLSIM_W512
	512u,
#endif
};

unsigned rtl_n_psets(void)
{
	return (unsigned)(sizeof(pset_w) / sizeof(pset_w[0]));
}

unsigned rtl_pset_width(unsigned i)
{
	return i < rtl_n_psets() ? pset_w[i] : 0u;
}

unsigned rtl_pset_lanes(unsigned i)
{
	return rtl_pset_width(i) == 512u ? 4u : 1u;
}

struct rtl_model *rtl_model_create(unsigned data_width, struct vrfsec_tables *t,
				   const char *trace_fst)
{
	rtl_model *m;
	Pins *p;

	if (false)
		return nullptr;
#ifdef RTLSIM_W128
	else if (data_width == 128)
		p = new PinsT<Vpipe128, 128, 1>(trace_fst != nullptr);
#endif
#ifdef RTLSIM_W512
	else if (data_width == 512)
		p = new PinsT<Vpipe512, 512, 4>(trace_fst != nullptr);
#endif
	else
		return nullptr;
	if (trace_fst) {
		p->trace_open(trace_fst);
		if (!p->trace_ok()) {
			delete p;
			return nullptr;
		}
	}
	m = new rtl_model;
	m->p = p;
	m->mem = (uint8_t *)t;
	p->set_rst(1);
	p->set_key(0, 0, (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 0);
	p->set_mr(0, 0, 0);
	p->set_mr(1, 0, 0);
	for (int i = 0; i < 4; i++)
		cycle(m);
	p->set_rst(0);
	m->cyc = 0;
	return m;
}

void rtl_model_destroy(struct rtl_model *m)
{
	if (!m)
		return;
	m->p->final_();
	delete m->p;
	for (rtl_out *o : m->frames)
		delete o;
	for (rtl_out *o : m->done)
		delete o;
	delete m;
}

unsigned rtl_model_width(const struct rtl_model *m)
{
	return m->p->width();
}

unsigned rtl_model_lanes(const struct rtl_model *m)
{
	return m->p->lanes();
}

void rtl_model_set_tables(struct rtl_model *m, struct vrfsec_tables *t)
{
	m->mem = (uint8_t *)t;
}

void rtl_model_set_mem_latency(struct rtl_model *m, unsigned cycles)
{
	m->lat = cycles ? cycles : 1;
}

void rtl_model_set_backpressure(struct rtl_model *m, unsigned pct, uint64_t seed)
{
	m->bp_pct = pct > 99 ? 99 : pct;
	m->bp_rng = seed;
}

void rtl_model_trace_enable(struct rtl_model *m, int on)
{
	m->p->trace_on(on);
}

int rtl_model_key(struct rtl_model *m, uint32_t sa, const uint8_t *key, uint32_t key_len)
{
	uint8_t k[32] = { 0 };
	uint64_t limit;

	if (key_len != 16 && key_len != 24 && key_len != 32)
		return -1;
	// the pipeline takes keys only when idle: let packets in flight finish first
	rtl_model_drain(m, 10000000);
	memcpy(k, key, key_len);
	m->p->set_key(1, sa, k, key_len == 16 ? 0 : key_len == 24 ? 1 : 2);
	m->key_busy = 1;
	for (limit = 0; m->key_busy && limit < 100000; limit++)
		cycle(m);
	memset(k, 0, sizeof(k));
	if (m->key_busy) {
		m->key_busy = 0;
		m->p->set_key(0, 0, k, 0);
		return -1;
	}
	return 0;
}

void rtl_model_push(struct rtl_model *m, const struct rtl_in *in)
{
	InPkt k;

	// an empty frame travels as one beat with tkeep 0 (cycle() sends it)
	k.bytes.assign(in->len, 0);
	if (in->len && in->avail)
		memcpy(k.bytes.data(), in->frame, in->avail < in->len ? in->avail : in->len);
	// tuser: [15:0] tag, [18:16] in_port, [21:19] out_port, [53:22] sa_out, [69:54] vrf
	k.tuser[0] = in->tag | (uint32_t)(in->in_port & 7u) << 16 |
		     (uint32_t)(in->out_port & 7u) << 19 | in->sa_out << 22;
	k.tuser[1] = in->sa_out >> 10 | (uint32_t)in->vrf << 22;
	k.tuser[2] = (uint32_t)in->vrf >> 10;
	m->in.push_back(std::move(k));
}

void rtl_model_step(struct rtl_model *m, uint64_t n)
{
	while (n--)
		cycle(m);
}

int rtl_model_quiet(struct rtl_model *m)
{
	return m->in.empty() && !m->cur_open && !m->port[0].pending && !m->port[1].pending &&
	       m->p->idle();
}

uint64_t rtl_model_drain(struct rtl_model *m, uint64_t max_cycles)
{
	uint64_t n = 0;

	// the idle output is registered: look again a few cycles on before believing it
	for (unsigned calm = 0; n < max_cycles && calm < 4; n++) {
		cycle(m);
		calm = rtl_model_quiet(m) ? calm + 1 : 0;
	}
	return n;
}

int rtl_model_pop(struct rtl_model *m, struct rtl_out *out)
{
	if (m->done.empty())
		return 0;
	rtl_out *o = m->done.front();
	m->done.pop_front();
	memcpy(out, o, offsetof(rtl_out, frame) + (o->len < RTL_FRAME_MAX ? o->len : RTL_FRAME_MAX));
	delete o;
	return 1;
}

uint64_t rtl_model_pending(const struct rtl_model *m)
{
	return m->done.size();
}

uint64_t rtl_model_cycles(const struct rtl_model *m)
{
	return m->cyc;
}

uint64_t rtl_model_beats_in(const struct rtl_model *m)
{
	return m->beats_in;
}

uint64_t rtl_model_beats_out(const struct rtl_model *m)
{
	return m->beats_out;
}

const struct rtl_errors *rtl_model_errors(const struct rtl_model *m)
{
	return &m->err;
}

} // extern "C"
