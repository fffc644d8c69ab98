/* SPDX-License-Identifier: Apache-2.0 */
/* libvrfsec internals shared between the driver's object files (not installed). */
#ifndef VRFSEC_DRV_H
#define VRFSEC_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "vrfsec.h"

#define DRV_MAX_BLOCKS 32u  /* a longer chain is a broken chain */
#define DRV_NONE VRFSEC_ABI_NONE
#define DRV_MSG_LEN 256u

/* One DMA ring. Indices are free-running 32-bit counters as the ABI defines them; the slot of
 * index i is i & mask. */
struct drv_ring {
	struct vrfsec_dev *dev;
	const char *name;
	uint32_t id;
	uint32_t regs;      /* BAR offset of this ring's ring_regs */
	uint32_t log2, size, mask, desc_size;
	bool h2c;           /* host -> card: the host produces (head), the card consumes (tail) */
	bool has_phase;     /* card -> host descriptors end with a phase byte */
	bool enabled;
	struct drv_dma mem;
	uint32_t head, tail; /* h2c: head is ours, tail the card's last seen; c2h: the reverse */
};

/* Someone inside the library waiting for one command (sync forms, counter snapshots). */
struct drv_waiter {
	bool done;
	struct vrfsec_result res;
};

/* A command on the card: what its completion must release. */
struct drv_pending {
	uint32_t tag;       /* 0 when the entry is free */
	uint16_t opcode;
	bool wipe;          /* the parameter block held keys */
	uint32_t slot;      /* staging slot or DRV_NONE */
	uint32_t bytes;     /* parameter bytes used in the slot */
	uint32_t count;
	uint64_t first_seq;
	struct vrfsec_batch *batch; /* NULL: internal or detached */
	struct drv_waiter *waiter;  /* NULL: nobody waits (or gave up) */
};

/* What drv_cmd_post() puts on the command ring. */
struct drv_cmd {
	uint16_t opcode, flags;
	uint64_t param_iova;
	uint32_t count, stride;
	uint32_t slot, bytes;
	bool wipe;
	uint64_t first_seq;
	struct vrfsec_batch *batch;
	struct drv_waiter *waiter;
};

struct vrfsec_batch {
	struct vrfsec_dev *dev;
	struct vrfsec_batch_cfg cfg;
	struct vrfsec_batch *next; /* the device's list, for close */
	/* the open command being filled */
	uint16_t op;
	uint32_t slot;      /* DRV_NONE when no open command */
	uint32_t count, stride, cap;
	uint64_t first_seq;
	uint64_t seq;       /* sequence number of the next entry */
	uint32_t inflight;  /* posted, not completed */
	int wait_err;       /* first failure since the last vrfsec_batch_wait */
	struct vrfsec_batch_stats st;
};

struct vrfsec_dev {
	struct drv_backend be;
	char spec[80];
	char msg[DRV_MSG_LEN];
	struct vrfsec_open_cfg cfg; /* defaults filled in, no error buffer */

	/* register blocks (blocks.c) */
	struct vrfsec_block blocks[DRV_MAX_BLOCKS];
	unsigned n_blocks;
	uint32_t off_id, off_control, off_tables, off_rings, off_counters, off_ports;
	struct vrfsec_info info; /* static part, read at open */

	/* liveness (dev.c) */
	bool lost;
	uint32_t hb_last;
	uint64_t hb_change_ns, last_check_ns;

	/* rings (ring.c) */
	struct drv_ring ring[VRFSEC_ABI_RING_COUNT];
	bool enabled;

	/* commands (cmd.c) */
	struct drv_pending *pend;
	uint32_t n_pend, n_inflight;
	uint16_t gen;
	struct drv_dma staging;
	uint32_t slot_size, n_slots, n_free;
	uint32_t *free_slots;
	uint64_t stray_cpl; /* completions whose tag matched nothing */
	struct vrfsec_batch *batches;
	struct vrfsec_result last;
	int in_cb;

	/* events (events.c) */
	vrfsec_event_fn ev_fn;
	void *ev_arg;

	/* packets (packets.c) */
	struct drv_dma punt_bufs, inject_bufs;
	uint32_t buf_size;

	/* notification (notify.c) */
	int notify_fd;   /* eventfd handed to the card, -1 when none */
	/* counters (counters.c) */
	struct drv_dma snap;
	bool snap_busy; /* a snapshot command still owns the buffer */
};

