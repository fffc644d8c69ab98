/* SPDX-License-Identifier: Apache-2.0 */
/* Commands: parameter staging, posting on the CMD ring, completion matching by tag, sync forms. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

/*
 * Staging is cut into fixed slots, one per command in flight: completions may come back in any
 * order, and a fixed slot is freed in O(1) without fragmenting anything. The pending table has a
 * few more entries than slots for commands without a slot (counter snapshots). Commands in flight
 * never outnumber the completion ring, so the card can always post a completion.
 */
#define SLOTLESS 4u

int drv_cmd_create(struct vrfsec_dev *dev)
{
	uint32_t ring = 1u << dev->cfg.cmd_ring_log2;
	uint32_t slots = dev->cfg.staging_slots;
	int rc;

	if (slots + SLOTLESS > ring)
		slots = ring > 2 * SLOTLESS ? ring - SLOTLESS : ring / 2;
	dev->n_slots = slots;
	dev->slot_size = dev->cfg.staging_slot_size;
	dev->n_pend = slots + SLOTLESS;
	if (dev->n_pend > 0x10000u)
		return drv_err(dev, -EINVAL, "too many commands in flight");
	dev->pend = calloc(dev->n_pend, sizeof(*dev->pend));
	dev->free_slots = calloc(slots, sizeof(*dev->free_slots));
	if (!dev->pend || !dev->free_slots)
		return drv_err(dev, -ENOMEM, "out of memory");
	rc = dev->be.ops->dma_alloc(dev->be.ctx, (size_t)slots * dev->slot_size, 4096, &dev->staging);
	if (rc) {
		dev->staging.va = NULL;
		return drv_err(dev, rc, "no DMA memory for %u parameter blocks of %u bytes", slots,
			       dev->slot_size);
	}
	for (uint32_t i = 0; i < slots; i++)
		dev->free_slots[i] = slots - 1u - i;
	dev->n_free = slots;
	dev->gen = 1;
	return 0;
}

void drv_cmd_destroy(struct vrfsec_dev *dev)
{
	if (dev->staging.va) {
		/* the region outlives us (the simulator's host memory): no key stays behind */
		explicit_bzero(dev->staging.va, dev->staging.size);
		dev->be.ops->dma_free(dev->be.ctx, &dev->staging);
		dev->staging.va = NULL;
	}
	free(dev->pend);
	free(dev->free_slots);
	dev->pend = NULL;
	dev->free_slots = NULL;
}

void *drv_slot_va(const struct vrfsec_dev *dev, uint32_t slot)
{
	return (uint8_t *)dev->staging.va + (size_t)slot * dev->slot_size;
}

uint64_t drv_slot_iova(const struct vrfsec_dev *dev, uint32_t slot)
{
	return dev->staging.iova + (uint64_t)slot * dev->slot_size;
}

void drv_slot_put(struct vrfsec_dev *dev, uint32_t slot, uint32_t wipe_bytes)
{
	if (wipe_bytes)
		explicit_bzero(drv_slot_va(dev, slot), wipe_bytes);
	dev->free_slots[dev->n_free++] = slot;
}

static bool slot_free(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	return dev->n_free > 0 || dev->lost;
}

int drv_slot_get(struct vrfsec_dev *dev, bool block, uint32_t *slot)
{
	int rc;

	if (dev->lost)
		return -ENODEV;
	if (!dev->enabled)
		return drv_err(dev, -ENOTCONN, "rings not enabled");
	if (dev->n_free == 0) {
		/* completions free slots: look before giving up or waiting */
		rc = drv_cpl_process(dev, 256);
		if (rc < 0)
			return rc;
	}
	if (dev->n_free == 0) {
		if (!block)
			return -EAGAIN;
		if ((rc = drv_no_callback(dev)) != 0 ||
		    (rc = drv_wait(dev, slot_free, NULL, dev->cfg.timeout_ms)) != 0)
			return rc;
		if (dev->lost)
			return -ENODEV;
	}
	*slot = dev->free_slots[--dev->n_free];
	return 0;
}

