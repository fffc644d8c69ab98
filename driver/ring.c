/* SPDX-License-Identifier: Apache-2.0 */
/* The ring object: descriptor memory, ring registers and the free-running head/tail protocol. */
#include <errno.h>
#include <string.h>

#include "drv.h"

static const char *const ring_names[VRFSEC_ABI_RING_COUNT] = {
	"CMD", "CPL", "EVENT", "PUNT_BUF", "PUNT", "INJECT",
};

#define REG(r, field) ((r)->regs + (uint32_t)offsetof(struct vrfsec_abi_ring_regs, field))

int drv_ring_create(struct vrfsec_dev *dev, struct drv_ring *r, uint32_t id, uint32_t log2,
		    uint32_t desc_size)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->dev = dev;
	r->id = id;
	r->name = ring_names[id];
	r->regs = dev->off_rings + VRFSEC_ABI_RINGS_RING0 + id * VRFSEC_ABI_RING_STRIDE;
	r->log2 = log2;
	r->size = 1u << log2;
	r->mask = r->size - 1u;
	r->desc_size = desc_size;
	r->h2c = id == VRFSEC_ABI_RING_CMD || id == VRFSEC_ABI_RING_PUNT_BUF ||
		 id == VRFSEC_ABI_RING_INJECT;
	r->has_phase = !r->h2c;
	rc = dev->be.ops->dma_alloc(dev->be.ctx, (size_t)r->size * desc_size, 4096, &r->mem);
	if (rc) {
		r->mem.va = NULL;
		return drv_err(dev, rc, "no DMA memory for the %s ring (%u descriptors)", r->name,
			       r->size);
	}
	return 0;
}

/*
 * The card keeps its indices across a re-base (nothing in the ABI resets them), so the host takes
 * them over: a host -> card ring restarts empty at the card's tail, a card -> host ring drops
 * what an earlier owner left unread. The ring is disabled (log2_size 0) meanwhile, and the card
 * ignores a disabled ring.
 */
int drv_ring_enable(struct drv_ring *r)
{
	struct vrfsec_dev *dev = r->dev;
	uint32_t ds;

	if (!r->mem.va)
		return -EINVAL;
	drv_wr(dev, REG(r, log2_size), 0);
	memset(r->mem.va, 0, (size_t)r->size * r->desc_size);
	drv_wr(dev, REG(r, base_lo), (uint32_t)r->mem.iova);
	drv_wr(dev, REG(r, base_hi), (uint32_t)(r->mem.iova >> 32));
	ds = drv_rd(dev, REG(r, desc_size));
	if (ds != 0 && ds != r->desc_size)
		return drv_err(dev, -EPROTO, "%s ring: card says %u-byte descriptors, the ABI %u",
			       r->name, ds, r->desc_size);
	if (r->h2c) {
		r->tail = r->head = drv_rd(dev, REG(r, tail));
		drv_wr(dev, REG(r, head), r->head);
	} else {
		r->head = r->tail = drv_rd(dev, REG(r, head));
		drv_wr(dev, REG(r, tail), r->tail);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	drv_wr(dev, REG(r, log2_size), r->log2);
	r->enabled = true;
	return 0;
}

void drv_ring_disable(struct drv_ring *r)
{
	if (!r->enabled)
		return;
	drv_wr(r->dev, REG(r, log2_size), 0);
	r->enabled = false;
}

void drv_ring_destroy(struct drv_ring *r)
{
	struct vrfsec_dev *dev = r->dev;

	drv_ring_disable(r);
	if (r->mem.va && dev)
		dev->be.ops->dma_free(dev->be.ctx, &r->mem);
	r->mem.va = NULL;
}

void *drv_ring_slot(const struct drv_ring *r, uint32_t idx)
{
	return (uint8_t *)r->mem.va + (size_t)(idx & r->mask) * r->desc_size;
}

int drv_ring_space(struct drv_ring *r)
{
	uint32_t t;

	if (r->head - r->tail < r->size)
		return (int)(r->size - (r->head - r->tail));
	/* looks full: ask the card how far it got */
	t = drv_rd(r->dev, REG(r, tail));
	if (r->head - t > r->size || t - r->tail > r->size)
		return drv_err(r->dev, -EIO, "%s ring: card tail %u impossible (head %u, size %u)",
			       r->name, t, r->head, r->size);
	r->tail = t;
	return (int)(r->size - (r->head - r->tail));
}

void drv_ring_produce(struct drv_ring *r, uint32_t n)
{
	r->head += n;
	/* descriptors first, then the doorbell that publishes them */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	drv_wr(r->dev, REG(r, head), r->head);
}

/* Phase of the pass that index idx belongs to: 1 on the first pass from index 0, then 0, 1, ...,
 * so a zeroed ring never looks filled. */
static uint8_t phase_of(const struct drv_ring *r, uint32_t idx)
{
	return (uint8_t)(((idx >> r->log2) & 1u) ^ 1u);
}

int drv_ring_avail(struct drv_ring *r)
{
	uint32_t h = drv_rd(r->dev, REG(r, head)), n, i;

	n = h - r->tail;
	if (n > r->size)
		return drv_err(r->dev, -EIO, "%s ring: card head %u impossible (tail %u, size %u)",
			       r->name, h, r->tail, r->size);
	r->head = h;
	if (!r->has_phase)
		return (int)n;
	/* The head store comes after the descriptors (release), so a wrong phase below it is a
	 * card that does not follow the ABI, not a race. */
	for (i = 0; i < n; i++) {
		uint32_t idx = r->tail + i;
		const uint8_t *d = drv_ring_slot(r, idx);
		uint8_t ph = __atomic_load_n(d + r->desc_size - 1u, __ATOMIC_ACQUIRE);

		if (ph != phase_of(r, idx))
			return drv_err(r->dev, -EIO, "%s ring: descriptor %u below the head has phase "
				       "%u, expected %u", r->name, idx, ph, phase_of(r, idx));
	}
	return (int)n;
}

void drv_ring_consume(struct drv_ring *r, uint32_t n)
{
	r->tail += n;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	drv_wr(r->dev, REG(r, tail), r->tail);
}
