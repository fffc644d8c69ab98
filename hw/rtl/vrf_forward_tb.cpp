// SPDX-License-Identifier: Apache-2.0
// Testbench of vrf_forward against hw/hls/vrf_fwd.c (tail calls esp_encap / mpls_push recorded by
// stubs): VRFs, next hops of every kind and overlapping IPv4/IPv6 routes of every prefix length
// set up with the real table code; random and crafted packets (bad versions, lengths, checksums,
// TTL / label TTL 0..3, MTU edges, missing VRFs); memory latencies 1, 2 and 5.
#include <stdio.h>
#include <stdlib.h>

#include "Vvrf_forward.h"
#include "verilated.h"
#include "tb_check.h"
extern "C" {
#include "tables_setup.h"
uint32_t tbref_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
			 uint32_t ip_off, uint32_t ip_len);
uint32_t tbref_mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p,
			 const struct vrfsec_nh *nh, uint32_t ip_off, uint32_t ip_len, uint8_t ttl,
			 uint8_t dscp);
}

#define N_CASES 6000
#define N_NH 150
#define NH_UNSET 200 // routed to, never set: kind NONE
#define TAIL_RET 0x5a5au
#define STG_ESP_ENCAP 4
#define STG_MPLS_PUSH 9

static const uint16_t VRFS[] = { 0, 1, 2, 7, 100, 1023 };
static const uint16_t BAD_VRFS[] = { 3, 4, 500, 1022 };
#define N_VRFS (sizeof(VRFS) / sizeof(VRFS[0]))
#define N_ANCH4 10
#define N_ANCH6 6

static struct vrfsec_tables *T;
static uint8_t anch4[N_VRFS][N_ANCH4][4], anch6[N_VRFS][N_ANCH6][16];

// What the C tail call recorded.
static struct {
	int stage;
	uint32_t sa, nh, ip_off, ip_len;
	uint8_t ttl, dscp;
} rec;

uint32_t tbref_esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa,
			 uint32_t ip_off, uint32_t ip_len)
{
	(void)t;
	(void)p;
	rec.stage = STG_ESP_ENCAP;
	rec.sa = sa;
	rec.ip_off = ip_off;
	rec.ip_len = ip_len;
	return TAIL_RET;
}

uint32_t tbref_mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p,
			 const struct vrfsec_nh *nh, uint32_t ip_off, uint32_t ip_len, uint8_t ttl,
			 uint8_t dscp)
{
	(void)p;
	rec.stage = STG_MPLS_PUSH;
	rec.nh = (uint32_t)(nh - t->nh);
	rec.ip_off = ip_off;
	rec.ip_len = ip_len;
	rec.ttl = ttl;
	rec.dscp = dscp;
	return TAIL_RET;
}

static uint32_t rnd(uint32_t n)
{
	return tb_rand() % n;
}

