/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware test harness: fake platform (host memory, key store), BAR, host side of the rings. */
#ifndef VRFSEC_TEST_FW_FAKE_H
#define VRFSEC_TEST_FW_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_impl.h"
#include "fw.h"
#include "sim_transport.h"
#include "tables_setup.h"

/* Included by one test file per program: the fw_plat_* definitions are that program's. */

#define MEM_SIZE (8u << 20)
#define CMD_OFF 0x0u
#define CPL_OFF 0x40000u
#define EV_OFF 0x80000u
#define PARAM_OFF 0x100000u
#define SNAP_OFF 0x600000u
#define IOVA(off) (VRFSEC_SIM_IOVA_BASE + (uint64_t)(off))
#define MS 1000000ull
#define SEC 1000000000ull
#define SA_SZ sizeof(struct vrfsec_abi_sa_entry)
#define RT_SZ sizeof(struct vrfsec_abi_route_entry)

/* The fake platform: host memory, and a key store that remembers what the crypto core got. */
static struct plat {
	uint8_t *mem;
	uint8_t (*key)[32];
	uint8_t *key_len;
	uint32_t installs;
	uint32_t wipes;
	int fail_install; /* returned by the next install when not 0 */
} P;

int fw_plat_dma_read(void *ctx, uint64_t iova, void *dst, uint32_t len)
{
	uint64_t off = iova - VRFSEC_SIM_IOVA_BASE;

	assert_ptr_equal(ctx, &P);
	if (iova < VRFSEC_SIM_IOVA_BASE || off > MEM_SIZE || len > MEM_SIZE - off)
		return -14;
	memcpy(dst, P.mem + off, len);
	return 0;
}

int fw_plat_dma_write(void *ctx, uint64_t iova, const void *src, uint32_t len)
{
	uint64_t off = iova - VRFSEC_SIM_IOVA_BASE;

	assert_ptr_equal(ctx, &P);
	if (iova < VRFSEC_SIM_IOVA_BASE || off > MEM_SIZE || len > MEM_SIZE - off)
		return -14;
	memcpy(P.mem + off, src, len);
	return 0;
}

int fw_plat_key_install(void *ctx, uint32_t sa, const uint8_t *key, uint32_t key_len)
{
	int rc = P.fail_install;

	assert_ptr_equal(ctx, &P);
	assert_true(sa < VRFSEC_MAX_SA);
	P.fail_install = 0;
	if (rc)
		return rc;
	memcpy(P.key[sa], key, key_len);
	P.key_len[sa] = (uint8_t)key_len;
	P.installs++;
	return 0;
}

void fw_plat_key_wipe(void *ctx, uint32_t sa)
{
	assert_ptr_equal(ctx, &P);
	memset(P.key[sa], 0, sizeof(P.key[sa]));
	P.key_len[sa] = 0;
	P.wipes++;
}

static struct vrfsec_tables *t;
static struct fw *F;
static _Alignas(64) uint8_t bar[VRFSEC_ABI_BAR_SIZE];
static uint64_t now;
static uint32_t cmd_head, cpl_tail, ev_tail, cmd_log2, cpl_log2, ev_log2;

static inline uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static inline void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static inline uint32_t rreg(uint32_t ring, size_t field)
{
	return VRFSEC_ABI_RINGS_DEFAULT_OFFSET + VRFSEC_ABI_RINGS_RING0 +
	       ring * VRFSEC_ABI_RING_STRIDE + (uint32_t)field;
}

#define RR(ring, f) rreg(ring, offsetof(struct vrfsec_abi_ring_regs, f))

static inline void ring_cfg(uint32_t ring, uint32_t off, uint32_t log2)
{
	wr(RR(ring, base_lo), (uint32_t)IOVA(off));
	wr(RR(ring, base_hi), (uint32_t)(IOVA(off) >> 32));
	wr(RR(ring, log2_size), log2);
}

static inline void rings(uint32_t cmd, uint32_t cpl, uint32_t ev)
{
	cmd_log2 = cmd;
	cpl_log2 = cpl;
	ev_log2 = ev;
	ring_cfg(VRFSEC_ABI_RING_CMD, CMD_OFF, cmd);
	ring_cfg(VRFSEC_ABI_RING_CPL, CPL_OFF, cpl);
	ring_cfg(VRFSEC_ABI_RING_EVENT, EV_OFF, ev);
}

