/* SPDX-License-Identifier: Apache-2.0 */
/* Batches: many table entries packed into as few commands as a parameter block holds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

int vrfsec_batch_create(struct vrfsec_dev *dev, const struct vrfsec_batch_cfg *cfg,
			struct vrfsec_batch **batch)
{
	struct vrfsec_batch *b;

	*batch = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return drv_err(dev, -ENOMEM, "out of memory");
	b->dev = dev;
	if (cfg)
		b->cfg = *cfg;
	b->slot = DRV_NONE;
	b->next = dev->batches;
	dev->batches = b;
	*batch = b;
	return 0;
}

static bool blocking(const struct vrfsec_batch *b)
{
	return !(b->cfg.flags & VRFSEC_BATCH_NONBLOCK);
}

/* Post the open command. On failure it stays open, entries and all: nothing is lost. */
static int post(struct vrfsec_batch *b, bool block)
{
	struct vrfsec_dev *dev = b->dev;
	struct drv_cmd c = { 0 };
	int rc;

	if (b->slot == DRV_NONE || b->count == 0)
		return 0;
	c.opcode = b->op;
	c.flags = (b->cfg.flags & VRFSEC_BATCH_STOP_ON_ERROR) ? 1u : 0u;
	c.param_iova = drv_slot_iova(dev, b->slot);
	c.count = b->count;
	c.stride = b->stride;
	c.slot = b->slot;
	c.bytes = b->count * b->stride;
	c.wipe = b->op == VRFSEC_ABI_OP_SA_ADD || b->op == VRFSEC_ABI_OP_SA_UPDATE;
	c.first_seq = b->first_seq;
	c.batch = b;
	rc = drv_cmd_post(dev, &c, block, NULL);
	if (rc)
		return rc;
	b->inflight++;
	b->st.commands++;
	b->slot = DRV_NONE;
	b->count = 0;
	return 0;
}

/* Room for one entry of op in the open command: a pointer to write it at, or NULL and *rc. */
static void *reserve(struct vrfsec_batch *b, uint16_t op, uint32_t size, int *rc)
{
	struct vrfsec_dev *dev = b->dev;

	*rc = 0;
	if (dev->lost) {
		*rc = -ENODEV;
		return NULL;
	}
	if (dev->in_cb) {
		*rc = drv_no_callback(dev);
		return NULL;
	}
	if (b->slot != DRV_NONE && (b->op != op || b->count == b->cap)) {
		*rc = post(b, blocking(b));
		if (*rc)
			return NULL;
	}
	if (b->slot == DRV_NONE) {
		*rc = drv_slot_get(dev, blocking(b), &b->slot);
		if (*rc) {
			b->slot = DRV_NONE;
			return NULL;
		}
		b->op = op;
		b->stride = size;
		b->cap = dev->slot_size / size;
		b->count = 0;
		b->first_seq = b->seq;
	}
	return (uint8_t *)drv_slot_va(dev, b->slot) + (size_t)b->count * b->stride;
}

static int queue(struct vrfsec_batch *b, uint16_t op, uint32_t size,
		 void (*fill)(void *entry, const void *cfg), const void *cfg)
{
	void *e;
	int rc;

	if (!cfg)
		return drv_err(b->dev, -EINVAL, "no parameters");
	e = reserve(b, op, size, &rc);
	if (!e)
		return rc;
	fill(e, cfg);
	b->count++;
	b->seq++;
	b->st.queued++;
	/* a full block goes out at once; if the ring is full it goes with the next call */
	if (b->count == b->cap)
		post(b, false);
	return 0;
}

int vrfsec_batch_sa_add(struct vrfsec_batch *b, const struct vrfsec_sa_cfg *sa)
{
	return queue(b, VRFSEC_ABI_OP_SA_ADD, sizeof(struct vrfsec_abi_sa_entry), drv_fill_sa, sa);
}

int vrfsec_batch_sa_update(struct vrfsec_batch *b, const struct vrfsec_sa_cfg *sa)
{
	return queue(b, VRFSEC_ABI_OP_SA_UPDATE, sizeof(struct vrfsec_abi_sa_entry), drv_fill_sa,
		     sa);
}

int vrfsec_batch_sa_del(struct vrfsec_batch *b, uint32_t idx)
{
	return queue(b, VRFSEC_ABI_OP_SA_DEL, sizeof(struct vrfsec_abi_sa_del_entry),
		     drv_fill_sa_del, &idx);
}