static void csum4(uint8_t *ip, unsigned hlen)
{
	uint32_t s = 0;

	ip[10] = ip[11] = 0;
	for (unsigned i = 0; i < hlen; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ip[10] = (uint8_t)(~s >> 8);
	ip[11] = (uint8_t)~s;
}

// ---- tables ----
static const uint16_t MTUS[] = { 0, 0, 576, 1280, 1400, 1500, 1600, 9000 };

static void setup(void)
{
	struct vrfsec_vrf_params vp;
	struct vrfsec_nh nh;

	T = (struct vrfsec_tables *)calloc(1, sizeof(*T));
	if (!T) {
		printf("vrf_forward: no memory for the tables\n");
		exit(1);
	}
	vrfsec_tables_init(T);
	T->port.inside_mtu = 1400;
	for (unsigned v = 0; v < N_VRFS; v++) {
		memset(&vp, 0, sizeof(vp));
		vp.ttl_mode = (uint8_t)rnd(2);
		vp.vlan = (uint16_t)(10 + v);
		vp.tc_map_set = (uint8_t)rnd(2);
		tb_rand_bytes(vp.tc_map, 64);
		if (vrfsec_vrf_set(T, VRFS[v], &vp)) {
			printf("vrf_forward: vrf_set failed\n");
			exit(1);
		}
	}
	for (uint32_t i = 1; i <= N_NH; i++) {
		memset(&nh, 0, sizeof(nh));
		nh.kind = (uint8_t)(i % 6); // NONE, MPLS, SA, VLAN, HOST, DROP
		tb_rand_bytes(nh.eth, 14);
		tb_rand_bytes(nh.pad, 2);
		nh.mtu = MTUS[rnd(8)];
		if (nh.kind == VRFSEC_NH_MPLS) {
			nh.n_labels = (uint8_t)(1 + rnd(3));
			nh.ttl_mode = (uint8_t)rnd(2);
			nh.pipe_ttl = (uint8_t)(rnd(3) ? tb_rand() : 0);
			for (int k = 0; k < 3; k++)
				nh.label[k] = tb_rand() & 0xfffff;
		} else if (nh.kind == VRFSEC_NH_SA) {
			nh.sa = rnd(VRFSEC_MAX_SA);
		} else if (nh.kind == VRFSEC_NH_VLAN) {
			nh.vlan = (uint16_t)(1 + rnd(4094));
		}
		if (vrfsec_nh_set(T, i, &nh)) {
			printf("vrf_forward: nh_set failed\n");
			exit(1);
		}
	}
	// Overlapping routes: every prefix length on a few anchor addresses per VRF, some anchors
	// sharing leading bytes, a default route in half the VRFs, a few deleted again.
	for (unsigned v = 0; v < N_VRFS; v++) {
		for (unsigned a = 0; a < N_ANCH4; a++) {
			tb_rand_bytes(anch4[v][a], 4);
			if (a && rnd(2))
				memcpy(anch4[v][a], anch4[v][a - 1], 1 + rnd(3));
			for (unsigned pl = 1 + rnd(3); pl <= 32; pl += 1 + rnd(4)) {
				uint32_t n = rnd(20) ? 1 + rnd(N_NH) : NH_UNSET;

				if (vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV4, anch4[v][a], (uint8_t)pl, n)) {
					printf("vrf_forward: route_add failed\n");
					exit(1);
				}
			}
		}
		for (unsigned a = 0; a < N_ANCH6; a++) {
			tb_rand_bytes(anch6[v][a], 16);
			if (a && rnd(2))
				memcpy(anch6[v][a], anch6[v][a - 1], 1 + rnd(15));
			for (unsigned pl = 1 + rnd(5); pl <= 128; pl += 1 + rnd(9))
				if (vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV6, anch6[v][a], (uint8_t)pl,
						     1 + rnd(N_NH))) {
					printf("vrf_forward: route_add failed\n");
					exit(1);
				}
			vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV6, anch6[v][a], 128, 1 + rnd(N_NH));
		}
		vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV4, anch4[v][0], 32, 1 + rnd(N_NH));
		if (v == 0) // every length on one anchor of each family
			for (unsigned pl = 0; pl <= 128; pl++) {
				if (pl <= 32)
					vrfsec_route_add(T, 0, VRFSEC_AF_IPV4, anch4[0][1], (uint8_t)pl,
							 1 + rnd(N_NH));
				vrfsec_route_add(T, 0, VRFSEC_AF_IPV6, anch6[0][1], (uint8_t)pl,
						 1 + rnd(N_NH));
			}
		if (v & 1) {
			vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV4, anch4[v][0], 0, 1 + rnd(N_NH));
			vrfsec_route_add(T, VRFS[v], VRFSEC_AF_IPV6, anch6[v][0], 0, 1 + rnd(N_NH));
		}
		for (unsigned d = 0; d < 3; d++)
			vrfsec_route_del(T, VRFS[v], VRFSEC_AF_IPV4, anch4[v][rnd(N_ANCH4)],
					 (uint8_t)(8 + rnd(25)));
	}
}