static inline int setup(void **state)
{
	struct fw_config cfg = { &P, 1, MEM_SIZE, 0, 0, 3 };

	(void)state;
	t = vrfsec_map_zeroed(sizeof(*t));
	F = calloc(1, sizeof(*F));
	P.mem = calloc(1, MEM_SIZE);
	P.key = calloc(VRFSEC_MAX_SA, sizeof(*P.key));
	P.key_len = calloc(VRFSEC_MAX_SA, 1);
	if (!t || !F || !P.mem || !P.key || !P.key_len)
		return -1;
	P.installs = P.wipes = 0;
	P.fail_install = 0;
	memset(bar, 0xee, sizeof(bar)); /* fw_init must clear what it does not set */
	now = 1000 * SEC;
	cmd_head = cpl_tail = ev_tail = 0;
	fw_init(F, t, bar, &cfg);
	rings(6, 6, 6);
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	vrfsec_unmap(t, sizeof(*t));
	free(F);
	free(P.mem);
	free(P.key);
	free(P.key_len);
	return 0;
}

/* ---- host side of the rings */

static inline void post_at(uint16_t op, uint16_t flags, uint64_t iova, uint32_t count,
			   uint32_t stride)
{
	struct vrfsec_abi_cmd_desc d = { op, flags, 0x7000u + cmd_head, iova, count, stride, 0 };

	memcpy(P.mem + CMD_OFF + (cmd_head & ((1u << cmd_log2) - 1u)) * 32u, &d, 32);
	cmd_head++;
	wr(RR(VRFSEC_ABI_RING_CMD, head), cmd_head);
}

static inline uint32_t poll1(void)
{
	now += MS;
	return fw_poll(F, now);
}

/* Host consumer of a card->host ring, as the driver does it: head says a descriptor is there,
 * and its phase byte must then be the one of this pass. */
static inline int take(uint32_t ring, uint32_t off, uint32_t log2, uint32_t *tail, void *out)
{
	uint8_t *slot = P.mem + off + (*tail & ((1u << log2) - 1u)) * 32u;

	if (rd(rreg(ring, offsetof(struct vrfsec_abi_ring_regs, head))) == *tail)
		return 0;
	assert_int_equal(slot[31], ((*tail >> log2) & 1u) ^ 1u);
	memcpy(out, slot, 32);
	(*tail)++;
	wr(rreg(ring, offsetof(struct vrfsec_abi_ring_regs, tail)), *tail);
	return 1;
}

static inline int cpl_get(struct vrfsec_abi_cpl_desc *c)
{
	return take(VRFSEC_ABI_RING_CPL, CPL_OFF, cpl_log2, &cpl_tail, c);
}

static inline int ev_get(struct vrfsec_abi_event_desc *e)
{
	return take(VRFSEC_ABI_RING_EVENT, EV_OFF, ev_log2, &ev_tail, e);
}

static inline struct vrfsec_abi_cpl_desc cmd_at(uint16_t op, uint16_t flags, uint64_t iova,
						uint32_t count, uint32_t stride)
{
	struct vrfsec_abi_cpl_desc c;
	uint32_t tag = 0x7000u + cmd_head;
	int i;

	memset(&c, 0, sizeof(c));
	post_at(op, flags, iova, count, stride);
	for (i = 0; i < 100; i++) {
		poll1();
		if (cpl_get(&c)) {
			assert_int_equal(c.tag, tag);
			assert_int_equal(c.opcode, op);
			return c;
		}
	}
	fail_msg("no completion");
	return c;
}

static inline struct vrfsec_abi_cpl_desc cmd(uint16_t op, uint16_t flags, const void *e,
					     uint32_t n, uint32_t stride)
{
	memcpy(P.mem + PARAM_OFF, e, (size_t)n * stride);
	return cmd_at(op, flags, IOVA(PARAM_OFF), n, stride);
}

static inline void ok1(uint16_t op, const void *e, uint32_t size)
{
	struct vrfsec_abi_cpl_desc c = cmd(op, 0, e, 1, size);

	assert_int_equal(c.status, 0);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_NONE);
	assert_int_equal(c.done, 1);
	assert_int_equal(c.failed, VRFSEC_ABI_NONE);
}

