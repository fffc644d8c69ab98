/* SPDX-License-Identifier: Apache-2.0 */
/* A scripted card for the driver's unit tests: a BAR array, a DMA region, a fake clock and a tiny
 * command engine whose behaviour each test sets (hold, reorder, fail, stall, bad phase). */
#ifndef VRFSEC_TEST_DRIVER_FAKE_H
#define VRFSEC_TEST_DRIVER_FAKE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/backend.h"
#include "vrfsec.h"

#define FAKE_IOVA 0x200000000ull
#define FAKE_MEM (8u << 20)
#define FAKE_MAX_CMDS 4096u

struct fake_cmd {
	struct vrfsec_abi_cmd_desc d;
	bool done;
};

struct fake {
	uint8_t bar[VRFSEC_ABI_BAR_SIZE] __attribute__((aligned(8)));
	uint8_t *mem;
	struct drv_arena arena;
	uint64_t now;           /* ns; relax() moves it 1 ms */
	bool hb_stall;          /* the heartbeat stops */
	bool hold;              /* commands are taken but not completed until released */
	bool bad_phase;         /* completions carry the wrong phase byte */
	unsigned per_step;      /* commands completed per relax when not holding (0 = all) */
	uint32_t cmd_tail, cpl_head;
	struct fake_cmd cmds[FAKE_MAX_CMDS];
	unsigned n_cmds;
	/* what the card saw */
	uint64_t entries_seen;
	unsigned relaxes, closes;
	/* a scripted failure: command number fail_cmd (0-based) fails at entry fail_entry */
	int fail_cmd;
	uint32_t fail_entry;
	uint16_t fail_status, fail_detail;
	/* hook run on every read of a CPL or EVENT head, for tests that need the card mid-call */
	void (*on_step)(struct fake *f);
	/* hook run on every command the card takes, while its parameter block is still valid */
	void (*on_cmd)(struct fake *f, const struct vrfsec_abi_cmd_desc *d);
	void *user;
};

#define RING_OFF(r) (VRFSEC_ABI_RINGS_DEFAULT_OFFSET + VRFSEC_ABI_RINGS_RING0 + (r) * 32u)
#define RING_REG(r, field) (RING_OFF(r) + (uint32_t)offsetof(struct vrfsec_abi_ring_regs, field))

static inline uint32_t fake_rd(const struct fake *f, uint32_t off)
{
	uint32_t v;

	memcpy(&v, f->bar + off, 4);
	return v;
}

static inline void fake_wr(struct fake *f, uint32_t off, uint32_t v)
{
	memcpy(f->bar + off, &v, 4);
}

static inline void *fake_ptr(struct fake *f, uint64_t iova, size_t len)
{
	if (iova < FAKE_IOVA || iova - FAKE_IOVA + len > FAKE_MEM)
		return NULL;
	return f->mem + (iova - FAKE_IOVA);
}

/* A block header plus its registers. */
static inline void fake_block(struct fake *f, uint32_t off, uint32_t type, uint32_t version,
			      uint32_t next, uint32_t size)
{
	fake_wr(f, off, type);
	fake_wr(f, off + 4, version);
	fake_wr(f, off + 8, next);
	fake_wr(f, off + 12, size);
}

/* The chain a healthy card shows, at the default offsets. */
static inline void fake_std_blocks(struct fake *f)
{
	static const uint32_t ds[6] = { 32, 32, 32, 16, 32, 32 };

	memset(f->bar, 0, sizeof(f->bar));
	fake_block(f, VRFSEC_ABI_ID_DEFAULT_OFFSET, 1, 1, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET, 0x40);
	fake_wr(f, VRFSEC_ABI_ID_MAGIC, VRFSEC_ABI_MAGIC);
	fake_wr(f, VRFSEC_ABI_ID_ABI_VERSION, VRFSEC_ABI_VERSION);
	fake_wr(f, VRFSEC_ABI_ID_CARD_KIND, VRFSEC_ABI_CARD_SIM);
	fake_wr(f, VRFSEC_ABI_ID_FW_VERSION, 0x10002);
	fake_wr(f, VRFSEC_ABI_ID_CAPS, 3);
	fake_wr(f, VRFSEC_ABI_ID_PORTS, 3);
	fake_block(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET, 2, 1, VRFSEC_ABI_TABLES_DEFAULT_OFFSET, 0x40);
	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_STATUS, 1);
	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_ENGINE, 1);
	fake_block(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET, 3, 1, VRFSEC_ABI_RINGS_DEFAULT_OFFSET, 0x40);
	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + VRFSEC_ABI_TABLES_MAX_SA, 1024);
	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + VRFSEC_ABI_TABLES_MAX_VRF, 16);
	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + VRFSEC_ABI_TABLES_MAX_FRAME, 2048);
	fake_block(f, VRFSEC_ABI_RINGS_DEFAULT_OFFSET, 4, 1, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET,
		   0x100);
	for (uint32_t r = 0; r < 6; r++)
		fake_wr(f, RING_REG(r, desc_size), ds[r]);
	fake_block(f, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET, 5, 1, VRFSEC_ABI_PORTS_DEFAULT_OFFSET, 0x40);
	fake_wr(f, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET + VRFSEC_ABI_COUNTERS_N_GLOBAL, 4);
	fake_wr(f, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET + VRFSEC_ABI_COUNTERS_N_VRF, 2);
	fake_wr(f, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET + VRFSEC_ABI_COUNTERS_N_SA, 3);
	fake_block(f, VRFSEC_ABI_PORTS_DEFAULT_OFFSET, 6, 1, 0, 0x40);
	fake_wr(f, VRFSEC_ABI_PORTS_DEFAULT_OFFSET + VRFSEC_ABI_PORTS_NATT_PORT, 4500);
}