// ---- packets ----
struct fcase {
	struct vrfsec_pkt p;
	struct tb_args a;
};

static void dst_addr(uint8_t *d, unsigned alen, unsigned vi)
{
	const uint8_t *anc = alen == 4 ? anch4[vi][rnd(N_ANCH4)] : anch6[vi][rnd(N_ANCH6)];
	unsigned keep = rnd(8 * alen + 1);

	tb_rand_bytes(d, alen);
	if (rnd(6) == 0)
		return;
	for (unsigned b = 0; b < keep; b++) {
		uint8_t m = (uint8_t)(0x80 >> (b % 8));

		d[b / 8] = (uint8_t)((d[b / 8] & ~m) | (anc[b / 8] & m));
	}
}

static const uint16_t EDGES[] = { 575, 576, 577, 1279, 1280, 1281, 1399, 1400, 1401,
				  1499, 1500, 1501, 1599, 1600, 1601 };

// A random case; crafted ones set some fields afterwards through the hooks below.
static void gen(struct fcase *c, int ver, unsigned ip_len, int ttl, int lttl, int vrf_pick)
{
	struct vrfsec_pkt *p = &c->p;
	unsigned vi = rnd(N_VRFS);
	static const unsigned L2[] = { 0, 14, 18, 22, 26, 30, 38, 50 };
	unsigned k = rnd(4) ? L2[rnd(8)] : rnd(71);
	unsigned off = rnd(3) ? 128 : 100 + rnd(61);
	unsigned hlen = rnd(5) ? 20 : 20 + 4 * rnd(11);
	uint8_t *ip;
	unsigned len;

	tb_rand_bytes((uint8_t *)p, sizeof(*p));
	memset(&c->a, 0, sizeof(c->a));
	c->a.ip_len = (uint16_t)tb_rand();
	c->a.ttl = (uint8_t)tb_rand();
	c->a.dscp = (uint8_t)tb_rand();
	c->a.sa = tb_rand();
	c->a.nh = tb_rand();
	if (vrf_pick < 0)
		vrf_pick = rnd(8) ? 1 : 0;
	c->a.vrf = vrf_pick ? VRFS[vi] : BAD_VRFS[rnd(4)];
	if (ver < 0)
		ver = rnd(10) < 9 ? (rnd(2) ? 4 : 6) : (int)rnd(16);
	if (ip_len == 0) {
		unsigned r = rnd(10);

		ip_len = r < 5 ? hlen + rnd(120) : r < 8 ? EDGES[rnd(15)] : 20 + rnd(2000);
		if (ver == 6 && ip_len < 40)
			ip_len = 40 + rnd(60);
	}
	if (ip_len < hlen && ver == 4)
		hlen = 20;
	if (off + k + ip_len > VRFSEC_HEADROOM + VRFSEC_MAX_FRAME)
		ip_len = VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - off - k;
	if (ttl < 0) {
		static const int TTLS[] = { 0, 1, 2, 3, 64, 255 };

		ttl = rnd(3) ? (int)(tb_rand() & 255) : TTLS[rnd(6)];
	}
	if (lttl < 0)
		lttl = rnd(2) ? 0 : rnd(2) ? (int)(tb_rand() & 255) : (int)rnd(4);
	c->a.label_ttl = (uint8_t)lttl;
	c->a.ip_off = (uint16_t)(off + k);
	ip = p->buf + off + k;
	if (ver == 4) {
		ip[0] = (uint8_t)(0x40 | hlen / 4);
		ip[2] = (uint8_t)(ip_len >> 8);
		ip[3] = (uint8_t)ip_len;
		ip[8] = (uint8_t)ttl;
		dst_addr(ip + 16, 4, vi);
		csum4(ip, hlen);
	} else if (ver == 6) {
		ip[0] = (uint8_t)(0x60 | (ip[0] & 15));
		ip[4] = (uint8_t)((ip_len - 40) >> 8);
		ip[5] = (uint8_t)(ip_len - 40);
		ip[7] = (uint8_t)ttl;
		dst_addr(ip + 24, 16, vi);
	} else {
		ip[0] = (uint8_t)(ver << 4 | (ip[0] & 15));
	}
	len = k + ip_len;
	switch (rnd(20)) {
	case 0: len = k + rnd(20); break;                       // avail < 20
	case 1: len = len > k + 1 ? len - 1 - rnd(len - k - 1) : len; break; // truncated
	case 2: len += 1 + rnd(30); break;                        // trailing padding
	case 3: if (ver == 4) ip[rnd(hlen)] ^= (uint8_t)(1 + rnd(255)); break; // bad checksum
	case 4: if (ver == 4) { ip[0] = (uint8_t)(0x40 | rnd(5)); } break;   // IHL < 5
	case 5: if (ver == 4 && hlen > 20) { ip[2] = 0; ip[3] = (uint8_t)(hlen - 4); csum4(ip, hlen); } break;
	default: break;
	}
	if (off + len > VRFSEC_HEADROOM + VRFSEC_MAX_FRAME)
		len = VRFSEC_HEADROOM + VRFSEC_MAX_FRAME - off;
	p->off = (uint16_t)off;
	p->len = (uint16_t)len;
}