/* Room for one more command: a pending entry and a CMD descriptor. */
static int cmd_room(struct vrfsec_dev *dev)
{
	int space;

	if (dev->n_inflight >= dev->n_pend)
		return 0;
	space = drv_ring_space(&dev->ring[VRFSEC_ABI_RING_CMD]);
	return space < 0 ? space : space > 0;
}

static bool room_or_lost(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	return dev->lost || cmd_room(dev) != 0;
}

int drv_cmd_post(struct vrfsec_dev *dev, const struct drv_cmd *c, bool block, uint32_t *tag)
{
	struct drv_ring *r = &dev->ring[VRFSEC_ABI_RING_CMD];
	struct vrfsec_abi_cmd_desc *d;
	struct drv_pending *p = NULL;
	uint32_t idx;
	int rc;

	if (dev->lost)
		return -ENODEV;
	if (!dev->enabled)
		return drv_err(dev, -ENOTCONN, "rings not enabled");
	rc = cmd_room(dev);
	if (rc == 0) {
		rc = drv_cpl_process(dev, 256);
		if (rc >= 0)
			rc = cmd_room(dev);
	}
	if (rc == 0) {
		if (!block)
			return -EAGAIN;
		if ((rc = drv_no_callback(dev)) != 0 ||
		    (rc = drv_wait(dev, room_or_lost, NULL, dev->cfg.timeout_ms)) != 0)
			return rc;
		if (dev->lost)
			return -ENODEV;
		rc = cmd_room(dev);
	}
	if (rc < 0)
		return rc;
	for (idx = 0; idx < dev->n_pend; idx++)
		if (dev->pend[idx].tag == 0) {
			p = &dev->pend[idx];
			break;
		}
	if (!p)
		return drv_err(dev, -EIO, "pending table inconsistent");
	/* tag = generation << 16 | entry: O(1) lookup, and a stale or forged tag never matches */
	p->tag = (uint32_t)dev->gen << 16 | idx;
	dev->gen = (uint16_t)(dev->gen + 1u) ? (uint16_t)(dev->gen + 1u) : 1u;
	p->opcode = c->opcode;
	p->wipe = c->wipe;
	p->slot = c->slot;
	p->bytes = c->bytes;
	p->count = c->count;
	p->first_seq = c->first_seq;
	p->batch = c->batch;
	p->waiter = c->waiter;
	dev->n_inflight++;

	d = drv_ring_slot(r, r->head);
	memset(d, 0, sizeof(*d));
	d->opcode = c->opcode;
	d->flags = c->flags;
	d->tag = p->tag;
	d->param_addr = c->param_iova;
	d->count = c->count;
	d->stride = c->stride;
	drv_ring_produce(r, 1);
	if (tag)
		*tag = p->tag;
	return 0;
}

static struct drv_pending *lookup(struct vrfsec_dev *dev, uint32_t tag)
{
	uint32_t idx = tag & 0xffffu;

	if (tag == 0 || idx >= dev->n_pend || dev->pend[idx].tag != tag)
		return NULL;
	return &dev->pend[idx];
}

void drv_cmd_forget(struct vrfsec_dev *dev, uint32_t tag)
{
	struct drv_pending *p = lookup(dev, tag);

	if (p)
		p->waiter = NULL;
}

/* Release a finished command and tell whoever cares. The pending entry and the slot are free
 * before any callback runs. */
static void finish(struct vrfsec_dev *dev, struct drv_pending *p, const struct vrfsec_result *res)
{
	struct vrfsec_batch *b = p->batch;
	struct drv_waiter *w = p->waiter;

	if (p->slot != DRV_NONE)
		drv_slot_put(dev, p->slot, p->wipe ? p->bytes : 0);
	if (p->opcode == VRFSEC_ABI_OP_COUNTERS)
		dev->snap_busy = false; /* the card is done with the snapshot buffer */
	memset(p, 0, sizeof(*p));
	dev->n_inflight--;
	if (w) {
		w->res = *res;
		w->done = true;
	}
	if (b)
		drv_batch_complete(b, res);
}