static inline struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->mem = calloc(1, FAKE_MEM);
	drv_arena_init(&f->arena, FAKE_MEM);
	f->now = 1000000000ull;
	f->fail_cmd = -1;
	fake_std_blocks(f);
	return f;
}

static inline void fake_free(struct fake *f)
{
	drv_arena_destroy(&f->arena);
	free(f->mem);
	free(f);
}

/* Post one completion on CPL the way the ABI says: bytes 0..30, then phase, then head. */
static inline void fake_post_cpl(struct fake *f, const struct vrfsec_abi_cmd_desc *c, uint32_t done,
				 uint32_t failed, uint16_t status, uint16_t detail)
{
	uint32_t log2 = fake_rd(f, RING_REG(1, log2_size)), size = 1u << log2;
	uint64_t base = (uint64_t)fake_rd(f, RING_REG(1, base_hi)) << 32 | fake_rd(f, RING_REG(1, base_lo));
	struct vrfsec_abi_cpl_desc d = { 0 };
	uint8_t *p;

	if (!log2 || f->cpl_head - fake_rd(f, RING_REG(1, tail)) >= size)
		return; /* the tests never overfill: the driver bounds commands in flight */
	p = fake_ptr(f, base + (uint64_t)(f->cpl_head & (size - 1)) * 32u, 32);
	d.tag = c->tag;
	d.opcode = c->opcode;
	d.status = status;
	d.done = done;
	d.failed = failed;
	d.detail = detail;
	d.phase = (uint8_t)(((f->cpl_head >> log2) & 1u) ^ 1u);
	if (f->bad_phase)
		d.phase ^= 1u;
	memcpy(p, &d, 32);
	f->cpl_head++;
	fake_wr(f, RING_REG(1, head), f->cpl_head);
}

/* Counter snapshot: header and recognisable values (global i = 100 + i, VRF v rx = 10 + v,
 * SA s packets = 1000 + s). */
static inline void fake_counters(struct fake *f, const struct vrfsec_abi_cmd_desc *c)
{
	struct vrfsec_abi_counters_hdr h = { .n_global = 4, .n_vrf = 2, .n_sa = c->count, .tag = c->tag,
					     .time_ns = 42 };
	uint8_t *p = fake_ptr(f, c->param_addr, 32 + 4 * 8 + 2 * 40 + c->count * 24u);

	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	for (uint64_t i = 0; i < 4; i++, p += 8)
		*(uint64_t *)(void *)p = 100 + i;
	for (uint64_t v = 0; v < 2; v++, p += 40) {
		memset(p, 0, 40);
		*(uint64_t *)(void *)p = 10 + v;
	}
	for (uint64_t s = 0; s < c->count; s++, p += 24) {
		memset(p, 0, 24);
		*(uint64_t *)(void *)p = 1000 + s;
	}
}

/* Complete command i (as the card would: scripted failure applied). */
static inline void fake_complete(struct fake *f, unsigned i)
{
	struct fake_cmd *fc = &f->cmds[i];

	if (fc->done)
		return;
	fc->done = true;
	if (fc->d.opcode == VRFSEC_ABI_OP_COUNTERS)
		fake_counters(f, &fc->d);
	if ((int)i == f->fail_cmd)
		fake_post_cpl(f, &fc->d, fc->d.count - 1u, f->fail_entry, f->fail_status,
			      f->fail_detail);
	else
		fake_post_cpl(f, &fc->d, fc->d.count, VRFSEC_ABI_NONE, 0, 0);
}