/* ---- dev.c */
/* Record a message for vrfsec_errmsg(); returns rc so callers can `return drv_err(...)`. */
int drv_err(struct vrfsec_dev *dev, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint32_t drv_rd(const struct vrfsec_dev *dev, uint32_t off);
void drv_wr(const struct vrfsec_dev *dev, uint32_t off, uint32_t val);
uint64_t drv_now(const struct vrfsec_dev *dev);
/* 0, or -ENODEV (and the device is marked lost) when the heartbeat stood still for lost_ms, the
 * card reports a fault or the backend lost it. force: check now, not at most once a ms. */
int drv_alive(struct vrfsec_dev *dev, bool force);
/* Wait until done(arg) holds, processing completions and events meanwhile. 0, -ETIMEDOUT,
 * -ENODEV. */
int drv_wait(struct vrfsec_dev *dev, bool (*done)(struct vrfsec_dev *dev, void *arg), void *arg,
	     unsigned timeout_ms);
/* -EDEADLK when called from a callback (where waiting or submitting would recurse). */
int drv_no_callback(struct vrfsec_dev *dev);

/* ---- blocks.c */
/* Walk the chain from BAR offset 0, check ID (magic, ABI version) and record known blocks.
 * 0, -ENODEV (no card there), -EPROTO (bad chain or version), with a message. */
int drv_blocks_walk(struct vrfsec_dev *dev);
const char *drv_block_name(uint32_t type);

/* ---- ring.c */
int drv_ring_create(struct vrfsec_dev *dev, struct drv_ring *r, uint32_t id, uint32_t log2,
		    uint32_t desc_size);
int drv_ring_enable(struct drv_ring *r);
void drv_ring_disable(struct drv_ring *r);
void drv_ring_destroy(struct drv_ring *r);
void *drv_ring_slot(const struct drv_ring *r, uint32_t idx);
/* h2c: free descriptors (reads the card's tail when the cached view says full). -EIO when the
 * card's tail is impossible. */
int drv_ring_space(struct drv_ring *r);
/* h2c: publish n more descriptors (the doorbell). */
void drv_ring_produce(struct drv_ring *r, uint32_t n);
/* c2h: descriptors ready (reads the card's head, checks phase bytes). -EIO when impossible. */
int drv_ring_avail(struct drv_ring *r);
/* c2h: give n descriptors back to the card. */
void drv_ring_consume(struct drv_ring *r, uint32_t n);

/* ---- cmd.c */
int drv_cmd_create(struct vrfsec_dev *dev);
void drv_cmd_destroy(struct vrfsec_dev *dev);
/* Fail every command in flight with status (-ENODEV, -ECANCELED) and wipe their blocks. */
void drv_cmd_abort(struct vrfsec_dev *dev, int status);
/* A free staging slot (waiting for completions when block). 0, -EAGAIN, -ETIMEDOUT, -ENODEV. */
int drv_slot_get(struct vrfsec_dev *dev, bool block, uint32_t *slot);
void drv_slot_put(struct vrfsec_dev *dev, uint32_t slot, uint32_t wipe_bytes);
void *drv_slot_va(const struct vrfsec_dev *dev, uint32_t slot);
uint64_t drv_slot_iova(const struct vrfsec_dev *dev, uint32_t slot);
/* Put one command on the ring (waiting for room when block). The pending entry takes over the
 * slot. *tag (may be NULL) receives the tag. 0, -EAGAIN, -ETIMEDOUT, -ENODEV, -EIO. */
int drv_cmd_post(struct vrfsec_dev *dev, const struct drv_cmd *c, bool block, uint32_t *tag);
/* Process up to budget completions. Returns how many, or -EIO. */
int drv_cpl_process(struct vrfsec_dev *dev, unsigned budget);
/* The waiter of the command with this tag gives up (its stack frame goes away). */
void drv_cmd_forget(struct vrfsec_dev *dev, uint32_t tag);
/* One entry, one command, wait: the synchronous forms. fill writes the entry. */
int drv_cmd_sync(struct vrfsec_dev *dev, uint16_t opcode, uint32_t entry_size, bool wipe,
		 void (*fill)(void *entry, const void *cfg), const void *cfg);

/* ---- entries.c: parameter structs -> little-endian table entries */
void drv_fill_sa(void *entry, const void *cfg);
void drv_fill_sa_del(void *entry, const void *cfg);
void drv_fill_route(void *entry, const void *cfg);
void drv_fill_nh(void *entry, const void *cfg);
void drv_fill_label(void *entry, const void *cfg);
void drv_fill_vrf(void *entry, const void *cfg);
void drv_fill_port(void *entry, const void *cfg);

/* ---- batch.c */
void drv_batch_complete(struct vrfsec_batch *b, const struct vrfsec_result *res);
void drv_batches_destroy(struct vrfsec_dev *dev);

/* ---- events.c */
int drv_event_process(struct vrfsec_dev *dev, unsigned budget);

/* ---- packets.c */
int drv_packets_create(struct vrfsec_dev *dev);
/* Hand every punt buffer to the card (after the rings are enabled). */
void drv_packets_enable(struct vrfsec_dev *dev);
void drv_packets_destroy(struct vrfsec_dev *dev);

/* ---- notify.c */
/* Set ring_regs.irq of the card -> host rings to whether notification is on (after enable). */
void drv_notify_rings(struct vrfsec_dev *dev);
void drv_notify_destroy(struct vrfsec_dev *dev);
/* ---- counters.c */
void drv_counters_destroy(struct vrfsec_dev *dev);

/* ---- probe: backend scans */
int drv_pci_scan(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg,
		 char *err, size_t errlen);
int drv_sim_scan(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg);

/* ---- small helpers */
static inline uint32_t drv_align(uint32_t v, uint32_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

#endif