// ---- run and compare ----
static Vvrf_forward *m;
static struct tb_bench B;
static unsigned seen_tail[16]; // per tail stage

static void show_diff(const char *what, const uint8_t *x, const uint8_t *y, size_t n)
{
	unsigned shown = 0;

	for (size_t i = 0; i < n && shown < 8; i++)
		if (x[i] != y[i]) {
			printf("  %s byte %zu: c %02x rtl %02x\n", what, i, x[i], y[i]);
			shown++;
		}
}

static int run_case(struct fcase *c, const char *tag)
{
	static struct vrfsec_pkt pc, pr;
	int ok = 1;

	tb_case_begin(&B);
	pc = c->p;
	rec.stage = 0;
	uint32_t st = vrf_forward(T, &pc, c->a.vrf, c->a.ip_off, c->a.label_ttl);
	if ((st == TAIL_RET) != (rec.stage != 0)) {
		printf("vrf_forward: stub bookkeeping broken\n");
		exit(1);
	}
	if (rec.stage)
		seen_tail[rec.stage]++;
	tb_case_c_done(&B, rec.stage != 0, pc.reason);
	for (unsigned li = 0; li < TB_NLAT; li++) {
		struct tb_result r;

		tb_run_begin(&B);
		pr = c->p;
		if (tb_stage_run(m, T, &pr, &c->a, &r, TB_LATS[li], 0)) {
			ok = 0;
			break;
		}
		int bad = 0;
		if (r.res == 0)
			pkt_exit(T, &pr, (uint32_t)r.exit_port, (uint32_t)r.exit_reason);
		if (rec.stage) {
			bad |= r.res != 2 || r.tail_stage != rec.stage || r.tail.ip_off != rec.ip_off ||
			       r.tail.ip_len != rec.ip_len;
			if (rec.stage == STG_ESP_ENCAP)
				bad |= r.tail.sa != rec.sa;
			else
				bad |= r.tail.nh != rec.nh || r.tail.ttl != rec.ttl ||
				       r.tail.dscp != rec.dscp;
		} else {
			bad |= r.res != 0;
		}
		if (bad)
			printf("%s lat %u: result c %s stage %d | rtl res %d stage %d port %d reason %d\n",
			       tag, TB_LATS[li], rec.stage ? "tail" : "exit", rec.stage, r.res,
			       r.tail_stage, r.exit_port, r.exit_reason);
		if (memcmp(&pc, &pr, offsetof(struct vrfsec_pkt, buf))) {
			printf("%s lat %u: metadata differs\n", tag, TB_LATS[li]);
			show_diff("meta", (const uint8_t *)&pc, (const uint8_t *)&pr,
				  offsetof(struct vrfsec_pkt, buf));
			bad = 1;
		}
		if (memcmp(pc.buf, pr.buf, sizeof(pc.buf))) {
			printf("%s lat %u: buffer differs\n", tag, TB_LATS[li]);
			show_diff("buf", pc.buf, pr.buf, sizeof(pc.buf));
			bad = 1;
		}
		if (!tb_run_end(&B, li, r.cycles, tag))
			bad = 1;
		if (bad) {
			if (getenv("TB_DEBUG")) {
				const uint8_t *ip = c->p.buf + c->a.ip_off;
				int v4 = ip[0] >> 4 == 4;
				uint32_t n = vrfsec_fib_lookup(&T->fib, c->a.vrf, v4 ? 4 : 6,
							       ip + (v4 ? 16 : 24));
				printf("  vrf %u ip_off %u off %u len %u lookup nh %u kind %u mtu %u\n",
				       c->a.vrf, c->a.ip_off, c->p.off, c->p.len, n, T->nh[n].kind,
				       T->nh[n].mtu);
			}
			ok = 0;
			break;
		}
	}
	tb_case_end(&B, ok);
	return ok;
}