/* The card's step: take new commands off CMD, complete some unless holding, beat the heart. */
static inline void fake_step(struct fake *f)
{
	uint32_t log2 = fake_rd(f, RING_REG(0, log2_size)), size = 1u << log2;
	uint64_t base = (uint64_t)fake_rd(f, RING_REG(0, base_hi)) << 32 | fake_rd(f, RING_REG(0, base_lo));
	uint32_t head = fake_rd(f, RING_REG(0, head));
	unsigned completed = 0;

	if (!f->hb_stall) {
		uint32_t hb = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT;

		fake_wr(f, hb, fake_rd(f, hb) + 1u);
	}
	if (!log2)
		return;
	f->cmd_tail = fake_rd(f, RING_REG(0, tail));
	while (f->cmd_tail != head && f->n_cmds < FAKE_MAX_CMDS) {
		struct fake_cmd *fc = &f->cmds[f->n_cmds++];

		memcpy(&fc->d, fake_ptr(f, base + (uint64_t)(f->cmd_tail & (size - 1)) * 32u, 32), 32);
		fc->done = false;
		f->entries_seen += fc->d.count;
		if (f->on_cmd)
			f->on_cmd(f, &fc->d);
		f->cmd_tail++;
		/* the real card moves tail with the completion; the ring slot is free sooner here,
		 * which the driver must not mind */
		fake_wr(f, RING_REG(0, tail), f->cmd_tail);
	}
	if (f->hold)
		return;
	for (unsigned i = 0; i < f->n_cmds; i++) {
		if (f->cmds[i].done)
			continue;
		if (f->per_step && completed == f->per_step)
			break;
		fake_complete(f, i);
		completed++;
	}
}

static inline uint32_t fake_read32(void *ctx, uint32_t off)
{
	struct fake *f = ctx;

	if ((off == RING_REG(1, head) || off == RING_REG(2, head)) && f->on_step)
		f->on_step(f);
	return fake_rd(f, off);
}

static inline void fake_write32(void *ctx, uint32_t off, uint32_t val)
{
	fake_wr(ctx, off, val);
}

static inline int fake_dma_alloc(void *ctx, size_t size, size_t align, struct drv_dma *out)
{
	struct fake *f = ctx;
	size_t off;
	int rc = drv_arena_alloc(&f->arena, size, align, &off);

	if (rc)
		return rc;
	memset(f->mem + off, 0, size);
	out->va = f->mem + off;
	out->iova = FAKE_IOVA + off;
	out->size = size;
	out->cookie = off;
	return 0;
}

static inline void fake_dma_free(void *ctx, struct drv_dma *d)
{
	drv_arena_free(&((struct fake *)ctx)->arena, (size_t)d->cookie, d->size);
}

static inline uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static inline void fake_relax(void *ctx, unsigned spins)
{
	struct fake *f = ctx;

	(void)spins;
	f->relaxes++;
	f->now += 1000000u;
	fake_step(f);
}

static inline void fake_close(void *ctx)
{
	((struct fake *)ctx)->closes++;
}

static const struct drv_backend_ops fake_ops = {
	.name = "fake",
	.read32 = fake_read32,
	.write32 = fake_write32,
	.dma_alloc = fake_dma_alloc,
	.dma_free = fake_dma_free,
	.now_ns = fake_now,
	.relax = fake_relax,
	.close = fake_close,
};

/* Open the driver on the fake; cfg may be NULL. */
/* A backend that can signal: it keeps the eventfd it was handed (the test writes to it). */
static int fake_notify_efd = -1;
static unsigned fake_notify_calls;

static inline int fake_notify(void *ctx, int efd, unsigned timeout_ms, char *err, size_t errlen)
{
	(void)ctx, (void)timeout_ms, (void)err, (void)errlen;
	fake_notify_calls++;
	fake_notify_efd = efd;
	return 0;
}

static const struct drv_backend_ops fake_notify_ops = {
	.name = "fake",
	.read32 = fake_read32,
	.write32 = fake_write32,
	.dma_alloc = fake_dma_alloc,
	.dma_free = fake_dma_free,
	.now_ns = fake_now,
	.relax = fake_relax,
	.notify = fake_notify,
	.close = fake_close,
};

static inline int fake_open_notify(struct fake *f, struct vrfsec_dev **dev)
{
	struct drv_backend be = { .ops = &fake_notify_ops, .ctx = f,
				  .bar_size = VRFSEC_ABI_BAR_SIZE };

	return drv_open_backend(dev, "fake:0", &be, NULL);
}

static inline int fake_open(struct fake *f, struct vrfsec_dev **dev, const struct vrfsec_open_cfg *cfg)
{
	struct drv_backend be = { .ops = &fake_ops, .ctx = f, .bar_size = VRFSEC_ABI_BAR_SIZE };

	return drv_open_backend(dev, "fake:0", &be, cfg);
}

/* cmocka group setup and teardown: one scripted card per test. */
static inline int fake_setup(void **state)
{
	*state = fake_new();
	return 0;
}

static inline int fake_teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/* Route i of the tests: 10.x.y.z/32 in VRF 1 to next hop 7. */
static inline struct vrfsec_route_cfg fake_route(uint32_t i)
{
	struct vrfsec_route_cfg r = { .vrf = 1, .af = 4, .plen = 32, .nh = 7 };

	r.addr[0] = 10;
	r.addr[1] = (uint8_t)(i >> 16);
	r.addr[2] = (uint8_t)(i >> 8);
	r.addr[3] = (uint8_t)i;
	return r;
}

#endif