static int errno_of(uint16_t status)
{
	/* The card speaks errno numbers; an absurd one still reads as an error. */
	return status == 0 ? 0 : status < 4096 ? -(int)status : -EIO;
}

int drv_cpl_process(struct vrfsec_dev *dev, unsigned budget)
{
	struct drv_ring *r = &dev->ring[VRFSEC_ABI_RING_CPL];
	int avail;
	unsigned n;

	if (!r->enabled || dev->lost)
		return 0;
	avail = drv_ring_avail(r);
	if (avail <= 0)
		return avail;
	for (n = 0; n < (unsigned)avail && n < budget; n++) {
		struct vrfsec_abi_cpl_desc d;
		struct vrfsec_result res;
		struct drv_pending *p;

		memcpy(&d, drv_ring_slot(r, r->tail + n), sizeof(d));
		p = lookup(dev, d.tag);
		if (!p) {
			dev->stray_cpl++;
			continue;
		}
		memset(&res, 0, sizeof(res));
		res.opcode = p->opcode;
		res.status = errno_of(d.status);
		res.detail = d.detail;
		res.count = p->count;
		res.done = d.done <= p->count ? d.done : p->count;
		res.failed = d.failed;
		res.first_seq = p->first_seq;
		if (res.status == 0 && res.failed != DRV_NONE)
			res.status = -EIO; /* a failure without a status is still a failure */
		finish(dev, p, &res);
	}
	drv_ring_consume(r, n);
	return (int)n;
}

void drv_cmd_abort(struct vrfsec_dev *dev, int status)
{
	for (uint32_t i = 0; dev->pend && i < dev->n_pend; i++) {
		struct drv_pending *p = &dev->pend[i];
		struct vrfsec_result res = { 0 };

		if (!p->tag)
			continue;
		res.opcode = p->opcode;
		res.status = status;
		res.count = p->count;
		res.failed = 0;
		res.first_seq = p->first_seq;
		/* nobody knows what the card applied: report none applied */
		p->wipe = true;
		p->bytes = p->slot != DRV_NONE ? dev->slot_size : 0;
		finish(dev, p, &res);
	}
}

static bool waiter_done(struct vrfsec_dev *dev, void *arg)
{
	return ((struct drv_waiter *)arg)->done || dev->lost;
}

int drv_cmd_sync(struct vrfsec_dev *dev, uint16_t opcode, uint32_t entry_size, bool wipe,
		 void (*fill)(void *entry, const void *cfg), const void *cfg)
{
	struct drv_waiter w = { 0 };
	struct drv_cmd c = { 0 };
	uint32_t slot, tag;
	int rc;

	if (!cfg)
		return drv_err(dev, -EINVAL, "no parameters");
	if ((rc = drv_no_callback(dev)) != 0)
		return rc;
	dev->msg[0] = '\0';
	rc = drv_slot_get(dev, true, &slot);
	if (rc)
		return rc;
	fill(drv_slot_va(dev, slot), cfg);
	c.opcode = opcode;
	c.param_iova = drv_slot_iova(dev, slot);
	c.count = 1;
	c.stride = entry_size;
	c.slot = slot;
	c.bytes = entry_size;
	c.wipe = wipe;
	c.waiter = &w;
	rc = drv_cmd_post(dev, &c, true, &tag);
	if (rc) {
		drv_slot_put(dev, slot, entry_size);
		return rc;
	}
	rc = drv_wait(dev, waiter_done, &w, dev->cfg.timeout_ms);
	if (rc == 0 && !w.done)
		rc = -ENODEV;
	if (rc) {
		drv_cmd_forget(dev, tag); /* w is on this stack frame */
		return rc;
	}
	dev->last = w.res;
	if (w.res.status)
		drv_err(dev, w.res.status, "%s: %s", vrfsec_op_name(opcode),
			vrfsec_detail_str(w.res.detail));
	return w.res.status;
}

const struct vrfsec_result *vrfsec_last_result(const struct vrfsec_dev *dev)
{
	return &dev->last;
}