// A well-formed packet in VRF 9 to 192.0.2.last / 2001:db8::last.
static void craft(struct fcase *c, int v, unsigned ip_len, int ttl, int lttl, uint8_t last)
{
	gen(c, v, ip_len, ttl, lttl, 1);
	c->a.vrf = 9;
	uint8_t *ip = c->p.buf + c->a.ip_off;
	c->p.len = (uint16_t)(c->a.ip_off - c->p.off + ip_len);
	if (v == 4) {
		ip[0] = 0x45;
		ip[2] = (uint8_t)(ip_len >> 8);
		ip[3] = (uint8_t)ip_len;
		ip[8] = (uint8_t)ttl;
		memcpy(ip + 16, "\xc0\x00\x02", 3);
		ip[19] = last;
		csum4(ip, 20);
	} else {
		ip[0] = (uint8_t)(0x60 | (ip[0] & 15));
		ip[4] = (uint8_t)((ip_len - 40) >> 8);
		ip[5] = (uint8_t)(ip_len - 40);
		ip[7] = (uint8_t)ttl;
		memset(ip + 24, 0, 16);
		memcpy(ip + 24, "\x20\x01\x0d\xb8", 4);
		ip[39] = last;
	}
}

// Crafted: a VRF with /32 and /128 routes to next hops whose MTU edges are probed exactly.
static void crafted(void)
{
	static const uint8_t D4[4] = { 192, 0, 2, 0 };
	static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct vrfsec_nh nh;
	struct vrfsec_vrf_params vp;
	struct fcase c;
	char tag[64];
	unsigned base = N_NH + 10;

	memset(&vp, 0, sizeof(vp));
	vp.ttl_mode = VRFSEC_TTL_PIPE;
	vrfsec_vrf_set(T, 9, &vp);
	// next hops: MPLS mtu 1400, MPLS port mtu (1500), VLAN mtu 1280, VLAN port mtu (1400), SA
	for (unsigned i = 0; i < 5; i++) {
		memset(&nh, 0, sizeof(nh));
		tb_rand_bytes(nh.eth, 14);
		nh.kind = (uint8_t)(i < 2 ? VRFSEC_NH_MPLS : i < 4 ? VRFSEC_NH_VLAN : VRFSEC_NH_SA);
		nh.n_labels = (uint8_t)(1 + i % 3);
		nh.vlan = (uint16_t)(100 + i);
		nh.mtu = (uint16_t)(i == 0 ? 1400 : i == 2 ? 1280 : 0);
		nh.sa = 77;
		vrfsec_nh_set(T, base + i, &nh);
	}
	for (unsigned i = 0; i < 5; i++) {
		uint8_t a4[4], a6[16];

		memcpy(a4, D4, 4);
		a4[3] = (uint8_t)(1 + i);
		memcpy(a6, D6, 16);
		a6[15] = (uint8_t)(1 + i);
		vrfsec_route_add(T, 9, VRFSEC_AF_IPV4, a4, 32, base + i);
		vrfsec_route_add(T, 9, VRFSEC_AF_IPV6, a6, 128, base + i);
	}
	static const unsigned MT[5] = { 1400, 1500, 1280, 1400, 1500 };
	for (unsigned i = 0; i < 5; i++)
		for (int v = 4; v <= 6; v += 2)
			for (int d = -1; d <= 1; d++) {
				craft(&c, v, MT[i] + d, 64, 0, (uint8_t)(1 + i));
				snprintf(tag, sizeof(tag), "crafted mtu nh %u v%d len %u", i, v, MT[i] + d);
				run_case(&c, tag);
			}
	// TTL and label TTL 0..3 on a forwarded packet, both families
	for (int v = 4; v <= 6; v += 2)
		for (int ttl = 0; ttl <= 3; ttl++)
			for (int lt = 0; lt <= 3; lt++) {
				craft(&c, v, 100, ttl, lt, 1);
				snprintf(tag, sizeof(tag), "crafted ttl %d label ttl %d v%d", ttl, lt, v);
				run_case(&c, tag);
			}
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static struct fcase c;
	char tag[64];

	setup();
	tb_bench_init(&B, "vrf_forward", T);
	m = new Vvrf_forward;
	tb_reset(m);
	// everything vrf_forward must not write (all but the counters)
	uint64_t h0 = tb_ro_hash(T);
	crafted();
	uint64_t h1 = tb_ro_hash(T);
	for (unsigned i = 0; i < N_CASES; i++) {
		gen(&c, -1, 0, -1, -1, -1);
		snprintf(tag, sizeof(tag), "case %u", i);
		run_case(&c, tag);
	}
	if (tb_ro_hash(T) != h1 || h0 == h1) // h0 != h1: crafted() added its routes in between
		tb_fail(&B, "tables outside the counters changed");
	static const unsigned WANT[] = { VRFSEC_CNT_NO_ROUTE, VRFSEC_CNT_MALFORMED,
					 VRFSEC_CNT_TTL_EXPIRED, VRFSEC_CNT_MTU_EXCEEDED,
					 VRFSEC_CNT_NH_HOST, VRFSEC_CNT_NH_DROP,
					 VRFSEC_CNT_TX_INSIDE };
	tb_require_seen(&B, WANT, sizeof(WANT) / sizeof(WANT[0]), 0);
	if (!seen_tail[STG_ESP_ENCAP] || !seen_tail[STG_MPLS_PUSH])
		tb_fail(&B, "a tail call never taken");
	printf("vrf_forward: exits no_route %u malformed %u ttl %u mtu %u host %u drop %u inside %u, "
	       "tail esp_encap %u mpls_push %u\n",
	       B.seen_reason[VRFSEC_CNT_NO_ROUTE], B.seen_reason[VRFSEC_CNT_MALFORMED],
	       B.seen_reason[VRFSEC_CNT_TTL_EXPIRED], B.seen_reason[VRFSEC_CNT_MTU_EXCEEDED],
	       B.seen_reason[VRFSEC_CNT_NH_HOST], B.seen_reason[VRFSEC_CNT_NH_DROP],
	       B.seen_reason[VRFSEC_CNT_TX_INSIDE], seen_tail[STG_ESP_ENCAP], seen_tail[STG_MPLS_PUSH]);
	int rc = tb_report(&B);
	m->final();
	delete m;
	free(T);
	return rc;
}