int vrfsec_batch_route_add(struct vrfsec_batch *b, const struct vrfsec_route_cfg *route)
{
	return queue(b, VRFSEC_ABI_OP_ROUTE_ADD, sizeof(struct vrfsec_abi_route_entry),
		     drv_fill_route, route);
}

int vrfsec_batch_route_del(struct vrfsec_batch *b, const struct vrfsec_route_cfg *route)
{
	return queue(b, VRFSEC_ABI_OP_ROUTE_DEL, sizeof(struct vrfsec_abi_route_entry),
		     drv_fill_route, route);
}

int vrfsec_batch_nh_set(struct vrfsec_batch *b, const struct vrfsec_nh_cfg *nh)
{
	return queue(b, VRFSEC_ABI_OP_NH_SET, sizeof(struct vrfsec_abi_nh_entry), drv_fill_nh, nh);
}

int vrfsec_batch_label_map(struct vrfsec_batch *b, const struct vrfsec_label_cfg *label)
{
	return queue(b, VRFSEC_ABI_OP_LABEL_MAP, sizeof(struct vrfsec_abi_label_entry),
		     drv_fill_label, label);
}

int vrfsec_batch_vrf_set(struct vrfsec_batch *b, const struct vrfsec_vrf_cfg *vrf)
{
	return queue(b, VRFSEC_ABI_OP_VRF_SET, sizeof(struct vrfsec_abi_vrf_entry), drv_fill_vrf,
		     vrf);
}

int vrfsec_batch_port_set(struct vrfsec_batch *b, const struct vrfsec_port_settings *port)
{
	return queue(b, VRFSEC_ABI_OP_PORT_SET, sizeof(struct vrfsec_abi_port_entry), drv_fill_port,
		     port);
}

int vrfsec_batch_submit(struct vrfsec_batch *b)
{
	int rc;

	if (b->dev->lost)
		return -ENODEV;
	if ((rc = drv_no_callback(b->dev)) != 0)
		return rc;
	return post(b, blocking(b));
}

static bool batch_idle(struct vrfsec_dev *dev, void *arg)
{
	const struct vrfsec_batch *b = arg;

	return b->inflight == 0 || dev->lost;
}

int vrfsec_batch_wait(struct vrfsec_batch *b, unsigned timeout_ms)
{
	struct vrfsec_dev *dev = b->dev;
	int rc;

	if ((rc = drv_no_callback(dev)) != 0)
		return rc;
	/* a wait blocks anyway, so the last command may wait for room even in a non-blocking batch */
	rc = post(b, true);
	if (rc)
		return rc;
	rc = drv_wait(dev, batch_idle, b, timeout_ms ? timeout_ms : dev->cfg.timeout_ms);
	if (rc == 0 && dev->lost)
		rc = -ENODEV;
	if (rc)
		return rc;
	rc = b->wait_err;
	b->wait_err = 0;
	return rc;
}

void vrfsec_batch_stats_get(const struct vrfsec_batch *b, struct vrfsec_batch_stats *st)
{
	*st = b->st;
}

void drv_batch_complete(struct vrfsec_batch *b, const struct vrfsec_result *res)
{
	struct vrfsec_dev *dev = b->dev;

	b->inflight--;
	b->st.completed++;
	b->st.applied += res->done;
	b->st.failed += res->count - res->done;
	if (res->status && !b->st.first_error.status)
		b->st.first_error = *res;
	if (res->status && !b->wait_err)
		b->wait_err = res->status;
	if (b->cfg.fn) {
		dev->in_cb++;
		b->cfg.fn(b->cfg.arg, res);
		dev->in_cb--;
	}
}

static void unlink_batch(struct vrfsec_batch *b)
{
	struct vrfsec_dev *dev = b->dev;

	for (struct vrfsec_batch **pp = &dev->batches; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	/* commands in flight finish without us */
	for (uint32_t i = 0; dev->pend && i < dev->n_pend; i++)
		if (dev->pend[i].tag && dev->pend[i].batch == b)
			dev->pend[i].batch = NULL;
	if (b->slot != DRV_NONE)
		drv_slot_put(dev, b->slot, b->count * b->stride);
	free(b);
}

void vrfsec_batch_destroy(struct vrfsec_batch *b)
{
	if (!b)
		return;
	if (!b->dev->lost && !b->dev->in_cb)
		post(b, blocking(b));
	unlink_batch(b);
}

void drv_batches_destroy(struct vrfsec_dev *dev)
{
	while (dev->batches)
		unlink_batch(dev->batches);
}
