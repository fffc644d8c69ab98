/* SPDX-License-Identifier: Apache-2.0 */
/* The backend seam of libvrfsec: how the driver reaches a card's BAR and DMA memory. */
#ifndef VRFSEC_DRV_BACKEND_H
#define VRFSEC_DRV_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "vrfsec.h"

/*
 * A backend is one file that turns a spec ("sim:NAME", "pci:BDF") into a struct drv_backend:
 * register access to BAR 0 and DMA memory the card can reach. Everything above it (blocks,
 * rings, commands, packets) is backend-neutral.
 *
 * Adding a backend (the planned `xrt:` one): write driver/backend_xrt.c with
 *   int drv_xrt_open(const char *arg, struct drv_backend *be, char *err, size_t errlen);
 * mapping BAR 0 with xrt::ip / xclRegRead-Write and DMA with xrt::bo (host-only buffer objects,
 * their device address as IOVA) inside a drv_arena as backend_pci.c does, and add one line to
 * the table in dev.c under `#ifdef VRFSEC_HAVE_XRT` (the Makefile defines it where XRT headers
 * are installed). Nothing else changes.
 *
 * Contract:
 *   read32/write32: 32-bit register at a BAR offset (< bar_size, 4-aligned); read has acquire,
 *                   write release ordering, so descriptors written before a doorbell are visible.
 *   dma_alloc:      size bytes aligned to align (a power of two), zeroed, that the card reaches at
 *                   out->iova; dma_free gives them back. Freed memory need not be wiped by the
 *                   backend (the driver wipes what held keys).
 *   claim:          optional: make this process the card's only driver (0, -EBUSY); called
 *                   before the driver touches rings or DMA memory. NULL: exclusive by nature.
 *   alive:          optional backend-level check (surprise removal, a dead simulator): 0 alive,
 *                   1 cannot tell (the heartbeat decides), -ENODEV lost.
 *   now_ns, relax:  optional; a test double steps a fake clock in relax() so liveness timeouts
 *                   run instantly. NULL: CLOCK_MONOTONIC and a short yield / sleep.
 *   notify:         optional: make the card signal eventfd efd when it posts to a card -> host
 *                   ring whose ring_regs.irq bit 0 is set (sim: hand it to the simulator; pci:
 *                   VFIO MSI-X/MSI trigger). The backend keeps what it needs (not efd, which the
 *                   driver owns) until close or the next call; efd -1 stops signalling. 0 or
 *                   negative errno with a message in err; NULL: -ENOTSUP, the caller polls.
 *   close:          unmap and free everything; called once.
 */

struct drv_dma {
	void *va;
	uint64_t iova;
	size_t size;
	uint64_t cookie; /* backend's own: offset in its arena */
};

struct drv_backend_ops {
	const char *name;
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t val);
	int (*dma_alloc)(void *ctx, size_t size, size_t align, struct drv_dma *out);
	void (*dma_free)(void *ctx, struct drv_dma *d);
	int (*claim)(void *ctx);
	int (*alive)(void *ctx);
	uint64_t (*now_ns)(void *ctx);
	void (*relax)(void *ctx, unsigned spins);
	int (*notify)(void *ctx, int efd, unsigned timeout_ms, char *err, size_t errlen);
	void (*close)(void *ctx);
};

struct drv_backend {
	const struct drv_backend_ops *ops;
	void *ctx;
	uint32_t bar_size;
};

/* Backends: fill *be or return negative errno with a message in err. */
int drv_sim_open(const char *arg, struct drv_backend *be, char *err, size_t errlen);
int drv_pci_open(const char *arg, struct drv_backend *be, char *err, size_t errlen);

/* Open a device over an already made backend (the test double's way in). On failure the backend
 * is closed. cfg may be NULL. */
int drv_open_backend(struct vrfsec_dev **dev, const char *spec, struct drv_backend *be,
		     const struct vrfsec_open_cfg *cfg);

/* A first-fit allocator of offsets in [0, size), for backends that carve one DMA region. Its
 * bookkeeping lives in host memory, never in the region the card can write. */
struct drv_arena_free;
struct drv_arena {
	size_t size;
	struct drv_arena_free *free; /* sorted by offset, coalesced */
};

int drv_arena_init(struct drv_arena *a, size_t size);
/* 0 and *off, or -ENOMEM. align is a power of two. */
int drv_arena_alloc(struct drv_arena *a, size_t size, size_t align, size_t *off);
/* Give back [off, off + size) from an earlier alloc of that size. */
void drv_arena_free(struct drv_arena *a, size_t off, size_t size);
void drv_arena_destroy(struct drv_arena *a);

#endif