/* Lifetimes are scanned a slice per millisecond: this many polls see every SA once. */
static inline void sweep(void)
{
	uint32_t i;

	for (i = 0; i <= VRFSEC_MAX_SA / FW_SCAN_SLICE; i++)
		poll1();
}

/* ---- entries */

static inline void key_of(uint32_t idx, uint8_t *k)
{
	uint32_t i;

	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)(0xa0u + i) ^ (uint8_t)(idx * 29u);
}

static inline struct vrfsec_abi_sa_entry sa_in(uint32_t idx, uint32_t spi, uint8_t dst)
{
	struct vrfsec_abi_sa_entry e;
	const uint8_t d[4] = { 192, 0, 2, dst }, s[4] = { 198, 51, 100, 7 };

	memset(&e, 0, sizeof(e));
	e.idx = idx;
	e.dir = VRFSEC_SA_DIR_IN;
	e.spi = spi;
	e.vrf = 1;
	e.outer_af = 4;
	memcpy(e.dst, d, 4);
	memcpy(e.src, s, 4);
	memcpy(e.salt, "SALT", 4);
	e.key_len = 16;
	key_of(idx, e.key);
	return e;
}

static inline struct vrfsec_abi_sa_entry sa_out(uint32_t idx, uint32_t spi)
{
	struct vrfsec_abi_sa_entry e = sa_in(idx, spi, 9);

	e.dir = VRFSEC_SA_DIR_OUT;
	e.udp = 1;
	e.udp_sport = 4500;
	e.udp_dport = 4500;
	e.mtu = 1400;
	e.key_len = 32;
	return e;
}

static inline struct vrfsec_abi_route_entry route4(uint16_t vrf, uint32_t a, uint8_t plen,
						   uint32_t nh)
{
	struct vrfsec_abi_route_entry r;

	memset(&r, 0, sizeof(r));
	r.vrf = vrf;
	r.af = 4;
	r.plen = plen;
	r.nh = nh;
	r.addr[0] = (uint8_t)(a >> 24);
	r.addr[1] = (uint8_t)(a >> 16);
	r.addr[2] = (uint8_t)(a >> 8);
	r.addr[3] = (uint8_t)a;
	return r;
}

static inline uint32_t lookup4(uint16_t vrf, uint32_t a)
{
	const uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8),
			       (uint8_t)a };

	return vrfsec_fib_lookup(&t->fib, vrf, 4, b);
}

/* ---- table snapshot: everything a refused entry could have touched */

static inline uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static inline uint64_t snap(void)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t fib[4] = { t->fib.nodes_used, t->fib.routes, t->fib.node_next_free,
			    t->fib.node_free_list };

	h = mix(h, t->sa, 64 * sizeof(t->sa[0]));
	h = mix(h, t->spi_hash, sizeof(t->spi_hash));
	h = mix(h, t->replay, 64 * sizeof(t->replay[0]));
	h = mix(h, t->sa_cnt, 64 * sizeof(t->sa_cnt[0]));
	h = mix(h, t->nh, 64 * sizeof(t->nh[0]));
	h = mix(h, t->vrf, sizeof(t->vrf));
	h = mix(h, t->label_vrf, 4096 * sizeof(t->label_vrf[0]));
	h = mix(h, t->vlan_vrf, sizeof(t->vlan_vrf));
	h = mix(h, &t->port, sizeof(t->port));
	h = mix(h, fib, sizeof(fib));
	h = mix(h, F->life, 64 * sizeof(F->life[0]));
	h = mix(h, P.key, 64 * sizeof(P.key[0]));
	h = mix(h, P.key_len, 64);
	return h;
}

/* One entry that must fail with detail/status and change nothing. */
static inline void refused(uint16_t op, const void *e, uint32_t size, uint16_t detail,
			   uint16_t status)
{
	uint64_t before = snap();
	struct vrfsec_abi_cpl_desc c = cmd(op, 0, e, 1, size);

	assert_int_equal(c.detail, detail);
	assert_int_equal(c.status, status);
	assert_int_equal(c.done, 0);
	assert_int_equal(c.failed, 0);
	assert_true(snap() == before);
}

#endif
